// Cache geometry: per level size, associativity, line size and write policy, and the set count they imply
// (sets = size / (line × ways)). Sources: the sysfs cache attributes of
// Documentation/ABI/testing/sysfs-devices-system-cpu ("cache/indexX/": size "32K", ways_of_associativity,
// coherency_line_size) and valgrind's cachegrind option syntax (--D1=size,assoc,line_size).

import { ApiError } from '../../errors.js';
import { formatSizeBytes, parseSizeBytes } from '../../units.js';

/** One cache level. */
export interface CacheLevelGeometry {
  /** "L1d", "L2", "L3" (or cachegrind's "D1", "LL"). */
  name: string;
  sizeBytes: number;
  /** Associativity (1 = direct-mapped; sizeBytes / lineBytes = fully associative). */
  ways: number;
  lineBytes: number;
  /** A write miss installs the line (write-allocate, as x86 and cachegrind do); false: it goes around the level. */
  writeAllocate: boolean;
}

/** Levels from the one closest to the CPU (L1d) to the last (LL). */
export type CacheGeometry = CacheLevelGeometry[];

/**
 * Used when the machine's geometry cannot be read: this project's reference machine (AMD EPYC, Linux 6.18
 * sysfs: L1d 32K 8-way, L2 1024K 8-way, L3 32768K 16-way, 64-byte lines).
 */
export const FALLBACK_GEOMETRY: CacheGeometry = [
  { name: 'L1d', sizeBytes: 32 * 1024, ways: 8, lineBytes: 64, writeAllocate: true },
  { name: 'L2', sizeBytes: 1024 * 1024, ways: 8, lineBytes: 64, writeAllocate: true },
  { name: 'L3', sizeBytes: 32 * 1024 * 1024, ways: 16, lineBytes: 64, writeAllocate: true },
];

/** Sets of a level: size / (line × ways). */
export function countSets(level: CacheLevelGeometry): number {
  return level.sizeBytes / (level.lineBytes * level.ways);
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0 && n <= 2 ** 30;
}

/** Most cache levels: L1d to L4, as far as real CPUs go. */
export const MAX_CACHE_LEVELS = 4;
/** Most lines in one level: 512 MiB of 64-byte lines, more than any real cache level (the model keeps 8 bytes a line). */
export const MAX_CACHE_LINES = 1 << 23;
/** Most ways: real caches have a few tens at most, and every lookup scans the ways of its set. */
export const MAX_CACHE_WAYS = 64;

/**
 * Problems with a geometry, one line each (empty when the simulator can run it): line size a power of two
 * from 8 bytes, whole positive set counts, 1 to MAX_CACHE_LEVELS levels, at most MAX_CACHE_LINES lines and
 * MAX_CACHE_WAYS ways a level. Sets need not be a power of two (some L3s have 12 or 20 ways), but cachegrind
 * requires it: see checkCachegrindGeometry.
 */
export function validateGeometry(levels: readonly CacheLevelGeometry[]): string[] {
  const out: string[] = [];
  if (levels.length === 0) out.push('no cache levels');
  if (levels.length > MAX_CACHE_LEVELS) out.push(`${levels.length} cache levels, more than ${MAX_CACHE_LEVELS} (the simulator's bound)`);
  for (const l of levels) {
    const where = `${l.name}:`;
    if (!isPowerOfTwo(l.lineBytes) || l.lineBytes < 8) out.push(`${where} line size ${l.lineBytes} is not a power of two >= 8`);
    else if (l.sizeBytes / l.lineBytes > MAX_CACHE_LINES) {
      out.push(`${where} size ${l.sizeBytes} is ${l.sizeBytes / l.lineBytes} lines, more than ${MAX_CACHE_LINES} (the simulator's bound)`);
    }
    if (!Number.isInteger(l.ways) || l.ways < 1) out.push(`${where} associativity ${l.ways} is not a positive integer`);
    else if (l.ways > MAX_CACHE_WAYS) out.push(`${where} associativity ${l.ways} is more than ${MAX_CACHE_WAYS} (the simulator's bound)`);
    if (!Number.isInteger(l.sizeBytes) || l.sizeBytes < 1) out.push(`${where} size ${l.sizeBytes} is not a positive integer`);
    const sets = countSets(l);
    if (!Number.isInteger(sets) || sets < 1) out.push(`${where} size ${l.sizeBytes} is not a multiple of line × ways (${l.lineBytes} × ${l.ways})`);
  }
  return out;
}

/** The extra rules of valgrind 3.19 cachegrind (cg-arch.c check_cache): a power-of-two set count, lines >= 16 bytes. */
export function checkCachegrindGeometry(level: CacheLevelGeometry): string[] {
  const out = validateGeometry([level]);
  if (!isPowerOfTwo(countSets(level))) out.push(`${level.name}: cachegrind needs a power-of-two set count, not ${countSets(level)}`);
  if (level.lineBytes < 16) out.push(`${level.name}: cachegrind needs lines of at least 16 bytes`);
  return out;
}

/** A level as cachegrind's option value: "size,assoc,line_size". */
export function formatCachegrindOption(level: CacheLevelGeometry): string {
  return `${level.sizeBytes},${level.ways},${level.lineBytes}`;
}

/**
 * Parses a geometry typed by a user: levels separated by commas, each SIZE:WAYS:LINE
 * ("32K:8:64,1M:8:64,32M:16:64"), named L1d, L2, L3, … from the first. Throws ApiError('bad-arg').
 */
export function parseGeometrySpec(spec: string): CacheGeometry {
  const levels: CacheGeometry = [];
  for (const [i, part] of spec.split(',').entries()) {
    const fields = part.split(':');
    const name = i === 0 ? 'L1d' : `L${i + 1}`;
    if (fields.length !== 3) throw new ApiError('bad-arg', `bad geometry level ${JSON.stringify(part)}: expected SIZE:WAYS:LINE, e.g. 32K:8:64`);
    const sizeBytes = parseSizeBytes(fields[0] ?? '');
    const ways = /^[0-9]+$/.test(fields[1] ?? '') ? Number(fields[1]) : NaN;
    const lineBytes = parseSizeBytes(fields[2] ?? '');
    levels.push({ name, sizeBytes, ways, lineBytes, writeAllocate: true });
  }
  const problems = validateGeometry(levels);
  if (problems.length > 0) throw new ApiError('bad-arg', `bad geometry ${JSON.stringify(spec)}: ${problems[0]}`);
  return levels;
}

/** One line per level: "L1d 32 KiB, 8-way, 64 B lines, 64 sets". */
export function describeLevel(level: CacheLevelGeometry): string {
  return `${level.name} ${formatSizeBytes(level.sizeBytes)}, ${level.ways}-way, ${level.lineBytes} B lines, ${countSets(level)} sets${level.writeAllocate ? '' : ', no write-allocate'}`;
}

/** The attribute files of one /sys/devices/system/cpu/cpuN/cache/indexX directory, as text (trimmed). */
export interface SysfsCacheIndex {
  level: string;
  /** "Data", "Instruction" or "Unified". */
  type: string;
  /** e.g. "32K". */
  size: string;
  ways_of_associativity: string;
  coherency_line_size: string;
  number_of_sets: string;
}

/**
 * The data-side levels of a CPU from its sysfs cache indexes: Data and Unified caches, sorted by level and
 * named L1d, L2, L3. Associativity comes from ways_of_associativity, or from size / (line × number_of_sets)
 * when that file says 0 (fully associative) or disagrees with the set count. Returns the levels and the
 * indexes that could not be used.
 */
export function buildSysfsGeometry(indexes: readonly SysfsCacheIndex[]): { levels: CacheGeometry; problems: string[] } {
  const levels: (CacheLevelGeometry & { level: number })[] = [];
  const problems: string[] = [];
  for (const ix of indexes) {
    if (ix.type !== 'Data' && ix.type !== 'Unified') continue;
    const level = Number(ix.level);
    const sizeBytes = parseSizeBytes(ix.size);
    const lineBytes = Number(ix.coherency_line_size);
    const sets = Number(ix.number_of_sets);
    let ways = Number(ix.ways_of_associativity);
    if (Number.isInteger(sets) && sets > 0 && (!(ways > 0) || sizeBytes !== ways * lineBytes * sets)) ways = sizeBytes / (lineBytes * sets);
    const g = { level, name: level === 1 ? 'L1d' : `L${level}`, sizeBytes, ways, lineBytes, writeAllocate: true };
    const bad = validateGeometry([g]);
    if (!Number.isInteger(level) || level < 1) bad.push(`level ${JSON.stringify(ix.level)}`);
    if (bad.length > 0) problems.push(`L${ix.level} ${ix.type}: ${bad.join('; ')}`);
    else levels.push(g);
  }
  levels.sort((a, b) => a.level - b.level);
  return { levels: levels.map(({ level: _level, ...g }) => g), problems };
}
