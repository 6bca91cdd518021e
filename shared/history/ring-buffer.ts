// A fixed-capacity history of one process's memory samples, stored column-wise in
// preallocated Float64Arrays: memory stays capacity * 5 * 8 bytes however long the run, and push() allocates nothing.

import type { HistorySample } from './sample.js';

/** Default number of samples kept per process: one hour at one sample per second. */
export const DEFAULT_HISTORY_CAPACITY = 3600;

/** Bytes one sample occupies in a HistoryRingBuffer (five Float64 columns). */
export const HISTORY_SAMPLE_BYTES = 5 * Float64Array.BYTES_PER_ELEMENT;

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
 * logical index i (0 = oldest) lives in slot (head - count + i) mod capacity.
 */
export class HistoryRingBuffer {
  /** Most samples ever held; fixed at construction. */
  readonly capacity: number;
  private readonly tMs: Float64Array;
  private readonly virtKb: Float64Array;
  private readonly resKb: Float64Array;
  private readonly shrKb: Float64Array;
  private readonly swapKb: Float64Array;
  private head = 0;
  private count = 0;

  /** Allocates all storage now; capacity must be a positive integer. */
  constructor(capacity: number = DEFAULT_HISTORY_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`history capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
    this.tMs = new Float64Array(capacity);
    this.virtKb = new Float64Array(capacity);
    this.resKb = new Float64Array(capacity);
    this.shrKb = new Float64Array(capacity);
    this.swapKb = new Float64Array(capacity);
  }

  /** Number of samples held (at most capacity). */
  get length(): number {
    return this.count;
  }

  /** Appends a sample, overwriting the oldest one when full. Copies the fields; keeps no reference. */
  push(sample: HistorySample): void {
    const slot = this.head;
    this.tMs[slot] = sample.tMs;
    this.virtKb[slot] = sample.virtKb;
    this.resKb[slot] = sample.resKb;
    this.shrKb[slot] = sample.shrKb;
    this.swapKb[slot] = sample.swapKb;
    this.head = slot + 1 === this.capacity ? 0 : slot + 1;
    if (this.count < this.capacity) this.count++;
  }

  /** The i-th sample held, 0 = oldest; throws RangeError outside 0..length-1. */
  get(i: number): HistorySample {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) {
      throw new RangeError(`history index ${i} out of range 0..${this.count - 1}`);
    }
    const slot = this.slotOf(i);
    return {
      tMs: this.tMs[slot] ?? 0,
      virtKb: this.virtKb[slot] ?? 0,
      resKb: this.resKb[slot] ?? 0,
      shrKb: this.shrKb[slot] ?? 0,
      swapKb: this.swapKb[slot] ?? 0,
    };
  }

  /** The newest sample, or undefined when empty. */
  getLatest(): HistorySample | undefined {
    return this.count === 0 ? undefined : this.get(this.count - 1);
  }

  /** Copies the held samples into fresh columns, oldest first. */
  toSeries(): HistorySeries {
    return {
      tMs: this.copyColumn(this.tMs),
      virtKb: this.copyColumn(this.virtKb),
      resKb: this.copyColumn(this.resKb),
      shrKb: this.copyColumn(this.shrKb),
      swapKb: this.copyColumn(this.swapKb),
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

  private slotOf(i: number): number {
    const slot = this.head - this.count + i;
    return slot < 0 ? slot + this.capacity : slot;
  }

  private copyColumn(column: Float64Array): number[] {
    const out: number[] = new Array<number>(this.count);
    let slot = this.slotOf(0);
    for (let i = 0; i < this.count; i++) {
      out[i] = column[slot] ?? 0;
      slot = slot + 1 === this.capacity ? 0 : slot + 1;
    }
    return out;
  }
}
