// Renders TLB reports for people: one row per TLB geometry (e.g. 4 KiB against 2 MiB pages) with reach,
// lookups, hits and misses, under the pattern and its footprint.

import { formatSizeBytes } from '../../units.js';
import type { TlbReport } from './simulate.js';

/** Reports of one pattern (one per geometry) as an aligned table ending with a newline. */
export function formatTlbReports(reports: readonly TlbReport[]): string {
  const first = reports[0];
  if (first === undefined) return '';
  const head = ['page', 'entries', 'ways', 'reach', 'lookups', 'hits', 'misses', 'miss rate'];
  const rows = reports.map((r) => [
    formatSizeBytes(r.geometry.pageBytes),
    String(r.geometry.entries),
    String(r.geometry.ways),
    formatSizeBytes(r.reachBytes),
    String(r.lookups),
    String(r.hits),
    String(r.misses),
    `${(r.missRate * 100).toFixed(2)}%`,
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const render = (row: readonly string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [`pattern ${first.pattern}: ${first.accesses} accesses over ${formatSizeBytes(first.footprintBytes)}`, render(head), ...rows.map(render), ''].join('\n');
}
