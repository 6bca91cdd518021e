// One process's history in three tiers, so "all" means since memscope started watching with bounded memory:
// every tick for the newest rawCapacity ticks (15 min at 1 Hz), then 10 s buckets (min/max/last, so a spike
// is never averaged away) up to 24 h old, then coarser buckets that merge pairwise whenever the tier is full.
// coarsen() lets a store over its memory budget (history-store.ts) trade old resolution for bytes.

import { BUCKET_BYTES, BucketSeries } from './bucket-series.js';
import { HISTORY_SAMPLE_BYTES, HistoryRingBuffer } from './ring-buffer.js';
import type { HistorySample } from './sample.js';

/** Span of the every-tick tier at the default pace: 15 minutes. */
export const RAW_SPAN_MS = 15 * 60_000;
/** Most ticks in the every-tick tier (15 min at 1 Hz); a faster tick holds a shorter span, never more memory. */
export const MAX_RAW_SAMPLES = 900;
/** Period of the middle tier's buckets. */
export const RECENT_BUCKET_MS = 10_000;
/** Age up to which the middle tier keeps 10 s buckets. */
export const RECENT_SPAN_MS = 24 * 3600_000;
/** Bound of the middle tier: one bucket per period of the span, plus the one being filled. */
export const MAX_RECENT_BUCKETS = RECENT_SPAN_MS / RECENT_BUCKET_MS + 1;
/** First period of the oldest tier's buckets; doubles each time the tier fills. */
export const OLD_BUCKET_MS = 10 * 60_000;
/** Bound of the oldest tier (about 7 days at 10 min before the first coarsening). */
export const MAX_OLD_BUCKETS = 1024;

/** The every-tick tier's size for a sampling interval: 15 minutes of ticks, at most MAX_RAW_SAMPLES. */
export function rawCapacityFor(intervalMs: number): number {
  return Math.max(1, Math.min(MAX_RAW_SAMPLES, Math.ceil(RAW_SPAN_MS / Math.max(1, intervalMs))));
}

/**
 * Fewest bytes coarsen() can bring one TieredHistory down to, at worst: a full every-tick tier and one bucket per
 * bucket tier (a young history's raw tier is smaller, as it grows with what it holds).
 */
export function minTieredHistoryBytes(rawCapacity: number): number {
  return rawCapacity * HISTORY_SAMPLE_BYTES + 2 * BUCKET_BYTES;
}

/** Most bytes one TieredHistory with this raw capacity can ever occupy. */
export function maxTieredHistoryBytes(rawCapacity: number): number {
  return rawCapacity * HISTORY_SAMPLE_BYTES + (MAX_RECENT_BUCKETS + MAX_OLD_BUCKETS) * BUCKET_BYTES;
}

/**
 * Ticks go into `raw`; the tick a full raw tier pushes out goes into a 10 s bucket of `recent`; a bucket older
 * than RECENT_SPAN_MS (measured from the newest tick) moves to `old`, whose buckets double in span whenever
 * it holds MAX_OLD_BUCKETS.
 *
 * Invariants: every tick ever recorded (since clear) is in exactly one tier, and the tiers are ordered in
 * time: old < recent < raw; recent.length <= MAX_RECENT_BUCKETS; old.length < MAX_OLD_BUCKETS after record().
 */
export class TieredHistory {
  /** Ticks kept one by one. */
  readonly rawCapacity: number;
  private readonly raw: HistoryRingBuffer;
  private readonly recent = new BucketSeries(MAX_RECENT_BUCKETS);
  private readonly old = new BucketSeries(MAX_OLD_BUCKETS);
  private oldPeriodMs = OLD_BUCKET_MS;
  private exitedAtMs: number | null = null;
  /** The tick a full raw tier pushes out, on its way into a bucket (reused: record() allocates nothing). */
  private readonly leaving: HistorySample = { tMs: 0, virtKb: 0, resKb: 0, shrKb: 0, swapKb: 0 };

  /** rawCapacity: ticks kept one by one (see rawCapacityFor). */
  constructor(rawCapacity: number) {
    this.raw = new HistoryRingBuffer(rawCapacity);
    this.rawCapacity = rawCapacity;
  }

  /** Points held: raw ticks plus buckets. */
  get length(): number {
    return this.old.length + this.recent.length + this.raw.length;
  }

  /** Time of the first tick recorded (where "all" starts), or undefined when empty. */
  get firstMs(): number | undefined {
    return this.old.firstMs ?? this.recent.firstMs ?? (this.raw.length === 0 ? undefined : this.raw.get(0).tMs);
  }

  /** When the process was seen to exit (epoch ms), or null while it lives. */
  get exitedMs(): number | null {
    return this.exitedAtMs;
  }

  /** Bytes of sample storage allocated now (the raw tier grows with what it holds, up to rawCapacity ticks). */
  get byteLength(): number {
    return this.raw.byteLength + this.recent.byteLength + this.old.byteLength;
  }

  /** The newest tick's VIRT, or undefined when empty (the service asks it of every row reading VIRT 0, each tick). */
  getLatestVirtKb(): number | undefined {
    return this.raw.getLatestVirtKb();
  }

  /**
   * Appends one tick (tMs not before the previous one), folding older ticks into buckets. Returns the bytes
   * byteLength grew by (the raw tier or a bucket tier's storage growing), so a store keeps its total without asking
   * every tick.
   */
  record(sample: HistorySample): number {
    this.exitedAtMs = null;
    if (this.raw.length < this.rawCapacity) {
      const rawBytes = this.raw.byteLength;
      this.raw.push(sample); // the bucket tiers stay empty until the raw tier is full: nothing to fold or move
      return this.raw.byteLength - rawBytes;
    }
    const bucketBytes = this.recent.byteLength + this.old.byteLength;
    if (this.recent.length === MAX_RECENT_BUCKETS) this.moveToOld();
    this.raw.copyOldestTo(this.leaving);
    this.recent.addSample(this.leaving, RECENT_BUCKET_MS);
    this.raw.push(sample);
    const keepAfterMs = sample.tMs - RECENT_SPAN_MS;
    while ((this.recent.oldestToMs ?? Infinity) < keepAfterMs) this.moveToOld();
    return this.recent.byteLength + this.old.byteLength - bucketBytes;
  }

  /** Marks the exit of the process: an event at exitedMs, never a sample of zero. */
  markExited(exitedMs: number): void {
    if (this.exitedAtMs === null) this.exitedAtMs = exitedMs;
  }

  /** Every point held, oldest first: old buckets, recent buckets, then raw ticks (no `bucket` field). */
  toSamples(): HistorySample[] {
    const out: HistorySample[] = [];
    this.old.appendSamplesTo(out);
    this.recent.appendSamplesTo(out);
    for (const s of this.raw.toSamples()) out.push(s);
    return out;
  }

  /**
   * Halves the resolution of the bucket tier holding more buckets (the older one on a tie) by merging neighbours
   * pairwise — min of mins, max of maxes, last of the later — and releases unused storage. The first tick and the
   * every-tick tier are untouched. Returns the bytes freed; 0 means nothing is left to coarsen.
   */
  coarsen(): number {
    const before = this.byteLength;
    if (this.old.length >= this.recent.length && this.old.length >= 2) {
      this.old.halve();
      this.oldPeriodMs *= 2;
    } else if (this.recent.length >= 2) {
      this.recent.halve();
    }
    this.old.compact();
    this.recent.compact();
    return before - this.byteLength;
  }

  /** Forgets everything; keeps the storage for reuse. */
  clear(): void {
    this.raw.clear();
    this.recent.clear();
    this.old.clear();
    this.oldPeriodMs = OLD_BUCKET_MS;
    this.exitedAtMs = null;
  }

  private moveToOld(): void {
    this.recent.moveOldestTo(this.old, this.oldPeriodMs);
    if (this.old.length === MAX_OLD_BUCKETS) {
      this.old.halve();
      this.oldPeriodMs *= 2;
    }
  }
}
