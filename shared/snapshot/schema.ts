// The memscope snapshot file format, version 1: one process's memory, frozen to a JSON file.
// Source of truth: shared/snapshot/FORMAT.md (every field, units, an example); validate.ts enforces it.

import type { HistorySample } from '../history/sample.js';
import type { Mapping, ProcessRow, SmapsFields } from '../proc/types.js';

/** The value of a snapshot's "format" field: says what the file is before anything else is read. */
export const SNAPSHOT_FORMAT = 'memscope-snapshot';

/** The version this code writes. */
export const SNAPSHOT_VERSION = 1;

/** Every version this code can read. */
export const SUPPORTED_SNAPSHOT_VERSIONS: readonly number[] = [1];

/** The machine the snapshot was taken on: enough to interpret its numbers. */
export interface SnapshotHost {
  hostname: string;
  /** Kernel release, as `uname -r` prints it. */
  kernel: string;
  /** Distribution, e.g. PRETTY_NAME from /etc/os-release. */
  os: string;
  /** CPU architecture as Node names it (x64, arm64, …). */
  arch: string;
  /** MemTotal from /proc/meminfo. */
  memTotalKb: number;
  /** sysconf(_SC_PAGESIZE). */
  pageSizeBytes: number;
  /** sysconf(_SC_CLK_TCK): the unit of startTicks. */
  clockTicksPerS: number;
  /** Version of memscope that wrote the file. */
  memscopeVersion: string;
}

/** The process the snapshot is of. */
export interface SnapshotProcess {
  pid: number;
  /** Target of /proc/PID/exe, or null when unreadable (kernel thread, permission). */
  exe: string | null;
  /** /proc/PID/cmdline split at NULs. */
  cmdline: string[];
  /** Every line of /proc/PID/status: key before the colon → value after it, trimmed, units kept ("1234 kB"). */
  status: Record<string, string>;
  /** The process's row as the process table showed it at snapshot time. */
  metrics: ProcessRow;
}

/** Sums over all mappings of each numeric smaps field, keyed by the kernel's field name (Size, Rss, Pss, …). */
export type SnapshotTotals = Record<string, number>;

/** The process's recent history as memscope had recorded it. */
export interface SnapshotHistory {
  /** Sampling interval the history was recorded at. */
  intervalMs: number;
  /** Oldest first. */
  samples: HistorySample[];
}

/**
 * When each part of a snapshot was read, ms since the Unix epoch. The memory numbers are one read:
 * status (and from it metrics' VIRT/RES/SHR/SWAP, top's meanings) right before smaps_rollup and smaps.
 */
export interface SnapshotReadTimes {
  /** The process-table tick that gave metrics' other fields (%CPU, fault rates, state, user). */
  tickMs: number;
  /** /proc/PID/status read (status, metrics.virtKb/resKb/shrKb/swapKb, metrics.memPct). */
  statusMs: number;
  /** smaps_rollup and smaps (or maps) read from smapsStartMs to smapsEndMs (mappings, rollup, totals). */
  smapsStartMs: number;
  smapsEndMs: number;
}

/** A version-1 snapshot document. */
export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  version: 1;
  /** When the snapshot was taken, ISO-8601 with a time zone (e.g. "2025-01-31T12:00:00.000Z"). */
  createdAt: string;
  host: SnapshotHost;
  process: SnapshotProcess;
  /** /proc/PID/smaps (or maps when smaps was unreadable), in address order. */
  mappings: Mapping[];
  /** /proc/PID/smaps_rollup, or null when unreadable or absent (kernels before 4.14). */
  rollup: SmapsFields | null;
  totals: SnapshotTotals;
  history: SnapshotHistory;
  /** What could not be read, one "file: reason" string each, e.g. "smaps: permission denied". */
  restricted: string[];
  /** When each part was read; absent in files written before memscope recorded it. */
  readTimes?: SnapshotReadTimes;
}
