// HistoryStore: pid+startTicks keys, the process bound, eviction order (tombstones first) and dropUnseen.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_MAX_TRACKED_PROCESSES, HistoryStore, formatProcessKey } from '../../../shared/history/history-store.js';
import { DEFAULT_HISTORY_CAPACITY } from '../../../shared/history/ring-buffer.js';
import type { HistorySample } from '../../../shared/history/sample.js';
import { drawInt, makeSeededRandom } from './seeded-random.js';

function makeSample(tMs: number): HistorySample {
  return { tMs, virtKb: tMs + 1, resKb: tMs + 2, shrKb: tMs + 3, swapKb: tMs + 4 };
}

function valuesOf(s: HistorySample): Omit<HistorySample, 'tMs'> {
  return { virtKb: s.virtKb, resKb: s.resKb, shrKb: s.shrKb, swapKb: s.swapKb };
}

function listKeys(store: HistoryStore): string[] {
  return store.listTracked().map((p) => formatProcessKey(p.pid, p.startTicks)).sort();
}

describe('HistoryStore', () => {
  test('a pid reused with another start time is a different process', () => {
    const store = new HistoryStore({ maxProcesses: 10, capacityPerProcess: 4 });
    store.record(100, 5000, makeSample(1), 1);
    store.record(100, 9000, makeSample(2), 2);
    assert.equal(store.size, 2);
    assert.deepEqual(store.getHistory(100, 5000)?.toSamples(), [makeSample(1)]);
    assert.deepEqual(store.getHistory(100, 9000)?.toSamples(), [makeSample(2)]);
    assert.equal(store.getHistory(100, 1), undefined);
  });

  test('capacityPerProcess ticks are kept one by one; older ones live on in a bucket', () => {
    const store = new HistoryStore({ maxProcesses: 2, capacityPerProcess: 5 });
    for (let t = 1; t <= 50; t++) store.record(1, 1, makeSample(t), t);
    const [bucket, ...ticks] = store.getHistory(1, 1)?.toSamples() ?? [];
    assert.deepEqual(ticks, [46, 47, 48, 49, 50].map(makeSample));
    assert.deepEqual(bucket, { ...makeSample(45), bucket: { fromMs: 1, sampleCount: 45, min: valuesOf(makeSample(1)), max: valuesOf(makeSample(45)) } });
  });

  test('full store evicts the live process seen longest ago', () => {
    const store = new HistoryStore({ maxProcesses: 3, capacityPerProcess: 4 });
    store.record(1, 0, makeSample(1), 1);
    store.record(2, 0, makeSample(1), 1);
    store.record(3, 0, makeSample(1), 1);
    store.record(1, 0, makeSample(2), 2);
    store.record(3, 0, makeSample(2), 2);
    // pid 2 was last seen at tick 1, the others at tick 2.
    const h = store.record(4, 0, makeSample(3), 3);
    assert.ok(h !== undefined);
    assert.deepEqual(listKeys(store), ['1:0', '3:0', '4:0']);
    // The newcomer starts empty even though its buffer may be a reused one.
    assert.deepEqual(h.toSamples(), [makeSample(3)]);
  });

  test('tombstones are evicted before live processes, even ones seen earlier', () => {
    const store = new HistoryStore({ maxProcesses: 3, capacityPerProcess: 4 });
    store.record(1, 0, makeSample(1), 1);
    store.record(2, 0, makeSample(1), 5);
    store.record(3, 0, makeSample(1), 5);
    assert.equal(store.markGone(3, 0, 0), true);
    assert.equal(store.markGone(99, 0, 0), false);
    store.record(4, 0, makeSample(6), 6);
    assert.deepEqual(listKeys(store), ['1:0', '2:0', '4:0']);
  });

  test('a tombstone stays readable until evicted or dropped', () => {
    const store = new HistoryStore({ maxProcesses: 3, capacityPerProcess: 4 });
    store.record(7, 70, makeSample(1), 1);
    store.markGone(7, 70, 0);
    assert.equal(store.getTracked(7, 70)?.gone, true);
    assert.deepEqual(store.getHistory(7, 70)?.toSamples(), [makeSample(1)]);
  });

  test('when every tracked process was seen this tick, a newcomer is refused, nothing is evicted', () => {
    const store = new HistoryStore({ maxProcesses: 2, capacityPerProcess: 4 });
    store.record(1, 0, makeSample(1), 8);
    store.record(2, 0, makeSample(1), 8);
    assert.equal(store.record(3, 0, makeSample(1), 8), undefined);
    assert.deepEqual(listKeys(store), ['1:0', '2:0']);
    assert.deepEqual(store.getHistory(1, 0)?.toSamples(), [makeSample(1)]);
    // Next tick process 3 can take the place of one not yet seen in that tick.
    store.record(1, 0, makeSample(2), 9);
    assert.ok(store.record(3, 0, makeSample(2), 9) !== undefined);
    assert.deepEqual(listKeys(store), ['1:0', '3:0']);
  });

  test('dropUnseen removes processes not seen for N ticks (tombstones included) and counts them', () => {
    const store = new HistoryStore({ maxProcesses: 10, capacityPerProcess: 2 });
    store.record(1, 0, makeSample(1), 10); // unseen for 0 ticks at tick 10
    store.record(2, 0, makeSample(1), 8); // unseen for 2
    store.record(3, 0, makeSample(1), 7); // unseen for 3
    store.record(4, 0, makeSample(1), 9); // unseen for 1, but gone
    store.markGone(4, 0, 0);
    assert.equal(store.dropUnseen(10, 3), 1);
    assert.deepEqual(listKeys(store), ['1:0', '2:0', '4:0']);
    assert.equal(store.dropUnseen(10, 1), 2);
    assert.deepEqual(listKeys(store), ['1:0']);
    assert.throws(() => store.dropUnseen(10, 0), RangeError);
  });

  test('memory bound is maxProcesses × (capacity × 40 bytes + the bucket tiers at 120 bytes a bucket)', () => {
    const store = new HistoryStore({ maxProcesses: 7, capacityPerProcess: 11 });
    assert.equal(store.maxSampleBytes, 7 * (11 * 5 * 8 + (8641 + 1024) * 15 * 8));
    const d = new HistoryStore();
    assert.equal(d.maxProcesses, DEFAULT_MAX_TRACKED_PROCESSES);
    assert.equal(d.capacityPerProcess, DEFAULT_HISTORY_CAPACITY);
    assert.throws(() => new HistoryStore({ maxProcesses: 0 }), RangeError);
    assert.throws(() => new HistoryStore({ capacityPerProcess: 1.5 }), RangeError);
  });

  test('random churn, pids reused with another start time: size never exceeds the bound, every history holds exactly its own recent samples and is found by its pid and start time', () => {
    const random = makeSeededRandom(7);
    const maxProcesses = 8;
    const capacity = 6;
    const store = new HistoryStore({ maxProcesses, capacityPerProcess: capacity });
    // Model: samples recorded per key since the key was last (re)admitted.
    const model = new Map<string, HistorySample[]>();
    let t = 0;
    for (let tick = 1; tick <= 400; tick++) {
      const seen = new Set<string>();
      const visits = drawInt(random, 1, 6);
      for (let v = 0; v < visits; v++) {
        const pid = drawInt(random, 1, 20);
        const startTicks = drawInt(random, 1, 2);
        const key = formatProcessKey(pid, startTicks);
        if (seen.has(key)) continue;
        seen.add(key);
        const sample = makeSample(++t);
        const wasTracked = store.getHistory(pid, startTicks) !== undefined;
        const h = store.record(pid, startTicks, sample, tick);
        if (h === undefined) {
          assert.equal(wasTracked, false, 'a tracked process is never refused');
          continue;
        }
        const list = wasTracked ? (model.get(key) ?? []) : [];
        list.push(sample);
        model.set(key, list);
        if (random() < 0.1) store.markGone(pid, startTicks, t);
      }
      if (tick % 50 === 0) store.dropUnseen(tick, 20);
      assert.ok(store.size <= maxProcesses);
      const tracked = new Map(store.listTracked().map((p) => [formatProcessKey(p.pid, p.startTicks), p.history]));
      for (let pid = 1; pid <= 20; pid++) {
        for (let startTicks = 1; startTicks <= 2; startTicks++) {
          assert.equal(store.getHistory(pid, startTicks), tracked.get(formatProcessKey(pid, startTicks)), `look-up of ${pid}:${startTicks}`);
        }
      }
      for (const p of store.listTracked()) {
        const key = formatProcessKey(p.pid, p.startTicks);
        const held = p.history.toSamples();
        const recorded = model.get(key) ?? [];
        assert.deepEqual(held.filter((s) => s.bucket === undefined), recorded.slice(-capacity), key);
        // Every older tick is counted in exactly one bucket.
        const bucketed = held.reduce((n, s) => n + (s.bucket?.sampleCount ?? 0), 0);
        assert.equal(bucketed, Math.max(0, recorded.length - capacity), key);
        assert.equal(p.history.rawCapacity, capacity);
      }
    }
  });

  test('600 processes seen once: sampleBytes is their young histories, the sum of their byteLength', () => {
    const store = new HistoryStore({ maxProcesses: 2048, capacityPerProcess: 900 });
    for (let pid = 1; pid <= 600; pid++) store.record(pid, 1, makeSample(1000), 1);
    const held = store.listTracked().reduce((sum, p) => sum + p.history.byteLength, 0);
    assert.equal(store.sampleBytes, held);
    assert.ok(held < 600 * 4096, `600 one-tick histories take ${held} B`);
  });
});
