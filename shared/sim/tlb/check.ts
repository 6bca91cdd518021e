// Consistency checks of a simulated TLB: the invariant equations written on Tlb (tlb.ts), recounted by brute
// force. Pure; returns violations.

import { INVALID_PAGE, type Tlb } from './tlb.js';

/** Checks a TLB's entries and counters; returns human-readable violations (empty when sound). */
export function checkTlb(tlb: Tlb): string[] {
  const out: string[] = [];
  let valid = 0;
  for (let s = 0; s < tlb.sets; s++) {
    const seen = new Set<number>();
    let invalidSeen = false;
    for (let w = 0; w < tlb.ways; w++) {
      const page = tlb.pages[s * tlb.ways + w]!;
      if (page === INVALID_PAGE) {
        invalidSeen = true;
        continue;
      }
      valid++;
      if (invalidSeen) out.push(`set ${s}: valid entry after an invalid one (recency order broken)`);
      if (page % tlb.sets !== s) out.push(`set ${s} way ${w}: page ${page} belongs to set ${page % tlb.sets}`);
      if (seen.has(page)) out.push(`set ${s}: page ${page} held twice`);
      seen.add(page);
    }
  }
  if (tlb.misses > tlb.lookups) out.push(`misses ${tlb.misses} > lookups ${tlb.lookups}`);
  if (tlb.accesses > tlb.lookups) out.push(`accesses ${tlb.accesses} > lookups ${tlb.lookups}`);
  if (valid > tlb.misses) out.push(`${valid} valid entries but only ${tlb.misses} misses installed pages`);
  return out;
}
