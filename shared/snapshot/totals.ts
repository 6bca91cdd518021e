// The "totals" section of a snapshot: each numeric smaps field summed over all mappings.
// Source of truth: shared/snapshot/FORMAT.md; which fields are amounts: shared/proc/group.ts NON_ADDITIVE_SMAPS_FIELDS.

import { NON_ADDITIVE_SMAPS_FIELDS } from '../proc/group.js';
import type { Mapping } from '../proc/types.js';
import type { SnapshotTotals } from './schema.js';

/**
 * Sums every additive numeric smaps field (Size, Rss, Pss, Swap, Private_Dirty, …, unknown future
 * ones too) over the mappings, keyed by the kernel's field name, in order of first appearance.
 * Per-mapping properties (KernelPageSize, MMUPageSize, THPeligible, ProtectionKey) and VmFlags are
 * left out. Mappings without smaps contribute nothing.
 */
export function sumSnapshotTotals(mappings: readonly Mapping[]): SnapshotTotals {
  const totals: SnapshotTotals = {};
  for (const m of mappings) {
    const fields = m.smaps;
    if (fields === undefined) continue;
    for (const name in fields) {
      const value = fields[name];
      if (typeof value !== 'number' || NON_ADDITIVE_SMAPS_FIELDS.has(name)) continue;
      totals[name] = (totals[name] ?? 0) + value;
    }
  }
  return totals;
}
