// Requests the kernel refuses, made in a multi-threaded process: glibc 2.36's arena_get_retry (a thread arena
// retries in main_arena, main_arena retries in arena_get2's pick, which the thread keeps), realloc's malloc
// elsewhere whatever the old chunk's arena, and sysmalloc's mmap fallback in a thread arena. Replayed by real
// threads under the real glibc (tests/harness/mt-replay.c) and through the model, op by op.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { type ThreadedOpRecord } from '../../../../../shared/sim/malloc/replay-results.js';
import { compareThreadedWithRealGlibc, readOnlineCpus } from './real-glibc-threads.js';

type AllocRecord = Extract<ThreadedOpRecord, { region: unknown }>;

/** Past the address space (TASK_SIZE): refused by brk and mmap under every overcommit mode. */
const REFUSED_BYTES = 2 ** 47;
const HEADER = `# memscope-trace 2 cpus=${readOnlineCpus()}\n`;

/** Compares model and real glibc on the trace lines; returns the real records by op index for premise checks. */
function agree(lines: string[], tunables = ''): AllocRecord[] {
  const c = compareThreadedWithRealGlibc(HEADER + lines.join('\n') + '\n', tunables);
  assert.equal(c.firstDiff, -1, c.report);
  assert.equal(c.sim.length, c.real.length);
  return c.real as AllocRecord[];
}

/** The op that fails in each case (its id is 9), as a trace line. */
const REFUSED_OPS = [`a 9 ${REFUSED_BYTES}`, `c 9 1 ${REFUSED_BYTES}`, `m 9 64 ${REFUSED_BYTES}`];

describe('refused requests with threads: model vs real glibc 2.36, op by op', () => {
  test('main_arena refused with threads: arena_get2 picks the thread another arena, which it keeps', () => {
    for (const refused of [...REFUSED_OPS, `r 1 ${REFUSED_BYTES}`]) {
      const real = agree(['a 1 100', '@ 1', 'a 2 100', '@ 0', refused, 'a 3 100']);
      assert.equal(real[2]!.region, null, `premise: ${refused} is refused`);
      assert.deepEqual([real[3]!.region, real[3]!.arena], ['arena', 2], `premise: after ${refused} the main thread is on a new arena`);
    }
  });

  test('main_arena refused with no other thread yet (SINGLE_THREAD_P): no retry, the thread stays on main_arena', () => {
    for (const refused of [...REFUSED_OPS, `r 1 ${REFUSED_BYTES}`]) {
      const real = agree(['a 1 100', refused, 'a 3 100', '@ 1', 'a 2 100']);
      assert.equal(real[1]!.region, null, `premise: ${refused} is refused`);
      assert.equal(real[2]!.region, 'heap', `premise: after ${refused} the main thread is still on main_arena`);
    }
  });

  test('arena_max=2: the pick reuses main_arena, then the other arena; a deserted main_arena joins the free list', () => {
    const real = agree(['a 1 100', '@ 1', 'a 2 100', '@ 0', `a 3 ${REFUSED_BYTES}`, 'a 4 100', `a 5 ${REFUSED_BYTES}`, 'a 6 100', '@ 2', 'a 7 100', 'x 2', '@ 3', 'a 8 100'], 'glibc.malloc.arena_max=2');
    // premise: reused_arena gave main_arena back first, then arena 1; thread 2 reused main_arena and, as its
    // last thread, put it on the free list at exit, where thread 3 found it
    assert.deepEqual([3, 5, 6, 8].map((i) => real[i]!.arena), [0, 1, 0, 0]);
  });

  test('a thread arena refused: the retry in main_arena, and realloc mallocs elsewhere whatever the old chunk\'s arena', () => {
    // tcache_count=0: thread 1's two freed 24-byte chunks sit in its arena's fastbins until a large request
    // consolidates them, which puts the next 24-byte malloc at the first of them instead of the second.
    const fastbins = ['@ 1', 'a 2 24', 'a 3 24', 'a 4 24', 'a 5 100', 'f 2', 'f 3'];
    const cases: [string[], string][] = [
      [['a 1 100', ...fastbins, `a 9 ${REFUSED_BYTES}`], 'malloc in thread 1\'s arena'],
      [['a 1 100', ...fastbins, `r 1 ${REFUSED_BYTES}`], 'realloc of a main_arena chunk from thread 1'],
      [['a 1 100', ...fastbins, `r 5 ${REFUSED_BYTES}`], 'realloc of a thread 1 chunk'],
      [['a 1 200000', ...fastbins, '@ 0', 'a 6 10', '@ 1', `r 1 ${REFUSED_BYTES}`], 'realloc of an mmapped chunk from thread 1'],
    ];
    for (const [lines, what] of cases) {
      const real = agree([...lines, 'a 7 24', '@ 0', 'a 8 24'], 'glibc.malloc.tcache_count=0');
      const refused = real.at(-3)!;
      assert.equal(refused.region, null, `premise: ${what} is refused`);
      assert.deepEqual([real.at(-2)!.arena, real.at(-2)!.offset], [1, real[1]!.offset], `premise: ${what} consolidated thread 1's fastbins`);
    }
  });

  test('a thread whose only op is free(NULL) still ends SINGLE_THREAD_P: main_arena refused then retries', () => {
    const real = agree(['a 1 100', `a 9 ${REFUSED_BYTES}`, '@ 1', 'f 9', '@ 0', `a 3 ${REFUSED_BYTES}`, 'a 4 100']);
    assert.deepEqual([real[1]!.region, real[4]!.region, real[4]!.arena], [null, 'arena', 1], 'premise: after thread 1 freed NULL, a refusal moved the main thread to arena 1');
  });

  test('a thread arena refused retries in main_arena: the retry consolidates main_arena\'s fastbins', () => {
    // tcache_count=0: main_arena's two freed 24-byte chunks sit in its fastbins; only the retry's large request
    // consolidates them, which puts the main thread's next 24-byte malloc at the first of them, not the second.
    for (const refused of REFUSED_OPS) {
      const real = agree(['a 1 24', 'a 2 24', 'a 10 100', 'f 1', 'f 2', '@ 1', 'a 5 100', refused, '@ 0', 'a 7 24'], 'glibc.malloc.tcache_count=0');
      assert.equal(real[6]!.region, null, `premise: ${refused} is refused`);
      assert.equal(real[7]!.offset, real[0]!.offset, `premise: after ${refused} the retry consolidated main_arena's fastbins`);
    }
  });

  test('a thread arena\'s new heap refused with mmap_max=0: sysmalloc\'s mmap fallback maps the chunk anyway', () => {
    const real = agree(['a 1 100', '@ 1', 'a 2 100', `a 3 ${100 * 2 ** 20}`, 'a 4 100', `a 5 ${REFUSED_BYTES}`, 'f 3', 'a 6 100'], 'glibc.malloc.mmap_max=0');
    assert.deepEqual([real[2]!.region, real[4]!.region], ['mmap', null], 'premise: 100 MiB mapped, 2^47 refused');
  });

  test('calloc of more than PTRDIFF_MAX on a new thread is NULL before it takes an arena (arena_max=2)', () => {
    const real = agree(['a 1 100', '@ 1', `c 2 ${2 ** 32} ${2 ** 31}`, '@ 2', 'a 3 100', '@ 1', 'a 4 100'], 'glibc.malloc.arena_max=2');
    // premise: thread 2 still found room for a new arena, so thread 1 has to reuse main_arena
    assert.deepEqual([real[1]!.region, real[2]!.region, real[3]!.region], [null, 'arena', 'heap']);
  });
});
