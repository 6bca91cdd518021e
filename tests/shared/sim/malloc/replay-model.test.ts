// shared/sim/malloc/replay-model.ts: both allocator models behind the one interface the CLI and the lab drive.
// Run in pieces or at once, a replay fills the same results; a clone goes its own way; a misuse stops the
// replay at its op with the op's index, whichever the model.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMallocEventLog } from '../../../../shared/sim/malloc/events.js';
import { createDefaultParams } from '../../../../shared/sim/malloc/glibc/params.js';
import { createGlibcReplayModel } from '../../../../shared/sim/malloc/glibc/replay.js';
import { HeapMisuseError } from '../../../../shared/sim/malloc/heap-misuse.js';
import { type MallocReplayModel, type ReplayProgress } from '../../../../shared/sim/malloc/replay-model.js';
import { createDefaultTcmallocParams } from '../../../../shared/sim/malloc/tcmalloc/params.js';
import { createTcmallocReplayModel } from '../../../../shared/sim/malloc/tcmalloc/replay.js';
import { generateWorkload } from '../../../../shared/sim/malloc/workloads.js';
import { packTraceOps, type Trace } from '../../../../shared/sim/trace.js';

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
