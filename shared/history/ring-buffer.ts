// A fixed-capacity history of one process's memory samples, stored row-wise (the five fields of a sample side by side)
// in one Float64Array that starts at FIRST_SLOTS samples and doubles until it holds capacity: most processes are young
// or short-lived, so allocating capacity up front (36 KB at 900) was mostly zeros. Once full, memory stays
// capacity * 5 * 8 bytes however long the run, push() allocates nothing and touches one cache line (issue 13: the
// service tick records every process).

import type { HistorySample } from './sample.js';

/** Default number of samples kept per process: one hour at one sample per second. */
export const DEFAULT_HISTORY_CAPACITY = 3600;

// Row layout of one sample: the fields of HISTORY_FIELDS, in order.
const T_MS = 0;
const VIRT_KB = 1;
const RES_KB = 2;
const SHR_KB = 3;
const SWAP_KB = 4;
/** Float64 numbers per sample. */
const SAMPLE_STRIDE = 5;

/** Samples a new ring allocates room for (or capacity, if smaller): two minutes at 1 Hz, 1.25 KB. */
const FIRST_SLOTS = 32;

/** Bytes one sample occupies in a HistoryRingBuffer (five Float64 fields). */
export const HISTORY_SAMPLE_BYTES = SAMPLE_STRIDE * Float64Array.BYTES_PER_ELEMENT;

/**
 * A history as parallel columns, oldest sample first; every array has the same length.
 * Plain arrays, not typed arrays, because this crosses JSON transports (HTTP) where a
 * Float64Array would arrive as an object of numbered keys.
 */
export interface HistorySeries {
  tMs: number[];
  virtKb: number[];
  resKb: number[];
  shrKb: number[];
  swapKb: number[];
}

/**
 * Ring buffer of HistorySamples. When full, a push overwrites the oldest sample.
 *
 * Invariants: 0 <= count <= capacity; 0 <= head < capacity; the next push writes slot `head`;
 * logical index i (0 = oldest) lives in slot (head - count + i) mod capacity, at rows[slot * SAMPLE_STRIDE …];
 * rows holds min(capacity, FIRST_SLOTS) <= slots <= capacity samples, and while slots < capacity the ring has never
 * wrapped (head === count), so growing copies the samples in logical order with one set().
 */
export class HistoryRingBuffer {
  /** Most samples ever held; fixed at construction. */
  readonly capacity: number;
  private rows: Float64Array;
  private head = 0;
  private count = 0;

  /** Allocates room for min(capacity, FIRST_SLOTS) samples; capacity must be a positive integer. */
  constructor(capacity: number = DEFAULT_HISTORY_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`history capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
    this.rows = new Float64Array(Math.min(capacity, FIRST_SLOTS) * SAMPLE_STRIDE);
  }

  /** Number of samples held (at most capacity). */
  get length(): number {
    return this.count;
  }

  /** Bytes of sample storage allocated now: at most capacity * HISTORY_SAMPLE_BYTES. */
  get byteLength(): number {
    return this.rows.byteLength;
  }

  /** Appends a sample, overwriting the oldest one when full. Copies the fields; keeps no reference. */
  push(sample: HistorySample): void {
    const slot = this.head;
    const o = slot * SAMPLE_STRIDE;
    // Growth only while not full (before the first wrap head === count): a full ring pays the one branch it always did.
    if (this.count < this.capacity) {
      if (o === this.rows.length) this.grow();
      this.count++;
    }
    const r = this.rows;
    r[o + T_MS] = sample.tMs;
    r[o + VIRT_KB] = sample.virtKb;
    r[o + RES_KB] = sample.resKb;
    r[o + SHR_KB] = sample.shrKb;
    r[o + SWAP_KB] = sample.swapKb;
    this.head = slot + 1 === this.capacity ? 0 : slot + 1;
  }

  /** The i-th sample held, 0 = oldest; throws RangeError outside 0..length-1. */
  get(i: number): HistorySample {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) {
      throw new RangeError(`history index ${i} out of range 0..${this.count - 1}`);
    }
    const sample: HistorySample = { tMs: 0, virtKb: 0, resKb: 0, shrKb: 0, swapKb: 0 };
    this.readSlotInto(this.slotOf(i), sample);
    return sample;
  }

  /** Copies the oldest sample's fields into `out` (no allocation); throws RangeError when empty. */
  copyOldestTo(out: HistorySample): void {
    if (this.count === 0) throw new RangeError('history index 0 out of range 0..-1');
    this.readSlotInto(this.slotOf(0), out);
  }

  /** Copies the fields of the sample in slot into out. */
  private readSlotInto(slot: number, out: HistorySample): void {
    const o = slot * SAMPLE_STRIDE;
    const r = this.rows;
    out.tMs = r[o + T_MS] ?? 0;
    out.virtKb = r[o + VIRT_KB] ?? 0;
    out.resKb = r[o + RES_KB] ?? 0;
    out.shrKb = r[o + SHR_KB] ?? 0;
    out.swapKb = r[o + SWAP_KB] ?? 0;
  }

  /** The newest sample, or undefined when empty. */
  getLatest(): HistorySample | undefined {
    return this.count === 0 ? undefined : this.get(this.count - 1);
  }

  /** The newest sample's VIRT, or undefined when empty: getLatest's virtKb with no sample object (asked per row per tick). */
  getLatestVirtKb(): number | undefined {
    return this.count === 0 ? undefined : this.rows[this.slotOf(this.count - 1) * SAMPLE_STRIDE + VIRT_KB];
  }

  /** Copies the held samples into fresh columns, oldest first. */
  toSeries(): HistorySeries {
    return {
      tMs: this.copyField(T_MS),
      virtKb: this.copyField(VIRT_KB),
      resKb: this.copyField(RES_KB),
      shrKb: this.copyField(SHR_KB),
      swapKb: this.copyField(SWAP_KB),
    };
  }

  /** The held samples as objects, oldest first (for snapshots and CSV). */
  toSamples(): HistorySample[] {
    const out: HistorySample[] = new Array<HistorySample>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.get(i);
    return out;
  }

  /** Forgets every sample; keeps the storage, so a cleared buffer can be reused without allocating. */
  clear(): void {
    this.head = 0;
    this.count = 0;
  }

  /** Doubles the storage (at most capacity samples), keeping the samples in slots 0..count-1. */
  private grow(): void {
    const slots = Math.min(this.capacity, 2 * (this.rows.length / SAMPLE_STRIDE));
    const grown = new Float64Array(slots * SAMPLE_STRIDE);
    grown.set(this.rows);
    this.rows = grown;
  }

  private slotOf(i: number): number {
    const slot = this.head - this.count + i;
    return slot < 0 ? slot + this.capacity : slot;
  }

  /** One field of every held sample, oldest first. */
  private copyField(field: number): number[] {
    const out: number[] = new Array<number>(this.count);
    let slot = this.slotOf(0);
    for (let i = 0; i < this.count; i++) {
      out[i] = this.rows[slot * SAMPLE_STRIDE + field] ?? 0;
      slot = slot + 1 === this.capacity ? 0 : slot + 1;
    }
    return out;
  }
}
