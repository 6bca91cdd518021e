// One process in depth: header, RES/VIRT/SHR/SWAP over time, composition of its address space by
// kind, a VMMap-like per-kind summary and the mappings table. Pure presentation: live pages and
// opened snapshots pass their data in as props.
import { memo, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { MappingsReport } from '../../shared/api.js';
import type { HistorySample } from '../../shared/history/sample.js';
import type { Mapping, ProcessRow } from '../../shared/proc/types.js';
import { CompositionBar } from '../components/composition-bar.js';
import { KindSummary } from '../components/kind-summary.js';
import { MemoryChart } from '../components/memory-chart.js';
import { formatClock, formatCount, formatExactKb, formatHumanKb } from '../format.js';
import { isChunkSummed, isSameKindSums, sumChunkOnce, sumChunksByCategory, type KindCategory, type KindSums } from '../kinds.js';
import { DERIVE_NOW_MAPPINGS, listMappingChunks } from '../hooks/use-mappings.js';
import { useSameValue } from '../hooks/use-same-value.js';
import { workWhenIdle } from '../when-idle.js';
import { MappingsTable } from './mappings-table.js';

const STATE_NAMES: Record<string, string> = {
  R: 'running',
  S: 'sleeping',
  D: 'disk sleep',
  Z: 'zombie',
  T: 'stopped',
  t: 'tracing stop',
  X: 'dead',
  I: 'idle',
  P: 'parked',
};

/** The report's chunks not summed yet. */
function listUnsummedChunks(report: MappingsReport): (readonly Mapping[])[] {
  return listMappingChunks(report).filter((chunk) => !isChunkSummed(chunk));
}

/**
 * The report's sums by kind, or null while a first read of a big process is summed in idle time: the task that first
 * draws the mappings table does not also sum 20,000 mappings (5-8 ms, issue 13). Once a view has sums, it sums at once.
 */
function useKindSums(report: MappingsReport | null): KindSums[] | null {
  const hadSums = useRef(false);
  const [summedReport, setSummedReport] = useState<MappingsReport | null>(null);
  const now = report !== null && (hadSums.current || summedReport === report || listUnsummedChunks(report).reduce((n, c) => n + c.length, 0) <= DERIVE_NOW_MAPPINGS);
  const sums = useSameValue(useMemo(() => (report !== null && now ? sumChunksByCategory(listMappingChunks(report)) : null), [report, now]), isSameKindSums);
  if (sums !== null) hadSums.current = true;
  useEffect(() => (report === null || now ? undefined : workWhenIdle(listUnsummedChunks(report), sumChunkOnce, () => setSummedReport(report))), [report, now]);
  return sums;
}

/** Where the composition and the summary go while a first read's sums come (useKindSums). */
const SUMMING = (
  <p className="muted" data-testid="kind-sums-pending">
    summing by kind…
  </p>
);

/** Everything the process view shows, whether read live or from a snapshot. */
export interface ProcessViewData {
  pid: number;
  /** The row with top's numbers (latest tick, or the snapshot's metrics). */
  row: ProcessRow | null;
  exe: string | null;
  /** Full command line, or the row's. */
  command: string;
  history: readonly HistorySample[];
  /** Changes whenever history does (it may be mutated in place). */
  historyVersion: number;
  /** When memscope started watching the process (epoch ms), when known. */
  historyStartedMs?: number | null;
  /** When the process was seen to exit (epoch ms): a marker on the chart. */
  exitedMs?: number | null;
  report: MappingsReport | null;
  /** When report was read (epoch ms); a live page passes null and its own label as reportReadAt. */
  reportAtMs: number | null;
  /** Where the numbers come from, for the notes under each panel. */
  origin: 'live' | 'snapshot';
}

/** Props of ProcessView. */
export interface ProcessViewProps {
  data: ProcessViewData;
  /** Error/gone/restricted banners, shown under the header. */
  banners?: ReactNode;
  /** Buttons in the header (export, back). */
  actions?: ReactNode;
  /** Extra mappings toolbar content (refresh controls). */
  mappingsToolbar?: ReactNode;
  /** The report's " read at …" note, when it changes without the view (a live page's follows every re-read). */
  reportReadAt?: ReactNode;
  /** Shown where the mappings table goes while there is no report. */
  mappingsPlaceholder?: ReactNode;
  onOpenMapping: (start: string) => void;
  mappingHref: (start: string) => string;
  /** Base of exported file names ("memscope-42"). */
  fileBase: string;
}

// Memoized: a render of the view that moved no number (a mappings re-read's answer) leaves the five metrics alone.
const Metric = memo(function Metric({ title, kb, note }: { title: string; kb: number | null; note: string }) {
  return (
    <div className="metric" title={note} data-testid={`metric-${title}`} data-kb={kb ?? ''}>
      <div className="metric-title">{title}</div>
      <div className="metric-value">{kb === null ? '–' : formatHumanKb(kb)}</div>
      <div className="metric-exact muted">{kb === null ? '' : formatExactKb(kb)}</div>
    </div>
  );
});

/** The process view (header, chart, composition, kind summary, mappings). */
export function ProcessView({ data, banners, actions, mappingsToolbar, reportReadAt, mappingsPlaceholder, onOpenMapping, mappingHref, fileBase }: ProcessViewProps) {
  const [category, setCategory] = useState<KindCategory | null>(null);
  const { row, report } = data;
  // The previous sums while equal: a re-read that moved nothing re-renders neither the composition nor the summary.
  const sums = useKindSums(report);
  const hasSmaps = useMemo(() => report !== null && report.mappings.some((m) => m.smaps !== undefined), [report]);
  const { reportAtMs } = data;
  const pssKb = report?.rollup?.Pss;
  const name = row?.comm ?? data.command.split(' ')[0] ?? String(data.pid);
  const rowNote = data.origin === 'live' ? 'measured each tick from /proc/PID/statm and status' : 'as recorded in the snapshot';

  const noAddressSpace = row !== null && row.virtKb === 0;
  // Only shown without a report: with one, a new placeholder element each tick must not redo the table.
  const placeholder = report === null ? mappingsPlaceholder : null;
  const clearCategory = useCallback(() => setCategory(null), []);
  // Memoized on the report, not on the row: a tick re-renders the header and the chart, never the composition,
  // the summary or the mappings table (20,000 rows) unless a new report or a filter came.
  const addressSpace = useMemo(
    () =>
      report !== null && report.mappings.length === 0 ? (
        <section className="panel muted" data-testid="no-mappings">
          No mappings: {noAddressSpace ? 'a kernel thread (or a zombie) has no user address space.' : 'the process has no address space any more.'}
        </section>
      ) : report !== null ? (
        <>
          <div className="two-columns">
            <section className="panel">
              <h3>Address space by kind</h3>
              {sums === null ? SUMMING : <CompositionBar sums={sums} hasSmaps={hasSmaps} onPickCategory={setCategory} />}
              <div className="source-note">
                derived: Σ Size, Rss, Pss per kind from /proc/PID/smaps
                {reportReadAt ?? (reportAtMs === null ? '' : ` read at ${formatClock(reportAtMs)}`)}
              </div>
            </section>
            <section className="panel">
              <h3>Summary by kind</h3>
              {sums === null ? SUMMING : <KindSummary sums={sums} hasSmaps={hasSmaps} selected={category} onSelect={setCategory} />}
              <div className="source-note">derived: Private = Private_Clean + Private_Dirty, Shared = Shared_Clean + Shared_Dirty · click a kind to filter the mappings</div>
            </section>
          </div>
          <MappingsTable
            report={report}
            category={category}
            onClearCategory={clearCategory}
            onOpenMapping={onOpenMapping}
            mappingHref={mappingHref}
            fileBase={fileBase}
            toolbar={mappingsToolbar}
          />
        </>
      ) : (
        <section className="panel">{placeholder ?? 'reading /proc/PID/smaps…'}</section>
      ),
    [report, sums, hasSmaps, category, noAddressSpace, reportAtMs, reportReadAt, clearCategory, onOpenMapping, mappingHref, fileBase, mappingsToolbar, placeholder],
  );

  // Memoized on what it draws (history changes in place, its version says when): a render of the view that brought
  // no sample (a mappings re-read's answer) does not run the chart at all.
  const { history, historyVersion, historyStartedMs, exitedMs, pid, origin } = data;
  const chart = useMemo(
    () => (
      <section className="panel">
        <h3>Memory over time</h3>
        <MemoryChart
          samples={history}
          version={historyVersion}
          startedMs={historyStartedMs ?? null}
          exitedMs={exitedMs ?? null}
          title={`pid ${pid} · ${name}`}
          fileBase={`${fileBase}-chart`}
          sourceNote={origin === 'live' ? 'measured: /proc/PID/statm + status, every tick' : 'from the snapshot\'s recorded history'}
        />
      </section>
    ),
    [history, historyVersion, historyStartedMs, exitedMs, pid, name, fileBase, origin],
  );

  return (
    <div className="page page-process" data-testid="process-view" data-pid={data.pid}>
      <header className="process-header panel">
        <div className="process-title">
          <h2>
            <span className="muted">pid</span> {data.pid} <span className="comm">{name}</span>
          </h2>
          <div className="command mono" title={data.command}>
            {data.command}
          </div>
          <div className="facts">
            {row !== null ? (
              <>
                <span>
                  user <strong>{row.user}</strong>
                </span>
                <span title={STATE_NAMES[row.state] ?? row.state}>
                  state <strong>{row.state}</strong> {STATE_NAMES[row.state] ?? ''}
                </span>
                <span>
                  ppid <a href={`#/process/${row.ppid}`}>{row.ppid}</a>
                </span>
                <span>threads {formatCount(row.threads)}</span>
                <span>%CPU {row.cpuPct.toFixed(1)}</span>
              </>
            ) : null}
            {data.exe !== null ? <span className="mono ellipsis" title={data.exe}>exe {data.exe}</span> : null}
          </div>
        </div>
        <div className="metrics">
          <Metric title="RES" kb={row?.resKb ?? null} note={`VmRSS, ${rowNote}`} />
          <Metric title="VIRT" kb={row?.virtKb ?? null} note={`VmSize, ${rowNote}`} />
          <Metric title="SHR" kb={row?.shrKb ?? null} note={`RssFile + RssShmem, ${rowNote}`} />
          <Metric title="SWAP" kb={row?.swapKb ?? null} note={`VmSwap, ${rowNote}`} />
          <Metric title="PSS" kb={typeof pssKb === 'number' ? pssKb : null} note="Pss from /proc/PID/smaps_rollup, read with the mappings" />
        </div>
        <div className="actions">{actions}</div>
      </header>
      {banners}
      {chart}
      {addressSpace}
    </div>
  );
}
