// A CPU data-cache hierarchy: set-associative levels with true LRU replacement, looked up in order, the next
// level only on a miss (non-inclusive, no back-invalidation). Each level behaves as valgrind 3.19 cachegrind's
// cg_sim.c cachesim_ref_is_miss: an access spanning two lines is one access, a miss if either line misses, and
// both lines are looked up (and made most recent) either way; a miss at level i looks up the same access at i+1.

import type { AccessSink } from '../access/access-pattern.js';
import { countSets, validateGeometry, type CacheGeometry, type CacheLevelGeometry } from './geometry.js';

/** Tag of an empty way (line numbers are >= 0). */
export const INVALID_TAG = -1;

/**
 * One level's state and counters.
 *
 * Invariants (checked by check.ts):
 * - tags[s × ways + w] is INVALID_TAG or a line number n (= floor(address / lineBytes)) with n mod sets = s
 * - in a set, valid tags are distinct and precede the invalid ones; w is the recency rank (w = 0 most recent)
 * - readMisses <= reads, writeMisses <= writes
 * - when set misses are counted: readMisses + writeMisses <= Σ setLineMisses <= lines spanned by the missing
 *   accesses (2 × misses for accesses no longer than a line)
 * - without write-allocate, a write miss leaves the tags unchanged
 */
export class CacheLevel implements AccessSink {
  readonly geometry: CacheLevelGeometry;
  readonly sets: number;
  readonly ways: number;
  /** Recency-ordered line numbers per set (see the invariants). */
  readonly tags: Float64Array;
  /** Lines looked up and not found, per set (a heat strip of conflict); empty unless counted (constructor). */
  readonly setLineMisses: Float64Array;
  reads = 0;
  writes = 0;
  readMisses = 0;
  writeMisses = 0;
  /** The line looked up last: the most recent of its set, so a repeat is a hit that changes nothing (-1: none). */
  private lastLine = INVALID_TAG;
  private readonly invLineBytes: number;
  private readonly lineBytes: number;
  private readonly lineMask: number;
  private readonly setMask: number;
  private readonly writeAllocate: boolean;
  private readonly countSetMisses: boolean;

  /**
   * Creates an empty level (every way invalid). countSetMisses fills setLineMisses; it is off by default
   * because one more array touched per miss costs the host's own caches about a fifth of the speed.
   */
  constructor(geometry: CacheLevelGeometry, countSetMisses = false) {
    const problems = validateGeometry([geometry]);
    if (problems.length > 0) throw new RangeError(problems.join('; '));
    this.geometry = { ...geometry };
    this.sets = countSets(geometry);
    this.ways = geometry.ways;
    this.tags = new Float64Array(this.sets * this.ways).fill(INVALID_TAG);
    this.countSetMisses = countSetMisses;
    this.setLineMisses = new Float64Array(countSetMisses ? this.sets : 0);
    this.invLineBytes = 1 / geometry.lineBytes; // exact: lineBytes is a power of two
    this.lineBytes = geometry.lineBytes;
    this.lineMask = geometry.lineBytes - 1;
    this.setMask = (this.sets & (this.sets - 1)) === 0 ? this.sets - 1 : -1;
    this.writeAllocate = geometry.writeAllocate;
  }

  /** Counts one access and returns true when it missed (cachegrind's rule for accesses spanning lines). */
  lookup(address: number, sizeBytes: number, isWrite: boolean): boolean {
    const first = Math.floor(address * this.invLineBytes);
    const allocate = !isWrite || this.writeAllocate;
    let miss = first === this.lastLine ? false : this.lookupLine(first, allocate);
    // `address & lineMask` is the offset in the line (ToInt32 keeps the low bits exactly).
    if ((address & this.lineMask) + sizeBytes > this.lineBytes) {
      const last = Math.floor((address + sizeBytes - 1) * this.invLineBytes);
      for (let line = first + 1; line <= last; line++) {
        if (this.lookupLine(line, allocate)) miss = true;
      }
    }
    if (isWrite) {
      this.writes++;
      if (miss) this.writeMisses++;
    } else {
      this.reads++;
      if (miss) this.readMisses++;
    }
    return miss;
  }

  /** AccessSink: a lookup whose result is dropped (a one-level simulation). */
  access(address: number, sizeBytes: number, isWrite: boolean): void {
    this.lookup(address, sizeBytes, isWrite);
  }

  /** Looks one line up in its set, making it the most recent; on a miss installs it if allocate. */
  private lookupLine(line: number, allocate: boolean): boolean {
    // `line & setMask` takes the line number modulo 2^32 first: exact, since sets <= 2^30.
    const set = this.setMask >= 0 ? line & this.setMask : line % this.sets;
    const tags = this.tags;
    const base = set * this.ways;
    const end = base + this.ways;
    this.lastLine = line;
    if (tags[base] === line) return false;
    if (!allocate) {
      for (let i = base + 1; i < end; i++) if (tags[i] === line) return this.moveToFront(base, i, line);
      if (this.countSetMisses) this.setLineMisses[set]!++;
      this.lastLine = INVALID_TAG; // not installed: it is not the most recent line of its set
      return true;
    }
    // One pass: each way takes the tag of the way before it (the line itself goes to way 0) until the line is
    // found (a hit: the ways above it moved down one rank) or the set ends (a miss: the LRU tag falls off).
    let carried = tags[base]!;
    tags[base] = line;
    for (let i = base + 1; i < end; i++) {
      const t = tags[i]!;
      tags[i] = carried;
      if (t === line) return false;
      carried = t;
    }
    if (this.countSetMisses) this.setLineMisses[set]!++;
    return true;
  }

  /** Makes way i of the set at base the most recent (a hit). */
  private moveToFront(base: number, i: number, line: number): boolean {
    const tags = this.tags;
    for (let j = i; j > base; j--) tags[j] = tags[j - 1]!;
    tags[base] = line;
    return false;
  }
}

/** The levels in lookup order; an access goes to level i + 1 only when it missed level i. */
export class CacheHierarchy implements AccessSink {
  readonly levels: readonly CacheLevel[];
  private readonly first: CacheLevel;
  private readonly rest: readonly CacheLevel[];

  /** Creates empty caches for a geometry (throws RangeError on an invalid one); see CacheLevel for countSetMisses. */
  constructor(geometry: CacheGeometry, countSetMisses = false) {
    const problems = validateGeometry(geometry);
    if (problems.length > 0) throw new RangeError(problems.join('; '));
    this.levels = geometry.map((g) => new CacheLevel(g, countSetMisses));
    this.first = this.levels[0]!;
    this.rest = this.levels.slice(1);
  }

  /** One data access: looked up in L1, then in each next level while it keeps missing. */
  access(address: number, sizeBytes: number, isWrite: boolean): void {
    if (!this.first.lookup(address, sizeBytes, isWrite)) return;
    const rest = this.rest;
    for (let i = 0; i < rest.length; i++) {
      if (!rest[i]!.lookup(address, sizeBytes, isWrite)) return;
    }
  }
}
