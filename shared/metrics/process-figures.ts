// One process's exported figures in base units (bytes, seconds), from a sampler row (status +
// stat) and from /proc/PID/smaps_rollup. Source of truth: shared/proc/top-metrics.ts for the row's
// meanings; fs/proc/task_mmu.c show_smaps_rollup() for Pss, Private_Clean, Private_Dirty, SwapPss.
import { USER_HZ } from '../proc/top-metrics.js';
import type { ProcessRow, SmapsFields } from '../proc/types.js';

/** What the sampler gives per process, in bytes and seconds; memory is null when status was unreadable. */
export interface ProcessFigures {
  memory: { residentBytes: number; virtualBytes: number; sharedBytes: number; swapBytes: number } | null;
  counters: ProcessCounters;
}

/**
 * Cumulative per-process counters (stat fields (10) minflt, (12) majflt, (14) utime + (15) stime).
 * All integers, so sums and differences are exact and a group's total can never dip by a rounding
 * error (Prometheus would read any dip of a counter as a reset).
 */
export interface ProcessCounters {
  minorFaults: number;
  majorFaults: number;
  /** utime + stime in clock ticks (USER_HZ per second). */
  cpuTicks: number;
}

/** smaps_rollup figures in bytes. */
export interface SmapsFigures {
  pssBytes: number;
  /** Private_Clean + Private_Dirty: what freeing the process would give back. */
  ussBytes: number;
  swapPssBytes: number;
}

/** Counters all zero: the start of a sum. */
export const ZERO_COUNTERS: Readonly<ProcessCounters> = { minorFaults: 0, majorFaults: 0, cpuTicks: 0 };

/** A row's counters. */
export function readCounters(row: ProcessRow): ProcessCounters {
  // cpuTimeS is (utime + stime) / USER_HZ: rounding recovers the exact tick count.
  return { minorFaults: row.minflt, majorFaults: row.majflt, cpuTicks: Math.round(row.cpuTimeS * USER_HZ) };
}

/** CPU seconds of a tick count, as exported (cpu_seconds_total). */
export function computeCpuSeconds(cpuTicks: number): number {
  return cpuTicks / USER_HZ;
}

/**
 * A row's figures. A 'restricted' row (status unreadable) has only stat's counters: its memory
 * columns were never read, and exporting them as 0 would be a lie.
 */
export function computeProcessFigures(row: ProcessRow): ProcessFigures {
  const memory =
    row.rowStatus === 'restricted'
      ? null
      : { residentBytes: row.resKb * 1024, virtualBytes: row.virtKb * 1024, sharedBytes: row.shrKb * 1024, swapBytes: row.swapKb * 1024 };
  return { memory, counters: readCounters(row) };
}

/** PSS, USS and SwapPss from smaps_rollup fields (kB, the kernel's unit); absent fields count 0. */
export function computeSmapsFigures(fields: SmapsFields): SmapsFigures {
  const kb = (key: string): number => {
    const v = fields[key];
    return typeof v === 'number' ? v : 0;
  };
  return {
    pssBytes: kb('Pss') * 1024,
    ussBytes: (kb('Private_Clean') + kb('Private_Dirty')) * 1024,
    swapPssBytes: kb('SwapPss') * 1024,
  };
}
