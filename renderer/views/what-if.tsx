// #/process/PID/mapping/START/what-if: the mapping's live page state replayed into the page-level simulator, then
// the user's steps (fork, writes, exit, dontneed), animated frame by frame with the predicted smaps of each process.
import { useEffect, useMemo, useRef, useState } from 'react';
import { PAGE_STATE_COUNT } from '../../shared/proc/page-state-map.js';
import { mappingName } from '../../shared/proc/group.js';
import { MAX_REGION_PAGES } from '../../shared/sim/pages/scenario.js';
import { SMAPS_COUNTER_FIELDS } from '../../shared/sim/pages/accounting.js';
import {
  advanceWhatIf,
  planWhatIf,
  readWhatIfPageStates,
  simulateWhatIf,
  startWhatIf,
  WhatIfError,
  type WhatIfPlan,
  type WhatIfRegion,
  type WhatIfRun,
  type WhatIfStep,
} from '../../shared/sim/lab/what-if.js';
import { mappingSizeKb, PAGE_SIZE_KB, pagesToKb } from '../../shared/units.js';
import { Banner, ErrorBanner, NoSuchMappingBanner } from '../components/banner.js';
import { computeGridColumns, PageGrid } from '../components/page-grid.js';
import { PageLegend } from '../components/page-legend.js';
import { PROC_COLORS, WhatIfChart } from '../components/lab/what-if-chart.js';
import { WhatIfReconcile } from '../components/lab/what-if-reconcile.js';
import { WHAT_IF_PRESETS, WhatIfSteps } from '../components/lab/what-if-steps.js';
import { formatClock, formatCount, formatExactKb, formatHumanKb } from '../format.js';
import { useElementWidth } from '../hooks/use-element-width.js';
import { useLivePageStates } from '../hooks/use-live-page-states.js';
import { useMapping } from '../hooks/use-mapping.js';
import { explainWhatIf } from '../lab/explain-what-if.js';
import { describePageState, formatPageAddress } from '../lab/page-labels.js';
import { usePalette } from '../lab/palette.js';
import type { Mapping } from '../../shared/proc/types.js';

/** Animation speed: frames per second while playing. */
const FRAMES_PER_SECOND = 4;

/** The simulated region for a live mapping: file-backed when it has a file, shared when perms say 's'. */
function describeRegion(m: Mapping, pages: number): WhatIfRegion {
  return { type: m.path.startsWith('/') && m.inode !== 0 ? 'file' : 'anon', share: m.perms[3] === 's' ? 'shared' : 'private', pages };
}

/** Grid cell size so one process's grid stays under heightPx. */
function pickCell(pages: number, widthPx: number, heightPx: number): number {
  let best = 1;
  for (const z of [1, 2, 3, 4, 6, 8, 12]) if (Math.ceil(pages / computeGridColumns(widthPx, z)) * z <= heightPx) best = z;
  return best;
}

/** The what-if page (data-testid="what-if"). */
export function WhatIfView({ pid, start }: { pid: number; start: string }) {
  const { mapping, answered, error: mapsError } = useMapping(pid, start, null);
  const pages = mapping === null ? 0 : mappingSizeKb(mapping.start, mapping.end) / PAGE_SIZE_KB;
  const tooBig = pages > MAX_REGION_PAGES;
  const [generation, setGeneration] = useState(0);
  const live = useLivePageStates(pid, mapping === null || tooBig ? null : start, pages, generation);
  const [steps, setSteps] = useState<WhatIfStep[]>(() => WHAT_IF_PRESETS[0]!.steps.map((s) => ({ ...s })));
  const region = mapping === null ? null : describeRegion(mapping, pages);

  // The region object is rebuilt every render from the mapping: its fields, as a key, say when it changed.
  const regionKey = region === null ? '' : `${region.type}:${region.share}:${region.pages}`;
  const planned = useMemo((): { plan: WhatIfPlan | null; error: string | null } => {
    const [type, share, count] = regionKey.split(':');
    if (regionKey === '' || live.states === null) return { plan: null, error: null };
    try {
      const r: WhatIfRegion = { type: type === 'file' ? 'file' : 'anon', share: share === 'shared' ? 'shared' : 'private', pages: Number(count) };
      return { plan: planWhatIf(r, live.states, steps), error: null };
    } catch (err) {
      if (err instanceof WhatIfError) return { plan: null, error: err.message };
      throw err;
    }
  }, [regionKey, live.states, steps]);
  const { plan } = planned;
  const frames = useMemo(() => (plan === null ? [] : simulateWhatIf(plan)), [plan]);
  const [frame, setFrame] = useState(0);
  const [playing, setPlaying] = useState(false);
  useEffect(() => {
    setFrame(Math.max(0, frames.length - 1));
    setPlaying(false);
  }, [frames]);
  useEffect(() => {
    if (!playing) return;
    const timer = window.setInterval(() => {
      setFrame((f) => {
        if (f + 1 >= frames.length) {
          setPlaying(false);
          return f;
        }
        return f + 1;
      });
    }, 1000 / FRAMES_PER_SECOND);
    return () => window.clearInterval(timer);
  }, [playing, frames.length]);

  // One simulation followed forward frame by frame; going back restarts it (cheap next to a whole pass).
  const runRef = useRef<WhatIfRun | null>(null);
  const gridStates = useMemo(() => {
    if (plan === null || frames.length === 0) return null;
    let run = runRef.current;
    if (run === null || run.plan !== plan || run.frame > frame + 1) run = startWhatIf(plan);
    advanceWhatIf(run, frame + 1);
    runRef.current = run;
    return plan.procs.map((p) => {
      const states = readWhatIfPageStates(run, p);
      const counts = new Array<number>(PAGE_STATE_COUNT).fill(0);
      for (let i = 0; i < states.length; i++) counts[states[i]!]!++;
      return { proc: p, states, counts };
    });
  }, [plan, frames, frame]);

  const palette = usePalette();
  const boxRef = useRef<HTMLDivElement>(null);
  const width = useElementWidth(boxRef, 900);
  const cellPx = pickCell(pages, width, 150);
  const current = frames[frame];
  const sentence = plan === null ? '' : explainWhatIf(plan, steps, frames);
  const back = `#/process/${pid}/mapping/${start}`;

  return (
    <div className="page" data-testid="what-if" data-pid={pid} data-start={start}>
      <header className="panel">
        <a href={back}>← mapping {start}</a> · <a href={`${back}/pages`}>page map</a>
        <h2>What if… {mapping === null ? '' : <span className="mono">{mappingName(mapping)}</span>}</h2>
        <div className="muted">
          Predicts what fork, copy-on-write, exit and MADV_DONTNEED would do to this mapping, page by page, with memscope's model of Linux 6.x (shared/sim/pages, checked
          against the real kernel). It starts from the pages present now: present anonymous pages as written, file and zero pages as read.
        </div>
        {region !== null ? (
          <div className="facts">
            <span>
              {formatCount(pages)} pages ({formatHumanKb(pagesToKb(pages))})
            </span>
            <span>
              modelled as {region.share} {region.type === 'file' ? 'file mapping (the file fully in the page cache)' : 'anonymous memory'}
            </span>
          </div>
        ) : null}
      </header>
      {mapsError !== null ? <ErrorBanner error={mapsError} what={`/proc/${pid}/maps`} /> : null}
      {answered && mapping === null ? (
        <NoSuchMappingBanner pid={pid} start={start} />
      ) : null}
      {tooBig ? (
        <Banner tone="warn" title="Too big to simulate page by page" testId="what-if-too-big">
          The model handles up to {formatCount(MAX_REGION_PAGES)} pages (16 GiB); this mapping has {formatCount(pages)}.
        </Banner>
      ) : null}
      {live.error !== null ? <ErrorBanner error={live.error} what={`/proc/${pid}/pagemap`} /> : null}
      {live.states === null && live.error === null && mapping !== null && !tooBig ? (
        <p className="muted" data-testid="what-if-reading">
          reading the live pages… {formatCount(live.pagesRead)} / {formatCount(pages)}
        </p>
      ) : null}
      {live.states !== null && !live.pfnsVisible ? (
        <Banner tone="info" title="Not root: zero pages and sharing are guessed">
          Without /proc/kpageflags and /proc/kpagecount (root only), a page that is present but not exclusive is taken as written (it may be the zero page, or shared with
          another process).
        </Banner>
      ) : null}
      {live.states !== null ? (
        <section className="panel">
          <div className="toolbar">
            <h3>steps</h3>
            <span className="spacer" />
            <button type="button" onClick={() => setGeneration((g) => g + 1)} title="Read the mapping's pages again">
              Re-read live pages
            </button>
          </div>
          <WhatIfSteps steps={steps} onChange={setSteps} />
          {planned.error !== null ? (
            <Banner tone="error" title="These steps cannot run" testId="what-if-error">
              {planned.error}
            </Banner>
          ) : null}
        </section>
      ) : null}
      {plan !== null && current !== undefined && gridStates !== null ? (
        <>
          <div className="panel what-if-summary" data-testid="what-if-summary">
            <strong>Prediction:</strong> {sentence}
            {live.sharedPages !== null && live.sharedPages > 0 ? (
              <div className="muted" data-testid="what-if-shared-note">
                {formatCount(live.sharedPages)} of the live pages are mapped by other processes too (kpagecount ≥ 2); the model gives them to p0 alone, so its Pss here is
                higher than the measured one.
              </div>
            ) : null}
            {region?.type === 'file' || region?.share === 'shared' ? (
              <div className="muted">Page-cache and shmem pages stay cached when every process has unmapped them: Σ Pss counts only what the processes map.</div>
            ) : null}
          </div>
          <section className="panel" ref={boxRef}>
            <div className="toolbar">
              <h3>pages, frame by frame</h3>
              <div className="segmented" role="group" aria-label="animation">
                <button type="button" onClick={() => setFrame(0)} aria-label="first frame" data-testid="what-if-first">
                  |◀◀
                </button>
                <button type="button" onClick={() => setFrame((f) => Math.max(0, f - 1))} aria-label="previous frame" data-testid="what-if-prev">
                  ◀|
                </button>
                <button
                  type="button"
                  className={playing ? 'on' : ''}
                  onClick={() => {
                    if (!playing && frame >= frames.length - 1) setFrame(0);
                    setPlaying(!playing);
                  }}
                  aria-label={playing ? 'pause' : 'play'}
                  data-testid="what-if-play"
                >
                  {playing ? '❙❙' : '▶'}
                </button>
                <button type="button" onClick={() => setFrame((f) => Math.min(frames.length - 1, f + 1))} aria-label="next frame" data-testid="what-if-next">
                  |▶
                </button>
                <button type="button" onClick={() => setFrame(frames.length - 1)} aria-label="last frame" data-testid="what-if-last">
                  ▶▶|
                </button>
              </div>
              <input
                type="range"
                min={0}
                max={frames.length - 1}
                value={frame}
                onChange={(e) => {
                  setPlaying(false);
                  setFrame(Number(e.target.value));
                }}
                aria-label="frame"
                className="lab-slider"
                data-testid="what-if-slider"
              />
              <span data-testid="what-if-frame" data-frame={frame}>
                {frame + 1}/{frames.length}: <strong>{current.label}</strong>
              </span>
            </div>
            {gridStates.map((g, i) => {
              const u = current.usage[i];
              return (
                <div key={g.proc} className="proc-grid" data-testid={`what-if-grid-${g.proc}`}>
                  <div className="proc-grid-title">
                    <i className="dot" style={{ background: PROC_COLORS[i % PROC_COLORS.length] }} />
                    <strong>{g.proc}</strong>{' '}
                    {u?.smaps == null ? (
                      <span className="muted">{frames.slice(0, frame + 1).some((f) => f.usage[i]?.smaps != null) ? 'exited' : 'not forked yet'}</span>
                    ) : (
                      <span className="muted">
                        Rss {formatHumanKb(u.smaps.Rss)} · Pss {formatHumanKb(u.smaps.Pss)} · Private_Dirty {formatHumanKb(u.smaps.Private_Dirty)}
                      </span>
                    )}
                  </div>
                  {u?.smaps == null ? null : (
                    // This process's pages only: a legend summed over processes counted an exited parent's pages too.
                    <PageLegend counts={g.counts} colors={palette.pageState} pfnsVisible testId={`what-if-legend-${g.proc}`} />
                  )}
                  {u?.smaps == null ? null : (
                    <PageGrid
                      states={g.states}
                      colors={palette.pageState}
                      cellPx={cellPx}
                      maxHeightPx={160}
                      describe={(k) => (
                        <>
                          <div className="mono">
                            {g.proc} · page {formatCount(k)} · {formatPageAddress(start, k)}
                          </div>
                          <strong>{describePageState(g.states[k]!, true)}</strong>
                        </>
                      )}
                      gapColor={palette.gap}
                      label={`${g.proc}'s pages`}
                    />
                  )}
                </div>
              );
            })}
          </section>
          <section className="panel">
            <h3>predicted smaps per process</h3>
            <WhatIfChart frames={frames} procs={plan.procs} frame={frame} onPick={setFrame} />
            <WhatIfReconcile frames={frames} procs={plan.procs} />
            <table className="kind-summary" data-testid="what-if-usage">
              <thead>
                <tr>
                  <th>process</th>
                  {SMAPS_COUNTER_FIELDS.map((f) => (
                    <th key={f} className="num">
                      {f}
                    </th>
                  ))}
                  <th className="num">minor faults</th>
                </tr>
              </thead>
              <tbody>
                {current.usage.map((u) => (
                  <tr
                    key={u.proc}
                    data-testid={`what-if-usage-${u.proc}`}
                    data-rss-kb={u.smaps?.Rss ?? ''}
                    data-pss-kb={u.smaps?.Pss ?? ''}
                    data-private-dirty-kb={u.smaps?.Private_Dirty ?? ''}
                  >
                    <td>{u.proc}</td>
                    {SMAPS_COUNTER_FIELDS.map((f) => (
                      <td key={f} className="num">
                        {u.smaps === null ? <span className="muted">—</span> : formatExactKb(u.smaps[f])}
                      </td>
                    ))}
                    <td className="num">{u.smaps === null ? <span className="muted">—</span> : formatCount(u.minorFaults)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <td>Σ Pss</td>
                  <td />
                  <td className="num" data-testid="what-if-total-pss" data-kb={current.totalPssKb}>
                    {formatExactKb(current.totalPssKb)}
                  </td>
                  <td colSpan={SMAPS_COUNTER_FIELDS.length - 1} className="muted">
                    physical memory of this mapping&apos;s pages, split among the processes mapping them
                  </td>
                </tr>
              </tfoot>
            </table>
            <div className="source-note">
              predicted: shared/sim/pages from the live pagemap read at {live.atMs === null ? '…' : formatClock(live.atMs)} · minor faults counted from the start of
              the replay (the live state&apos;s own faults included)
            </div>
          </section>
        </>
      ) : null}
    </div>
  );
}
