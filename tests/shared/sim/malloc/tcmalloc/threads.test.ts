// memscope-trace 2 under the TCMalloc model and the real gperftools 2.10 library (one real pthread per trace
// thread, tests/harness/tcmalloc-mt-replay.c): per-thread caches made on a thread's first malloc, cross-thread
// frees into the freeing thread's cache, the cache budget shared and stolen, thread exits emptying a cache into
// the central lists, calloc, memalign and malloc_trim. Every test proves its premise, then demands agreement
// on every op: address, usable size, break and the seven statistics.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { type TraceOp, packTraceOps } from '../../../../../shared/sim/trace.js';
import { createTcmallocReplay, runTcmallocReplay } from '../../../../../shared/sim/malloc/tcmalloc/replay.js';
import { checkTcmallocHeap } from '../../../../../shared/sim/malloc/tcmalloc/check.js';
import { parseTcmallocEnv } from '../../../../../shared/sim/malloc/tcmalloc/params.js';
import { TCMALLOC_STATS_KEYS } from '../../../../../shared/sim/malloc/tcmalloc/stats.js';
import { oracleMissing } from '../../../../helpers/oracles.js';
import { type RealTcmallocThreadsRun, compareThreadsWithRealTcmalloc } from './real-tcmalloc-threads.js';

const THREAD_BYTES = TCMALLOC_STATS_KEYS.indexOf('threadCacheFreeBytes');

function agree(ops: TraceOp[], env = ''): RealTcmallocThreadsRun {
  const c = compareThreadsWithRealTcmalloc(packTraceOps(ops, { cpus: 2 }), env);
  assert.equal(c.firstDiff, -1, c.report);
  return c.real;
}

/** ops on thread `tid`. */
function on(tid: number, ops: TraceOp[]): TraceOp[] {
  return ops.map((o) => ({ ...o, tid }));
}

describe('TCMalloc threads, calloc, memalign, trim: model vs real library', { skip: oracleMissing('libtcmalloc-minimal') }, () => {
  test('producer/consumer: blocks malloc\'d on one thread and freed on another land in the freeing thread\'s cache', () => {
    const ops: TraceOp[] = [{ op: 'a', id: 0, size: 16, tid: 1 }]; // the consumer (1) has a cache from here on; 2 produces
    let id = 1;
    for (let round = 0; round < 6; round++) {
      const first = id;
      for (let k = 0; k < 40; k++) ops.push({ op: 'a', id: id++, size: 48 + (k % 3) * 64, tid: 2 });
      for (let k = first; k < id; k++) ops.push({ op: 'f', id: k, tid: 1 });
      ops.push({ op: 'a', id: id++, size: 100, tid: 0 });
    }
    const real = agree(ops);
    let grew = 0;
    ops.forEach((o, i) => {
      if (o.op === 'f' && i > 0 && real.ops[i]!.stats![THREAD_BYTES]! > real.ops[i - 1]!.stats![THREAD_BYTES]!) grew++;
    });
    assert.ok(grew > 100, `premise: the consumer's frees fill its own cache (${grew} frees did)`);
  });

  test('a thread whose first call is free sends the block straight to the central cache', () => {
    const real = agree([{ op: 'a', id: 0, size: 64 }, { op: 'a', id: 1, size: 64 }, { op: 'f', id: 0, tid: 1 }, { op: 'a', id: 2, size: 64, tid: 1 }, { op: 'f', id: 1, tid: 1 }]);
    assert.equal(real.ops[2]!.stats![THREAD_BYTES], real.ops[1]!.stats![THREAD_BYTES], 'premise: no thread cache took the block');
  });

  test('many threads: each new cache takes 64 KiB of budget; once the 32 MiB are claimed, caches steal from each other', () => {
    const ops: TraceOp[] = [];
    let id = 0;
    const threads = 24;
    for (let t = 1; t <= threads; t++) {
      const first = id;
      for (let k = 0; k < 600; k++) ops.push({ op: 'a', id: id++, size: 2048, tid: t });
      for (let k = first; k < id; k++) ops.push({ op: 'f', id: k, tid: t });
    }
    for (let t = 1; t <= threads; t++) {
      const first = id;
      for (let k = 0; k < 300; k++) ops.push({ op: 'a', id: id++, size: 4096, tid: t });
      for (let k = first; k < id; k++) ops.push({ op: 'f', id: k, tid: t });
    }
    const env = 'TCMALLOC_MAX_TOTAL_THREAD_CACHE_BYTES=8388608';
    const real = agree(ops, env);
    const peak = Math.max(...real.ops.map((o) => o.stats![THREAD_BYTES]!));
    assert.ok(peak > 4 << 20, `premise: the caches together hold more than one thread's ceiling (${peak})`);
    const r = createTcmallocReplay(packTraceOps(ops), parseTcmallocEnv(env).params);
    runTcmallocReplay(r);
    assert.ok(r.heap.threads.unclaimedCacheSpace <= 0, 'premise: the whole budget was claimed, so caches grew by stealing');
    assert.deepEqual(checkTcmallocHeap(r.heap), []);
  });

  test('threads exit (their caches go back to the central lists) and new threads start', () => {
    const ops: TraceOp[] = [];
    let id = 0;
    for (let gen = 0; gen < 4; gen++) {
      const a = 1 + gen * 2;
      const b = a + 1;
      const firstA = id;
      for (let k = 0; k < 150; k++) ops.push({ op: 'a', id: id++, size: 32 + (k % 5) * 16, tid: a });
      for (let k = 0; k < 20; k++) ops.push({ op: 'a', id: id++, size: 40000, tid: b });
      for (let k = firstA; k < firstA + 150; k++) ops.push({ op: 'f', id: k, tid: k < firstA + 75 ? b : a }); // a keeps its last frees cached
      for (const size of [1000, 2000, 3000]) ops.push({ op: 'a', id: id, size, tid: a }, { op: 'f', id: id++, tid: a }); // one object cached per list
      ops.push({ op: 'x', id: 0, tid: a });
      for (let k = firstA + 150; k < firstA + 170; k++) ops.push({ op: 'f', id: k, tid: b });
      ops.push({ op: 'a', id: id++, size: 24, tid: 0 });
      ops.push({ op: 'x', id: 0, tid: b });
    }
    const trace = ops;
    const real = agree(trace);
    const xAt = trace.findIndex((o) => o.op === 'x');
    assert.ok(real.ops[xAt]!.stats![THREAD_BYTES]! < real.ops[xAt - 1]!.stats![THREAD_BYTES]!, 'premise: the exit emptied a cache');
  });

  test('an exiting thread gives its cache budget back: the next thread grows into it instead of scavenging', () => {
    const ops: TraceOp[] = [];
    let id = 0;
    const churn = (tid: number, rounds: number): void => {
      for (let round = 0; round < rounds; round++) {
        const first = id;
        for (let k = 0; k < 600; k++) ops.push({ op: 'a', id: id++, size: 1024 + (k % 4) * 1024, tid });
        for (let k = first; k < id; k++) ops.push({ op: 'f', id: k, tid });
      }
    };
    churn(1, 6);
    ops.push({ op: 'x', id: 0, tid: 1 });
    churn(2, 6);
    const env = 'TCMALLOC_MAX_TOTAL_THREAD_CACHE_BYTES=1048576';
    agree(ops, env);
    const r = createTcmallocReplay(packTraceOps(ops), parseTcmallocEnv(env).params);
    const exitAt = ops.findIndex((o) => o.op === 'x');
    runTcmallocReplay(r, exitAt);
    assert.ok(r.heap.threads.unclaimedCacheSpace <= 0, 'premise: thread 1 claimed the whole budget');
    runTcmallocReplay(r);
    assert.ok(r.heap.threads.heaps.some((h) => h.maxSize > 512 << 10), 'premise: thread 2 grew past the 512 KiB floor');
    assert.deepEqual(checkTcmallocHeap(r.heap), []);
  });

  test('calloc, memalign (small and page alignments, valloc, beyond a page) and malloc_trim, on two threads', () => {
    const ops: TraceOp[] = [];
    let id = 0;
    for (const tid of [0, 1]) {
      const first = id;
      const block: TraceOp[] = [
        { op: 'c', id: id++, aux: 10, size: 24 },
        { op: 'c', id: id++, aux: 0, size: 8 },
        { op: 'c', id: id++, aux: 1000, size: 300 },
        { op: 'c', id: id++, aux: 2 ** 40, size: 2 ** 30 },
        { op: 'm', id: id++, aux: 64, size: 100 },
        { op: 'm', id: id++, aux: 32, size: 0 },
        { op: 'm', id: id++, aux: 4096, size: 5000 },
        { op: 'm', id: id++, aux: 8192, size: 300000 },
        { op: 'm', id: id++, aux: 16384, size: 20000 },
        { op: 'm', id: id++, aux: 1 << 20, size: 3000 },
        { op: 't', id: 0, size: 0 },
      ];
      ops.push(...on(tid, block));
      for (let k = first; k < id; k++) if (k !== first + 3) ops.push({ op: 'f', id: k, tid });
      ops.push({ op: 't', id: 0, size: 4096, tid });
    }
    const real = agree(ops);
    assert.equal(real.ops[3]!.offset, null, 'premise: the overflowing calloc returns NULL');
    assert.equal(real.ops[9]!.offset! % (1 << 20), (2 ** 53 - real.baseAddress % (1 << 20)) % (1 << 20), 'premise: a 1 MiB-aligned block');
  });
});
