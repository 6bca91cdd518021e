// Traces aimed at one TCMalloc mechanism each (slow start, transfer cache, thread-cache scavenge,
// spans returned to the page heap, large allocations, release to the OS, forced coalescing,
// transfer-slot eviction, realloc's hysteresis), replayed under the real library and the model.
// Each test first proves its premise (the mechanism really ran: in the real statistics, or in the
// model's events, which are themselves pinned by the exact agreement), then demands agreement on
// every op: address, usable size, break and the seven statistics.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { type Trace, type TraceOp, packTraceOps } from '../../../../../shared/sim/trace.js';
import { createTcmallocReplay, runTcmallocReplay } from '../../../../../shared/sim/malloc/tcmalloc/replay.js';
import { parseTcmallocEnv } from '../../../../../shared/sim/malloc/tcmalloc/params.js';
import { TCMALLOC_EVENT_NAMES, TcmallocEvent, TcmallocReallocPath } from '../../../../../shared/sim/malloc/tcmalloc/events.js';
import { TCMALLOC_STATS_KEYS } from '../../../../../shared/sim/malloc/tcmalloc/stats.js';
import { kPageSize } from '../../../../../shared/sim/malloc/tcmalloc/common.js';
import { oracleMissing } from '../../../../helpers/oracles.js';
import { type RealTcmallocRun, compareWithRealTcmalloc, readRealSizeMap } from './real-tcmalloc.js';

const MIB = 1 << 20;

/** The model's events for a trace: per op, the list of [kind, a, b, c]. */
function modelEvents(trace: Trace, env = ''): number[][][] {
  const perOp: number[][][] = [];
  let current: number[][] = [];
  const r = createTcmallocReplay(trace, parseTcmallocEnv(env).params, { sink: (k, a, b, c) => { current.push([k, a, b, c]); } });
  for (let i = 0; i < trace.length; i++) {
    current = [];
    runTcmallocReplay(r, i + 1);
    perOp.push(current);
  }
  return perOp;
}

function countEvents(perOp: number[][][], kind: number): number {
  let n = 0;
  for (const evs of perOp) for (const e of evs) if (e[0] === kind) n++;
  return n;
}

/** Index of a statistic in the real records. */
function stat(name: (typeof TCMALLOC_STATS_KEYS)[number]): number {
  return TCMALLOC_STATS_KEYS.indexOf(name);
}

/** Ops (of the given kind) after which the real statistic went down / up compared with the op before. */
function realStatChanges(run: RealTcmallocRun, ops: TraceOp[], name: (typeof TCMALLOC_STATS_KEYS)[number], kind: 'a' | 'f' | 'r'): { up: number; down: number } {
  const k = stat(name);
  let prev = run.startStats[k]!;
  let up = 0;
  let down = 0;
  run.ops.forEach((o, i) => {
    const v = o.stats![k]!;
    if (ops[i]!.op === kind) {
      if (v > prev) up++;
      if (v < prev) down++;
    }
    prev = v;
  });
  return { up, down };
}

function agree(ops: TraceOp[], env = ''): RealTcmallocRun {
  const c = compareWithRealTcmalloc(packTraceOps(ops), env);
  assert.equal(c.firstDiff, -1, c.report);
  return c.real;
}

describe('targeted TCMalloc mechanisms: model vs real library', { skip: oracleMissing('libtcmalloc-minimal') }, () => {
  test('slow start: fetches grow 1, 2, 3 … up to one batch; overlong lists go back in batches', () => {
    const ops: TraceOp[] = [];
    for (let i = 0; i < 100; i++) ops.push({ op: 'a', id: i, size: 100 });
    for (let i = 0; i < 100; i++) ops.push({ op: 'f', id: i });
    for (let i = 0; i < 100; i++) ops.push({ op: 'a', id: i, size: 100 });
    const trace = packTraceOps(ops);
    const evs = modelEvents(trace);
    const asked = evs.flat().filter((e) => e[0] === TcmallocEvent.centralFetch).map((e) => e[2]);
    assert.deepEqual(asked.slice(0, 5), [1, 2, 3, 4, 5], 'premise: slow start');
    assert.ok(countEvents(evs, TcmallocEvent.listTooLong) > 0, 'premise: ListTooLong ran');
    assert.ok(countEvents(evs, TcmallocEvent.threadCacheHit) > 100, 'premise: thread cache hits');
    agree(ops);
  });

  test('objects of one class are carved consecutively from a fresh span (real addresses step by the class size)', () => {
    const real = readRealSizeMap();
    for (const size of [48, 100, 1000, 5000, 40000]) {
      const cl = real.classArray[size <= 1024 ? (size + 7) >> 3 : (size + 127 + (120 << 7)) >> 7]!;
      const classSize = real.classToSize[cl]!;
      const perSpan = Math.floor((real.classToPages[cl]! * kPageSize) / classSize);
      const ops: TraceOp[] = [];
      for (let i = 0; i < perSpan; i++) ops.push({ op: 'a', id: i, size });
      const run = agree(ops);
      const first = run.ops[0]!.offset!;
      assert.equal(first % kPageSize, 0, `size ${size}: the first object starts its span`);
      run.ops.forEach((o, i) => assert.equal(o.offset! - first, i * classSize, `size ${size}: object ${i}`));
    }
  });

  test('transfer cache: full batches are parked and handed back whole', () => {
    const ops: TraceOp[] = [];
    for (let i = 0; i < 300; i++) ops.push({ op: 'a', id: i, size: 64 });
    for (let i = 0; i < 300; i++) ops.push({ op: 'f', id: i });
    for (let i = 0; i < 300; i++) ops.push({ op: 'a', id: i, size: 64 });
    const evs = modelEvents(packTraceOps(ops));
    assert.ok(countEvents(evs, TcmallocEvent.transferCacheHit) > 0, 'premise: RemoveRange took a parked batch');
    const real = agree(ops);
    assert.ok(real.ops.some((o) => o.stats![stat('transferCacheFreeBytes')]! > 0), 'premise: the real transfer cache held objects');
  });

  test('thread cache over its budget scavenges idle objects', () => {
    const ops: TraceOp[] = [];
    let id = 0;
    for (let round = 0; round < 3; round++) {
      const first = id;
      for (const size of [16, 64, 256, 1024, 4096, 16384]) for (let k = 0; k < 24; k++) ops.push({ op: 'a', id: id++, size });
      for (let i = first; i < id; i++) ops.push({ op: 'f', id: i });
    }
    const evs = modelEvents(packTraceOps(ops));
    assert.ok(countEvents(evs, TcmallocEvent.threadCacheScavenge) > 0, 'premise: Scavenge ran');
    const real = agree(ops);
    assert.ok(realStatChanges(real, ops, 'threadCacheFreeBytes', 'f').down > 0, 'premise: a real free shrank the thread cache');
  });

  test('a span whose objects all come back returns to the page heap', () => {
    const ops: TraceOp[] = [];
    for (let i = 0; i < 400; i++) ops.push({ op: 'a', id: i, size: 3000 });
    for (let i = 0; i < 400; i++) ops.push({ op: 'f', id: i });
    const evs = modelEvents(packTraceOps(ops));
    assert.ok(countEvents(evs, TcmallocEvent.spanFreed) > 0, 'premise: spans freed');
    const real = agree(ops);
    assert.ok(realStatChanges(real, ops, 'pageheapFreeBytes', 'f').up > 0, 'premise: a real free grew the page heap');
  });

  test('large allocations: page runs, best fit, carving and coalescing', () => {
    const sizes = [300_000, 1 * MIB, 2 * MIB + 5, 5 * MIB, 262_145, 700_000, 3 * MIB, 1_100_000];
    const ops: TraceOp[] = [];
    sizes.forEach((size, i) => ops.push({ op: 'a', id: i, size }));
    for (const i of [1, 3, 5, 7]) ops.push({ op: 'f', id: i });
    [900_000, 4 * MIB, 600_000, 2 * MIB, 100_000].forEach((size, k) => ops.push({ op: 'a', id: 10 + k, size }));
    for (const i of [0, 2, 4, 6, 10, 11, 12, 13, 14]) ops.push({ op: 'f', id: i });
    ops.push({ op: 'a', id: 20, size: 12 * MIB });
    const evs = modelEvents(packTraceOps(ops));
    assert.ok(countEvents(evs, TcmallocEvent.largeAlloc) >= sizes.length, 'premise: large allocations');
    assert.ok(countEvents(evs, TcmallocEvent.carve) > 0 && countEvents(evs, TcmallocEvent.pageHeapCoalesce) > 0, 'premise: carving and coalescing');
    const real = agree(ops);
    assert.ok(real.ops.at(-1)!.stats![stat('heapSizeBytes')]! > 12 * MIB, 'premise: the real heap grew');
  });

  test('after 2 GiB of freed pages the page heap releases spans to the OS, then recommits them', () => {
    const ops: TraceOp[] = [];
    for (let k = 0; k < 40; k++) ops.push({ op: 'a', id: 1, size: 64 * MIB }, { op: 'f', id: 1 });
    for (let k = 0; k < 4; k++) ops.push({ op: 'a', id: 2 + k, size: 8 * MIB });
    const evs = modelEvents(packTraceOps(ops));
    assert.ok(countEvents(evs, TcmallocEvent.pageHeapRelease) > 0 && countEvents(evs, TcmallocEvent.commit) > 0, 'premise: release and recommit');
    const real = agree(ops);
    assert.ok(real.ops.some((o) => o.stats![stat('pageheapUnmappedBytes')]! > 0), 'premise: real unmapped bytes');
  });

  test('before growing across a 128 MiB boundary with many free pages, everything free is released first', () => {
    const ops: TraceOp[] = [];
    for (let k = 0; k < 33; k++) ops.push({ op: 'a', id: 1, size: 64 * MIB }, { op: 'f', id: 1 });
    ops.push({ op: 'a', id: 2, size: 60 * MIB }, { op: 'a', id: 3, size: 2 * MIB }, { op: 'f', id: 2 });
    ops.push({ op: 'a', id: 4, size: 100 * MIB });
    const trace = packTraceOps(ops);
    const evs = modelEvents(trace);
    const last = evs.at(-1)!;
    assert.ok(last.some((e) => e[0] === TcmallocEvent.pageHeapRelease), `premise: the last malloc released free spans (events: ${last.map((e) => TCMALLOC_EVENT_NAMES[e[0]! - 100]).join(', ')})`);
    const real = agree(ops);
    const u = stat('pageheapUnmappedBytes');
    assert.ok(real.ops.at(-1)!.stats![u]! > real.ops.at(-2)!.stats![u]!, 'premise: the real unmapped bytes jumped on that malloc');
  });

  test('full transfer caches borrow slots from other classes, round robin over all classes', () => {
    const ops: TraceOp[] = [];
    let id = 0;
    for (let size = 8; size <= 1024; size += size < 128 ? 16 : 64) {
      const first = id;
      for (let k = 0; k < 32 * 40; k++) ops.push({ op: 'a', id: id++, size });
      for (let i = first; i < id; i++) ops.push({ op: 'f', id: i });
    }
    const trace = packTraceOps(ops);
    const r = createTcmallocReplay(trace, parseTcmallocEnv('').params);
    runTcmallocReplay(r);
    const evs = modelEvents(trace);
    assert.ok(countEvents(evs, TcmallocEvent.transferCacheEvict) > r.heap.sizeMap.numSizeClasses, 'premise: more evictions than classes (race_counter wrapped)');
    agree(ops);
  });

  test("realloc: in place, growth with 25 % slack, moves, shrinking below half, realloc(NULL, n), realloc(p, 0)", () => {
    const ops: TraceOp[] = [
      { op: 'r', id: 1, size: 100 }, // realloc(NULL, 100)
      { op: 'r', id: 1, size: 110 }, // fits the 112-byte class: in place
      { op: 'r', id: 1, size: 120 }, // < 112 · 1.25: grows to 140 → 144
      { op: 'r', id: 1, size: 1000 }, // move
      { op: 'r', id: 1, size: 600 }, // ≥ half: in place
      { op: 'r', id: 1, size: 100 }, // < half: move
      { op: 'r', id: 2, size: 300_000 },
      { op: 'r', id: 2, size: 301_000 }, // same pages: in place
      { op: 'r', id: 2, size: 310_000 }, // large growth with slack
      { op: 'r', id: 2, size: 50 }, // large → small
      { op: 'r', id: 2, size: 0 }, // free
      { op: 'r', id: 3, size: 0 }, // realloc(NULL, 0) = malloc(0)
      { op: 'a', id: 4, size: 0 },
      { op: 'f', id: 2 }, // free(NULL): realloc(p, 0) left id 2 NULL
    ];
    const paths = new Set(modelEvents(packTraceOps(ops)).flat().filter((e) => e[0] === TcmallocEvent.realloc).map((e) => e[1]));
    for (const p of Object.values(TcmallocReallocPath)) assert.ok(paths.has(p), `premise: realloc path ${p} taken`);
    agree(ops);
  });
});
