// HistoryRingBuffer against a plain-array model: keep the last `capacity` samples, oldest first.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_HISTORY_CAPACITY, HistoryRingBuffer } from '../../../shared/history/ring-buffer.js';
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
});
