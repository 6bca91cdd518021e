// The process-table columns and the /proc files each one needs (htop's Process_fields
// .flags model): the sampler reads the union of the visible columns' sources, nothing more.

/**
 * A per-process /proc file the sampler may read each tick. smaps_rollup walks the process's page
 * tables under its mm lock (htop issue 1712), so it is read only for the rows a client shows.
 */
export type ProcSource = 'stat' | 'statm' | 'status' | 'cmdline' | 'smaps_rollup';

/** Every ProcSource, in the order the cost meter names them. */
export const PROC_SOURCES: readonly ProcSource[] = ['stat', 'statm', 'status', 'cmdline', 'smaps_rollup'];

/** Column ids; they are also ProcessRow keys. */
export type ColumnId =
  | 'pid'
  | 'ppid'
  | 'user'
  | 'state'
  | 'command'
  | 'virtKb'
  | 'resKb'
  | 'shrKb'
  | 'swapKb'
  | 'cpuPct'
  | 'memPct'
  | 'cpuTimeS'
  | 'threads'
  | 'minflt'
  | 'majflt'
  | 'minfltPerS'
  | 'majfltPerS'
  | 'pssKb'
  | 'ussKb'
  | 'swapPssKb';

/** A client's table view is forgotten when not renewed for this long (the renderer renews it every VIEW_RENEW_MS). */
export const VIEW_LEASE_MS = 30_000;

/** How often a client renews its table view. */
export const VIEW_RENEW_MS = 10_000;

/** Most pids one client may ask smaps_rollup for: a screenful of rows, with room for tall screens. */
export const MAX_ROLLUP_PIDS = 200;

/** Most clients whose table views are held; beyond it the least recently renewed one is forgotten. */
export const MAX_TABLE_VIEWS = 64;

/** Most wall time one tick spends reading smaps_rollup; the rest are read first on the next tick. */
export const ROLLUP_BUDGET_MS = 10;

/** How a column is shown and what it costs to fill. */
export interface ColumnSpec {
  id: ColumnId;
  /** Header as top/htop print it. */
  title: string;
  /** 'kB', '%', 's', '/s' or '' for plain values. */
  unit: string;
  /** Files that must be read to fill it. */
  sources: readonly ProcSource[];
  /** One line for tooltips and --help. */
  description: string;
}

/** Every column, in top's default order. */
export const COLUMNS: readonly ColumnSpec[] = [
  { id: 'pid', title: 'PID', unit: '', sources: ['stat'], description: 'process id' },
  { id: 'ppid', title: 'PPID', unit: '', sources: ['stat'], description: 'parent process id' },
  { id: 'user', title: 'USER', unit: '', sources: ['status'], description: 'effective user (Uid: second field)' },
  { id: 'virtKb', title: 'VIRT', unit: 'kB', sources: ['statm'], description: 'VmSize: every mapping, touched or not' },
  { id: 'resKb', title: 'RES', unit: 'kB', sources: ['statm'], description: 'VmRSS: pages resident in RAM (anon + file + shmem)' },
  { id: 'shrKb', title: 'SHR', unit: 'kB', sources: ['statm'], description: 'RssFile + RssShmem: resident pages that could be shared' },
  { id: 'swapKb', title: 'SWAP', unit: 'kB', sources: ['status'], description: 'VmSwap: anonymous pages swapped out' },
  { id: 'state', title: 'S', unit: '', sources: ['stat'], description: 'R running, S sleeping, D disk wait, Z zombie, T stopped, I idle' },
  { id: 'cpuPct', title: '%CPU', unit: '%', sources: ['stat'], description: 'CPU time since the last tick over elapsed time, % of one CPU' },
  { id: 'memPct', title: '%MEM', unit: '%', sources: ['statm'], description: 'RES over MemTotal' },
  { id: 'cpuTimeS', title: 'TIME+', unit: 's', sources: ['stat'], description: 'utime + stime' },
  { id: 'threads', title: 'NLWP', unit: '', sources: ['stat'], description: 'threads' },
  { id: 'minflt', title: 'MINFLT', unit: '', sources: ['stat'], description: 'minor page faults since start (no I/O)' },
  { id: 'majflt', title: 'MAJFLT', unit: '', sources: ['stat'], description: 'major page faults since start (needed I/O)' },
  { id: 'minfltPerS', title: 'MINFLT/s', unit: '/s', sources: ['stat'], description: 'minor faults per second' },
  { id: 'majfltPerS', title: 'MAJFLT/s', unit: '/s', sources: ['stat'], description: 'major faults per second' },
  { id: 'pssKb', title: 'PSS', unit: 'kB', sources: ['smaps_rollup'], description: 'Pss: resident pages, each shared page divided among its users (read for the rows on screen)' },
  { id: 'ussKb', title: 'USS', unit: 'kB', sources: ['smaps_rollup'], description: 'Private_Clean + Private_Dirty: what exiting would free (read for the rows on screen)' },
  { id: 'swapPssKb', title: 'SWAP-PSS', unit: 'kB', sources: ['smaps_rollup'], description: 'SwapPss: swapped-out pages, shared ones divided among their users (read for the rows on screen)' },
  { id: 'command', title: 'COMMAND', unit: '', sources: ['stat', 'cmdline'], description: 'full command line ([comm] for kernel threads)' },
];

/**
 * What the app's process table and `memscope top` show unless told otherwise: top's default columns
 * without USER and SWAP, so a tick reads stat + statm only (status costs about twice stat; issue 13).
 */
export const DEFAULT_COLUMNS: readonly ColumnId[] = ['pid', 'virtKb', 'resKb', 'shrKb', 'state', 'cpuPct', 'memPct', 'cpuTimeS', 'command'];

/** Every column id, in COLUMNS order. */
export const ALL_COLUMN_IDS: readonly ColumnId[] = COLUMNS.map((c) => c.id);

/** The columns filled from smaps_rollup (PSS, USS, SWAP-PSS): only for the rows a client shows. */
export const ROLLUP_COLUMNS: readonly ColumnId[] = COLUMNS.filter((c) => c.sources.includes('smaps_rollup')).map((c) => c.id);

/** The union of sources the given columns need ('stat' always: it names the process; status replaces statm). */
export function collectSources(columnIds: Iterable<ColumnId>): Set<ProcSource> {
  const sources = new Set<ProcSource>(['stat']);
  for (const id of columnIds) {
    const spec = COLUMNS.find((c) => c.id === id);
    if (spec !== undefined) for (const s of spec.sources) sources.add(s);
  }
  // status carries VmSize, VmRSS, RssFile and RssShmem too: with it, statm would be read for nothing.
  if (sources.has('status')) sources.delete('statm');
  return sources;
}

/** True when id names a column. */
export function isColumnId(id: unknown): id is ColumnId {
  return typeof id === 'string' && COLUMNS.some((c) => c.id === id);
}

/** The files a set of sources names, as the cost meter prints them: "stat+statm". */
export function formatSources(sources: Iterable<ProcSource>): string {
  const set = new Set(sources);
  return PROC_SOURCES.filter((s) => set.has(s)).join('+');
}
