// Consistency checks of a simulated TLB: the invariant equations written on Tlb (tlb.ts), recounted by brute
// force. Pure; returns violations.

import { checkLruSets, countValidKeys } from '../lru-sets.js';
import { type Tlb } from './tlb.js';

/** Checks a TLB's entries and counters; returns human-readable violations (empty when sound). */
export function checkTlb(tlb: Tlb): string[] {
  const out = checkLruSets(tlb.pages, 'page');
  const valid = countValidKeys(tlb.pages);
  if (tlb.misses > tlb.lookups) out.push(`misses ${tlb.misses} > lookups ${tlb.lookups}`);
  if (tlb.accesses > tlb.lookups) out.push(`accesses ${tlb.accesses} > lookups ${tlb.lookups}`);
  if (valid > tlb.misses) out.push(`${valid} valid entries but only ${tlb.misses} misses installed pages`);
  return out;
}
