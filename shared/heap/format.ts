// The text form of `memscope heap`: one block per arena (in use, free by list, top), mmapped chunks, mallinfo2,
// the trim prediction and the RSS explainer with its verdict.
import { formatBytes } from '../units.js';
import type { ChunkTotals, ExplainPart, HeapReport } from './report.js';

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
  const skipped = r.trim.skipped_arenas.length === 0 ? '' : ` (arenas ${r.trim.skipped_arenas.join(', ')} not modelled: at least this)`;
  lines.push(`trim: malloc_trim(0) would return ${formatBytes(r.trim.releasable_bytes)} (${r.trim.releasable_bytes} bytes), ${formatBytes(r.trim.top_bytes)} of it at the top${skipped}`);
  const e = r.explain;
  lines.push('', `RSS of the heap mappings: ${formatBytes(e.rss_bytes)} (Private_Dirty ${formatBytes(e.private_dirty_bytes)}), never touched ${formatBytes(e.never_touched_bytes)}`);
  const part = (label: string, p: ExplainPart) => `  ${label.padEnd(18)} ${formatBytes(p.rss_bytes).padStart(12)} ${formatBytes(p.private_dirty_bytes).padStart(12)}`;
  lines.push(`  ${''.padEnd(18)} ${'Rss'.padStart(12)} ${'Private_Dirty'.padStart(12)}`);
  lines.push(part('live allocations', e.live), part('metadata, headers', e.metadata));
  for (const [kind, p] of Object.entries(e.free)) lines.push(part(`free: ${kind}`, p));
  lines.push(part('top', e.top), '', e.verdict);
  return `${lines.join('\n')}\n`;
}
