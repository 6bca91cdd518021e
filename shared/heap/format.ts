// The text form of `memscope heap`: one block per arena (in use, free by list, top), mmapped chunks, mallinfo2.
import { formatBytes } from '../units.js';
import type { ChunkTotals, HeapReport } from './report.js';

function totals(label: string, t: ChunkTotals): string {
  return `  ${label.padEnd(10)} ${String(t.chunks).padStart(9)} chunks ${formatBytes(t.bytes).padStart(12)}`;
}

/** The report as text for a terminal. */
export function formatHeapReport(r: HeapReport): string {
  const lines = [`pid ${r.pid}  glibc ${r.libc}  ${r.arenas.length} arena(s)${r.frozen === null ? '' : `  stopped ${r.frozen.stoppedMs.toFixed(1)} ms`}`];
  for (const a of r.arenas) {
    lines.push('', `arena ${a.index}${a.main ? ' (main)' : ''} at ${a.address}: system ${formatBytes(a.system_bytes)}, top ${formatBytes(a.top_bytes)}`);
    for (const h of a.heaps) lines.push(`  heap ${h.start}-${h.end}`);
    lines.push(totals('in use', a.in_use));
    for (const [kind, t] of Object.entries(a.free)) lines.push(totals(kind, t));
  }
  lines.push('', totals('mmapped', r.mmapped).trimStart());
  lines.push(`mallinfo2: ${Object.entries(r.mallinfo2).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  return `${lines.join('\n')}\n`;
}
