// One history sample of one process: top(1)'s four memory columns at one instant.
// Source of truth: shared/proc/types.ts ProcessRow (VIRT = VmSize, RES = VmRSS, SHR = RssFile + RssShmem, SWAP = VmSwap).

/** top(1)'s memory columns of one process at one instant, all in kB, time in epoch ms. */
export interface HistorySample {
  /** Wall-clock time of the sample, milliseconds since the Unix epoch. */
  tMs: number;
  virtKb: number;
  resKb: number;
  shrKb: number;
  swapKb: number;
}

/** The fields of a HistorySample, in the order series, CSV columns and snapshots use. */
export const HISTORY_FIELDS = ['tMs', 'virtKb', 'resKb', 'shrKb', 'swapKb'] as const;

/** One name of HISTORY_FIELDS. */
export type HistoryField = (typeof HISTORY_FIELDS)[number];
