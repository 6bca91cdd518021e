// Checks a mapping list against the kernel's own total: the sizes of all VMAs add up to VmSize
// (mm->total_vm) in /proc/PID/status. [vsyscall] is the gate area, not a VMA of the process, so it
// is printed in maps but not counted (fs/proc/task_mmu.c: get_gate_vma; task_mem(): total_vm).

import { mappingSizeKb } from '../units.js';
import type { Mapping } from './types.js';

/** The result of comparing Σ mapping sizes with VmSize. */
export interface VmSizeCheck {
  /** Σ (end − start) over all mappings except [vsyscall], kB. */
  sumKb: number;
  /** VmSize from /proc/PID/status, kB (as given). */
  vmSizeKb: number;
  /** Size of [vsyscall] (0 when absent), kB: shown in maps, outside VmSize. */
  vsyscallKb: number;
  /** sumKb === vmSizeKb. False means maps and status were read at different moments (or a parser bug). */
  ok: boolean;
}

/** The running sums of a VmSize check, mapping by mapping. */
export interface VmSizeSums {
  /** Σ (end − start) over the mappings added, except [vsyscall], kB. */
  sumKb: number;
  /** Size of [vsyscall] (0 when absent), kB. */
  vsyscallKb: number;
}

/** Adds one mapping, `sizeKb` = (end − start) / 1024, named `path`: [vsyscall] is kept apart. */
export function addVmSizeMapping(sums: VmSizeSums, path: string, sizeKb: number): void {
  if (path === '[vsyscall]') sums.vsyscallKb += sizeKb;
  else sums.sumKb += sizeKb;
}

/** Compares the sums with VmSize (from /proc/PID/status, kB). */
export function finishVmSizeCheck(sums: VmSizeSums, vmSizeKb: number): VmSizeCheck {
  return { sumKb: sums.sumKb, vmSizeKb, vsyscallKb: sums.vsyscallKb, ok: sums.sumKb === vmSizeKb };
}

/** Sums the mapping sizes (without [vsyscall]) and compares them with VmSize. */
export function checkVmSize(mappings: readonly Mapping[], vmSizeKb: number): VmSizeCheck {
  const sums: VmSizeSums = { sumKb: 0, vsyscallKb: 0 };
  for (const m of mappings) addVmSizeMapping(sums, m.path, mappingSizeKb(m.start, m.end));
  return finishVmSizeCheck(sums, vmSizeKb);
}
