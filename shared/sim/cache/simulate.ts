// Runs an access pattern through a fresh cache hierarchy and reports, per level, accesses, hits and misses
// (reads and writes apart), plus optionally the per-set line misses for a heat strip.

import { sumFootprintBytes, type AccessPattern } from '../access/access-pattern.js';
import { countSets, type CacheGeometry } from './geometry.js';
import { CacheHierarchy } from './hierarchy.js';

/**
 * One level's counts. Invariants: accesses = reads + writes = hits + misses; misses = readMisses + writeMisses;
 * a level's accesses = the previous level's misses.
 */
export interface CacheLevelReport {
  name: string;
  sizeBytes: number;
  ways: number;
  lineBytes: number;
  sets: number;
  writeAllocate: boolean;
  accesses: number;
  hits: number;
  misses: number;
  reads: number;
  writes: number;
  readMisses: number;
  writeMisses: number;
  /** hits / accesses (0 when no accesses). */
  hitRate: number;
  /** Lines looked up and missed, per set; present when asked for. */
  setLineMisses?: number[];
}

/** One pattern through one geometry. */
export interface CacheReport {
  pattern: string;
  accessCount: number;
  footprintBytes: number;
  /** The pattern's buffers, bases as lowercase hex. */
  buffers: { name: string; base: string; sizeBytes: number }[];
  levels: CacheLevelReport[];
  /** Accesses that missed every level (went to memory). */
  memoryAccesses: number;
}

/** Options of {@link simulateCache}. */
export interface SimulateCacheOptions {
  /** Include per-set line misses in each level's report. */
  setHeat?: boolean;
}

/** Replays pattern through empty caches of the given geometry. Throws RangeError on an invalid geometry. */
export function simulateCache(geometry: CacheGeometry, pattern: AccessPattern, options: SimulateCacheOptions = {}): CacheReport {
  const h = new CacheHierarchy(geometry, options.setHeat === true);
  pattern.run(h);
  const levels = h.levels.map((l): CacheLevelReport => {
    const accesses = l.reads + l.writes;
    const misses = l.readMisses + l.writeMisses;
    const g = l.geometry;
    const report: CacheLevelReport = {
      name: g.name,
      sizeBytes: g.sizeBytes,
      ways: g.ways,
      lineBytes: g.lineBytes,
      sets: countSets(g),
      writeAllocate: g.writeAllocate,
      accesses,
      hits: accesses - misses,
      misses,
      reads: l.reads,
      writes: l.writes,
      readMisses: l.readMisses,
      writeMisses: l.writeMisses,
      hitRate: accesses === 0 ? 0 : (accesses - misses) / accesses,
    };
    if (options.setHeat === true) report.setLineMisses = Array.from(l.setLineMisses);
    return report;
  });
  return {
    pattern: pattern.label,
    accessCount: pattern.accessCount,
    footprintBytes: sumFootprintBytes(pattern),
    buffers: pattern.buffers.map((b) => ({ name: b.name, base: b.base.toString(16), sizeBytes: b.sizeBytes })),
    levels,
    memoryAccesses: levels.at(-1)?.misses ?? 0,
  };
}
