// #/lab/malloc: the Allocator lab. A built-in workload or a trace file (memscope-trace 2 recordings: threads,
// arenas and a what-if table) replayed through the glibc and TCMalloc models side by side, in the renderer (pure shared/ code, no host call); play, step and scrub over the ops.
import { useCallback, useEffect, useState } from 'react';
import { Banner } from '../components/banner.js';
import { GlibcPanel } from '../components/lab/glibc-panel.js';
import { GlibcThreadsPanel } from '../components/lab/glibc-threads-panel.js';
import { MallocWhatIfTable } from '../components/lab/malloc-what-if-table.js';
import type { StripMode } from '../components/lab/heap-strip.js';
import { LabSourceBar } from '../components/lab/lab-source.js';
import { StripModeToggle } from '../components/lab/strip-mode-toggle.js';
import { LabTransport, seekLab } from '../components/lab/lab-transport.js';
import { TcmallocPanel } from '../components/lab/tcmalloc-panel.js';
import { formatClock, formatCount } from '../format.js';
import { useLabPlayback } from '../hooks/use-lab-playback.js';
import { buildLab, type LabBuild } from '../lab/build-lab.js';
import { describeTraceCall } from '../lab/describe-op.js';
import { LAB_CURSOR_END, readLabState, updateLabState, useLabState, type LabLiveStart } from '../state/allocator-lab-store.js';

/** What the glibc side starts from when it is a live heap, and the way back to a fresh process. */
function LiveStartBanner({ start }: { start: LabLiveStart }) {
  return (
    <Banner tone="info" title={`glibc starts from pid ${start.pid}'s arena ${start.arenaIndex}, as read at ${formatClock(start.readAtMs)}`} testId="lab-live-start">
      Op 0 is the process's real heap (measured: every chunk, bin and tcache entry read from it); every op after it is simulated by the glibc model, as if the
      process made those calls next. TCMalloc starts from a fresh process (a glibc heap cannot be loaded into it).{' '}
      <a href={`#/process/${start.pid}/heap`}>Back to the Heap view</a> ·{' '}
      <button type="button" className="link" onClick={() => updateLabState({ liveStart: null, playing: false, cursor: LAB_CURSOR_END })} data-testid="lab-live-start-clear">
        start from a fresh process instead
      </button>
    </Banner>
  );
}

/** The lab page (data-testid="allocator-lab"). */
export function AllocatorLab() {
  const lab = useLabState();
  const [build, setBuild] = useState<LabBuild | null>(null);
  const [building, setBuilding] = useState(true);
  const [stripMode, setStripMode] = useState<StripMode>('address');

  // Replaying a big trace takes a moment: paint "replaying…" first, then build on the next task.
  useEffect(() => {
    setBuilding(true);
    const timer = window.setTimeout(() => {
      const b = buildLab(lab.source, lab.glibcTunables, lab.tcmallocEnv, lab.liveStart);
      setBuild(b);
      setBuilding(false);
      if (b.ok && readLabState().cursor > b.trace.length) updateLabState({ cursor: b.trace.length });
    }, 16);
    return () => window.clearTimeout(timer);
  }, [lab.source, lab.glibcTunables, lab.tcmallocEnv, lab.liveStart]);

  const opCount = build?.ok === true ? build.trace.length : null;
  useLabPlayback(lab.playing, opCount);
  const onSeek = useCallback((c: number) => seekLab(c, opCount ?? 0), [opCount]);
  const cursor = opCount === null ? 0 : Math.min(lab.cursor, opCount);

  return (
    <div className="page page-lab" data-testid="allocator-lab" data-building={building ? 'true' : 'false'}>
      <header className="toolbar">
        <h2>Allocator lab</h2>
        <span className="muted">
          replays a trace through models of glibc malloc and TCMalloc, op by op, as a C program doing <span className="mono">p[id] = malloc(size)</span>… would (both models
          agree op by op with the real allocators on this machine)
        </span>
      </header>
      {lab.liveStart !== null ? <LiveStartBanner start={lab.liveStart} /> : null}
      <LabSourceBar source={lab.source} glibcTunables={lab.glibcTunables} tcmallocEnv={lab.tcmallocEnv} />
      {building ? (
        <p className="muted" data-testid="lab-building">
          replaying…
        </p>
      ) : null}
      {build !== null && !build.ok ? (
        <Banner tone="error" title="This trace cannot be replayed" testId="lab-error">
          {build.error}
        </Banner>
      ) : null}
      {build?.ok === true && opCount !== null ? (
        <>
          <LabTransport opCount={opCount} cursor={cursor} playing={lab.playing} opsPerSecond={lab.opsPerSecond} />
          <div className="toolbar lab-now">
            <span data-testid="lab-current-op">
              {cursor === 0 ? (
                <span className="muted">no op run yet</span>
              ) : (
                <>
                  op {formatCount(cursor - 1)}: <span className="mono">{describeTraceCall(build.trace, cursor - 1)}</span>
                </>
              )}
            </span>
            <span className="muted">{build.label}</span>
            <span className="spacer" />
            <StripModeToggle mode={stripMode} onChange={setStripMode} blockName="chunk or span" />
          </div>
          <div className="two-columns lab-columns">
            {build.threads !== null ? (
              build.threads.ok ? (
                <GlibcThreadsPanel session={build.threads.session} cursor={cursor} stripMode={stripMode} onSeek={onSeek} warnings={build.threads.warnings} />
              ) : (
                <section className="panel lab-panel" data-testid="glibc-threads-panel">
                  <h3>glibc 2.36 ptmalloc2 · threads and arenas</h3>
                  <Banner tone="error" title="The glibc model did not run this trace" testId="glibc-error">
                    {build.threads.error}
                  </Banner>
                </section>
              )
            ) : build.glibc.ok ? (
              <GlibcPanel session={build.glibc.session} cursor={cursor} stripMode={stripMode} onSeek={onSeek} warnings={build.glibc.warnings} liveStart={lab.liveStart} />
            ) : (
              <section className="panel lab-panel" data-testid="glibc-panel">
                <h3>glibc 2.36 ptmalloc2</h3>
                <Banner tone="error" title="GLIBC_TUNABLES not applied" testId="glibc-error">
                  {build.glibc.error}
                </Banner>
              </section>
            )}
            {build.tcmalloc.ok ? (
              <TcmallocPanel session={build.tcmalloc.session} cursor={cursor} stripMode={stripMode} onSeek={onSeek} />
            ) : (
              <section className="panel lab-panel" data-testid="tcmalloc-panel">
                <h3>gperftools TCMalloc</h3>
                <Banner tone="error" title={build.trace.version === 2 ? 'TCMalloc did not run this trace' : 'TCMalloc settings not applied'} testId="tcmalloc-error">
                  {build.tcmalloc.error}
                </Banner>
              </section>
            )}
          </div>
          {build.whatIf !== null ? <MallocWhatIfTable rows={build.whatIf} recorded={build.measured} /> : null}
          <div className="source-note">
            simulated: shared/sim/malloc (glibc 2.36 and gperftools 2.10 as Debian 12 ships them), replayed in this window;
            {build.threads?.ok === true ? ` glibc pass ${build.threads.session.passMs.toFixed(0)} ms, ${build.threads.session.checkpoints.length} checkpoints;` : ''}
            {build.glibc.ok ? ` glibc pass ${build.glibc.session.passMs.toFixed(0)} ms, ${build.glibc.session.checkpoints.length} checkpoints;` : ''}
            {build.tcmalloc.ok ? ` TCMalloc pass ${build.tcmalloc.session.passMs.toFixed(0)} ms, ${build.tcmalloc.session.checkpoints.length} checkpoints` : ''}
          </div>
        </>
      ) : null}
    </div>
  );
}
