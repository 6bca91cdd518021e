// The glibc side of the Allocator lab at the current op: what the op did (the model's events), the heap as a
// strip of chunks coloured by where each one is, brk/mmap on a timeline, heap vs live bytes, and the bins.
import { useMemo, useState } from 'react';
import { readGlibcHeapView } from '../../../shared/sim/lab/glibc-lab.js';
import { explainMallocLabOp, findPointerOrigin, type MallocLabSession } from '../../../shared/sim/lab/malloc-session.js';
import { describeMallocEvent, MallocEvent } from '../../../shared/sim/malloc/events.js';
import type { GlibcReplay } from '../../../shared/sim/malloc/glibc/replay.js';
import { ChunkHome } from '../../../shared/sim/malloc/glibc/state.js';
import type { LabLiveStart } from '../../state/allocator-lab-store.js';
import { formatBytes } from '../../../shared/units.js';
import { formatCount, formatPct } from '../../format.js';
import { describeOpResult, describeTraceOp } from '../../lab/describe-op.js';
import { formatExactBytes, formatHexOffset } from '../../lab/lab-format.js';
import { CHUNK_HOME_LABELS, usePalette } from '../../lab/palette.js';
import { ChunkHomeLegend } from './chunk-home-legend.js';
import { BinsView } from './bins-view.js';
import { HeapChart } from './heap-chart.js';
import { HeapStrip, type StripBlock, type StripMode } from './heap-strip.js';
import { OpEventList } from './op-event-list.js';
import { OsTimeline, type TimelineMark } from './os-timeline.js';

/** Props of GlibcPanel. */
export interface GlibcPanelProps {
  session: MallocLabSession<GlibcReplay>;
  cursor: number;
  stripMode: StripMode;
  onSeek: (cursor: number) => void;
  warnings: readonly string[];
  /** The live heap the replay started from, if any (op 0 is then that heap, not a fresh process). */
  liveStart?: LabLiveStart | null;
}

/** The glibc panel (data-testid="glibc-panel"). */
export function GlibcPanel({ session, cursor, stripMode, onSeek, warnings, liveStart = null }: GlibcPanelProps) {
  const palette = usePalette();
  const [picked, setPicked] = useState<number | null>(null);
  const { trace } = session;
  const at = useMemo(() => {
    const events = explainMallocLabOp(session, cursor);
    return { events, view: readGlibcHeapView(session.current.heap) };
  }, [session, cursor]);
  const { view, events } = at;
  const blocks = useMemo<StripBlock[]>(() => view.chunks.map((c) => ({ offsetBytes: c.offsetBytes, sizeBytes: c.sizeBytes, color: palette.chunkHome[c.home] ?? palette.empty })), [view, palette]);
  const homeCounts = useMemo(() => {
    const counts = new Array<number>(CHUNK_HOME_LABELS.length).fill(0);
    for (const c of view.chunks) counts[c.home]!++;
    return counts;
  }, [view]);
  const marks = useMemo(
    () =>
      new Map<number, TimelineMark>([
        [MallocEvent.brkGrow, { label: 'brk grows', color: palette.chunkHome[ChunkHome.smallbin]!, shape: 'up' }],
        [MallocEvent.brkTrim, { label: 'brk trims', color: palette.chunkHome[ChunkHome.unsorted]!, shape: 'down' }],
        [MallocEvent.mmap, { label: 'mmap', color: palette.chunkHome[ChunkHome.largebin]!, shape: 'up' }],
        [MallocEvent.munmap, { label: 'munmap', color: palette.chunkHome[ChunkHome.fastbin]!, shape: 'down' }],
        [MallocEvent.mremap, { label: 'mremap', color: palette.chunkHome[ChunkHome.tcache]!, shape: 'dot' }],
        [MallocEvent.thresholdRaised, { label: 'threshold raised', color: palette.chunkHome[ChunkHome.top]!, shape: 'dot' }],
      ]),
    [palette],
  );
  const highlight = picked === null ? null : view.chunks.findIndex((c) => c.offsetBytes === picked);
  const mmappedBytes = view.mmapped.reduce((n, m) => n + m.sizeBytes, 0);
  // Free chunks between live ones stay (fragmentation); top is given back by trimming: two figures, not one.
  const freeInsidePct = view.brkBytes > 0 ? (view.freeBytes / view.brkBytes) * 100 : 0;
  const topPct = view.brkBytes > 0 ? (view.topBytes / view.brkBytes) * 100 : 0;

  const describeChunk = (i: number) => {
    const c = view.chunks[i]!;
    const mem = c.offsetBytes + 16;
    let origin: string;
    if (c.home === ChunkHome.top) origin = 'the top chunk: the rest of the heap up to the program break, carved by the next request no bin can serve';
    else if (c.home === ChunkHome.inUse && mem === view.tcacheStructMem) origin = "glibc's own tcache_perthread_struct, allocated by the first malloc";
    else {
      const o = findPointerOrigin(session, cursor, mem);
      origin =
        o === null
          ? liveStart !== null
            ? `no op returned this address: it was in pid ${liveStart.pid}'s heap when it was read (process address ${formatHexOffset(liveStart.baseAddress + c.offsetBytes)}), or a remainder of one`
            : 'no op returned this address: a remainder of a split or a chunk grown by coalescing'
          : `${o.how === 'returned' ? 'returned by' : 'freed by'} op ${formatCount(o.op)}: ${describeTraceOp(trace, o.op)}${o.how === 'released' && c.home === ChunkHome.inUse ? ' (since reused)' : ''}`;
    }
    return (
      <>
        <div>
          <strong>{CHUNK_HOME_LABELS[c.home]}</strong> chunk at {formatHexOffset(c.offsetBytes)}
        </div>
        <div>
          size {formatExactBytes(c.sizeBytes)}
          {c.home === ChunkHome.inUse ? ` · user pointer heap+${formatHexOffset(mem)}` : ''}
        </div>
        <div className="muted">{origin}</div>
      </>
    );
  };

  const lastOp = cursor - 1;
  return (
    <section className="panel lab-panel" data-testid="glibc-panel">
      <h3>glibc 2.36 ptmalloc2 · {liveStart === null ? 'main arena' : `pid ${liveStart.pid}'s arena ${liveStart.arenaIndex}`}</h3>
      {warnings.map((w) => (
        <div key={w} className="notice" data-testid="glibc-warning">
          {w}
        </div>
      ))}
      <div className="facts lab-facts" data-testid="glibc-facts" data-brk={view.brkBytes} data-in-use={view.inUseBytes} data-chunk-count={view.chunks.length}>
        <span title="program break minus the heap's start">
          brk <strong data-testid="glibc-brk">{formatBytes(view.brkBytes)}</strong>
        </span>
        <span>
          in use <strong>{formatBytes(view.inUseBytes)}</strong>
        </span>
        <span
          title="free chunks between live ones (tcache, fastbins, bins) / brk: fragmentation, memory glibc keeps and cannot give back while the chunks around it live"
          data-testid="glibc-free-inside"
          data-bytes={view.freeBytes}
          data-pct={freeInsidePct}
        >
          free inside the heap <strong>{formatBytes(view.freeBytes)}</strong> ({formatPct(freeInsidePct)})
        </span>
        <span title="the top chunk / brk: free memory at the end of the heap, which free() and malloc_trim give back to the system past trim_threshold" data-testid="glibc-top" data-bytes={view.topBytes} data-pct={topPct}>
          top <strong>{formatBytes(view.topBytes)}</strong> ({formatPct(topPct)})
        </span>
        <span>
          mmapped <strong>{view.mmapped.length}</strong> ({formatBytes(mmappedBytes)})
        </span>
        <span title="mmap_threshold / trim_threshold now (the dynamic threshold moves them)">
          thresholds {formatBytes(view.mmapThresholdBytes)} / {formatBytes(view.trimThresholdBytes)}
        </span>
      </div>
      <div className="op-events" data-testid="glibc-op-events">
        {lastOp < 0 ? (
          <span className="muted">{liveStart !== null ? `before the first op: pid ${liveStart.pid}'s arena ${liveStart.arenaIndex} as read (measured)` : 'before the first op: a fresh process, no heap yet'}</span>
        ) : (
          <>
            <span className="mono">{describeOpResult(trace, session.results, lastOp) || 'freed'}</span>
            <OpEventList events={events} describe={describeMallocEvent} />
          </>
        )}
      </div>
      <ChunkHomeLegend countOf={(h) => homeCounts[h]} />
      <HeapStrip
        blocks={blocks}
        totalBytes={Math.max(view.brkBytes, 1)}
        mode={stripMode}
        highlight={highlight !== null && highlight >= 0 ? highlight : null}
        describe={describeChunk}
        onPick={(i) => setPicked(view.chunks[i]?.offsetBytes ?? null)}
        gapColor={palette.gap}
        highlightColor={palette.highlight}
        emptyColor={palette.empty}
        label="glibc heap chunks"
        testId="glibc-strip"
        data={{ 'chunk-count': view.chunks.length, brk: view.brkBytes, cursor }}
      />
      <div className="source-note">
        {formatCount(view.chunks.length)} chunks over {formatBytes(view.brkBytes)} of brk heap
        {view.mmapped.length > 0 ? ` · mmapped chunks (outside the heap): ${view.mmapped.map((m) => formatBytes(m.sizeBytes)).slice(0, 8).join(', ')}${view.mmapped.length > 8 ? '…' : ''}` : ''}
      </div>
      <h4>brk and mmap calls</h4>
      <OsTimeline events={session.events} marks={marks} opCount={trace.length} cursor={cursor} onSeek={onSeek} describe={describeMallocEvent} testId="glibc-timeline" />
      <h4>heap size vs live bytes</h4>
      <HeapChart series={session.series} cursor={cursor} onSeek={onSeek} heapLabel="heap (brk)" extra="mmapped" testId="glibc-chart" />
      <h4>bins</h4>
      <BinsView bins={view.bins} homeColors={palette.chunkHome} picked={picked} onPick={setPicked} />
    </section>
  );
}
