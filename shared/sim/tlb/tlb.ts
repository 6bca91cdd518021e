// A set-associative TLB with true LRU replacement: one entry per virtual page number (address / page size),
// the set chosen by page number modulo the set count. An access that spans pages translates each page it
// touches. Models the first-level DTLB only (no STLB, no page-walk caches).

import type { AccessSink } from '../access/access-pattern.js';
import { validateTlbGeometry, type TlbGeometry } from './params.js';

/** Page number of an empty entry. */
export const INVALID_PAGE = -1;

/**
 * TLB state and counters.
 *
 * Invariants (checked by check.ts):
 * - pages[s × ways + w] is INVALID_PAGE or a page number p with p mod sets = s
 * - in a set, valid page numbers are distinct and precede invalid entries; w is the recency rank (0 = most recent)
 * - misses <= lookups; accesses <= lookups
 * - valid entries <= min(entries, distinct pages looked up), and every miss installs its page
 */
export class Tlb implements AccessSink {
  readonly geometry: TlbGeometry;
  readonly sets: number;
  readonly ways: number;
  readonly pages: Float64Array;
  /** Calls of access(). */
  accesses = 0;
  /** Page translations asked for (one per page an access touches). */
  lookups = 0;
  /** Translations not in the TLB: each costs a page walk. */
  misses = 0;
  private readonly invPageBytes: number;
  private lastPage = INVALID_PAGE;

  /** Creates an empty TLB (throws RangeError on an invalid geometry). */
  constructor(geometry: TlbGeometry) {
    const problems = validateTlbGeometry(geometry);
    if (problems.length > 0) throw new RangeError(problems.join('; '));
    this.geometry = { ...geometry };
    this.sets = geometry.entries / geometry.ways;
    this.ways = geometry.ways;
    this.pages = new Float64Array(geometry.entries).fill(INVALID_PAGE);
    this.invPageBytes = 1 / geometry.pageBytes;
  }

  /** Translates every page the access touches. */
  access(address: number, sizeBytes: number, _isWrite: boolean): void {
    this.accesses++;
    const first = Math.floor(address * this.invPageBytes);
    const last = Math.floor((address + sizeBytes - 1) * this.invPageBytes);
    for (let page = first; page <= last; page++) {
      this.lookups++;
      if (page !== this.lastPage && this.lookupPage(page)) this.misses++;
    }
  }

  /** Looks a page up, making it the most recent of its set; installs it (evicting the LRU entry) on a miss. */
  private lookupPage(page: number): boolean {
    this.lastPage = page;
    const base = (page % this.sets) * this.ways;
    const pages = this.pages;
    const end = base + this.ways;
    for (let i = base; i < end; i++) {
      if (pages[i] === page) {
        for (let j = i; j > base; j--) pages[j] = pages[j - 1]!;
        pages[base] = page;
        return false;
      }
    }
    for (let j = end - 1; j > base; j--) pages[j] = pages[j - 1]!;
    pages[base] = page;
    return true;
  }
}
