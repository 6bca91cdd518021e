// A growing list of history buckets (first/last tick time, tick count, min/max/last of VIRT/RES/SHR/SWAP),
// stored row-wise in one Float64Array that grows by half up to a fixed bound: an idle process's flat
// run costs one bucket, a busy one a bucket per period, and never more than maxBuckets. Values stay Float64:
// kB values and epoch ms both exceed 2^32, and a bucket must be exact.

import { HISTORY_VALUE_FIELDS, type HistorySample, type HistoryValues } from './sample.js';

// Row layout: FROM, TO, COUNT, then for each of HISTORY_VALUE_FIELDS (in order) MIN, MAX, LAST.
const FROM = 0;
const TO = 1;
const COUNT = 2;
const VALUES = 3;
const FIELD_COUNT = HISTORY_VALUE_FIELDS.length;
/** One sample's values in HISTORY_VALUE_FIELDS order, reused: read once per sample, without keyed property loads. */
const SAMPLE_VALUES = new Float64Array(FIELD_COUNT);
/** Float64 numbers per bucket. */
export const BUCKET_STRIDE = VALUES + 3 * FIELD_COUNT;
/** Bytes one bucket occupies. */
export const BUCKET_BYTES = BUCKET_STRIDE * Float64Array.BYTES_PER_ELEMENT;
const FIRST_CAPACITY = 4;
// Growth by half, not doubling: after halve() + compact() frees half the rows, the next append must not
// take them all back at once (the store's budget would coarsen the same history again and again).
const GROWTH_FACTOR = 1.5;

/**
 * Buckets oldest first, each covering [FROM, TO] with COUNT ticks.
 *
 * Invariants: 0 <= head, head + length <= capacity <= maxBuckets; buckets are ordered by time and
 * do not overlap (bucket i's TO < bucket i+1's FROM); MIN <= LAST <= MAX for every field.
 */
export class BucketSeries {
  /** Most buckets ever held. */
  readonly maxBuckets: number;
  private rows = new Float64Array(0);
  private head = 0;
  private count = 0;

  /** An empty series; storage is allocated on the first bucket. */
  constructor(maxBuckets: number) {
    if (!Number.isInteger(maxBuckets) || maxBuckets < 2) throw new RangeError(`maxBuckets must be an integer >= 2, got ${maxBuckets}`);
    this.maxBuckets = maxBuckets;
  }

  /** Buckets held. */
  get length(): number {
    return this.count;
  }

  /** Bytes of storage allocated now. */
  get byteLength(): number {
    return this.rows.byteLength;
  }

  /** First tick time of the oldest bucket, or undefined when empty. */
  get firstMs(): number | undefined {
    return this.count === 0 ? undefined : this.rows[this.head * BUCKET_STRIDE + FROM];
  }

  /** Last tick time of the oldest bucket, or undefined when empty. */
  get oldestToMs(): number | undefined {
    return this.count === 0 ? undefined : this.rows[this.head * BUCKET_STRIDE + TO];
  }

  /**
   * Folds one tick in: into the newest bucket when it lies in the same periodMs-aligned period, or
   * when that bucket is flat (min = max) at exactly this tick's values (a run of an idle process);
   * else into a new bucket. The caller keeps length <= maxBuckets (it must make room first when full).
   */
  addSample(sample: HistorySample, periodMs: number): void {
    const values = readSampleValues(sample);
    const last = this.lastOffset();
    if (last >= 0 && (samePeriod(this.rows[last + TO] ?? 0, sample.tMs, periodMs) || this.isFlatAt(last, values))) {
      const r = this.rows;
      r[last + TO] = sample.tMs;
      r[last + COUNT] = (r[last + COUNT] ?? 0) + 1;
      for (let f = 0; f < FIELD_COUNT; f++) {
        const v = values[f] ?? 0;
        const o = last + VALUES + 3 * f;
        if (v < (r[o] ?? 0)) r[o] = v;
        if (v > (r[o + 1] ?? 0)) r[o + 1] = v;
        r[o + 2] = v;
      }
      return;
    }
    const o = this.appendRow();
    const r = this.rows;
    r[o + FROM] = sample.tMs;
    r[o + TO] = sample.tMs;
    r[o + COUNT] = 1;
    for (let f = 0; f < FIELD_COUNT; f++) {
      const v = values[f] ?? 0;
      const p = o + VALUES + 3 * f;
      r[p] = v;
      r[p + 1] = v;
      r[p + 2] = v;
    }
  }

  /**
   * Removes the oldest bucket and folds it into `into`: merged with into's newest bucket when both start in the
   * same periodMs-aligned period or both are flat at the same values, else appended.
   */
  moveOldestTo(into: BucketSeries, periodMs: number): void {
    if (this.count === 0) return;
    into.addRow(this.rows, this.head * BUCKET_STRIDE, periodMs);
    this.head++;
    this.count--;
    if (this.count === 0) this.head = 0;
  }

  /** Merges neighbours pairwise (0+1, 2+3, …): half as many buckets, each twice as coarse. */
  halve(): void {
    const r = this.rows;
    let out = this.head * BUCKET_STRIDE;
    for (let i = 0; i < this.count; i += 2) {
      const a = (this.head + i) * BUCKET_STRIDE;
      r.copyWithin(out, a, a + BUCKET_STRIDE);
      if (i + 1 < this.count) mergeRowInto(r, out, r, (this.head + i + 1) * BUCKET_STRIDE);
      out += BUCKET_STRIDE;
    }
    this.count = Math.ceil(this.count / 2);
  }

  /** Releases the storage beyond the buckets held (after halve(), so the freed bytes are really freed). */
  compact(): void {
    if (this.rows.length === this.count * BUCKET_STRIDE) return;
    this.rows = this.rows.slice(this.head * BUCKET_STRIDE, (this.head + this.count) * BUCKET_STRIDE);
    this.head = 0;
  }

  /** Appends every bucket, oldest first, to `out` as samples labelled with their bucket. */
  appendSamplesTo(out: HistorySample[]): void {
    const r = this.rows;
    for (let i = 0; i < this.count; i++) {
      const o = (this.head + i) * BUCKET_STRIDE;
      const min = readValues(r, o, 0);
      const max = readValues(r, o, 1);
      const last = readValues(r, o, 2);
      out.push({ tMs: r[o + TO] ?? 0, ...last, bucket: { fromMs: r[o + FROM] ?? 0, sampleCount: r[o + COUNT] ?? 0, min, max } });
    }
  }

  /** Forgets every bucket (keeps the storage). */
  clear(): void {
    this.head = 0;
    this.count = 0;
  }

  private addRow(src: Float64Array, s: number, periodMs: number): void {
    const last = this.lastOffset();
    if (last >= 0 && (samePeriod(this.rows[last + FROM] ?? 0, src[s + FROM] ?? 0, periodMs) || (isFlat(this.rows, last) && isFlat(src, s) && sameLast(this.rows, last, src, s)))) {
      mergeRowInto(this.rows, last, src, s);
      return;
    }
    const o = this.appendRow();
    this.rows.set(src.subarray(s, s + BUCKET_STRIDE), o);
  }

  private isFlatAt(o: number, values: Float64Array): boolean {
    const r = this.rows;
    for (let f = 0; f < FIELD_COUNT; f++) {
      const v = values[f];
      const p = o + VALUES + 3 * f;
      if (r[p] !== v || r[p + 1] !== v) return false;
    }
    return true;
  }

  private lastOffset(): number {
    return this.count === 0 ? -1 : (this.head + this.count - 1) * BUCKET_STRIDE;
  }

  /** Makes room for one more row at the end (compacting, then growing) and returns its offset. */
  private appendRow(): number {
    const capacity = this.rows.length / BUCKET_STRIDE;
    if (this.head + this.count === capacity) {
      if (this.head > 0) {
        this.rows.copyWithin(0, this.head * BUCKET_STRIDE, (this.head + this.count) * BUCKET_STRIDE);
        this.head = 0;
      } else {
        if (capacity >= this.maxBuckets) throw new RangeError(`bucket series full (${this.maxBuckets} buckets)`);
        const grown = new Float64Array(Math.min(this.maxBuckets, Math.max(FIRST_CAPACITY, Math.ceil(capacity * GROWTH_FACTOR))) * BUCKET_STRIDE);
        grown.set(this.rows);
        this.rows = grown;
      }
    }
    const o = (this.head + this.count) * BUCKET_STRIDE;
    this.count++;
    return o;
  }
}

/** The sample's values in HISTORY_VALUE_FIELDS order, in SAMPLE_VALUES (overwritten by the next call). */
function readSampleValues(sample: HistoryValues): Float64Array {
  // By hand: a loop over HISTORY_VALUE_FIELDS (keyed loads) made addSample 2-3x slower; bucket-series.test.ts ties the two.
  SAMPLE_VALUES[0] = sample.virtKb;
  SAMPLE_VALUES[1] = sample.resKb;
  SAMPLE_VALUES[2] = sample.shrKb;
  SAMPLE_VALUES[3] = sample.swapKb;
  return SAMPLE_VALUES;
}

function samePeriod(aMs: number, bMs: number, periodMs: number): boolean {
  return Math.floor(aMs / periodMs) === Math.floor(bMs / periodMs);
}

function isFlat(r: Float64Array, o: number): boolean {
  for (let f = 0; f < FIELD_COUNT; f++) if (r[o + VALUES + 3 * f] !== r[o + VALUES + 3 * f + 1]) return false;
  return true;
}

function sameLast(a: Float64Array, ao: number, b: Float64Array, bo: number): boolean {
  for (let f = 0; f < FIELD_COUNT; f++) if (a[ao + VALUES + 3 * f + 2] !== b[bo + VALUES + 3 * f + 2]) return false;
  return true;
}

/** Row d absorbs the later row s: d keeps its start, takes s's end and last values, widens min/max. */
function mergeRowInto(d: Float64Array, o: number, s: Float64Array, so: number): void {
  d[o + TO] = s[so + TO] ?? 0;
  d[o + COUNT] = (d[o + COUNT] ?? 0) + (s[so + COUNT] ?? 0);
  for (let f = 0; f < FIELD_COUNT; f++) {
    const p = VALUES + 3 * f;
    d[o + p] = Math.min(d[o + p] ?? 0, s[so + p] ?? 0);
    d[o + p + 1] = Math.max(d[o + p + 1] ?? 0, s[so + p + 1] ?? 0);
    d[o + p + 2] = s[so + p + 2] ?? 0;
  }
}

/** which: 0 = min, 1 = max, 2 = last. */
function readValues(r: Float64Array, o: number, which: number): HistoryValues {
  const at = (f: number) => r[o + VALUES + 3 * f + which] ?? 0;
  return { virtKb: at(0), resKb: at(1), shrKb: at(2), swapKb: at(3) };
}
