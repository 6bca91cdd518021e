// The lab's checkpointed replay must be invisible: seeking anywhere (forward, back, across checkpoints) leaves each
// model exactly as a fresh replay to that op would, and a checkpoint never shares state with the live replay.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readGlibcHeapView } from '../../../../shared/sim/lab/glibc-lab.js';
import { computeFreedPointers, createMallocLabSession, explainMallocLabOp, findPointerOrigin, seekMallocLab } from '../../../../shared/sim/lab/malloc-session.js';
import { readTcmallocHeapView } from '../../../../shared/sim/lab/tcmalloc-lab.js';
import { createMallocEventLog } from '../../../../shared/sim/malloc/events.js';
import { createDefaultParams } from '../../../../shared/sim/malloc/glibc/params.js';
import { createGlibcReplay, createGlibcReplayModel, runGlibcReplay } from '../../../../shared/sim/malloc/glibc/replay.js';
import { listHeapChunks } from '../../../../shared/sim/malloc/glibc/state.js';
import { REGION_HEAP } from '../../../../shared/sim/malloc/replay-results.js';
import { createDefaultTcmallocParams } from '../../../../shared/sim/malloc/tcmalloc/params.js';
import { createTcmallocReplay, createTcmallocReplayModel, runTcmallocReplay } from '../../../../shared/sim/malloc/tcmalloc/replay.js';
import { readTcmallocStats } from '../../../../shared/sim/malloc/tcmalloc/stats.js';
import { createRng } from '../../../../shared/sim/rng.js';
import { generateWorkload, WORKLOADS } from '../../../../shared/sim/malloc/workloads.js';
import { packTraceOps } from '../../../../shared/sim/trace.js';

const nowMs = () => performance.now();

describe('glibc lab session', () => {
  for (const w of WORKLOADS) {
    test(`seeking in ${w.name} equals a fresh replay to the same op`, () => {
      const trace = generateWorkload(w.name, { seed: 3, opCount: 6000 });
      const params = createDefaultParams();
      const s = createMallocLabSession(createGlibcReplayModel(trace, params), trace, { nowMs, minCheckpointOps: 500 });
      assert.ok(s.checkpoints.length >= 2, 'checkpoints were taken');
      const rng = createRng(11);
      const cursors = [trace.length, 0, 1, 5999, 2500, 2499, 2501, ...Array.from({ length: 12 }, () => rng.nextInt(0, trace.length + 1))];
      for (const cursor of cursors) {
        const r = seekMallocLab(s, cursor);
        assert.equal(r.next, cursor);
        const fresh = createGlibcReplay(trace, params);
        runGlibcReplay(fresh, cursor);
        assert.deepEqual(listHeapChunks(r.heap), listHeapChunks(fresh.heap), `chunks after ${cursor} ops`);
        assert.equal(r.heap.os.brkBytes, fresh.heap.os.brkBytes);
        assert.equal(readGlibcHeapView(r.heap).bins.length, readGlibcHeapView(fresh.heap).bins.length);
      }
    });
  }

  test('explaining an op gives the events a fresh replay emits for it', () => {
    const trace = generateWorkload('random', { seed: 5, opCount: 3000 });
    const params = createDefaultParams();
    const s = createMallocLabSession(createGlibcReplayModel(trace, params), trace, { nowMs, minCheckpointOps: 400 });
    for (const cursor of [1, 1717, 402, 3000]) {
      const fresh = createGlibcReplay(trace, params);
      runGlibcReplay(fresh, cursor - 1);
      const log = createMallocEventLog();
      fresh.heap.sink = log.sink;
      runGlibcReplay(fresh, cursor);
      assert.deepEqual(explainMallocLabOp(s, cursor), log.events, `events of op ${cursor - 1}`);
      assert.equal(s.current.next, cursor);
    }
  });

  test('series and kept events match the per-op results', () => {
    const trace = generateWorkload('big-churn', { seed: 2, opCount: 1500 });
    const s = createMallocLabSession(createGlibcReplayModel(trace, createDefaultParams()), trace, { nowMs, keepEvent: (k) => k === 9 || k === 10 });
    s.series.cursor.forEach((c, i) => {
      if (c > 0) assert.equal(s.series.heapBytes[i], s.results.brk[c - 1], `heap bytes after ${c} ops`);
    });
    assert.equal(s.series.cursor[s.series.cursor.length - 1], trace.length);
    assert.ok(s.events.length > 0 && s.events.every((e) => e.kind === 9 || e.kind === 10));
    assert.ok(s.events.every((e, i) => i === 0 || e.op >= s.events[i - 1]!.op), 'events in op order');
  });

  test('a pointer is traced to the op that returned it and the op that freed it', () => {
    const trace = packTraceOps([
      { op: 'a', id: 0, size: 40 },
      { op: 'a', id: 1, size: 40 },
      { op: 'f', id: 0 },
      { op: 'r', id: 1, size: 5000 },
      { op: 'a', id: 2, size: 40 },
    ]);
    const s = createMallocLabSession(createGlibcReplayModel(trace, createDefaultParams()), trace, { nowMs });
    const p0 = s.results.offset[0]!;
    const p1 = s.results.offset[1]!;
    assert.equal(s.results.region[0], REGION_HEAP);
    assert.deepEqual([...computeFreedPointers(trace, s.results)].map((x) => (Number.isNaN(x) ? null : x)), [null, null, p0, s.results.offset[3] === p1 ? null : p1, null]);
    assert.deepEqual(findPointerOrigin(s, 2, p0), { op: 0, how: 'returned' });
    assert.deepEqual(findPointerOrigin(s, 3, p0), { op: 2, how: 'released' });
    assert.deepEqual(findPointerOrigin(s, 5, p0), { op: 4, how: 'returned' }, 'tcache hands the freed chunk to the next malloc(40)');
  });
});

describe('TCMalloc lab session', () => {
  for (const name of ['random', 'many-small', 'big-churn']) {
    test(`seeking in ${name} equals a fresh replay to the same op`, () => {
      const trace = generateWorkload(name, { seed: 4, opCount: 4000 });
      const params = createDefaultTcmallocParams();
      const s = createMallocLabSession(createTcmallocReplayModel(trace, params), trace, { nowMs, minCheckpointOps: 500 });
      for (const cursor of [trace.length, 17, 3999, 1234, 1233, 2600]) {
        const r = seekMallocLab(s, cursor);
        const fresh = createTcmallocReplay(trace, params);
        runTcmallocReplay(fresh, cursor);
        const view = readTcmallocHeapView(r.heap);
        const want = readTcmallocHeapView(fresh.heap);
        assert.deepEqual(view.spans, want.spans, `spans after ${cursor} ops`);
        assert.deepEqual(view.threadCache, want.threadCache);
        assert.deepEqual(readTcmallocStats(r.heap), readTcmallocStats(fresh.heap));
      }
    });
  }
});
