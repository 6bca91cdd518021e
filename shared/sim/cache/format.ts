// Renders cache-simulation reports for people: the geometry, then per pattern a table of accesses, hits and
// misses per level (reads and writes apart) and the accesses that went to memory.

import { formatSizeBytes } from '../../units.js';
import { describeLevel, type CacheGeometry } from './geometry.js';
import type { CacheReport } from './simulate.js';

function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}

/** The geometry as one line per level. */
export function formatGeometry(geometry: CacheGeometry): string {
  return geometry.map((l) => `  ${describeLevel(l)}`).join('\n');
}

/** One pattern's report as an aligned table ending with a newline. */
export function formatCacheReport(r: CacheReport): string {
  const head = ['level', 'accesses', 'hits', 'misses', 'hit rate', 'read misses', 'write misses'];
  const rows = r.levels.map((l) => [l.name, String(l.accesses), String(l.hits), String(l.misses), formatPercent(l.hitRate), String(l.readMisses), String(l.writeMisses)]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const render = (row: readonly string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [
    `pattern ${r.pattern}: ${r.accessCount} accesses over ${formatSizeBytes(r.footprintBytes)}`,
    render(head),
    ...rows.map(render),
    `to memory (missed every level): ${r.memoryAccesses}`,
    '',
  ].join('\n');
}
