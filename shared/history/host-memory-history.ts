// The host's used memory over time (MemTotal - MemAvailable, as the summary shows it), kept by the service
// at every tick in the same tiers as a process's history (tiered-history.ts), so the summary's chart
// survives a reload and covers since memscope started. Source of truth: /proc/meminfo (fs/proc/meminfo.c).

import type { Meminfo } from '../proc/meminfo.js';
import { TieredHistory } from './tiered-history.js';

/** One point of the host's used memory; a bucket of older ticks carries its span and min/max. */
export interface HostMemoryPoint {
  /** Time of the (last) tick, epoch ms. */
  tMs: number;
  /** MemTotal - MemAvailable at tMs, kB. */
  usedKb: number;
  /** Present when the point stands for several ticks. */
  bucket?: { fromMs: number; sampleCount: number; minUsedKb: number; maxUsedKb: number };
}

/** The host's used-memory history, oldest first. */
export interface HostMemoryHistoryReply {
  intervalMs: number;
  /** The first tick held (epoch ms), null when none yet. */
  startedMs: number | null;
  points: HostMemoryPoint[];
}

/**
 * The host's memory in a TieredHistory, whose four value columns hold, here: resKb = used (MemTotal - MemAvailable),
 * virtKb = MemTotal, shrKb = Cached + Buffers, swapKb = SwapTotal - SwapFree.
 */
export class HostMemoryHistory {
  private readonly tiers: TieredHistory;

  /** rawCapacity: ticks kept one by one (rawCapacityFor(intervalMs)). */
  constructor(rawCapacity: number) {
    this.tiers = new TieredHistory(rawCapacity);
  }

  /** Records one tick's /proc/meminfo. */
  record(tMs: number, meminfo: Meminfo): void {
    const totalKb = meminfo['MemTotal'] ?? 0;
    this.tiers.record({
      tMs,
      virtKb: totalKb,
      resKb: totalKb - (meminfo['MemAvailable'] ?? meminfo['MemFree'] ?? 0),
      shrKb: (meminfo['Cached'] ?? 0) + (meminfo['Buffers'] ?? 0),
      swapKb: (meminfo['SwapTotal'] ?? 0) - (meminfo['SwapFree'] ?? 0),
    });
  }

  /** Bytes of storage allocated now. */
  get byteLength(): number {
    return this.tiers.byteLength;
  }

  /** Every point held, oldest first. */
  toReply(intervalMs: number): HostMemoryHistoryReply {
    const points = this.tiers.toSamples().map((s): HostMemoryPoint => {
      const b = s.bucket;
      return b === undefined
        ? { tMs: s.tMs, usedKb: s.resKb }
        : { tMs: s.tMs, usedKb: s.resKb, bucket: { fromMs: b.fromMs, sampleCount: b.sampleCount, minUsedKb: b.min.resKb, maxUsedKb: b.max.resKb } };
    });
    return { intervalMs, startedMs: this.tiers.firstMs ?? null, points };
  }
}
