// The glibc side of the Allocator lab for a memscope-trace 2: ops coloured by thread, a filter that steps one
// thread's ops, every arena side by side (main's brk heap, each thread arena's heaps, on the lab's heap strip),
// which thread is attached to which arena, and each thread's tcache, at the current op.
import { useEffect, useMemo, useState } from 'react';
import { findThreadStep, readLabThreadsView, type LabArenaHeapView, type LabArenaView } from '../../../shared/sim/lab/glibc-threads-lab.js';
import { explainMallocLabOp, type MallocLabSession } from '../../../shared/sim/lab/malloc-session.js';
import { describeMallocEvent } from '../../../shared/sim/malloc/events.js';
import type { GlibcThreadedReplay } from '../../../shared/sim/malloc/glibc/replay-threads.js';
import { ChunkHome } from '../../../shared/sim/malloc/glibc/state.js';
import { REGION_ARENA, REGION_HEAP, REGION_MMAP } from '../../../shared/sim/malloc/replay-results.js';
import { countNoun } from '../../../shared/text/count-noun.js';
import { formatBytes } from '../../../shared/units.js';
import { formatCount } from '../../format.js';
import { describeOpResult, describeTraceCall } from '../../lab/describe-op.js';
import { formatExactBytes, formatHexOffset } from '../../lab/lab-format.js';
import { CHUNK_HOME_LABELS, pickThreadColor, usePalette } from '../../lab/palette.js';
import { ChunkHomeLegend } from './chunk-home-legend.js';
import { HeapStrip, type StripBlock, type StripMode } from './heap-strip.js';
import { OpEventList } from './op-event-list.js';

/** Props of GlibcThreadsPanel. */
export interface GlibcThreadsPanelProps {
  session: MallocLabSession<GlibcThreadedReplay>;
  cursor: number;
  stripMode: StripMode;
  onSeek: (cursor: number) => void;
  warnings: readonly string[];
}

/** Ops listed on each side of the cursor. */
const NEARBY_OPS = 4;

/** "arena 2" as jsonl numbers it, or the model's index while no chunk of it was handed out. */
function describeArena(a: LabArenaView | undefined): string {
  if (a === undefined) return 'none';
  if (a.modelIndex === 0) return 'arena 0 (main)';
  return a.number === null ? `arena (created #${a.modelIndex}, no chunk handed out yet)` : `arena ${a.number}`;
}

function ArenaHeapStrip({ arena, heap, stripMode, cursor }: { arena: LabArenaView; heap: LabArenaHeapView; stripMode: StripMode; cursor: number }) {
  const palette = usePalette();
  const blocks = useMemo<StripBlock[]>(() => heap.chunks.map((c) => ({ offsetBytes: c.offsetBytes, sizeBytes: c.sizeBytes, color: palette.chunkHome[c.home] ?? palette.empty })), [heap, palette]);
  const inUseBytes = heap.chunks.reduce((n, c) => n + (c.home === ChunkHome.inUse ? c.sizeBytes : 0), 0);
  const name = `${describeArena(arena)} heap ${heap.index}`;
  return (
    <div className="arena-heap">
      <div className="muted">
        heap {heap.index}: {formatBytes(heap.sizeBytes)} · free inside {formatBytes(heap.freeBytes)} · top {formatBytes(heap.topBytes)}
      </div>
      <HeapStrip
        blocks={blocks}
        totalBytes={Math.max(heap.sizeBytes, 1)}
        mode={stripMode}
        highlight={null}
        describe={(i) => {
          const c = heap.chunks[i]!;
          return (
            <>
              <div>
                <strong>{CHUNK_HOME_LABELS[c.home]}</strong> chunk at {name} + {formatHexOffset(c.offsetBytes)}
              </div>
              <div>size {formatExactBytes(c.sizeBytes)}</div>
            </>
          );
        }}
        gapColor={palette.gap}
        highlightColor={palette.highlight}
        emptyColor={palette.empty}
        label={`${name} chunks`}
        testId={`arena-strip-${arena.modelIndex}-${heap.index}`}
        data={{ arena: arena.number ?? -1, heap: heap.index, 'chunk-count': heap.chunks.length, 'size-bytes': heap.sizeBytes, 'in-use-bytes': inUseBytes, 'free-bytes': heap.freeBytes, cursor }}
      />
    </div>
  );
}

/** The threaded glibc panel (data-testid="glibc-threads-panel"). */
export function GlibcThreadsPanel({ session, cursor, stripMode, onSeek, warnings }: GlibcThreadsPanelProps) {
  const palette = usePalette();
  const { trace, results } = session;
  const [filterTid, setFilterTid] = useState<number | null>(null);
  const at = useMemo(() => {
    const events = explainMallocLabOp(session, cursor);
    return { events, view: readLabThreadsView(session.current) };
  }, [session, cursor]);
  const { view, events } = at;
  const next = filterTid === null ? null : findThreadStep(trace, cursor, filterTid, 1);
  const prev = filterTid === null ? null : findThreadStep(trace, cursor, filterTid, -1);

  // [ and ] step the filtered thread's ops from the keyboard, as ←/→ step every op (lab-transport.tsx).
  useEffect(() => {
    if (filterTid === null) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
      const t = e.target as HTMLElement | null;
      if (t !== null && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable)) return;
      const to = e.key === ']' ? next : e.key === '[' ? prev : undefined;
      if (to === undefined) return;
      e.preventDefault();
      if (to !== null) onSeek(to);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [filterTid, next, prev, onSeek]);

  const last = cursor - 1;
  const region = last >= 0 ? results.region[last]! : 0;
  const opData = {
    'data-op': last,
    'data-tid': last >= 0 ? trace.tids[last] : -1,
    'data-region': region === REGION_ARENA ? 'arena' : region === REGION_HEAP ? 'heap' : region === REGION_MMAP ? 'mmap' : 'none',
    'data-arena': region === REGION_ARENA ? results.arena![last] : region === REGION_HEAP ? 0 : -1,
    'data-heap': region === REGION_ARENA ? results.heap![last] : region === REGION_HEAP ? 0 : -1,
    'data-offset': region === REGION_ARENA || region === REGION_HEAP ? results.offset[last] : -1,
  };
  const nearbyFrom = Math.max(0, last - NEARBY_OPS);
  const nearbyTo = Math.min(trace.length - 1, last + NEARBY_OPS);
  const nearby: number[] = [];
  for (let i = nearbyFrom; i <= nearbyTo; i++) nearby.push(i);
  const shownArenas = view.arenas.filter((a) => a.heaps.length > 0);

  return (
    <section className="panel lab-panel lab-threads" data-testid="glibc-threads-panel" data-cursor={cursor}>
      <h3>glibc 2.36 ptmalloc2 · threads and arenas</h3>
      {warnings.map((w) => (
        <div key={w} className="notice" data-testid="glibc-warning">
          {w}
        </div>
      ))}
      <div className="toolbar" role="group" aria-label="thread filter">
        <label>
          thread{' '}
          <select
            value={filterTid ?? ''}
            onChange={(e) => setFilterTid(e.target.value === '' ? null : Number(e.target.value))}
            aria-label="step one thread's ops"
            data-testid="lab-thread-filter"
          >
            <option value="">all threads</option>
            {view.threads.map((t) => (
              <option key={t.tid} value={t.tid}>
                thread {t.tid}
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={prev === null} onClick={() => prev !== null && onSeek(prev)} title="This thread's previous op ([)" data-testid="lab-thread-prev">
          ◀ its previous op
        </button>
        <button type="button" disabled={next === null} onClick={() => next !== null && onSeek(next)} title="This thread's next op (])" data-testid="lab-thread-next">
          its next op ▶
        </button>
        {filterTid !== null && next === null ? <span className="muted">thread {filterTid} has no op left</span> : null}
      </div>
      <ol className="lab-nearby-ops mono" start={nearbyFrom} data-testid="lab-nearby-ops">
        {nearby.map((i) => {
          const tid = trace.tids[i]!;
          const dim = filterTid !== null && tid !== filterTid;
          return (
            <li
              key={i}
              style={{ borderLeft: `4px solid ${pickThreadColor(palette, tid)}`, opacity: dim ? 0.45 : 1, fontWeight: i === last ? 'bold' : undefined }}
              data-tid={tid}
              aria-current={i === last ? 'step' : undefined}
            >
              op {formatCount(i)} · t{tid} · {describeTraceCall(trace, i)} {i < cursor ? describeOpResult(trace, results, i) : ''}
            </li>
          );
        })}
      </ol>
      <div className="op-events" data-testid="threads-op" {...opData}>
        {last < 0 ? (
          <span className="muted">before the first op: a fresh process, no heap yet</span>
        ) : (
          <OpEventList events={events} describe={describeMallocEvent} />
        )}
      </div>
      <h4>threads</h4>
      <table className="lab-threads-table" data-testid="lab-threads-table">
        <thead>
          <tr>
            <th>thread</th>
            <th>arena now</th>
            <th title="chunks in its tcache (per-thread cache, 7 per size by default)">tcache</th>
            <th>tcache bins (chunk size × count)</th>
          </tr>
        </thead>
        <tbody>
          {view.threads.map((t) => (
            <tr key={t.tid} data-tid={t.tid} data-arena={view.arenas[t.arenaModelIndex]?.number ?? -1} data-tcache-chunks={t.tcacheChunks}>
              <td>
                <i className="dot" style={{ background: pickThreadColor(palette, t.tid) }} /> thread {t.tid}
                {t.exited ? <span className="muted"> (exited)</span> : null}
              </td>
              <td>{t.arenaModelIndex < 0 ? <span className="muted">{t.exited ? 'detached' : 'not attached yet'}</span> : describeArena(view.arenas[t.arenaModelIndex])}</td>
              <td>{formatCount(t.tcacheChunks)}</td>
              <td className="mono">{t.tcacheBins.map((b) => `${32 + 16 * b.index}×${b.count}`).join(' ') || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ChunkHomeLegend />
      <h4>arenas</h4>
      <div className="lab-arenas" data-testid="lab-arenas" data-arena-count={shownArenas.length} style={{ display: 'grid', gridTemplateColumns: `repeat(${Math.min(Math.max(shownArenas.length, 1), 3)}, minmax(0, 1fr))`, gap: '12px' }}>
        {shownArenas.map((a) => (
          <div key={a.modelIndex} className="lab-arena" data-testid={`lab-arena-${a.modelIndex}`} data-arena={a.number ?? -1} data-tids={a.tids.join(',')}>
            <strong>{describeArena(a)}</strong>{' '}
            <span className="muted">
              {a.modelIndex === 0 ? 'brk heap' : countNoun(a.heaps.length, 'heap')} · threads attached:{' '}
              {a.tids.length === 0
                ? 'none (on the free list)'
                : a.tids.map((tid) => (
                    <span key={tid} style={{ color: pickThreadColor(palette, tid) }}>
                      t{tid}{' '}
                    </span>
                  ))}
            </span>
            {a.heaps.map((h) => (
              <ArenaHeapStrip key={h.index} arena={a} heap={h} stripMode={stripMode} cursor={cursor} />
            ))}
          </div>
        ))}
      </div>
      <div className="source-note">
        {formatCount(trace.threadCount)} threads, {formatCount(view.arenas.length)} arenas (limit 8 × {trace.cpus ?? 1} CPUs unless arena_max is set)
      </div>
    </section>
  );
}
