// The process-table columns and the /proc files each one needs (htop's Process_fields
// .flags model): the sampler reads the union of the visible columns' sources, nothing more.

/** A per-process /proc file the sampler may read each tick. */
export type ProcSource = 'stat' | 'statm' | 'status' | 'cmdline';

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
  | 'majfltPerS';

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
  { id: 'command', title: 'COMMAND', unit: '', sources: ['stat', 'cmdline'], description: 'full command line ([comm] for kernel threads)' },
];

/** The union of sources the given columns need ('stat' always: it names the process). */
export function collectSources(columnIds: Iterable<ColumnId>): Set<ProcSource> {
  const sources = new Set<ProcSource>(['stat']);
  for (const id of columnIds) {
    const spec = COLUMNS.find((c) => c.id === id);
    if (spec !== undefined) for (const s of spec.sources) sources.add(s);
  }
  return sources;
}

/** True when id names a column. */
export function isColumnId(id: string): id is ColumnId {
  return COLUMNS.some((c) => c.id === id);
}
