// Double frees and frees through stale pointers, run in the real glibc (tests/harness/malloc-replay.c
// reports the op it died in and glibc's message) and in the simulator, which must stop at the same op
// with the same message, or say that glibc does not notice when the real program carries on.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type TraceOp, packTraceOps } from '../../../../../shared/sim/trace.js';
import { type HeapMisuseOutcome } from '../../../../../shared/sim/malloc/heap-misuse.js';
import { runModelGlibc, runRealGlibc } from './real-glibc.js';

const a = (id: number, size: number): TraceOp => ({ op: 'a', id, size });
const f = (id: number): TraceOp => ({ op: 'f', id });
const r = (id: number, size: number): TraceOp => ({ op: 'r', id, size });

/** 14 ops allocating and freeing seven 24-byte blocks (ids 100…106): the 32-byte tcache bin is then full. */
const FILL_TCACHE_32: TraceOp[] = [...[0, 1, 2, 3, 4, 5, 6].map((k) => a(100 + k, 24)), ...[0, 1, 2, 3, 4, 5, 6].map((k) => f(100 + k))];

/** Replays in both; the ops before the model's stop must agree, and the model must stop at op `at`. */
function replayBoth(ops: TraceOp[], tunables: string, at: number): { real: ReturnType<typeof runRealGlibc>; outcome: HeapMisuseOutcome; message: string } {
  const trace = packTraceOps(ops);
  const real = runRealGlibc(trace, tunables);
  const sim = runModelGlibc(trace, tunables);
  assert.ok(sim.misuse !== null, `the model did not stop (real: ${JSON.stringify(real.death)})`);
  assert.equal(sim.misuse.opIndex, at, sim.misuse.message);
  assert.deepEqual(sim.records, real.records.slice(0, at), 'the ops before the stop agree');
  return { real, outcome: sim.misuse.outcome, message: sim.misuse.message };
}

/** The real program aborts at op `at` with glibc's message, and the model stops there with the same one. */
function assertAbortsAlike(ops: TraceOp[], tunables: string, at: number, premise: RegExp): void {
  const { real, outcome, message } = replayBoth(ops, tunables, at);
  assert.ok(real.death !== null, 'premise: the real program dies');
  assert.deepEqual([real.death.signal, real.death.opIndex], ['SIGABRT', at]);
  assert.match(real.death.message, premise, 'premise: the shape is the one named');
  assert.deepEqual([outcome, message], ['abort', real.death.message]);
}

/** The real program carries on past op `at` (glibc checks nothing that fires); the model says so and stops. */
function assertUndetected(ops: TraceOp[], tunables: string, at: number): string {
  const { real, outcome, message } = replayBoth(ops, tunables, at);
  assert.ok(real.death === null || real.death.opIndex > at, `the real program died at op ${at}: ${real.death?.message ?? ''}`);
  assert.ok(real.records.length > at);
  assert.equal(outcome, 'undetected', message);
  return message;
}

describe('heap misuse: simulator vs real glibc 2.36', () => {
  test('double free of a tcache chunk: "free(): double free detected in tcache 2"', () => {
    assertAbortsAlike([a(0, 24), f(0), f(0), a(1, 5)], '', 2, /tcache 2/);
    // not at the head of its bin: the key check and the bin walk still find it
    assertAbortsAlike([a(0, 24), a(1, 24), f(0), f(1), f(0)], '', 4, /tcache 2/);
    // a larger tcache size, after other traffic
    assertAbortsAlike([a(0, 1000), a(1, 50), f(1), a(2, 50), f(0), a(3, 10), f(0)], '', 6, /tcache 2/);
  });

  test('double free at the top of a fastbin: "double free or corruption (fasttop)"', () => {
    assertAbortsAlike([a(0, 24), f(0), f(0)], 'glibc.malloc.tcache_count=0', 2, /\(fasttop\)/);
    // with the default tcache, once its bin is full the chunk goes to the fastbin
    assertAbortsAlike([a(0, 24), a(1, 24), ...FILL_TCACHE_32, f(0), f(0)], '', 17, /\(fasttop\)/);
  });

  test('double free of a chunk in the unsorted bin: "double free or corruption (!prev)"', () => {
    assertAbortsAlike([a(0, 200), a(1, 200), f(0), f(0)], 'glibc.malloc.tcache_count=0', 3, /\(!prev\)/);
    assertAbortsAlike([a(0, 2000), a(1, 2000), a(2, 10), f(0), f(0)], '', 4, /\(!prev\)/);
  });

  test('double free of a chunk that became top: "double free or corruption (top)"', () => {
    assertAbortsAlike([a(0, 2000), f(0), f(0)], '', 2, /\(top\)/);
    // 0 goes to the unsorted bin, 1 merges backward with it into top: top starts at 0's chunk
    assertAbortsAlike([a(0, 2000), a(1, 2000), f(0), f(1), f(0)], '', 4, /\(top\)/);
  });

  test('free through a stale pointer of a block handed out again frees that block; its own free is then the double free', () => {
    assertAbortsAlike([a(0, 24), f(0), a(1, 24), f(0), f(1)], '', 4, /tcache 2/);
  });

  test('double free of an mmapped chunk: glibc reads the unmapped header (SIGSEGV)', () => {
    for (const ops of [[a(0, 200000), f(0), f(0)], [a(0, 200000), f(0), r(0, 10)]]) {
      const { real, outcome } = replayBoth(ops, '', 2);
      assert.deepEqual([real.death?.signal, real.death?.opIndex], ['SIGSEGV', 2]);
      assert.equal(outcome, 'segv');
    }
  });

  test('double frees glibc does not detect: the real program goes on, the model stops and says why', () => {
    // fastbin dup: the chunk is in its fastbin but not at the top
    assert.match(assertUndetected([a(0, 24), a(1, 24), f(0), f(1), f(0), a(2, 24), a(3, 24), a(4, 24)], 'glibc.malloc.tcache_count=0', 4), /fastbin/);
    // a fastbin chunk freed again once its tcache bin has room: it goes into the tcache unchecked
    assert.match(assertUndetected([a(0, 24), ...FILL_TCACHE_32, f(0), a(1, 24), f(0), a(2, 24), a(3, 24)], '', 17), /tcache bin 0 has room/);
    // realloc of a freed chunk: glibc never checks that a realloc'd chunk is in use
    assert.match(assertUndetected([a(0, 24), f(0), r(0, 10), a(1, 24)], '', 2), /realloc/);
  });

  test('a chunk merged into its neighbour after the free: glibc reads a stale header the model does not keep', () => {
    const { real, outcome } = replayBoth([a(0, 2000), a(1, 2000), a(2, 10), f(1), f(0), f(1)], '', 5);
    assert.equal(real.death?.opIndex, 5, 'premise: glibc catches this one (through the stale header)');
    assert.equal(outcome, 'unmodelled');
  });
});
