// shared/sim/malloc/replay-model.ts: both allocator models behind the one interface the CLI and the lab drive.
// Run in pieces or at once, a replay fills the same results; a clone goes its own way; a misuse stops the
// replay at its op with the op's index, whichever the model.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { MALLOCLAB_TRACES_DIR } from '../../../helpers/paths.js';
import { createMallocEventLog } from '../../../../shared/sim/malloc/events.js';
import { createDefaultParams } from '../../../../shared/sim/malloc/glibc/params.js';
import { createGlibcReplayModel } from '../../../../shared/sim/malloc/glibc/replay.js';
import { HeapMisuseError } from '../../../../shared/sim/malloc/heap-misuse.js';
import { type MallocReplayModel, type ReplayProgress } from '../../../../shared/sim/malloc/replay-model.js';
import { createDefaultTcmallocParams } from '../../../../shared/sim/malloc/tcmalloc/params.js';
import { createTcmallocReplayModel } from '../../../../shared/sim/malloc/tcmalloc/replay.js';
import { generateWorkload } from '../../../../shared/sim/malloc/workloads.js';
import { packTraceOps, parseTrace, type Trace } from '../../../../shared/sim/trace.js';
import { computeFootprintBytes } from '../../../../shared/sim/malloc/footprint.js';
import {
  type MallocSummary,
  addBatchedOpToSummary,
  addOpToSummary,
  clearOpPathRows,
  createMallocOpTally,
  createMallocSummaryBuilder,
  createOpPathRows,
  finishMallocSummary,
  resetMallocOpTally,
} from '../../../../shared/sim/malloc/format-summary.js';

const MODELS: [string, (trace: Trace) => MallocReplayModel<ReplayProgress>][] = [
  ['glibc', (trace) => createGlibcReplayModel(trace, createDefaultParams())],
  ['tcmalloc', (trace) => createTcmallocReplayModel(trace, createDefaultTcmallocParams())],
];

for (const [name, bind] of MODELS) {
  describe(`${name} as a MallocReplayModel`, () => {
    test('run in pieces equals run at once; a clone does not move the original', () => {
      const trace = generateWorkload('random', { seed: 5, opCount: 3000 });
      const model = bind(trace);
      assert.equal(model.name, name);
      const whole = model.create(null);
      model.run(whole, trace.length);
      const pieces = model.create(null);
      for (const end of [1, 700, 700, 2999, 5000]) model.run(pieces, end);
      assert.equal(pieces.next, trace.length, 'an end past the trace stops at its length');
      assert.deepEqual(pieces.results, whole.results);

      const r = model.create(null);
      model.run(r, 1000);
      const copy = model.clone(r);
      model.run(copy, 2000);
      assert.equal(r.next, 1000);
      assert.deepEqual(model.measure(model.clone(r)), model.measure(r));
      model.run(r, 2000);
      assert.deepEqual(model.measure(r), model.measure(copy));
    });

    test('the sink given to create and setSink receive the events; null detaches', () => {
      const trace = generateWorkload('random', { seed: 5, opCount: 200 });
      const model = bind(trace);
      const log = createMallocEventLog();
      const r = model.create(null);
      model.setSink(r, log.sink);
      model.run(r, 100);
      assert.ok(log.events.length > 0);
      const seen = log.events.length;
      model.setSink(r, null);
      model.run(r, 200);
      assert.equal(log.events.length, seen);
    });

    test('a double free stops the replay at its op, with the op index, results kept up to it', () => {
      const trace = packTraceOps([{ op: 'a', id: 0, size: 24 }, { op: 'a', id: 1, size: 24 }, { op: 'f', id: 0 }, { op: 'f', id: 0 }, { op: 'a', id: 2, size: 24 }]);
      const model = bind(trace);
      const r = model.create(null);
      assert.throws(() => model.run(r, trace.length), (err: unknown) => err instanceof HeapMisuseError && err.opIndex === 3);
      assert.equal(r.next, 3);
      assert.ok(r.results.usable[1]! >= 24);
    });
  });
}

describe('the glibc malloclab model replayed in batches (sim malloc summary, issue 13)', () => {
  const traces = (): [string, Trace][] => [
    ...['random', 'growing-buffer', 'big-churn'].map((w): [string, Trace] => [w, generateWorkload(w, { seed: 9, opCount: 20_000 })]),
    ...['realloc-bal.rep', 'realloc2-bal.rep', 'binary2-bal.rep'].map((f): [string, Trace] => [f, parseTrace(readFileSync(join(MALLOCLAB_TRACES_DIR, f), 'utf8'))]),
  ];

  test('footprintInResults: the footprint after every op is results.brk + results.mmappedBytes of its row', () => {
    for (const [name, trace] of traces()) {
      const model = createGlibcReplayModel(trace, createDefaultParams(), { resultWindowOps: 4096 });
      assert.equal(model.footprintInResults, true);
      const r = model.create(null);
      for (let i = 0; i < trace.length; i++) {
        model.run(r, i + 1);
        const row = i & r.results.rowMask;
        assert.equal(r.results.brk[row]! + r.results.mmappedBytes[row]!, computeFootprintBytes(model.measure(r)), `${name} op ${i}`);
      }
    }
  });

  test('a summary from batches with per-op path rows equals the summary built op by op', () => {
    for (const [name, trace] of traces()) {
      const summarize = (batched: boolean): MallocSummary => {
        const tally = createMallocOpTally(false);
        const b = createMallocSummaryBuilder('glibc');
        const model = createGlibcReplayModel(trace, createDefaultParams(), { resultWindowOps: 1024 });
        const r = model.create(tally.sink);
        if (!batched) {
          for (let i = 0; i < trace.length; i++) {
            resetMallocOpTally(tally);
            model.run(r, i + 1);
            addOpToSummary(b, trace, r.results, i, tally, true);
          }
        } else {
          const rows = (tally.rows = createOpPathRows(r, 1024));
          for (let start = 0; start < trace.length; start += 1024) {
            clearOpPathRows(rows);
            model.run(r, start + 1024);
            for (let i = start; i < Math.min(trace.length, start + 1024); i++) addBatchedOpToSummary(b, trace, r.results, i, rows, true);
          }
        }
        return finishMallocSummary(b, tally);
      };
      assert.deepEqual(summarize(true), summarize(false), name);
    }
  });
});
