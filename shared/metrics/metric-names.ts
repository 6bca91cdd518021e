// The table of every metric family memscope exports on /metrics: name, type, help and where its
// value comes from. Names follow Prometheus's naming practice (base units, _total on counters);
// README.md ("Running memscope on a fleet") lists the same names for Grafana, and a test keeps the two in step.
import type { MetricType } from './exposition.js';

/** One metric family as written on /metrics. */
export interface MetricFamily {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
}

/** Per-process figures, exported per process (memscope_process_*) or summed per group (memscope_group_*). */
export interface ProcessFigureFamily {
  /** Key in ProcessFigures / SmapsFigures. */
  readonly field: string;
  /** Name after "memscope_process_" or "memscope_group_". */
  readonly suffix: string;
  readonly type: MetricType;
  readonly help: string;
}

/** From /proc/PID/status (memory) and /proc/PID/stat (faults, CPU), as the sampler reads them every tick. */
export const PROCESS_FIGURE_FAMILIES = [
  { field: 'residentBytes', suffix: 'resident_bytes', type: 'gauge', help: 'Resident set size: VmRSS (RssAnon + RssFile + RssShmem), top RES.' },
  { field: 'virtualBytes', suffix: 'virtual_bytes', type: 'gauge', help: 'Virtual address space size: VmSize, top VIRT.' },
  { field: 'sharedBytes', suffix: 'shared_bytes', type: 'gauge', help: 'Resident pages that may be shared: RssFile + RssShmem, top SHR.' },
  { field: 'swapBytes', suffix: 'swap_bytes', type: 'gauge', help: 'Swapped-out anonymous memory: VmSwap.' },
  { field: 'minorFaults', suffix: 'minor_faults_total', type: 'counter', help: 'Page faults served without I/O: /proc/PID/stat minflt.' },
  { field: 'majorFaults', suffix: 'major_faults_total', type: 'counter', help: 'Page faults that needed I/O: /proc/PID/stat majflt.' },
  { field: 'cpuSeconds', suffix: 'cpu_seconds_total', type: 'counter', help: 'CPU time in user and kernel mode: (utime + stime) / USER_HZ.' },
] as const satisfies readonly ProcessFigureFamily[];

/** From /proc/PID/smaps_rollup, only for the processes the config selects (it walks page tables). */
export const SMAPS_FIGURE_FAMILIES = [
  { field: 'pssBytes', suffix: 'pss_bytes', type: 'gauge', help: 'Proportional set size: smaps_rollup Pss (shared pages divided among their users).' },
  { field: 'ussBytes', suffix: 'uss_bytes', type: 'gauge', help: 'Unique set size: smaps_rollup Private_Clean + Private_Dirty.' },
  { field: 'swapPssBytes', suffix: 'swap_pss_bytes', type: 'gauge', help: 'Proportional swap: smaps_rollup SwapPss.' },
] as const satisfies readonly ProcessFigureFamily[];

/** Metric name prefix of per-process series (labels pid, comm, user). */
export const PROCESS_PREFIX = 'memscope_process_';
/** Metric name prefix of per-group series (label groupname). */
export const GROUP_PREFIX = 'memscope_group_';

/** Number of live processes in a group (only when groups are configured). */
export const GROUP_PROCESSES: MetricFamily = {
  name: 'memscope_group_processes',
  type: 'gauge',
  help: 'Live processes in the name group.',
};

/** Host memory from systeminformation (/proc/meminfo), refreshed in the background. */
export const HOST_FAMILIES = [
  { field: 'memTotalKb', name: 'memscope_host_memory_total_bytes', type: 'gauge', help: 'MemTotal: usable RAM.' },
  { field: 'memFreeKb', name: 'memscope_host_memory_free_bytes', type: 'gauge', help: 'MemFree: RAM not used for anything.' },
  { field: 'memAvailableKb', name: 'memscope_host_memory_available_bytes', type: 'gauge', help: 'MemAvailable: RAM available for new work without swapping.' },
  { field: 'memUsedKb', name: 'memscope_host_memory_used_bytes', type: 'gauge', help: 'MemTotal - MemAvailable: what applications hold.' },
  { field: 'buffersKb', name: 'memscope_host_memory_buffers_bytes', type: 'gauge', help: 'Buffers: block device cache.' },
  { field: 'cachedKb', name: 'memscope_host_memory_cached_bytes', type: 'gauge', help: 'Cached: the page cache, tmpfs and shared memory included.' },
  { field: 'swapTotalKb', name: 'memscope_host_swap_total_bytes', type: 'gauge', help: 'SwapTotal.' },
  { field: 'swapUsedKb', name: 'memscope_host_swap_used_bytes', type: 'gauge', help: 'SwapTotal - SwapFree.' },
] as const satisfies readonly (MetricFamily & { field: string })[];

/** What memscope itself costs: the sampler's last tick and the last smaps_rollup refresh. */
export const SELF_FAMILIES = {
  tickWallSeconds: { name: 'memscope_sampling_wall_seconds', type: 'gauge', help: 'Wall time of the last sampler tick (one walk of /proc).' },
  tickCpuSeconds: { name: 'memscope_sampling_cpu_seconds', type: 'gauge', help: 'CPU time memscope spent on the last sampler tick.' },
  tickProcesses: { name: 'memscope_sampling_processes', type: 'gauge', help: 'Processes read in the last sampler tick.' },
  tickTimestamp: { name: 'memscope_sampling_timestamp_seconds', type: 'gauge', help: 'When the last sampler tick ran (Unix time); every process series is from that tick.' },
  tickErrors: { name: 'memscope_sampling_errors_total', type: 'counter', help: 'Sampler ticks that could not read every process (e.g. out of file descriptors).' },
  smapsWallSeconds: { name: 'memscope_smaps_refresh_wall_seconds', type: 'gauge', help: 'Wall time of the last background smaps_rollup refresh.' },
  smapsProcesses: { name: 'memscope_smaps_processes', type: 'gauge', help: 'Processes whose smaps_rollup the last refresh read.' },
  smapsUnreadable: { name: 'memscope_smaps_unreadable_processes', type: 'gauge', help: 'Selected processes whose smaps_rollup the last refresh could not read (permission denied, or unparsable text).' },
  smapsSkipped: { name: 'memscope_smaps_skipped_processes', type: 'gauge', help: 'Selected processes left out of the last refresh by smapsMaxProcesses (the smallest by RSS).' },
  renderSeconds: { name: 'memscope_metrics_render_seconds', type: 'gauge', help: 'Wall time memscope took to render the previous /metrics text.' },
} as const satisfies Record<string, MetricFamily>;

/** Every metric name memscope can write, in the order /metrics writes them. */
export function listMetricNames(): string[] {
  const perProcess = [...PROCESS_FIGURE_FAMILIES, ...SMAPS_FIGURE_FAMILIES].map((f) => f.suffix);
  return [
    ...perProcess.map((s) => PROCESS_PREFIX + s),
    GROUP_PROCESSES.name,
    ...perProcess.map((s) => GROUP_PREFIX + s),
    ...HOST_FAMILIES.map((f) => f.name),
    ...Object.values(SELF_FAMILIES).map((f) => f.name),
  ];
}
