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

/** Sums the mapping sizes (without [vsyscall]) and compares them with VmSize. */
export function checkVmSize(mappings: readonly Mapping[], vmSizeKb: number): VmSizeCheck {
  let sumKb = 0;
  let vsyscallKb = 0;
  for (const m of mappings) {
    const sizeKb = mappingSizeKb(m.start, m.end);
    if (m.path === '[vsyscall]') vsyscallKb += sizeKb;
    else sumKb += sizeKb;
  }
  return { sumKb, vmSizeKb, vsyscallKb, ok: sumKb === vmSizeKb };
}
