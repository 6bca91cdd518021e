// Every process, live: a virtualised, sortable, filterable table of the sampler's rows (top's
// columns, shared/proc/columns.ts) under the host summary. Vanished processes stay greyed a few seconds.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { COLUMNS, DEFAULT_COLUMNS, MAX_ROLLUP_PIDS, ROLLUP_COLUMNS, type ColumnId, type ColumnSpec } from '../../shared/proc/columns.js';
import type { ProcessRow } from '../../shared/proc/types.js';
import { ColumnChooser } from '../components/column-chooser.js';
import { VirtualTable, type VirtualColumn } from '../components/virtual-table.js';
import { formatCount, formatCpuTime, formatHumanKb, formatKbBoth } from '../format.js';
import { useTableView } from '../hooks/use-table-view.js';
import { navigate } from '../state/router.js';
import { useTableRows, useTick } from '../state/samples-store.js';
import { updateTableViewState, useTableViewState } from '../state/ui-store.js';
import { SystemSummaryPanel } from './system-summary.js';

const WIDTH_PX: Record<ColumnId, number> = {
  pid: 72,
  ppid: 72,
  user: 96,
  state: 36,
  virtKb: 88,
  resKb: 88,
  shrKb: 88,
  swapKb: 80,
  cpuPct: 64,
  memPct: 64,
  cpuTimeS: 84,
  threads: 60,
  minflt: 92,
  majflt: 80,
  minfltPerS: 86,
  majfltPerS: 86,
  pssKb: 88,
  ussKb: 88,
  swapPssKb: 88,
  command: 280,
};

/** A PSS/USS/SWAP-PSS cell: read for the rows on screen only, so empty until its first read; "—" when refused. */
function renderRollupCell(row: ProcessRow, kb: number | undefined) {
  if (row.rollupError !== undefined) {
    return (
      <span className="muted" title={`smaps_rollup: ${row.rollupError}`} data-testid="rollup-unreadable">
        —
      </span>
    );
  }
  if (kb === undefined) return <span className="muted" title="read from smaps_rollup when the row is on screen">…</span>;
  return <span title={formatKbBoth(kb)}>{formatHumanKb(kb)}</span>;
}

function renderCell(spec: ColumnSpec, row: ProcessRow) {
  switch (spec.id) {
    case 'virtKb':
    case 'resKb':
    case 'shrKb':
    case 'swapKb':
      return <span title={formatKbBoth(row[spec.id])}>{formatHumanKb(row[spec.id])}</span>;
    case 'pssKb':
    case 'ussKb':
    case 'swapPssKb':
      return renderRollupCell(row, row[spec.id]);
    case 'cpuPct':
    case 'memPct':
      return row[spec.id].toFixed(1);
    case 'cpuTimeS':
      return formatCpuTime(row.cpuTimeS);
    case 'minfltPerS':
    case 'majfltPerS':
      return formatCount(Math.round(row[spec.id]));
    case 'minflt':
    case 'majflt':
      return formatCount(row[spec.id]);
    case 'command':
      return (
        <>
          {row.rowStatus === 'gone' ? <span className="badge gone">gone</span> : null}
          {row.rowStatus === 'restricted' ? (
            <span className="badge restricted" title="some /proc files of this process were unreadable (another user's): run as root for full data">
              restricted
            </span>
          ) : null}
          <a href={`#/process/${row.pid}`} tabIndex={-1} className="cmd" title={row.command}>
            {row.rowStatus === 'gone' ? `(gone) ${row.command}` : row.command}
          </a>
        </>
      );
    default:
      return String(row[spec.id]);
  }
}

function compareRows(id: ColumnId, desc: boolean): (a: ProcessRow, b: ProcessRow) => number {
  const sign = desc ? -1 : 1;
  return (a, b) => {
    // Rollup figures exist for rows on screen only: the others sort as smallest.
    const x = a[id] ?? -1;
    const y = b[id] ?? -1;
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return c !== 0 ? sign * c : a.pid - b.pid;
  };
}

/** Text columns sort A→Z first; amounts largest first. */
function defaultDesc(id: ColumnId): boolean {
  return !(id === 'user' || id === 'command' || id === 'state' || id === 'pid' || id === 'ppid');
}

/** True when the row matches the filter text (name, command, user, or pid prefix). */
function matchesFilter(row: ProcessRow, needle: string): boolean {
  if (needle === '') return true;
  if (/^\d+$/.test(needle) && String(row.pid).startsWith(needle)) return true;
  return row.comm.toLowerCase().includes(needle) || row.command.toLowerCase().includes(needle) || row.user.toLowerCase().includes(needle);
}

const rowKey = (r: ProcessRow) => String(r.pid);
const rowClass = (r: ProcessRow) => (r.rowStatus === 'gone' ? 'row-gone' : r.rowStatus === 'restricted' ? 'row-restricted' : '');
const rowTestId = (r: ProcessRow) => `process-row-${r.pid}`;

/** The process table page (#/). */
export function ProcessTable() {
  const tick = useTick();
  const rows = useTableRows();
  const view = useTableViewState();
  const filterRef = useRef<HTMLInputElement>(null);
  const [shown, setShown] = useState<Set<string>>(() => new Set(DEFAULT_COLUMNS));
  const [windowRows, setWindowRows] = useState<[number, number]>([0, 0]);
  const onWindowChange = useCallback((first: number, last: number) => setWindowRows([first, last]), []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      const typing = target !== null && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable);
      if (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        filterRef.current?.focus();
        filterRef.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const columns = useMemo<VirtualColumn<ProcessRow>[]>(
    () =>
      COLUMNS.filter((c) => shown.has(c.id)).map((spec) => ({
        id: spec.id,
        title: spec.title,
        description: `${spec.description}${spec.unit === '' ? '' : ` (${spec.unit})`}`,
        widthPx: WIDTH_PX[spec.id],
        flex: spec.id === 'command',
        align: spec.unit !== '' || spec.id === 'pid' || spec.id === 'ppid' || spec.id === 'threads' || spec.id === 'minflt' || spec.id === 'majflt' ? 'right' : 'left',
        render: (row: ProcessRow) => renderCell(spec, row),
      })),
    [shown],
  );

  const needle = view.filter.trim().toLowerCase();
  const visibleRows = useMemo(() => {
    const filtered = needle === '' ? [...rows] : rows.filter((r) => matchesFilter(r, needle));
    return filtered.sort(compareRows(view.sortColumn, view.sortDesc));
  }, [rows, needle, view.sortColumn, view.sortDesc]);

  // What this tab shows, for the host's sampler: the columns' files, and smaps_rollup for the rows on screen.
  const shownIds = useMemo(() => COLUMNS.filter((c) => shown.has(c.id)).map((c) => c.id), [shown]);
  const showsRollup = shownIds.some((id) => ROLLUP_COLUMNS.includes(id));
  const rollupPids = useMemo(
    () => (showsRollup ? visibleRows.slice(windowRows[0], Math.min(windowRows[1], windowRows[0] + MAX_ROLLUP_PIDS)).filter((r) => r.rowStatus !== 'gone').map((r) => r.pid).sort((a, b) => a - b) : []),
    [showsRollup, visibleRows, windowRows],
  );
  useTableView(shownIds, rollupPids);

  const onSort = useCallback(
    (columnId: string, reverse: boolean) => {
      const id = columnId as ColumnId;
      let desc: boolean;
      if (reverse) desc = !(view.sortColumn === id ? view.sortDesc : defaultDesc(id));
      else desc = view.sortColumn === id ? !view.sortDesc : defaultDesc(id);
      updateTableViewState({ sortColumn: id, sortDesc: desc });
    },
    [view.sortColumn, view.sortDesc],
  );
  const onSelect = useCallback((key: string) => updateTableViewState({ selectedPid: Number(key) }), []);
  const onOpen = useCallback((row: ProcessRow) => {
    updateTableViewState({ selectedPid: row.pid });
    navigate({ name: 'process', pid: row.pid });
  }, []);
  const onScrollTopChange = useCallback((scrollTop: number) => updateTableViewState({ scrollTop }), []);

  const goneCount = useMemo(() => rows.filter((r) => r.rowStatus === 'gone').length, [rows]);
  const visibleGone = useMemo(() => visibleRows.filter((r) => r.rowStatus === 'gone').length, [visibleRows]);
  return (
    <div className="page page-table">
      <SystemSummaryPanel tick={tick} />
      <div className="toolbar">
        <input
          ref={filterRef}
          className="filter"
          type="search"
          placeholder="filter: name, user or pid   ( / )"
          aria-label="filter processes by name, user or pid"
          data-testid="process-filter"
          value={view.filter}
          onChange={(e) => updateTableViewState({ filter: e.target.value })}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              if (view.filter !== '') updateTableViewState({ filter: '' });
              else e.currentTarget.blur();
            } else if (e.key === 'Enter' || e.key === 'ArrowDown') {
              e.preventDefault();
              const first = visibleRows[0];
              if (first !== undefined && e.key === 'Enter' && visibleRows.length === 1) onOpen(first);
              else {
                if (first !== undefined && !visibleRows.some((r) => r.pid === view.selectedPid)) updateTableViewState({ selectedPid: first.pid });
                (document.querySelector('[data-testid="process-table"]') as HTMLElement | null)?.focus();
              }
            }
          }}
        />
        <span className="muted">
          {tick === null
            ? 'waiting for the first tick…'
            : `${formatCount(visibleRows.length - visibleGone)} of ${formatCount(rows.length - goneCount)} processes${visibleGone > 0 ? ` · ${visibleGone} gone` : ''}`}
        </span>
        <span className="spacer" />
        <span className="muted hint">↑↓ select · Enter open · click a header to sort, shift-click to reverse</span>
        <ColumnChooser
          testId="process-columns"
          columns={COLUMNS.map((c) => ({ id: c.id, title: c.title, description: c.description }))}
          shown={shown}
          onChange={(next) => {
            if (next.size > 0) setShown(next);
          }}
          onReset={() => setShown(new Set(DEFAULT_COLUMNS))}
        />
      </div>
      <VirtualTable
        className="fill"
        ariaLabel="processes"
        testId="process-table"
        rows={visibleRows}
        columns={columns}
        rowKey={rowKey}
        rowClassName={rowClass}
        rowTestId={rowTestId}
        selectedKey={view.selectedPid === null ? null : String(view.selectedPid)}
        onSelect={onSelect}
        onOpen={onOpen}
        sort={{ columnId: view.sortColumn, desc: view.sortDesc }}
        onSort={onSort}
        initialScrollTop={view.scrollTop}
        onScrollTopChange={onScrollTopChange}
        onWindowChange={onWindowChange}
        autoFocus
        emptyText={tick === null ? 'waiting for the first tick…' : needle === '' ? 'no processes' : `no process matches “${view.filter}”`}
      />
    </div>
  );
}
