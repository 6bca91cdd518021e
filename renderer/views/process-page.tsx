// #/process/PID, live: gathers the row (ticks), status and command line (getProcess), history
// (getHistory + ticks) and mappings (getMappings, every 5 s while visible), all through hooks, for ProcessView, and
// keeps the last data with a "gone" banner when the process exits. Export: snapshot JSON, history CSV.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { ProcessDetail } from '../../shared/api.js';
import { isExitReading } from '../../shared/history/exit-reading.js';
import type { ProcessRow } from '../../shared/proc/types.js';
import { historyToCsv } from '../../shared/snapshot/csv.js';
import { Banner, ErrorBanner } from '../components/banner.js';
import { TIME_ONLY_REDRAW_MS } from '../components/memory-chart-frame.js';
import { saveText } from '../export/save-file.js';
import { formatClock, formatFileTime } from '../format.js';
import { useMappings } from '../hooks/use-mappings.js';
import { useProcessDetail } from '../hooks/use-process-detail.js';
import { useProcessHistory } from '../hooks/use-process-history.js';
import { useTableView } from '../hooks/use-table-view.js';
import { DEFAULT_COLUMNS, type ColumnId } from '../../shared/proc/columns.js';
import { createListeners, type Listeners } from '../state/listeners.js';
import { navigate } from '../state/router.js';
import { useTickOf } from '../state/samples-store.js';
import { exportProcessSnapshot, setComparison, showSnapshot, takeSessionSnapshot, useSnapshots } from '../state/snapshot-store.js';
import { toUiError, type UiError } from '../ui-error.js';
import { ProcessView } from './process-view.js';

/** How often the mappings are re-read while the page is visible. */
export const MAPPINGS_POLL_MS = 5000;
/**
 * The re-reads land halfway between two of the chart's time-only redraws (at multiples of TIME_ONLY_REDRAW_MS, a
 * divisor of MAPPINGS_POLL_MS), so the two costliest renders of the page never share a tick.
 */
const MAPPINGS_POLL_PHASE_MS = TIME_ONLY_REDRAW_MS / 2;

/** What the header shows from the ticks: user and SWAP too, so the host reads status while a process page is open. */
const PROCESS_PAGE_COLUMNS: readonly ColumnId[] = [...DEFAULT_COLUMNS, 'user', 'swapKb', 'ppid', 'threads'];
const NO_ROLLUP_PIDS: readonly number[] = [];

/** What the mappings toolbar shows (the last read, a read running) and does (refresh, the 5 s re-read on or off). */
interface MappingsRefreshState {
  loading: boolean;
  atMs: number | null;
  refresh: () => void;
  autoRefresh: boolean;
  setAutoRefresh: (on: boolean) => void;
  gone: boolean;
}

/** The toolbar's state: the page writes it, the toolbar alone reads it (useSyncExternalStore). */
interface MappingsRefreshStore {
  get: () => MappingsRefreshState;
  set: (next: MappingsRefreshState) => void;
  subscribe: Listeners['subscribe'];
}

function createMappingsRefreshStore(initial: MappingsRefreshState): MappingsRefreshStore {
  let state = initial;
  const listeners = createListeners();
  return {
    get: () => state,
    set: (next) => {
      // Field by field: the page hands in a new object when a tick brings a later read's time the store already has.
      if ((Object.keys(next) as (keyof MappingsRefreshState)[]).every((k) => next[k] === state[k])) return;
      state = next;
      listeners.notify();
    },
    subscribe: listeners.subscribe,
  };
}

/** The time of the last read, as the composition's note says it; follows the toolbar's store, not the view's props. */
function MappingsReadAtNote({ store }: { store: MappingsRefreshStore }) {
  const atMs = useSyncExternalStore(store.subscribe, () => store.get().atMs);
  return atMs === null ? null : <span className="read-at"> read at {formatClock(atMs)}</span>;
}

// The toolbar reads its state from a store of its own, not from props (a new toolbar element is a new prop of the
// mappings table) nor from a context (a new value walks the page's fibers for readers): a re-read starting and
// ending, every 5 s, re-renders the toolbar alone. Each control reads only the fields it shows, so a read's new time
// re-renders the label and not the checkbox: React writes a re-rendered <input>'s name and type again (three
// attribute writes and a style recalc of the input at every read, for nothing it shows).
function MappingsRefreshControls({ store }: { store: MappingsRefreshStore }) {
  const read = <K extends keyof MappingsRefreshState>(key: K) => () => store.get()[key];
  const loading = useSyncExternalStore(store.subscribe, read('loading'));
  const refresh = useSyncExternalStore(store.subscribe, read('refresh'));
  const autoRefresh = useSyncExternalStore(store.subscribe, read('autoRefresh'));
  const setAutoRefresh = useSyncExternalStore(store.subscribe, read('setAutoRefresh'));
  const gone = useSyncExternalStore(store.subscribe, read('gone'));
  return (
    <>
      <MappingsReadAtLabel store={store} />
      <label className="check" title="re-read /proc/PID/smaps every 5 seconds while this page is visible" data-testid="mappings-auto-refresh">
        <input type="checkbox" checked={autoRefresh} onChange={(e) => setAutoRefresh(e.target.checked)} disabled={gone} />
        every 5 s
      </label>
      <button type="button" onClick={refresh} disabled={loading || gone} data-testid="refresh-mappings">
        Refresh
      </button>
    </>
  );
}

/** The toolbar's "smaps read at" label: the one part of the toolbar a read's new time changes. */
function MappingsReadAtLabel({ store }: { store: MappingsRefreshStore }) {
  const loading = useSyncExternalStore(store.subscribe, () => store.get().loading);
  const atMs = useSyncExternalStore(store.subscribe, () => store.get().atMs);
  return (
    <span className="muted read-at" data-testid="mappings-read-at">
      {loading ? 'reading smaps…' : atMs === null ? '' : `smaps read at ${formatClock(atMs)}`}
    </span>
  );
}

/** The live process page. */
export function ProcessPage({ pid }: { pid: number }) {
  const tick = useTickOf(pid);
  useTableView(PROCESS_PAGE_COLUMNS, NO_ROLLUP_PIDS);
  const [autoRefresh, setAutoRefresh] = useState(true);
  const [exportError, setExportError] = useState<UiError | null>(null);
  const [exporting, setExporting] = useState(false);
  const lastRow = useRef<ProcessRow | null>(null);
  const [goneAtMs, setGoneAtMs] = useState<number | null>(null);

  // The row of this pid in the latest tick; a different start time means the pid was reused.
  const tickRow = tick?.rows.find((r) => r.pid === pid) ?? null;
  if (lastRow.current !== null && lastRow.current.pid !== pid) lastRow.current = null;
  const known = lastRow.current;
  const sameProcess = tickRow !== null && (known === null || known.startTicks === tickRow.startTicks);
  // A zombie (or a process whose address space do_exit already released) has exited: its statm reads 0,
  // so its row is not a reading of the process we watched.
  const zombie = sameProcess && tickRow.state === 'Z';
  const exited = sameProcess && isExitReading(tickRow, known?.virtKb);
  const liveRow = sameProcess && tickRow.rowStatus !== 'gone' && !exited ? tickRow : null;
  if (liveRow !== null) lastRow.current = liveRow;

  useEffect(() => {
    lastRow.current = null;
    setGoneAtMs(null);
  }, [pid]);
  const onDetail = useCallback((d: ProcessDetail) => {
    if (d.row !== null && d.row.state !== 'Z' && lastRow.current === null) lastRow.current = d.row;
  }, []);
  // The host is asked about pid only once a tick has listed it: a pid that does not exist gets the in-page
  // message after two ticks without it, and no 404s in the console.
  const listed = useRef<{ pid: number; firstSeq: number | null; seen: boolean }>({ pid, firstSeq: null, seen: false });
  if (listed.current.pid !== pid) listed.current = { pid, firstSeq: null, seen: false };
  if (tick !== null && listed.current.firstSeq === null) listed.current.firstSeq = tick.seq;
  if (tickRow !== null) listed.current.seen = true;
  const askHost = listed.current.seen;
  const neverListed = !askHost && tick !== null && tick.seq > (listed.current.firstSeq ?? tick.seq);
  const { detail, error: detailError } = useProcessDetail(pid, onDetail, askHost);

  // The toolbar's store, written by the page (below) and by every read's answer: a re-read that finds the report
  // unchanged changes no state of the page, and its time goes to the store alone (the label re-renders, nothing else).
  const [refreshStore] = useState(() => createMappingsRefreshStore({ loading: false, atMs: null, refresh: () => undefined, autoRefresh, setAutoRefresh, gone: false }));
  const lastRead = useRef<{ pid: number; atMs: number } | null>(null);
  const onMappingsRead = useCallback(
    (atMs: number) => {
      lastRead.current = { pid, atMs };
      refreshStore.set({ ...refreshStore.get(), atMs });
    },
    [pid, refreshStore],
  );
  const mappings = useMappings(pid, autoRefresh && goneAtMs === null ? MAPPINGS_POLL_MS : null, askHost, MAPPINGS_POLL_PHASE_MS, onMappingsRead);
  const goneNow = tick !== null && liveRow === null && (lastRow.current !== null || detailError?.code === 'gone' || neverListed);
  const gone = goneNow || detailError?.code === 'gone' || mappings.error?.code === 'gone';
  const history = useProcessHistory(pid, !gone);
  useEffect(() => {
    if (gone && goneAtMs === null) setGoneAtMs(history.exitedMs ?? tick?.tMs ?? Date.now());
  }, [gone, goneAtMs, tick, history.exitedMs]);

  const row = liveRow ?? (lastRow.current === null ? null : { ...lastRow.current, rowStatus: gone ? ('gone' as const) : lastRow.current.rowStatus });
  const command = detail !== null && detail.cmdline.length > 0 ? detail.cmdline.join(' ') : (row?.command ?? '');
  const fileBase = `memscope-${pid}`;

  const exportSnapshot = () => {
    setExporting(true);
    exportProcessSnapshot(pid)
      .then(
        (snapshot) => {
          const fileName = `${fileBase}-${formatFileTime(Date.parse(snapshot.createdAt) || Date.now())}.json`;
          saveText(`${JSON.stringify(snapshot, null, 2)}\n`, fileName, 'application/json');
          showSnapshot({ snapshot, fileName });
          setExportError(null);
        },
        (err: unknown) => setExportError(toUiError(err)),
      )
      .finally(() => setExporting(false));
  };

  // Snapshots of this very process held in the session: the last one is what "Compare" compares with now.
  const { held } = useSnapshots();
  const earlier = held.filter((o) => o.snapshot.process.pid === pid && (row === null || o.snapshot.process.metrics.startTicks === row.startTicks));
  const [taking, setTaking] = useState(false);
  const takeSnapshot = (compare: boolean) => {
    const before = earlier.at(-1);
    setTaking(true);
    takeSessionSnapshot(pid, (snapshot) => `pid ${pid} at ${formatClock(Date.parse(snapshot.createdAt))}`)
      .then(
        (now) => {
          setExportError(null);
          if (compare && before !== undefined) {
            setComparison(before, now);
            navigate({ name: 'compare' });
          }
        },
        (err: unknown) => setExportError(toUiError(err)),
      )
      .finally(() => setTaking(false));
  };
  const lastHeld = earlier.at(-1);

  const onOpenMapping = useCallback((start: string) => navigate({ name: 'mapping', pid, start }), [pid]);
  const mappingHref = useCallback((start: string) => `#/process/${pid}/mapping/${start}`, [pid]);
  const { loading: mappingsLoading, refresh: refreshMappings } = mappings;
  // The held report's time, or a later read's that found it unchanged.
  const mappingsAtMs = lastRead.current?.pid === pid && mappings.atMs !== null ? Math.max(mappings.atMs, lastRead.current.atMs) : mappings.atMs;
  const refreshState = useMemo(
    () => ({ loading: mappingsLoading, atMs: mappingsAtMs, refresh: refreshMappings, autoRefresh, setAutoRefresh, gone }),
    [mappingsLoading, mappingsAtMs, refreshMappings, autoRefresh, gone],
  );
  useLayoutEffect(() => refreshStore.set(refreshState), [refreshStore, refreshState]);
  // One element each for the page's life: they never re-render the mappings table or the view by themselves.
  const mappingsToolbar = useMemo(() => <MappingsRefreshControls store={refreshStore} />, [refreshStore]);
  const reportReadAt = useMemo(() => <MappingsReadAtNote store={refreshStore} />, [refreshStore]);

  const nothingYet = row === null && detail === null && mappings.report === null;
  const banners = (
    <>
      {gone ? (
        <Banner tone="gone" title={`Process ${pid} is gone`} testId="process-gone">
          It exited{goneAtMs === null ? '' : ` at ${formatClock(goneAtMs)}`}
          {zombie ? ' and is a zombie (its parent has not waited for it; a zombie holds no memory)' : ''}. The last data read while it ran is kept below;
          nothing is read from /proc any more.
        </Banner>
      ) : null}
      {detailError !== null && detailError.code !== 'gone' ? <ErrorBanner error={detailError} what={`/proc/${pid}/status`} /> : null}
      {mappings.error !== null && mappings.error.code !== 'gone' ? <ErrorBanner error={mappings.error} what={`/proc/${pid}/smaps`} testId="mappings-error" /> : null}
      {mappings.report !== null && mappings.report.restricted.length > 0 ? (
        <Banner tone="warn" title="Some files could not be read" testId="restricted-notice">
          {mappings.report.restricted.join('; ')}. Another user's smaps is readable only by root: run memscope as root (sudo) to see Rss, Pss and Swap per mapping.
        </Banner>
      ) : null}
      {exportError !== null ? <ErrorBanner error={exportError} what="the snapshot" testId="export-error" /> : null}
    </>
  );

  if (nothingYet && gone) {
    return (
      <div className="page">
        <Banner tone="gone" title={`No process ${pid}`} testId="process-gone">
          There is no process with this pid (it exited, or never existed). <a href="#/">Back to the process table</a>
        </Banner>
      </div>
    );
  }

  return (
    <ProcessView
      data={{
        pid,
        row,
        exe: detail?.exe ?? mappings.report?.exe ?? null,
        command,
        history: history.samples,
        historyVersion: history.version,
        historyStartedMs: history.startedMs,
        exitedMs: history.exitedMs,
        report: mappings.report,
        reportAtMs: null,
        origin: 'live',
      }}
      fileBase={fileBase}
      banners={banners}
      actions={
        <>
          <button type="button" onClick={exportSnapshot} disabled={exporting || gone} data-testid="export-snapshot" title="Save a snapshot of this process (JSON: mappings, smaps, status, history)">
            {exporting ? 'Exporting…' : 'Export snapshot'}
          </button>
          <a className="button" href={`#/process/${pid}/heap`} data-testid="open-heap" title="this process's glibc heap, read live from its memory: arenas, chunks by list, mallinfo2">
            Heap
          </a>
          <button
            type="button"
            onClick={() => takeSnapshot(false)}
            disabled={taking || gone}
            data-testid="take-snapshot"
            title="Take a snapshot and keep it in this session (no file), to compare with a later one"
          >
            {taking ? 'Taking…' : `Take snapshot${earlier.length > 0 ? ` (${earlier.length} held)` : ''}`}
          </button>
          {lastHeld !== undefined ? (
            <button
              type="button"
              onClick={() => takeSnapshot(true)}
              disabled={taking || gone}
              data-testid="compare-with-held"
              title="Take a snapshot now and compare it with the last one held"
            >
              Compare {formatClock(Date.parse(lastHeld.snapshot.createdAt))} with now
            </button>
          ) : null}
          <button
            type="button"
            onClick={() => saveText(historyToCsv(history.samples), `${fileBase}-history-${formatFileTime(Date.now())}.csv`, 'text/csv')}
            disabled={history.samples.length === 0}
            data-testid="export-history-csv"
            title="Save the VIRT/RES/SHR/SWAP history as CSV"
          >
            History CSV
          </button>
        </>
      }
      mappingsToolbar={mappingsToolbar}
      reportReadAt={reportReadAt}
      mappingsPlaceholder={
        mappings.error !== null ? (
          <span className="muted">No mappings to show.</span>
        ) : row !== null && row.virtKb === 0 && row.command.startsWith('[') ? (
          <span className="muted">A kernel thread has no user address space.</span>
        ) : (
          'reading /proc/PID/smaps…'
        )
      }
      onOpenMapping={onOpenMapping}
      mappingHref={mappingHref}
    />
  );
}
