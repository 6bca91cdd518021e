// A CPU data-cache hierarchy: set-associative levels with true LRU replacement, looked up in order, the next
// level only on a miss (non-inclusive, no back-invalidation). Each level behaves as valgrind 3.19 cachegrind's
// cg_sim.c cachesim_ref_is_miss: an access spanning two lines is one access, a miss if either line misses, and
// both lines are looked up (and made most recent) either way; a miss at level i looks up the same access at i+1.

import type { AccessSink } from '../access/access-pattern.js';
import { LruSets } from '../lru-sets.js';
import { countSets, validateGeometry, type CacheGeometry, type CacheLevelGeometry } from './geometry.js';

/**
 * One level's state and counters.
 *
 * Invariants (checked by check.ts):
 * - lines holds line numbers n = floor(address / lineBytes), with the invariants of LruSets
 * - readMisses <= reads, writeMisses <= writes
 * - when set misses are counted: readMisses + writeMisses <= Σ setLineMisses <= lines spanned by the missing
 *   accesses (2 × misses for accesses no longer than a line)
 * - without write-allocate, a write miss leaves the tags unchanged
 */
export class CacheLevel implements AccessSink {
  readonly geometry: CacheLevelGeometry;
  /** The tags: recency-ordered line numbers per set (lines.sets sets of geometry.ways ways). */
  readonly lines: LruSets;
  /** Lines looked up and not found, per set (a heat strip of conflict); empty unless counted (constructor). */
  readonly setLineMisses: Float64Array;
  reads = 0;
  writes = 0;
  readMisses = 0;
  writeMisses = 0;
  private readonly invLineBytes: number;
  private readonly lineBytes: number;
  private readonly lineMask: number;
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
    const sets = countSets(geometry);
    this.lines = new LruSets(sets, geometry.ways);
    this.countSetMisses = countSetMisses;
    this.setLineMisses = new Float64Array(countSetMisses ? sets : 0);
    this.invLineBytes = 1 / geometry.lineBytes; // exact: lineBytes is a power of two
    this.lineBytes = geometry.lineBytes;
    this.lineMask = geometry.lineBytes - 1;
    this.writeAllocate = geometry.writeAllocate;
  }

  /** Counts one access and returns true when it missed (cachegrind's rule for accesses spanning lines). */
  lookup(address: number, sizeBytes: number, isWrite: boolean): boolean {
    const first = Math.floor(address * this.invLineBytes);
    const allocate = !isWrite || this.writeAllocate;
    let miss = this.lookupLine(first, allocate);
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

  /** Looks one line up in its set, making it the most recent; on a miss installs it if allocate, and counts it per set. */
  private lookupLine(line: number, allocate: boolean): boolean {
    if (!this.lines.lookup(line, allocate)) return false;
    if (this.countSetMisses) this.setLineMisses[this.lines.setOf(line)]!++;
    return true;
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
