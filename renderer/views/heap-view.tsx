// #/process/PID/heap: a live process's glibc heap (getHeap: what `memscope heap PID --json` prints, and every chunk
// behind it), read on demand (Refresh or "r"; never with the ticks: a read walks every chunk): each arena's chunks
// drawn as the Allocator lab draws them, bins and tcache, mmapped chunks, mallinfo2, the RSS explainer and the trim
// prediction. Every number says whether it was measured (read from the process) or simulated (the glibc model).
import { useEffect, useRef, useState } from 'react';
import { MAX_HEAP_VIEW_CHUNKS, type HeapView as HeapViewData } from '../../shared/api.js';
import type { HeapReport } from '../../shared/heap/report.js';
import { formatBytes } from '../../shared/units.js';
import { Banner } from '../components/banner.js';
import { ArenaChunksView } from '../components/heap/arena-chunks-view.js';
import { ArenaPanel } from '../components/heap/arena-panel.js';
import { ExplainPanel } from '../components/heap/explain-panel.js';
import { MallinfoTable } from '../components/heap/mallinfo-table.js';
import { SourcedHeading } from '../components/heap/provenance.js';
import { TrimPanel } from '../components/heap/trim-panel.js';
import type { StripMode } from '../components/lab/heap-strip.js';
import { StripModeToggle } from '../components/lab/strip-mode-toggle.js';
import { formatClock, formatCount } from '../format.js';
import { explainLabUnavailable, openArenaInLab } from '../heap/open-in-lab.js';
import { useHeap } from '../hooks/use-heap.js';
import { formatExactBytes } from '../lab/lab-format.js';

/** How the read went, in one line: attempts, and how long the process was stopped with freeze. */
function describeRead(report: HeapReport, atMs: number | null): string {
  const when = atMs === null ? '' : `read at ${formatClock(atMs)}`;
  const reads = report.reads === 1 ? 'first read held together' : `${report.reads} reads until one held together (the process kept allocating)`;
  const frozen = report.frozen === null ? 'running during the read' : `stopped for ${report.frozen.stoppedMs.toFixed(1)} ms`;
  return [when, reads, frozen].filter((s) => s !== '').join(' · ');
}

/** True when a key press belongs to a text field (shortcuts stay out of typing). */
function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return el !== null && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

/** The arenas, each with its chunks (when sent) and its way into the Allocator lab. */
function Arenas({ view, atMs, stripMode }: { view: HeapViewData; atMs: number | null; stripMode: StripMode }) {
  const [labError, setLabError] = useState<string | null>(null);
  return (
    <>
      {labError !== null ? <Banner tone="error" title={`Cannot open this heap in the Allocator lab: ${labError}`} testId="heap-lab-error" /> : null}
      {view.arenas === null ? (
        <div className="notice" data-testid="heap-chunks-omitted">
          {formatCount(view.chunkCount)} chunks: more than the view draws ({formatCount(MAX_HEAP_VIEW_CHUNKS)}); the totals below are complete.
        </div>
      ) : null}
      <div className="heap-arenas">
        {view.report.arenas.map((a, i) => {
          const detail = view.arenas?.[i];
          const unavailable = detail === undefined ? 'its chunks were not sent' : explainLabUnavailable(detail);
          return (
            <ArenaPanel key={a.address} arena={a}>
              <div className="toolbar">
                <button
                  type="button"
                  disabled={unavailable !== null}
                  title={unavailable ?? "start the Allocator lab's glibc replay from this arena as read: the trace's ops then run on the process's real heap (simulated)"}
                  data-testid={`arena-${a.index}-open-lab`}
                  onClick={() => {
                    if (detail === undefined) return;
                    try {
                      openArenaInLab(view, detail, atMs ?? Date.now());
                    } catch (err) {
                      setLabError(err instanceof Error ? err.message : String(err));
                    }
                  }}
                >
                  Open in the Allocator lab
                </button>
                {unavailable !== null ? <span className="muted">{unavailable}</span> : null}
              </div>
              {detail !== undefined ? <ArenaChunksView arena={detail} stripMode={stripMode} /> : null}
            </ArenaPanel>
          );
        })}
      </div>
    </>
  );
}

/** The Heap view (data-testid="heap-view"; data-state loading | done | error). */
export function HeapView({ pid }: { pid: number }) {
  const [freeze, setFreeze] = useState(false);
  const [stripMode, setStripMode] = useState<StripMode>('address');
  const heap = useHeap(pid, freeze);
  const refreshRef = useRef(heap.refresh);
  refreshRef.current = heap.refresh;
  const view = heap.value;
  const report = view?.report ?? null;

  // "r" re-reads the heap from anywhere on the page (the Refresh button is in the tab order too).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'r' || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || isTyping(e.target)) return;
      e.preventDefault();
      refreshRef.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const state = heap.loading ? 'loading' : heap.error !== null ? 'error' : report !== null ? 'done' : 'loading';
  const totalSystem = report?.arenas.reduce((sum, a) => sum + a.system_bytes, 0) ?? 0;
  return (
    <div className="page heap-view" data-testid="heap-view" data-state={state} data-pid={pid}>
      <header className="toolbar">
        <h2>Heap of pid {pid}</h2>
        <span className="muted">glibc malloc’s own structures read through /proc/{pid}/mem, as `memscope heap {pid}` prints them</span>
        <span className="spacer" />
        <StripModeToggle mode={stripMode} onChange={setStripMode} blockName="chunk" />
        <label className="check" title="stop the process (SIGSTOP) for the few milliseconds of the read, then resume it: a consistent read of a busy heap">
          <input type="checkbox" checked={freeze} onChange={(e) => setFreeze(e.target.checked)} data-testid="heap-freeze" />
          freeze while reading
        </label>
        <button type="button" onClick={heap.refresh} disabled={heap.loading} data-testid="heap-refresh" title="read the heap again (key: r)">
          {heap.loading ? 'Reading…' : 'Refresh'}
        </button>
      </header>
      {heap.error !== null ? (
        <Banner tone={heap.error.code === 'denied' || heap.error.code === 'gone' ? 'warn' : 'error'} title={`Cannot read the heap of pid ${pid}: ${heap.error.message}`} testId="heap-error" />
      ) : null}
      {view === null || report === null ? (
        heap.error === null ? (
          <p className="muted">reading the heap…</p>
        ) : null
      ) : (
        <>
          <section className="panel" data-testid="heap-summary">
            <SourcedHeading source="measured">
              glibc {report.libc} · {report.arenas.length === 1 ? 'one arena' : `${report.arenas.length} arenas`} · {formatCount(view.chunkCount)} chunks
            </SourcedHeading>
            <div className="facts">
              <span>
                arenas’ system memory <strong>{formatBytes(totalSystem)}</strong>
              </span>
              <span data-testid="heap-mmapped" data-chunks={report.mmapped.chunks} data-bytes={report.mmapped.bytes} title="chunks above the mmap threshold, each its own mapping outside the arenas (mp_.n_mmaps, mp_.mmapped_mem)">
                mmapped chunks <strong>{formatCount(report.mmapped.chunks)}</strong> ({formatExactBytes(report.mmapped.bytes)})
              </span>
            </div>
            <div className="source-note" data-testid="heap-read-info">
              {describeRead(report, heap.atMs)}
            </div>
          </section>
          <div className="two-columns">
            <ExplainPanel explain={report.explain} />
            <TrimPanel trim={report.trim} />
          </div>
          <Arenas view={view} atMs={heap.atMs} stripMode={stripMode} />
          <MallinfoTable mallinfo2={report.mallinfo2} />
        </>
      )}
    </div>
  );
}
