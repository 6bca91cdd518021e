// Consistency checks of a simulated cache hierarchy: the invariant equations written on CacheLevel
// (hierarchy.ts), recounted by brute force in the spirit of glibc's check_malloc_state. Pure; returns violations.

import { checkLruSets } from '../lru-sets.js';
import { type CacheHierarchy, type CacheLevel } from './hierarchy.js';

/** Checks one level's tags and counters; returns human-readable violations (empty when sound). */
export function checkCacheLevel(level: CacheLevel): string[] {
  const name = level.geometry.name;
  const out = checkLruSets(level.lines, 'line').map((m) => `${name} ${m}`);
  if (level.readMisses > level.reads) out.push(`${name}: readMisses ${level.readMisses} > reads ${level.reads}`);
  if (level.writeMisses > level.writes) out.push(`${name}: writeMisses ${level.writeMisses} > writes ${level.writes}`);
  if (level.setLineMisses.length === 0) return out; // set misses not counted
  let lineMisses = 0;
  for (let s = 0; s < level.setLineMisses.length; s++) lineMisses += level.setLineMisses[s]!;
  const misses = level.readMisses + level.writeMisses;
  if (lineMisses < misses) out.push(`${name}: Σ setLineMisses ${lineMisses} < misses ${misses}`);
  return out;
}

/**
 * Checks every level, and that each level below the first saw exactly the accesses that missed the level
 * above it (reads and writes separately). maxLinesPerAccess bounds Σ setLineMisses ≤ maxLinesPerAccess × misses
 * (2 for accesses no longer than a line).
 */
export function checkCacheHierarchy(h: CacheHierarchy, maxLinesPerAccess = 2): string[] {
  const out: string[] = [];
  h.levels.forEach((level, i) => {
    out.push(...checkCacheLevel(level));
    let lineMisses = 0;
    for (let s = 0; s < level.setLineMisses.length; s++) lineMisses += level.setLineMisses[s]!;
    const misses = level.readMisses + level.writeMisses;
    if (lineMisses > maxLinesPerAccess * misses) out.push(`${level.geometry.name}: Σ setLineMisses ${lineMisses} > ${maxLinesPerAccess} × misses ${misses}`);
    const above = h.levels[i - 1];
    if (above === undefined) return;
    if (level.reads !== above.readMisses) out.push(`${level.geometry.name}: reads ${level.reads} != ${above.geometry.name} readMisses ${above.readMisses}`);
    if (level.writes !== above.writeMisses) out.push(`${level.geometry.name}: writes ${level.writes} != ${above.geometry.name} writeMisses ${above.writeMisses}`);
  });
  return out;
}
