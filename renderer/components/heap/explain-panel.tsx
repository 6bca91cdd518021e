// The RSS explainer of a live heap (getHeap's `explain`): the heap mappings' Rss and Private_Dirty split into live
// allocations, allocator metadata, free chunks by list and top, plus the bytes never touched, and the one-line verdict.
// Measured: smaps and pagemap residency over the chunks read from the process.
import type { ExplainPart, HeapExplain } from '../../../shared/heap/report.js';
import { formatBytes } from '../../../shared/units.js';
import { formatExactBytes } from '../../lab/lab-format.js';
import { SourcedHeading } from './provenance.js';

/** The parts in the order the table lists them, with what each one holds. */
function listParts(e: HeapExplain): { id: string; name: string; note: string; part: ExplainPart }[] {
  return [
    { id: 'live', name: 'live allocations', note: 'bodies of chunks handed to the program', part: e.live },
    { id: 'metadata', name: 'metadata and headers', note: 'chunk headers, tcache_perthread_structs, heap_info, malloc_state, alignment', part: e.metadata },
    { id: 'tcache', name: 'free: tcache', note: 'cached per thread; malloc_trim leaves them', part: e.free.tcache },
    { id: 'fastbins', name: 'free: fastbins', note: 'consolidated by malloc_trim first', part: e.free.fastbins },
    { id: 'unsorted', name: 'free: unsorted', note: 'between live chunks', part: e.free.unsorted },
    { id: 'smallbins', name: 'free: smallbins', note: 'between live chunks', part: e.free.smallbins },
    { id: 'largebins', name: 'free: largebins', note: 'between live chunks', part: e.free.largebins },
    { id: 'top', name: 'top', note: 'the free end of each heap', part: e.top },
  ];
}

function share(bytes: number, total: number): string {
  return total > 0 ? `${((bytes / total) * 100).toFixed(1)}%` : '';
}

/** The explainer panel (data-testid="heap-explain"). */
export function ExplainPanel({ explain }: { explain: HeapExplain }) {
  const parts = listParts(explain);
  return (
    <section className="panel" data-testid="heap-explain" data-rss-bytes={explain.rss_bytes}>
      <SourcedHeading source="measured">Why the heap is resident</SourcedHeading>
      <p className="heap-verdict" data-testid="heap-verdict">
        {explain.verdict}
      </p>
      <table className="fields heap-totals">
        <thead>
          <tr>
            <th>part of the heap mappings</th>
            <th className="num">Rss</th>
            <th className="num">of Rss</th>
            <th className="num">Private_Dirty</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {parts.map((p) => (
            <tr key={p.id} data-testid={`explain-${p.id}`} data-rss-bytes={p.part.rss_bytes} data-private-dirty-bytes={p.part.private_dirty_bytes}>
              <th title={p.note}>{p.name}</th>
              <td className="num">{formatExactBytes(p.part.rss_bytes)}</td>
              <td className="num muted">{share(p.part.rss_bytes, explain.rss_bytes)}</td>
              <td className="num">{formatExactBytes(p.part.private_dirty_bytes)}</td>
              <td className="muted">{p.note}</td>
            </tr>
          ))}
          <tr data-testid="explain-total">
            <th>Rss of the heap mappings (smaps)</th>
            <td className="num">
              <strong>{formatExactBytes(explain.rss_bytes)}</strong>
            </td>
            <td />
            <td className="num">{formatExactBytes(explain.private_dirty_bytes)}</td>
            <td className="muted">the parts above add up to it exactly</td>
          </tr>
          <tr data-testid="explain-never-touched" data-bytes={explain.never_touched_bytes}>
            <th>never touched</th>
            <td className="num muted">{formatExactBytes(explain.never_touched_bytes)}</td>
            <td />
            <td />
            <td className="muted">mapped but not resident (not part of Rss)</td>
          </tr>
        </tbody>
      </table>
      <div className="source-note">
        {explain.mappings.map((m) => `${m.name} ${m.start}–${m.end}: Rss ${formatBytes(m.rss_bytes)}`).join(' · ')} · process Rss {formatBytes(explain.process_rss_bytes)}
      </div>
    </section>
  );
}
