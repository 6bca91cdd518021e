// One history sample of one process: top(1)'s four memory columns at one instant.
// Source of truth: shared/proc/types.ts ProcessRow (VIRT = VmSize, RES = VmRSS, SHR = RssFile + RssShmem, SWAP = VmSwap).

/**
 * top(1)'s memory columns of one process at one instant, all in kB, time in epoch ms. A point of an
 * older tier (shared/history/tiered-history.ts) stands for several ticks: then `bucket` says so, and
 * tMs and the four values are those of the bucket's last tick.
 */
export interface HistorySample {
  /** Wall-clock time of the sample (of a bucket: its last tick), milliseconds since the Unix epoch. */
  tMs: number;
  virtKb: number;
  resKb: number;
  shrKb: number;
  swapKb: number;
  /** Present when this point summarises several ticks. */
  bucket?: HistoryBucket;
}

/** The four memory values of a HistorySample, in kB. */
export interface HistoryValues {
  virtKb: number;
  resKb: number;
  shrKb: number;
  swapKb: number;
}

/** Several ticks folded into one point: their span, how many, and each value's extremes (so a spike is never averaged away). */
export interface HistoryBucket {
  /** Time of the bucket's first tick (epoch ms); its last tick is the sample's tMs. */
  fromMs: number;
  /** Ticks folded into the bucket (>= 1). */
  sampleCount: number;
  min: HistoryValues;
  max: HistoryValues;
}

/** The value fields of a HistorySample, in the order series, CSV columns and buckets use. */
export const HISTORY_VALUE_FIELDS = ['virtKb', 'resKb', 'shrKb', 'swapKb'] as const;

/** The fields of a HistorySample, in the order series, CSV columns and snapshots use. */
export const HISTORY_FIELDS = ['tMs', 'virtKb', 'resKb', 'shrKb', 'swapKb'] as const;

/** One name of HISTORY_FIELDS. */
export type HistoryField = (typeof HISTORY_FIELDS)[number];
