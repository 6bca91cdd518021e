// Replays an access pattern through a TLB and reports hits, misses and reach against the pattern's footprint;
// compares 4 KiB pages with 2 MiB pages on the same pattern (as if every buffer were backed by THPs).

import { sumFootprintBytes, type AccessPattern } from '../access/access-pattern.js';
import { computeReachBytes, DEFAULT_TLB_2M, DEFAULT_TLB_4K, type TlbGeometry } from './params.js';
import { Tlb } from './tlb.js';

/** One TLB run. Invariant: hits + misses = lookups; lookups >= accesses. */
export interface TlbReport {
  pattern: string;
  geometry: TlbGeometry;
  sets: number;
  /** entries × pageBytes. */
  reachBytes: number;
  /** Sum of the pattern's buffer sizes. */
  footprintBytes: number;
  accesses: number;
  lookups: number;
  hits: number;
  misses: number;
  /** misses / lookups (0 when no lookups). */
  missRate: number;
}

/** Runs pattern through an empty TLB of the given geometry. */
export function simulateTlb(geometry: TlbGeometry, pattern: AccessPattern): TlbReport {
  const tlb = new Tlb(geometry);
  pattern.run(tlb);
  return {
    pattern: pattern.label,
    geometry: { ...geometry },
    sets: tlb.pages.sets,
    reachBytes: computeReachBytes(geometry),
    footprintBytes: sumFootprintBytes(pattern),
    accesses: tlb.accesses,
    lookups: tlb.lookups,
    hits: tlb.lookups - tlb.misses,
    misses: tlb.misses,
    missRate: tlb.lookups === 0 ? 0 : tlb.misses / tlb.lookups,
  };
}

/** The same pattern through each geometry (by default the 4 KiB and the 2 MiB DTLB). */
export function compareTlbPageSizes(pattern: AccessPattern, geometries: readonly TlbGeometry[] = [DEFAULT_TLB_4K, DEFAULT_TLB_2M]): TlbReport[] {
  return geometries.map((g) => simulateTlb(g, pattern));
}
