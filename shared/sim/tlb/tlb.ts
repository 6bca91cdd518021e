// A set-associative TLB with true LRU replacement: one entry per virtual page number (address / page size),
// the set chosen by page number modulo the set count. An access that spans pages translates each page it
// touches. Models the first-level DTLB only (no STLB, no page-walk caches).

import type { AccessSink } from '../access/access-pattern.js';
import { LruSets } from '../lru-sets.js';
import { validateTlbGeometry, type TlbGeometry } from './params.js';

/**
 * TLB state and counters.
 *
 * Invariants (checked by check.ts):
 * - pages holds page numbers (address / pageBytes), with the invariants of LruSets
 * - misses <= lookups; accesses <= lookups
 * - valid entries <= min(entries, distinct pages looked up), and every miss installs its page
 */
export class Tlb implements AccessSink {
  readonly geometry: TlbGeometry;
  /** The entries: recency-ordered page numbers per set (entries / ways sets of ways ways). */
  readonly pages: LruSets;
  /** Calls of access(). */
  accesses = 0;
  /** Page translations asked for (one per page an access touches). */
  lookups = 0;
  /** Translations not in the TLB: each costs a page walk. */
  misses = 0;
  private readonly invPageBytes: number;

  /** Creates an empty TLB (throws RangeError on an invalid geometry). */
  constructor(geometry: TlbGeometry) {
    const problems = validateTlbGeometry(geometry);
    if (problems.length > 0) throw new RangeError(problems.join('; '));
    this.geometry = { ...geometry };
    this.pages = new LruSets(geometry.entries / geometry.ways, geometry.ways);
    this.invPageBytes = 1 / geometry.pageBytes;
  }

  /** Translates every page the access touches. */
  access(address: number, sizeBytes: number, _isWrite: boolean): void {
    this.accesses++;
    const first = Math.floor(address * this.invPageBytes);
    const last = Math.floor((address + sizeBytes - 1) * this.invPageBytes);
    for (let page = first; page <= last; page++) {
      this.lookups++;
      if (this.pages.lookup(page, true)) this.misses++; // a miss installs the page, evicting the LRU entry
    }
  }
}
