// TLB sizes and page sizes of the TLB model, one tunables table. Defaults are an Intel Skylake-class first-level
// data TLB (Intel 64 and IA-32 Architectures Optimization Reference Manual, Skylake client microarchitecture,
// "DTLB: 4 KiB pages 64 entries 4-way, 2M/4M pages 32 entries 4-way").

import { PMD_SIZE } from '../../mm/translate.js';
import { PAGE_SIZE } from '../../units.js';

/** A TLB: entries in sets of `ways`, each translating one page of pageBytes. */
export interface TlbGeometry {
  entries: number;
  /** Associativity; ways = entries means fully associative. */
  ways: number;
  pageBytes: number;
}

/** Default first-level DTLB for 4 KiB pages. */
export const DEFAULT_TLB_4K: TlbGeometry = { entries: 64, ways: 4, pageBytes: PAGE_SIZE };
/** Default first-level DTLB for 2 MiB pages. */
export const DEFAULT_TLB_2M: TlbGeometry = { entries: 32, ways: 4, pageBytes: PMD_SIZE };

/** Bytes a TLB can translate without a miss: entries × page size. */
export function computeReachBytes(g: TlbGeometry): number {
  return g.entries * g.pageBytes;
}

/**
 * Most TLB entries the model takes: 4× the largest real data TLBs (AMD Zen 5's 4096-entry L2 DTLB), so every
 * real configuration fits and a typo cannot allocate gigabytes.
 */
export const MAX_TLB_ENTRIES = 16384;
/** Most ways: fully associative TLBs have at most a few hundred entries, and a lookup scans its set's ways. */
export const MAX_TLB_WAYS = 256;

/** Problems with a TLB geometry, one line each (empty when valid). */
export function validateTlbGeometry(g: TlbGeometry): string[] {
  const out: string[] = [];
  if (!Number.isSafeInteger(g.entries) || g.entries < 1) out.push(`entries ${g.entries} is not a positive integer`);
  else if (g.entries > MAX_TLB_ENTRIES) out.push(`entries ${g.entries} is more than ${MAX_TLB_ENTRIES} (the simulator's bound)`);
  if (!Number.isSafeInteger(g.ways) || g.ways < 1) out.push(`ways ${g.ways} is not a positive integer`);
  else if (g.ways > MAX_TLB_WAYS) out.push(`ways ${g.ways} is more than ${MAX_TLB_WAYS} (the simulator's bound)`);
  else if (g.entries % g.ways !== 0) out.push(`entries ${g.entries} is not a multiple of ways ${g.ways}`);
  if (!Number.isSafeInteger(g.pageBytes) || g.pageBytes < 1 || (g.pageBytes & (g.pageBytes - 1)) !== 0) out.push(`page size ${g.pageBytes} is not a power of two`);
  return out;
}
