// TieredHistory: every tick for the newest ticks, 10 s min/max/last buckets for 24 h, coarser ones after,
// checked with synthetic timestamps (a day of ticks in milliseconds of test time).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { HISTORY_SAMPLE_BYTES } from '../../../shared/history/ring-buffer.js';
import type { HistorySample } from '../../../shared/history/sample.js';
import {
  MAX_OLD_BUCKETS,
  MAX_RAW_SAMPLES,
  MAX_RECENT_BUCKETS,
  RECENT_BUCKET_MS,
  RECENT_SPAN_MS,
  TieredHistory,
  maxTieredHistoryBytes,
  rawCapacityFor,
} from '../../../shared/history/tiered-history.js';

const T0_MS = Date.UTC(2026, 0, 1);
const HOUR_MS = 3600_000;

/** A process whose RES grows by 1 kB a tick: every tick differs. */
function growing(i: number, tMs: number): HistorySample {
  return { tMs, virtKb: 100_000 + i, resKb: 1000 + i, shrKb: 500, swapKb: 0 };
}

function countTicks(samples: readonly HistorySample[]): number {
  return samples.reduce((n, s) => n + (s.bucket?.sampleCount ?? 1), 0);
}

describe('TieredHistory', () => {
  test('25 h at 1 Hz: the first point is the first tick, 900 ticks kept one by one, 10 s buckets for 24 h, coarser before', () => {
    const h = new TieredHistory(MAX_RAW_SAMPLES);
    const tickCount = 25 * 3600;
    for (let i = 0; i < tickCount; i++) h.record(growing(i, T0_MS + i * 1000));
    const samples = h.toSamples();
    const endMs = T0_MS + (tickCount - 1) * 1000;
    assert.equal(h.firstMs, T0_MS);
    assert.equal(samples[0]?.bucket?.fromMs, T0_MS, '"all" starts at the first tick');
    assert.equal(countTicks(samples), tickCount, 'every tick is in exactly one point');
    const raw = samples.filter((s) => s.bucket === undefined);
    assert.equal(raw.length, MAX_RAW_SAMPLES);
    assert.equal(raw[0]?.tMs, endMs - (MAX_RAW_SAMPLES - 1) * 1000);
    const buckets = samples.filter((s) => s.bucket !== undefined);
    const recent = buckets.filter((s) => s.tMs >= endMs - RECENT_SPAN_MS);
    const old = buckets.filter((s) => s.tMs < endMs - RECENT_SPAN_MS);
    assert.ok(recent.length <= MAX_RECENT_BUCKETS);
    for (const b of recent) {
      assert.ok(b.tMs - (b.bucket?.fromMs ?? 0) < RECENT_BUCKET_MS, 'a recent bucket spans less than 10 s');
      assert.equal(Math.floor((b.bucket?.fromMs ?? 0) / RECENT_BUCKET_MS), Math.floor(b.tMs / RECENT_BUCKET_MS), 'aligned to its 10 s period');
    }
    assert.ok(old.length > 0 && old.length <= 7, `the first hour in 10 min buckets, got ${old.length}`);
    for (let i = 1; i < samples.length; i++) {
      const prev = samples[i - 1] as HistorySample;
      const cur = samples[i] as HistorySample;
      assert.ok((cur.bucket?.fromMs ?? cur.tMs) > prev.tMs, `points ordered and disjoint at ${i}`);
    }
  });

  test('a one-tick spike two hours back survives as a bucket maximum', () => {
    const h = new TieredHistory(MAX_RAW_SAMPLES);
    const spikeAt = 3 * 3600;
    for (let i = 0; i < 5 * 3600; i++) {
      h.record({ tMs: T0_MS + i * 1000, virtKb: 5000, resKb: i === spikeAt ? 900_000 : 1000, shrKb: 10, swapKb: 0 });
    }
    const spikeMs = T0_MS + spikeAt * 1000;
    const holding = h.toSamples().filter((s) => (s.bucket?.fromMs ?? s.tMs) <= spikeMs && spikeMs <= s.tMs);
    assert.equal(holding.length, 1);
    assert.equal(holding[0]?.bucket?.max.resKb, 900_000);
    assert.equal(holding[0]?.bucket?.min.resKb, 1000);
  });

  test('an idle process costs one bucket per run, not one per 10 s', () => {
    const h = new TieredHistory(MAX_RAW_SAMPLES);
    for (let i = 0; i < 24 * 3600; i++) h.record({ tMs: T0_MS + i * 1000, virtKb: 5000, resKb: 1000, shrKb: 10, swapKb: 0 });
    const buckets = h.toSamples().filter((s) => s.bucket !== undefined);
    assert.equal(buckets.length, 1);
    assert.equal(buckets[0]?.bucket?.sampleCount, 24 * 3600 - MAX_RAW_SAMPLES);
  });

  test('90 days of 1-minute ticks stay bounded and still start at the first tick', () => {
    const h = new TieredHistory(rawCapacityFor(60_000));
    const tickCount = 90 * 24 * 60;
    for (let i = 0; i < tickCount; i++) h.record(growing(i, T0_MS + i * 60_000));
    const samples = h.toSamples();
    assert.equal(samples[0]?.bucket?.fromMs, T0_MS);
    assert.equal(countTicks(samples), tickCount);
    const endMs = T0_MS + (tickCount - 1) * 60_000;
    assert.ok(samples.filter((s) => s.tMs < endMs - RECENT_SPAN_MS).length < MAX_OLD_BUCKETS, 'the oldest tier coarsened instead of growing');
    assert.ok(h.byteLength <= maxTieredHistoryBytes(h.rawCapacity));
  });

  test('the every-tick tier holds 15 min of ticks, at most 900', () => {
    assert.equal(rawCapacityFor(1000), 900);
    assert.equal(rawCapacityFor(5000), 180);
    assert.equal(rawCapacityFor(20), 900);
    assert.equal(rawCapacityFor(2 * HOUR_MS), 1);
  });

  test('an exit is an event, not a sample', () => {
    const h = new TieredHistory(4);
    h.record(growing(0, T0_MS));
    h.markExited(T0_MS + 1000);
    h.markExited(T0_MS + 2000);
    assert.equal(h.exitedMs, T0_MS + 1000, 'the first sighting of the exit counts');
    assert.equal(h.toSamples().length, 1);
  });

  test('a young history is small, and record() reports every byte its raw tier and buckets grow by', () => {
    const h = new TieredHistory(MAX_RAW_SAMPLES);
    let bytes = h.byteLength;
    assert.ok(bytes <= 64 * HISTORY_SAMPLE_BYTES, `a new history of ${MAX_RAW_SAMPLES} ticks takes ${bytes} B`);
    for (let i = 0; i < 2 * 3600; i++) {
      bytes += h.record(growing(i, T0_MS + i * 1000));
      assert.equal(bytes, h.byteLength, `after ${i + 1} ticks`);
      assert.ok(h.byteLength <= maxTieredHistoryBytes(h.rawCapacity));
    }
    assert.ok(bytes > MAX_RAW_SAMPLES * HISTORY_SAMPLE_BYTES, 'the raw tier grew to its capacity, then buckets');
  });
});
