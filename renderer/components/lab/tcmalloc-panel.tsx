// The TCMalloc side of the Allocator lab at the current op: the op's events, the page heap as a strip of spans
// (objects of one size class, large allocations, free, released), sbrk growth and releases, and the caches.
import { useMemo } from 'react';
import { findLastEvent, findPointerOrigin, explainMallocLabOp, type MallocLabSession } from '../../../shared/sim/lab/malloc-session.js';
import { readTcmallocHeapView, type TcmallocSpanKind } from '../../../shared/sim/lab/tcmalloc-lab.js';
import { kPageSize } from '../../../shared/sim/malloc/tcmalloc/common.js';
import { describeTcmallocEvent, TcmallocEvent } from '../../../shared/sim/malloc/tcmalloc/events.js';
import type { TcmallocReplay } from '../../../shared/sim/malloc/tcmalloc/replay.js';
import { countNoun } from '../../../shared/text/count-noun.js';
import { formatBytes } from '../../../shared/units.js';
import { formatCount, formatPct } from '../../format.js';
import { describeOpResult, describeTraceOp } from '../../lab/describe-op.js';
import { formatHexOffset } from '../../lab/lab-format.js';
import { usePalette } from '../../lab/palette.js';
import { HeapChart } from './heap-chart.js';
import { HeapStrip, type StripBlock, type StripMode } from './heap-strip.js';
import { OpEventList } from './op-event-list.js';
import { OsTimeline, type TimelineMark } from './os-timeline.js';
import { TcmallocLists } from './tcmalloc-lists.js';

/** Props of TcmallocPanel. */
export interface TcmallocPanelProps {
  session: MallocLabSession<TcmallocReplay>;
  cursor: number;
  stripMode: StripMode;
  onSeek: (cursor: number) => void;
}

const SPAN_LABELS: Record<TcmallocSpanKind, string> = {
  small: 'objects of a size class',
  large: 'large allocation',
  free: 'free (mapped)',
  returned: 'released to the OS',
};

/** The TCMalloc panel (data-testid="tcmalloc-panel"). */
export function TcmallocPanel({ session, cursor, stripMode, onSeek }: TcmallocPanelProps) {
  const palette = usePalette();
  const { trace } = session;
  const at = useMemo(() => {
    const events = explainMallocLabOp(session, cursor);
    return { events, view: readTcmallocHeapView(session.current.heap) };
  }, [session, cursor]);
  const { view, events } = at;
  const blocks = useMemo<StripBlock[]>(
    () =>
      view.spans.map((s) => ({
        offsetBytes: s.startPage * kPageSize,
        sizeBytes: s.pages * kPageSize,
        color: palette.span[s.kind],
        ...(s.kind === 'small' ? { fill: s.handedOut / Math.max(1, s.objectsPerSpan), restColor: palette.span.smallFree } : {}),
      })),
    [view, palette],
  );
  const kindCounts = useMemo(() => {
    const counts: Record<TcmallocSpanKind, number> = { small: 0, large: 0, free: 0, returned: 0 };
    for (const s of view.spans) counts[s.kind]++;
    return counts;
  }, [view]);
  const marks = useMemo(
    () =>
      new Map<number, TimelineMark>([
        [TcmallocEvent.pageHeapGrow, { label: 'sbrk grows', color: palette.span.free, shape: 'up' }],
        [TcmallocEvent.pageHeapRelease, { label: 'released (madvise)', color: palette.chunkHome[4]!, shape: 'down' }],
        [TcmallocEvent.commit, { label: 'recommitted', color: palette.span.small, shape: 'dot' }],
      ]),
    [palette],
  );
  const { stats } = view;
  const fragmentation = stats.heapSizeBytes > 0 ? ((stats.heapSizeBytes - stats.currentAllocatedBytes) / stats.heapSizeBytes) * 100 : 0;

  const describeSpan = (i: number) => {
    const s = view.spans[i]!;
    const address = s.startPage * kPageSize;
    let origin = '';
    if (s.kind === 'small') {
      const e = findLastEvent(session, cursor, (x) => x.kind === TcmallocEvent.spanAlloc && x.b === address);
      origin = e === null ? 'carved before main or before the first op' : `carved by op ${formatCount(e.op)}: ${describeTraceOp(trace, e.op)}`;
    } else if (s.kind === 'large') {
      const o = findPointerOrigin(session, cursor, address);
      origin = o === null || o.how !== 'returned' ? 'allocated before main (libstdc++ emergency pool, TCMalloc start-up)' : `returned by op ${formatCount(o.op)}: ${describeTraceOp(trace, o.op)}`;
    }
    return (
      <>
        <div>
          <strong>{SPAN_LABELS[s.kind]}</strong> span at {formatHexOffset(address)}
        </div>
        <div>
          {countNoun(s.pages, 'page')} · {formatBytes(s.pages * kPageSize)}
          {s.kind === 'small' ? ` · class ${s.sizeClass} (${formatBytes(s.objectBytes)} objects) · ${s.handedOut} of ${s.objectsPerSpan} handed out` : ''}
        </div>
        {origin !== '' ? <div className="muted">{origin}</div> : null}
      </>
    );
  };

  const lastOp = cursor - 1;
  return (
    <section className="panel lab-panel" data-testid="tcmalloc-panel">
      <h3>gperftools TCMalloc 2.10 · libtcmalloc_minimal</h3>
      <div className="facts lab-facts" data-testid="tcmalloc-facts" data-heap-bytes={stats.heapSizeBytes} data-span-count={view.spans.length}>
        <span title="generic.heap_size: bytes the page heap took with sbrk">
          heap_size <strong data-testid="tcmalloc-heap-size">{formatBytes(stats.heapSizeBytes)}</strong>
        </span>
        <span title="generic.current_allocated_bytes">
          allocated <strong>{formatBytes(stats.currentAllocatedBytes)}</strong>
        </span>
        <span title="tcmalloc.pageheap_free_bytes">
          page heap free <strong>{formatBytes(stats.pageheapFreeBytes)}</strong>
        </span>
        <span title="tcmalloc.pageheap_unmapped_bytes">
          released <strong>{formatBytes(stats.pageheapUnmappedBytes)}</strong>
        </span>
        <span title="thread cache + central + transfer cache free bytes">
          in caches <strong>{formatBytes(stats.threadCacheFreeBytes + stats.centralCacheFreeBytes + stats.transferCacheFreeBytes)}</strong>
        </span>
        <span title="(heap_size − allocated) / heap_size">
          overhead <strong>{formatPct(fragmentation)}</strong>
        </span>
      </div>
      <div className="op-events" data-testid="tcmalloc-op-events">
        {lastOp < 0 ? (
          <span className="muted">before the first op: TCMalloc after its start-up (libstdc++'s pool and its own objects are already allocated)</span>
        ) : (
          <>
            <span className="mono">{describeOpResult(trace, session.results, lastOp) || 'freed'}</span>
            <OpEventList events={events} describe={describeTcmallocEvent} />
          </>
        )}
      </div>
      <div className="legend static">
        {(Object.keys(SPAN_LABELS) as TcmallocSpanKind[]).map((k) => (
          <span key={k} className="legend-item">
            <i className="dot" style={{ background: palette.span[k] }} />
            {SPAN_LABELS[k]} <span className="muted legend-count">{kindCounts[k]}</span>
          </span>
        ))}
        <span className="legend-item">
          <i className="dot" style={{ background: palette.span.smallFree }} />
          free objects in a span
        </span>
      </div>
      <HeapStrip
        blocks={blocks}
        totalBytes={Math.max(view.heapBytes, 1)}
        mode={stripMode}
        highlight={null}
        describe={describeSpan}
        gapColor={palette.gap}
        highlightColor={palette.highlight}
        emptyColor={palette.empty}
        label="TCMalloc page heap spans"
        testId="tcmalloc-strip"
        data={{ 'span-count': view.spans.length, 'heap-bytes': view.heapBytes, cursor }}
      />
      <div className="source-note">
        {formatCount(view.spans.length)} spans of 8 KiB pages over {formatBytes(view.heapBytes)} of page heap (TCMalloc's own metadata, outside it, is not drawn)
      </div>
      <h4>sbrk and releases</h4>
      <OsTimeline events={session.events} marks={marks} opCount={trace.length} cursor={cursor} onSeek={onSeek} describe={describeTcmallocEvent} testId="tcmalloc-timeline" />
      <h4>heap_size vs allocated bytes</h4>
      <HeapChart series={session.series} cursor={cursor} onSeek={onSeek} heapLabel="heap_size" extra="released" testId="tcmalloc-chart" />
      <h4>caches</h4>
      <TcmallocLists threadCache={view.threadCache} threadCacheCount={view.threadCacheCount} central={view.central} />
    </section>
  );
}
