// The host at a glance above the process table: memory used/cache/available, swap, load (getSystem,
// polled every few seconds), a small chart of used memory (the host's history: it survives a reload), and what sampling itself costs (tick.cost).
import { Fragment, useMemo } from 'react';
import type { Tick } from '../../shared/api.js';
import { Banner } from '../components/banner.js';
import { LazySmallAreaChart } from '../components/small-area-chart-lazy.js';
import { formatClock, formatDuration, formatHumanKb, formatKbBoth, formatPct } from '../format.js';
import { useSystem } from '../state/system-store.js';

/** Props of SystemSummary. */
export interface SystemSummaryProps {
  tick: Tick | null;
}

/** The summary strip. */
export function SystemSummaryPanel({ tick }: SystemSummaryProps) {
  const { summary, atMs, history, startedMs, error } = useSystem();
  const points = useMemo(() => history.map((p) => ({ tMs: p.tMs, kb: p.usedKb, minKb: p.minKb, maxKb: p.maxKb })), [history]);
  if (summary === null) {
    // The tick's error shows even when host memory cannot be read (the same fd shortage often causes both).
    return (
      <section className="summary panel">
        {error === null ? 'reading host memory…' : `host memory unavailable: ${error}`}
        <TickErrorBanner tick={tick} />
      </section>
    );
  }
  const total = summary.memTotalKb;
  const cacheKb = summary.cachedKb + summary.buffersKb;
  const pct = (kb: number) => (total > 0 ? (100 * kb) / total : 0);
  const cost = tick?.cost;
  const costCpuPct = cost !== undefined && tick !== null && tick.elapsedMs > 0 ? (100 * cost.cpuMs) / tick.elapsedMs : null;
  return (
    <section className="summary panel" data-testid="system-summary">
      <div className="summary-mem">
        <div className="summary-title">
          Memory <span className="muted">{formatHumanKb(total)} total</span>
        </div>
        <div className="membar" title="used (MemTotal − MemAvailable) · page cache and buffers · free">
          <span className="membar-used" style={{ width: `${pct(summary.memUsedKb)}%` }} />
          <span className="membar-cache" style={{ width: `${Math.max(0, Math.min(pct(cacheKb), 100 - pct(summary.memUsedKb)))}%` }} />
        </div>
        <dl className="kv">
          <dt>
            <i className="dot used" />
            used
          </dt>
          <dd title={formatKbBoth(summary.memUsedKb)}>
            {formatHumanKb(summary.memUsedKb)} <span className="muted">{formatPct(pct(summary.memUsedKb))}</span>
          </dd>
          <dt>available</dt>
          <dd title={formatKbBoth(summary.memAvailableKb)}>{formatHumanKb(summary.memAvailableKb)}</dd>
          <dt>
            <i className="dot cache" />
            cache+buffers
          </dt>
          <dd title={formatKbBoth(cacheKb)}>{formatHumanKb(cacheKb)}</dd>
          <dt>swap</dt>
          <dd title={`${formatKbBoth(summary.swapUsedKb)} of ${formatKbBoth(summary.swapTotalKb)}`}>
            {summary.swapTotalKb === 0 ? 'none' : `${formatHumanKb(summary.swapUsedKb)} / ${formatHumanKb(summary.swapTotalKb)}`}
          </dd>
        </dl>
      </div>
      <div className="summary-chart">
        <div className="summary-title">
          used memory <span className="muted">{startedMs === null ? 'since this page opened' : `since ${formatClock(startedMs)} (memscope started)`}</span>
        </div>
        <LazySmallAreaChart points={points} heightPx={96} name="used" maxKb={summary.memTotalKb} testId="system-chart" axes />
      </div>
      <div className="summary-host">
        <div className="summary-title">{summary.hostname}</div>
        <dl className="kv">
          <dt>load</dt>
          <dd>
            {summary.load1.toFixed(2)} {summary.load5.toFixed(2)} {summary.load15.toFixed(2)}
          </dd>
          <dt>up</dt>
          <dd>{formatDuration(summary.uptimeS)}</dd>
          <dt>kernel</dt>
          <dd className="ellipsis" title={`${summary.os} · ${summary.kernel} · ${summary.arch}`}>
            {summary.kernel}
          </dd>
        </dl>
        <div className="source-note">measured: /proc/meminfo, loadavg{atMs === null ? '' : ` · ${formatClock(atMs)}`}</div>
      </div>
      <div className="summary-cost" data-testid="sampling-cost" title="What reading /proc for this tick cost memscope itself">
        <div className="summary-title">sampling cost</div>
        {cost === undefined || tick === null ? (
          <span className="muted">waiting for a tick…</span>
        ) : (
          <dl className="kv">
            <dt>wall</dt>
            <dd>{cost.wallMs.toFixed(1)} ms</dd>
            <dt>CPU</dt>
            <dd>
              {cost.cpuMs.toFixed(1)} ms{costCpuPct === null ? '' : ` (${formatPct(costCpuPct)})`}
            </dd>
            <dt>processes</dt>
            <dd>{cost.processCount}</dd>
            <dt>reads</dt>
            <dd data-testid="sampling-sources" title="the /proc/PID files each tick reads: only those the shown columns need (any open tab's)">
              {/* "stat+statm+…": breakable after each "+" so a long list wraps instead of being cut. */}
              {cost.sources.map((source, i) => (
                <Fragment key={source}>
                  {i > 0 ? '+' : ''}
                  <wbr />
                  {source}
                </Fragment>
              ))}{' '}
              · {cost.cpuMs.toFixed(1)} ms CPU / tick
            </dd>
            {cost.rollup === undefined ? null : (
              <>
                <dt>rollup</dt>
                <dd
                  data-testid="sampling-rollup"
                  title="smaps_rollup (PSS, USS, SWAP-PSS) for the rows on screen: it walks page tables, so it has a time budget per tick; rows past it keep their last figures"
                >
                  {cost.rollup.readCount} {cost.rollup.readCount === 1 ? 'row' : 'rows'} · {cost.rollup.wallMs.toFixed(1)} of {cost.rollup.budgetMs} ms
                  {cost.rollup.deferredCount > 0 ? ` · ${cost.rollup.deferredCount} next tick` : ''}
                </dd>
              </>
            )}
            <dt>tick</dt>
            <dd>
              #{tick.seq} · {formatClock(tick.tMs)}
            </dd>
          </dl>
        )}
        <TickErrorBanner tick={tick} />
      </div>
    </section>
  );
}

/** Why the last tick read nothing or not everything (tick.error), or nothing when it read all. */
function TickErrorBanner({ tick }: SystemSummaryProps) {
  if (tick?.error === undefined) return null;
  return (
    <Banner tone="warn" title={tick.error.kind === 'failed' ? 'last tick read nothing: showing the one before' : 'last tick incomplete'} testId="tick-error">
      {tick.error.message}
    </Banner>
  );
}
