// HistoryRingBuffer against a plain-array model: keep the last `capacity` samples, oldest first.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_HISTORY_CAPACITY, HISTORY_SAMPLE_BYTES, HistoryRingBuffer } from '../../../shared/history/ring-buffer.js';
import type { HistorySample } from '../../../shared/history/sample.js';
import { drawInt, makeSeededRandom } from './seeded-random.js';

/** Sample n: every field distinct and derived from n, so a misplaced field or slot shows. */
function makeSample(n: number): HistorySample {
  return { tMs: 1_700_000_000_000 + n * 1000, virtKb: n * 10 + 1, resKb: n * 10 + 2, shrKb: n * 10 + 3, swapKb: n * 10 + 4 };
}

describe('HistoryRingBuffer', () => {
  test('10,000 pushes into capacity 100 keep exactly the last 100, oldest first', () => {
    const ring = new HistoryRingBuffer(100);
    for (let n = 0; n < 10_000; n++) ring.push(makeSample(n));
    assert.equal(ring.length, 100);
    assert.equal(ring.capacity, 100);
    for (let i = 0; i < 100; i++) assert.deepEqual(ring.get(i), makeSample(9900 + i));
    const series = ring.toSeries();
    const expected = Array.from({ length: 100 }, (_, i) => makeSample(9900 + i));
    assert.deepEqual(series.tMs, expected.map((s) => s.tMs));
    assert.deepEqual(series.virtKb, expected.map((s) => s.virtKb));
    assert.deepEqual(series.resKb, expected.map((s) => s.resKb));
    assert.deepEqual(series.shrKb, expected.map((s) => s.shrKb));
    assert.deepEqual(series.swapKb, expected.map((s) => s.swapKb));
    assert.deepEqual(ring.toSamples(), expected);
  });

  test('matches a plain-array model (keep last capacity) at every fill level around wraparound', () => {
    for (const capacity of [1, 2, 3, 7, 16]) {
      const ring = new HistoryRingBuffer(capacity);
      const model: HistorySample[] = [];
      for (let n = 0; n < capacity * 3 + 2; n++) {
        ring.push(makeSample(n));
        model.push(makeSample(n));
        const kept = model.slice(-capacity);
        assert.equal(ring.length, kept.length, `capacity ${capacity} after ${n + 1} pushes`);
        assert.deepEqual(ring.toSamples(), kept);
        assert.deepEqual(ring.toSeries().tMs, kept.map((s) => s.tMs));
        assert.deepEqual(ring.getLatest(), makeSample(n));
        assert.equal(ring.getLatestVirtKb(), makeSample(n).virtKb);
      }
    }
  });

  test('random interleaving of push and clear matches the model', () => {
    const random = makeSeededRandom(42);
    const ring = new HistoryRingBuffer(13);
    let model: HistorySample[] = [];
    for (let step = 0; step < 2000; step++) {
      if (random() < 0.02) {
        ring.clear();
        model = [];
      } else {
        const s = makeSample(drawInt(random, 0, 1_000_000));
        ring.push(s);
        model.push(s);
        if (model.length > 13) model.shift();
      }
      assert.equal(ring.length, model.length);
      if (model.length > 0) {
        const i = drawInt(random, 0, model.length - 1);
        assert.deepEqual(ring.get(i), model[i]);
      }
    }
    assert.deepEqual(ring.toSamples(), model);
  });

  test('get outside 0..length-1 throws RangeError', () => {
    const ring = new HistoryRingBuffer(4);
    assert.throws(() => ring.get(0), RangeError);
    ring.push(makeSample(1));
    ring.push(makeSample(2));
    assert.deepEqual(ring.get(1), makeSample(2));
    assert.throws(() => ring.get(2), RangeError);
    assert.throws(() => ring.get(-1), RangeError);
    assert.throws(() => ring.get(0.5), RangeError);
  });

  test('empty buffer: length 0, no latest, empty series', () => {
    const ring = new HistoryRingBuffer(5);
    assert.equal(ring.length, 0);
    assert.equal(ring.getLatest(), undefined);
    assert.equal(ring.getLatestVirtKb(), undefined);
    assert.deepEqual(ring.toSeries(), { tMs: [], virtKb: [], resKb: [], shrKb: [], swapKb: [] });
    assert.deepEqual(ring.toSamples(), []);
  });

  test('clear forgets everything and the buffer refills from scratch', () => {
    const ring = new HistoryRingBuffer(3);
    for (let n = 0; n < 5; n++) ring.push(makeSample(n));
    ring.clear();
    assert.equal(ring.length, 0);
    ring.push(makeSample(100));
    assert.deepEqual(ring.toSamples(), [makeSample(100)]);
  });

  test('push copies the values: mutating the pushed object later changes nothing', () => {
    const ring = new HistoryRingBuffer(2);
    const s = makeSample(7);
    ring.push(s);
    s.resKb = -1;
    assert.equal(ring.get(0).resKb, makeSample(7).resKb);
  });

  test('epoch milliseconds and fractional kB survive exactly (Float64 storage)', () => {
    const ring = new HistoryRingBuffer(1);
    const s = { tMs: 1_737_000_000_123, virtKb: 2 ** 40 + 4, resKb: 0.5, shrKb: 0, swapKb: 1e-3 };
    ring.push(s);
    assert.deepEqual(ring.get(0), s);
  });

  test('capacity must be a positive integer; default is DEFAULT_HISTORY_CAPACITY', () => {
    assert.equal(new HistoryRingBuffer().capacity, DEFAULT_HISTORY_CAPACITY);
    assert.equal(DEFAULT_HISTORY_CAPACITY, 3600);
    for (const bad of [0, -1, 2.5, Number.NaN]) assert.throws(() => new HistoryRingBuffer(bad), RangeError);
  });

  test('a young ring allocates room for a few dozen samples, not its capacity', () => {
    const ring = new HistoryRingBuffer(900);
    assert.ok(ring.byteLength > 0 && ring.byteLength <= 64 * HISTORY_SAMPLE_BYTES, `new ring of 900: ${ring.byteLength} B`);
    for (let n = 0; n < 10; n++) ring.push(makeSample(n));
    assert.ok(ring.byteLength <= 64 * HISTORY_SAMPLE_BYTES, `10 samples: ${ring.byteLength} B`);
    assert.equal(new HistoryRingBuffer(3).byteLength, 3 * HISTORY_SAMPLE_BYTES, 'never more than capacity');
  });

  test('1,000 new rings of capacity 900 hold well under their 36 MB of capacity (process arrayBuffers)', () => {
    const before = process.memoryUsage().arrayBuffers;
    const rings: HistoryRingBuffer[] = [];
    for (let n = 0; n < 1000; n++) {
      const ring = new HistoryRingBuffer(900);
      ring.push(makeSample(n));
      rings.push(ring);
    }
    const grownBytes = process.memoryUsage().arrayBuffers - before;
    assert.equal(rings.length, 1000);
    assert.ok(grownBytes < 1000 * 64 * HISTORY_SAMPLE_BYTES, `arrayBuffers grew ${grownBytes} B for 1,000 one-sample rings`);
  });

  test('storage grows to exactly capacity and no further, however many pushes', () => {
    for (const capacity of [1, 2, 3, 33, 900]) {
      const ring = new HistoryRingBuffer(capacity);
      let maxBytes = 0;
      for (let n = 0; n < 3 * capacity + 5; n++) {
        ring.push(makeSample(n));
        maxBytes = Math.max(maxBytes, ring.byteLength);
        assert.ok(ring.byteLength >= ring.length * HISTORY_SAMPLE_BYTES, `capacity ${capacity}: room for what it holds`);
      }
      assert.equal(maxBytes, capacity * HISTORY_SAMPLE_BYTES, `capacity ${capacity}`);
      assert.equal(ring.byteLength, capacity * HISTORY_SAMPLE_BYTES);
      ring.clear();
      assert.equal(ring.byteLength, capacity * HISTORY_SAMPLE_BYTES, 'clear keeps the storage for reuse');
    }
  });

  test('randomized push counts across the doubling boundaries and wrap-around match a plain array', () => {
    const random = makeSeededRandom(9);
    for (const capacity of [1, 2, 3, 900]) {
      for (let round = 0; round < 12; round++) {
        // Counts near the doublings (32, 64, … 512), capacity and its wrap-around, and anywhere up to 3 × capacity.
        const near = [31, 32, 33, 63, 64, 65, 127, 128, 129, 511, 512, 513, capacity - 1, capacity, capacity + 1, 2 * capacity + 1];
        const pushes = round < near.length / 2 ? Math.max(0, near[drawInt(random, 0, near.length - 1)] ?? 0) : drawInt(random, 0, 3 * capacity);
        const ring = new HistoryRingBuffer(capacity);
        const model: HistorySample[] = [];
        for (let n = 0; n < pushes; n++) {
          const s = makeSample(drawInt(random, 0, 1_000_000));
          ring.push(s);
          model.push(s);
        }
        const kept = model.slice(-capacity);
        const at = `capacity ${capacity}, ${pushes} pushes`;
        assert.equal(ring.length, kept.length, at);
        assert.deepEqual(ring.toSamples(), kept, at);
        const series = ring.toSeries();
        assert.deepEqual(series.tMs, kept.map((s) => s.tMs), at);
        assert.deepEqual(series.virtKb, kept.map((s) => s.virtKb), at);
        assert.deepEqual(series.resKb, kept.map((s) => s.resKb), at);
        assert.deepEqual(series.shrKb, kept.map((s) => s.shrKb), at);
        assert.deepEqual(series.swapKb, kept.map((s) => s.swapKb), at);
        assert.deepEqual(ring.getLatest(), kept.at(-1), at);
        assert.equal(ring.getLatestVirtKb(), kept.at(-1)?.virtKb, at);
        if (kept.length > 0) {
          const oldest: HistorySample = { tMs: 0, virtKb: 0, resKb: 0, shrKb: 0, swapKb: 0 };
          ring.copyOldestTo(oldest);
          assert.deepEqual(oldest, kept[0], at);
        }
      }
    }
  });

  test('every push from empty to past a wrap-around of capacity 900 matches a plain array, also after clear', () => {
    const ring = new HistoryRingBuffer(900);
    for (const start of [0, 5000]) {
      const model: HistorySample[] = [];
      for (let n = start; n < start + 2000; n++) {
        ring.push(makeSample(n));
        model.push(makeSample(n));
        if (model.length > 900) model.shift();
        assert.equal(ring.length, model.length);
        assert.deepEqual(ring.get(0), model[0], `oldest after ${n - start + 1} pushes`);
        assert.deepEqual(ring.getLatest(), model.at(-1));
      }
      assert.deepEqual(ring.toSamples(), model);
      ring.clear();
    }
  });
});
