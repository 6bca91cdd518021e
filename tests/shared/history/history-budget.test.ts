// HistoryStore's memory budget: over it, the largest histories' bucket tiers are coarsened pairwise, with
// synthetic timestamps (a few processes and a small budget prove the rule the 2,000 × 24 h bench measures).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_HISTORY_BUDGET_BYTES, HistoryStore } from '../../../shared/history/history-store.js';
import type { HistorySample } from '../../../shared/history/sample.js';
import { BUCKET_BYTES } from '../../../shared/history/bucket-series.js';
import { HISTORY_SAMPLE_BYTES } from '../../../shared/history/ring-buffer.js';
import { minTieredHistoryBytes } from '../../../shared/history/tiered-history.js';

const T0_MS = Date.UTC(2026, 0, 1);
const RAW = 60;
const PROCESSES = 3;
const TICKS = 6 * 3600;
const SPIKE_TICK = 1234;
const SPIKE_KB = 9_000_000_000;

/** Every tick differs (RES grows), pid 2 spikes once at SPIKE_TICK; kB beyond 2^32 stay exact. */
function sampleOf(pid: number, i: number): HistorySample {
  const resKb = pid === 2 && i === SPIKE_TICK ? SPIKE_KB : 1000 * pid + i;
  return { tMs: T0_MS + i * 1000, virtKb: 2 ** 33 + i, resKb, shrKb: 500, swapKb: 0 };
}

function recordHours(store: HistoryStore): number {
  let maxBytes = 0;
  for (let i = 0; i < TICKS; i++) {
    for (let pid = 1; pid <= PROCESSES; pid++) store.record(pid, 1, sampleOf(pid, i), i);
    maxBytes = Math.max(maxBytes, store.sampleBytes);
  }
  return maxBytes;
}

describe('HistoryStore budget', () => {
  const budgetBytes = 64 * 1024;

  test('over budget: coarsened, bytes <= budget after every tick, first tick, spike and every-tick tier kept', () => {
    const unbounded = new HistoryStore({ maxProcesses: PROCESSES, capacityPerProcess: RAW, budgetBytes: Infinity });
    recordHours(unbounded);
    assert.ok(unbounded.sampleBytes > 4 * budgetBytes, `the test must go over budget (${unbounded.sampleBytes} B)`);

    const store = new HistoryStore({ maxProcesses: PROCESSES, capacityPerProcess: RAW, budgetBytes });
    const maxBytes = recordHours(store);
    assert.ok(maxBytes <= budgetBytes, `never over budget after a record: max ${maxBytes} B`);
    let held = 0;
    for (let pid = 1; pid <= PROCESSES; pid++) {
      const h = store.getHistory(pid, 1);
      assert.ok(h !== undefined);
      held += h.byteLength;
      const samples = h.toSamples();
      const full = unbounded.getHistory(pid, 1)?.toSamples() ?? [];
      assert.ok(samples.length < full.length / 4, `pid ${pid} coarsened: ${samples.length} points, unbounded ${full.length}`);
      assert.equal(h.firstMs, T0_MS);
      assert.equal(samples[0]?.bucket?.fromMs, T0_MS, '"all" still starts at the first tick');
      assert.equal(samples.reduce((n, s) => n + (s.bucket?.sampleCount ?? 1), 0), TICKS, 'every tick in exactly one point');
      assert.deepEqual(samples.slice(-RAW), full.slice(-RAW), 'the every-tick tier is untouched');
      for (let i = 1; i < samples.length; i++) {
        assert.ok((samples[i]?.bucket?.fromMs ?? samples[i]?.tMs ?? 0) > (samples[i - 1]?.tMs ?? 0), `pid ${pid}: ordered and disjoint at ${i}`);
      }
      const last = samples.at(-1);
      assert.equal(last?.virtKb, 2 ** 33 + TICKS - 1, 'kB above 2^32 exact');
    }
    assert.equal(store.sampleBytes, held, 'the running total is the sum of the histories');

    const spikeMs = T0_MS + SPIKE_TICK * 1000;
    const holding = (store.getHistory(2, 1)?.toSamples() ?? []).filter((s) => (s.bucket?.fromMs ?? s.tMs) <= spikeMs && spikeMs <= s.tMs);
    assert.equal(holding.length, 1);
    assert.equal(holding[0]?.bucket?.max.resKb, SPIKE_KB, 'the spike is the maximum of its (coarser) bucket');
    assert.equal(holding[0]?.bucket?.min.resKb, 2000 + Math.floor((holding[0]?.bucket?.fromMs ?? 0) - T0_MS) / 1000);
  });

  test('under budget nothing is coarsened', () => {
    const unbounded = new HistoryStore({ maxProcesses: PROCESSES, capacityPerProcess: RAW, budgetBytes: Infinity });
    const store = new HistoryStore({ maxProcesses: PROCESSES, capacityPerProcess: RAW, budgetBytes: 10 * 1024 * 1024 });
    recordHours(unbounded);
    recordHours(store);
    for (let pid = 1; pid <= PROCESSES; pid++) assert.deepEqual(store.getHistory(pid, 1)?.toSamples(), unbounded.getHistory(pid, 1)?.toSamples());
  });

  test('the largest history is coarsened first: an idle process keeps its single bucket', () => {
    const store = new HistoryStore({ maxProcesses: 2, capacityPerProcess: RAW, budgetBytes: 16 * 1024 });
    for (let i = 0; i < TICKS; i++) {
      store.record(1, 1, { tMs: T0_MS + i * 1000, virtKb: 5000, resKb: 1000, shrKb: 10, swapKb: 0 }, i);
      store.record(2, 1, sampleOf(2, i), i);
    }
    const idle = store.getHistory(1, 1)?.toSamples() ?? [];
    assert.equal(idle.filter((s) => s.bucket !== undefined).length, 1);
    assert.equal(idle[0]?.bucket?.sampleCount, TICKS - RAW);
    assert.ok(store.sampleBytes <= 16 * 1024);
  });

  test('the budget: 256 MiB by default, never below the every-tick tiers it cannot coarsen', () => {
    assert.equal(DEFAULT_HISTORY_BUDGET_BYTES, 256 * 1024 * 1024);
    assert.equal(new HistoryStore({ maxProcesses: 2048, capacityPerProcess: 900 }).budgetBytes, DEFAULT_HISTORY_BUDGET_BYTES);
    assert.equal(minTieredHistoryBytes(RAW), RAW * HISTORY_SAMPLE_BYTES + 2 * BUCKET_BYTES);
    assert.throws(() => new HistoryStore({ maxProcesses: 10, capacityPerProcess: RAW, budgetBytes: 10 * RAW * HISTORY_SAMPLE_BYTES }), /budgetBytes must be at least/);
  });
});
