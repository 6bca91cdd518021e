// Small traces aimed at one mechanism each, replayed in the real glibc and in the simulator.
// Each test first checks on the REAL output that the trace exercises what it claims (its premise),
// then that the simulator agrees on every op.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { type TraceOp, packTraceOps } from '../../../../../shared/sim/trace.js';
import { type MallocOpRecord } from '../../../../../shared/sim/malloc/replay-results.js';
import { createGlibcReplay, runGlibcReplay } from '../../../../../shared/sim/malloc/glibc/replay.js';
import { parseGlibcTunables } from '../../../../../shared/sim/malloc/glibc/params.js';
import { MallocEvent, MallocSource, ReallocPath, createMallocEventLog } from '../../../../../shared/sim/malloc/events.js';
import { compareWithRealGlibc } from './real-glibc.js';

type AllocRecord = Extract<MallocOpRecord, { op: 'a' | 'r' }>;
function alloc(rec: MallocOpRecord | undefined): AllocRecord {
  assert.ok(rec !== undefined && rec.op !== 'f', 'expected an a/r record');
  return rec as AllocRecord;
}

/** Compares sim and real; returns the real records for premise checks. */
function agree(ops: TraceOp[], tunables = ''): MallocOpRecord[] {
  const c = compareWithRealGlibc(packTraceOps(ops), tunables);
  assert.equal(c.firstDiff, -1, c.report);
  return c.real;
}

/** The simulator's events for a trace (to show a path was taken). */
function simEvents(ops: TraceOp[], tunables = ''): { kind: number; a: number; b: number; c: number }[] {
  const log = createMallocEventLog();
  const r = createGlibcReplay(packTraceOps(ops), parseGlibcTunables(tunables).params, { sink: log.sink });
  runGlibcReplay(r);
  return log.events;
}

const a = (id: number, size: number): TraceOp => ({ op: 'a', id, size });
const f = (id: number): TraceOp => ({ op: 'f', id });
const r = (id: number, size: number): TraceOp => ({ op: 'r', id, size });

describe('targeted traces: simulator vs real glibc 2.36', () => {
  test('tcache overflow: the 8th free of a size goes to a fastbin, reuse is LIFO', () => {
    const ops: TraceOp[] = [];
    for (let i = 0; i < 10; i++) ops.push(a(i, 24));
    for (let i = 0; i < 10; i++) ops.push(f(i));
    for (let i = 0; i < 10; i++) ops.push(a(20 + i, 24));
    const real = agree(ops);
    // premise: the re-allocations reuse the freed chunks (same set of offsets)
    const first = new Set(real.slice(0, 10).map((x) => alloc(x).offset));
    assert.deepEqual(new Set(real.slice(20).map((x) => alloc(x).offset)), first);
    const ev = simEvents(ops);
    assert.ok(ev.some((e) => e.kind === MallocEvent.freed && e.a === MallocSource.fastbin));
  });

  test('fastbin → tcache refill, then malloc_consolidate on a large request', () => {
    const ops: TraceOp[] = [];
    for (let i = 0; i < 30; i++) ops.push(a(i, 8 + 16 * (i % 7)));
    ops.push(a(99, 16)); // guard against top
    for (let i = 0; i < 30; i++) ops.push(f(i));
    ops.push(a(40, 40), a(41, 40));
    ops.push(a(50, 3000)); // large request: consolidates the fastbins
    ops.push(f(99), a(51, 70000), f(51)); // free ≥ 64 KiB: consolidation + trim check
    const real = agree(ops);
    // premise: the 3000-byte request is carved out of the consolidated space, below the guard
    assert.ok(alloc(real[62]).offset! < alloc(real[30]).offset!);
    assert.ok(simEvents(ops).some((e) => e.kind === MallocEvent.consolidate && e.a > 0));
  });

  test('malloc_consolidate merges fast chunks as free merges chunks, and reports each merge as free does', () => {
    const tunables = 'glibc.malloc.tcache_count=0';
    // A, B, C: adjacent 48-byte chunks, kept off top by a guard; freed A, C, B, so fastbin 1 holds B → C → A.
    const ops = [a(0, 40), a(1, 40), a(2, 40), a(3, 16), f(0), f(2), f(1), a(4, 2000), a(5, 136)];
    const real = agree(ops, tunables);
    // premise: the 144-byte chunk asked for last is A's: real glibc merged A, B and C into one chunk
    assert.equal(alloc(real[8]).offset, alloc(real[0]).offset);
    const chunkA = alloc(real[0]).offset! - 16;
    const chunkB = alloc(real[1]).offset! - 16;
    const log = createMallocEventLog();
    const replay = createGlibcReplay(packTraceOps(ops), parseGlibcTunables(tunables).params, { sink: log.sink });
    runGlibcReplay(replay, 7);
    log.events.length = 0;
    runGlibcReplay(replay, 8); // malloc(2000): a largebin request consolidates the fastbins first
    const upTo = log.events.findIndex((e) => e.kind === MallocEvent.consolidate) + 1;
    // B is filed as it is; C merges backward into B; A merges forward with B + C.
    assert.deepEqual(log.events.slice(0, upTo), [
      { kind: MallocEvent.coalesced, a: 0, b: chunkB, c: 96 },
      { kind: MallocEvent.coalesced, a: 1, b: chunkA, c: 144 },
      { kind: MallocEvent.consolidate, a: 3, b: 0, c: 0 },
    ]);
  });

  test('smallbin: unsorted chunks get sorted, then served with a tcache stash', () => {
    const ops: TraceOp[] = [];
    for (let i = 0; i < 12; i++) ops.push(a(i, 200), a(100 + i, 16));
    for (let i = 0; i < 12; i++) ops.push(f(i));
    ops.push(a(50, 2000)); // sorts the unsorted chunks into smallbin 13
    for (let i = 0; i < 12; i++) ops.push(a(60 + i, 200));
    const real = agree(ops);
    const reused = new Set(real.slice(0, 24).filter((x) => x.op === 'a' && x.size === 200).map((x) => alloc(x).offset));
    assert.ok(real.slice(-12).every((x) => reused.has(alloc(x).offset)), 'premise: all 200-byte requests reuse freed chunks');
    const ev = simEvents(ops);
    assert.ok(ev.some((e) => e.kind === MallocEvent.served && e.a === MallocSource.smallbin));
    assert.ok(ev.some((e) => e.kind === MallocEvent.tcacheStash && e.a === MallocSource.smallbin));
  });

  test('largebin best fit skips the first chunk of a size', () => {
    const sizes = [1400, 1450, 1500, 1450, 1420, 1450, 1510];
    const ops: TraceOp[] = [];
    sizes.forEach((s, i) => ops.push(a(i, s), a(100 + i, 24)));
    sizes.forEach((_, i) => ops.push(f(i)));
    ops.push(a(50, 5000)); // sorts them into largebins (not served from them)
    ops.push(a(51, 1440), a(52, 1440), a(53, 1440), a(54, 1400), a(55, 1505));
    const real = agree(ops);
    const freed = new Set(real.slice(0, 14).filter((x) => x.op === 'a' && x.size >= 1400).map((x) => alloc(x).offset));
    assert.ok(real.slice(-5).every((x) => freed.has(alloc(x).offset)), 'premise: requests are served from the freed large chunks');
    assert.ok(simEvents(ops).some((e) => e.kind === MallocEvent.served && e.a === MallocSource.largebin));
  });

  test('last remainder: runs of small requests carve one free chunk', () => {
    const ops: TraceOp[] = [a(0, 5000), a(1, 24), f(0)];
    for (let i = 0; i < 4; i++) ops.push(a(10 + i, 1000)); // small requests (chunk 1008), tcache off: split the remainder
    const real = agree(ops, 'glibc.malloc.tcache_count=0');
    const base = alloc(real[0]).offset!;
    assert.ok(real.slice(3).every((x) => alloc(x).offset! >= base && alloc(x).offset! < base + 5000));
    assert.ok(simEvents(ops, 'glibc.malloc.tcache_count=0').some((e) => e.kind === MallocEvent.served && e.a === MallocSource.remainder));
  });

  test('unsorted scan stops after MAX_ITERS (10000) chunks', () => {
    const ops: TraceOp[] = [];
    const n = 10200;
    for (let i = 0; i < n; i++) ops.push(a(i, 1100), a(n + i, 24));
    for (let i = 0; i < n; i++) ops.push(f(i));
    ops.push(a(3 * n, 3000), a(3 * n + 1, 3000), a(3 * n + 2, 1100));
    agree(ops);
  });

  test('top trimming: freeing the top end shrinks brk past trim_threshold', () => {
    const ops: TraceOp[] = [a(0, 100000), a(1, 100000), a(2, 100000), f(2), f(1), f(0)];
    for (const tun of ['', 'glibc.malloc.trim_threshold=300000', 'glibc.malloc.top_pad=0']) {
      const real = agree(ops, tun);
      if (tun === '') assert.ok(real[5]!.brk < real[2]!.brk, 'premise: brk shrinks');
    }
  });

  test('mmap threshold boundary: with top drained, 131048 comes from the heap and 131049 from mmap', () => {
    const drain = 0x21000 - 0x290 - 32 - 8; // leaves top at exactly MINSIZE
    const heap = agree([a(0, drain), a(1, 131048)]);
    const mm = agree([a(0, drain), a(1, 131049)]);
    assert.equal(alloc(heap[0]).region, 'heap', 'premise: a request above the threshold served from top');
    assert.equal(alloc(heap[1]).region, 'heap');
    assert.equal(alloc(mm[1]).region, 'mmap');
    assert.equal(alloc(mm[1]).mmap_size, 135168);
  });

  test('dynamic mmap threshold: freeing mmapped chunks raises it (and switches off with a tunable)', () => {
    const ops: TraceOp[] = [];
    const sizes = [135000, 311000, 2100000, 3149000];
    sizes.forEach((s, i) => {
      ops.push(a(i, s), f(i));
      ops.push(a(10 + i, s - 5000)); // below the raised threshold: from the heap
    });
    const real = agree(ops);
    sizes.forEach((_, i) => {
      assert.equal(alloc(real[3 * i]).region, 'mmap');
      if (i > 0) assert.equal(alloc(real[3 * i + 2]).region, 'heap', `premise: threshold raised past ${sizes[i]! - 5000}`);
    });
    const off = agree(ops, 'glibc.malloc.mmap_threshold=131072');
    assert.equal(alloc(off[5]).region, 'mmap', 'premise: fixed threshold keeps mmapping');
    const ev = simEvents(ops);
    assert.deepEqual(ev.filter((e) => e.kind === MallocEvent.thresholdRaised).map((e) => e.a), real.filter((x) => x.op === 'a' && x.region === 'mmap').map((x) => alloc(x).mmap_size));
  });

  test('realloc of an mmapped chunk stays mmapped (mremap)', () => {
    const ops = [a(0, 200000), r(0, 300000), r(0, 250000), r(0, 250001), r(0, 100), r(0, 5000), f(0)];
    const real = agree(ops);
    assert.ok(real.slice(0, 6).every((x) => alloc(x).region === 'mmap'));
    agree(ops, 'glibc.malloc.mmap_threshold=65536');
  });

  test('realloc takes every branch of _int_realloc', () => {
    const ops: TraceOp[] = [
      r(0, 100), // realloc(NULL, n)
      a(1, 600), a(2, 24),
      r(1, 400), // shrink, remainder split and freed
      r(1, 392), // shrink without split
      a(3, 2000), f(3), // a free chunk after …
      a(4, 3000), a(5, 24), f(4), // … and another one behind a guard
      r(5, 40), // small grow, moves (tcache-free sizes)
      r(1, 1500), // grow into the next free chunk? (1 is followed by 2)
      f(2), r(1, 2400), // now 1 is followed by free space
      a(6, 50000), r(6, 90000), // grow into top
      r(6, 300000), // grow beyond top: moves by extending top (new chunk right after)
      r(6, 0), // free
      r(7, 0), // realloc(NULL, 0) = malloc(0)
    ];
    for (const tun of ['', 'glibc.malloc.tcache_count=0']) {
      agree(ops, tun);
      const paths = new Set(simEvents(ops, tun).filter((e) => e.kind === MallocEvent.realloc).map((e) => e.a));
      for (const p of [ReallocPath.malloc, ReallocPath.free, ReallocPath.inPlace, ReallocPath.growIntoTop, ReallocPath.growIntoNext, ReallocPath.move]) {
        assert.ok(paths.has(p), `realloc path ${p} not exercised with '${tun}'`);
      }
    }
  });

  test('a on a live id leaks; f and r on an id holding NULL are free(NULL) and realloc(NULL, n)', () => {
    // r 1 0 on an unused id is malloc(0); the second frees and leaves NULL
    agree([a(0, 10), a(0, 20), f(0), r(1, 0), r(1, 0), f(1), f(1), r(1, 30), a(2, 10)]);
  });
});
