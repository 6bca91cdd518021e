// The smaps fields memscope knows, one row each, and the one rule for summing them over mappings.
// Both smaps readers (smaps.ts → Mapping objects, smaps-json.ts → JSON text) and every sum (report
// totals, per-file groups, the mappings table) take them from here. Source of truth: fs/proc/task_mmu.c
// __show_smap(), show_smap(), show_smaps_rollup() (Linux 6.18) and Documentation/filesystems/proc.rst.

import type { Mapping, SmapsFields } from './types.js';

/**
 * How the kernel prints a field's value, so what the parsed number means:
 * 'kB' an amount, "Rss:   12 kB" → 12; 'number' a bare number without a unit, "THPeligible:    0"
 * (a flag or an id); 'words' a list of words, "VmFlags: rd wr mr" → ['rd', 'wr', 'mr'].
 */
export type SmapsUnit = 'kB' | 'number' | 'words';

/** One smaps field. */
export interface SmapsFieldSpec {
  /** The kernel's key, which is also the property of SmapsFields and the JSON key ("Private_Dirty"). */
  readonly key: string;
  readonly unit: SmapsUnit;
  /**
   * True for an amount of memory that adds up over mappings (Rss, Swap, …); false for a property of
   * one mapping (KernelPageSize 4 + 4 is not 8 kB of anything) and for word lists.
   */
  readonly additive: boolean;
}

/**
 * Every key Linux 6.18 prints in smaps or smaps_rollup, in print order (Pss_Anon/Pss_File/Pss_Shmem
 * only in smaps_rollup). Keys not listed here are still read and kept (a newer kernel's), and
 * summed when their values are numbers.
 */
export const SMAPS_FIELDS: readonly SmapsFieldSpec[] = [
  { key: 'Size', unit: 'kB', additive: true },
  { key: 'KernelPageSize', unit: 'kB', additive: false },
  { key: 'MMUPageSize', unit: 'kB', additive: false },
  { key: 'Rss', unit: 'kB', additive: true },
  { key: 'Pss', unit: 'kB', additive: true },
  { key: 'Pss_Dirty', unit: 'kB', additive: true },
  { key: 'Pss_Anon', unit: 'kB', additive: true },
  { key: 'Pss_File', unit: 'kB', additive: true },
  { key: 'Pss_Shmem', unit: 'kB', additive: true },
  { key: 'Shared_Clean', unit: 'kB', additive: true },
  { key: 'Shared_Dirty', unit: 'kB', additive: true },
  { key: 'Private_Clean', unit: 'kB', additive: true },
  { key: 'Private_Dirty', unit: 'kB', additive: true },
  { key: 'Referenced', unit: 'kB', additive: true },
  { key: 'Anonymous', unit: 'kB', additive: true },
  { key: 'KSM', unit: 'kB', additive: true },
  { key: 'LazyFree', unit: 'kB', additive: true },
  { key: 'AnonHugePages', unit: 'kB', additive: true },
  { key: 'ShmemPmdMapped', unit: 'kB', additive: true },
  { key: 'FilePmdMapped', unit: 'kB', additive: true },
  { key: 'Shared_Hugetlb', unit: 'kB', additive: true },
  { key: 'Private_Hugetlb', unit: 'kB', additive: true },
  { key: 'Swap', unit: 'kB', additive: true },
  { key: 'SwapPss', unit: 'kB', additive: true },
  { key: 'Locked', unit: 'kB', additive: true },
  { key: 'THPeligible', unit: 'number', additive: false },
  { key: 'ProtectionKey', unit: 'number', additive: false },
  { key: 'VmFlags', unit: 'words', additive: false },
];

const NOT_ADDITIVE: ReadonlySet<string> = new Set(SMAPS_FIELDS.filter((f) => !f.additive).map((f) => f.key));

/** Whether a field's numbers add up over mappings: per SMAPS_FIELDS, and true for a key it does not list. */
export function isAdditiveSmapsField(key: string): boolean {
  return !NOT_ADDITIVE.has(key);
}

/**
 * Adds one mapping's fields to `sums`: every field whose value is a number and that is additive,
 * under the kernel's key; a key new to `sums` goes last (so keys keep the order they were first met).
 */
export function addSmapsAmounts(sums: Record<string, number>, fields: SmapsFields): void {
  for (const key in fields) {
    const value = fields[key];
    if (typeof value !== 'number' || NOT_ADDITIVE.has(key)) continue;
    // Own properties only: `sums.constructor` would otherwise be Object's and "add" to a string.
    sums[key] = Object.hasOwn(sums, key) ? sums[key]! + value : value;
  }
}

/** addSmapsAmounts over every mapping, in order; mappings without smaps add nothing. */
export function sumSmapsAmounts(mappings: readonly Mapping[]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const m of mappings) if (m.smaps !== undefined) addSmapsAmounts(sums, m.smaps);
  return sums;
}
