// The machine's data-cache geometry from /sys/devices/system/cpu/cpu0/cache/index*/ (level, type, size,
// ways_of_associativity, coherency_line_size, number_of_sets), the cache simulator's default.
// Source of truth: Documentation/ABI/testing/sysfs-devices-system-cpu ("cache/indexX").
import { readdirSync, readFileSync } from 'node:fs';
import { buildSysfsGeometry, FALLBACK_GEOMETRY, type CacheGeometry, type SysfsCacheIndex } from '../../../shared/sim/cache/geometry.js';

/** Where cpu0's cache indexes live. */
export const SYSFS_CACHE_DIR = '/sys/devices/system/cpu/cpu0/cache';

/** The host geometry and where it came from. */
export interface HostCacheGeometry {
  levels: CacheGeometry;
  /** "sysfs" when read from the machine, "fallback" when sysfs had nothing usable. */
  source: 'sysfs' | 'fallback';
  /** Indexes that could not be read or used, one line each. */
  problems: string[];
}

function readAttribute(dir: string, name: string): string {
  return readFileSync(`${dir}/${name}`, 'latin1').trim();
}

/** Reads cpu0's cache indexes; falls back to FALLBACK_GEOMETRY (saying why) when none is usable. */
export function readHostCacheGeometry(cacheDir = SYSFS_CACHE_DIR): HostCacheGeometry {
  const indexes: SysfsCacheIndex[] = [];
  const problems: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(cacheDir).filter((n) => /^index[0-9]+$/.test(n));
  } catch (err) {
    problems.push(`${cacheDir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  for (const name of names) {
    const dir = `${cacheDir}/${name}`;
    try {
      indexes.push({
        level: readAttribute(dir, 'level'),
        type: readAttribute(dir, 'type'),
        size: readAttribute(dir, 'size'),
        ways_of_associativity: readAttribute(dir, 'ways_of_associativity'),
        coherency_line_size: readAttribute(dir, 'coherency_line_size'),
        number_of_sets: readAttribute(dir, 'number_of_sets'),
      });
    } catch (err) {
      problems.push(`${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
  const built = buildSysfsGeometry(indexes);
  problems.push(...built.problems);
  if (built.levels.length === 0) return { levels: FALLBACK_GEOMETRY.map((l) => ({ ...l })), source: 'fallback', problems };
  return { levels: built.levels, source: 'sysfs', problems };
}
