// Threaded traces (memscope-trace 2) replayed by real threads under the real glibc (tests/harness/mt-replay.c)
// and through the model's threads and arenas: every op must agree on region, arena, heap, offset, usable
// size and brk. Each test first checks on the REAL records that the trace exercises what it claims.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { type ThreadedOpRecord } from '../../../../../shared/sim/malloc/replay-results.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMemscope } from '../../../../helpers/cli.js';
import { compareThreadedWithRealGlibc, readOnlineCpus, replayThreadedWithRealGlibc } from './real-glibc-threads.js';
import { generateThreadedProgram } from './threaded-programs.js';
import { createRng } from '../../../../../shared/sim/rng.js';
import { formatTraceOp, parseTrace } from '../../../../../shared/sim/trace.js';
import { generateWorkload } from '../../../../../shared/sim/malloc/workloads.js';
import { createDefaultParams } from '../../../../../shared/sim/malloc/glibc/params.js';
import { createGlibcThreadedReplayModel } from '../../../../../shared/sim/malloc/glibc/replay-threads.js';

type AllocRecord = Extract<ThreadedOpRecord, { region: unknown }>;
const allocs = (records: ThreadedOpRecord[]): AllocRecord[] => records.filter((r): r is AllocRecord => 'region' in r);

/** Compares model and real glibc; returns the real records for premise checks. */
function agree(text: string, tunables = ''): ThreadedOpRecord[] {
  const c = compareThreadedWithRealGlibc(text, tunables);
  assert.equal(c.firstDiff, -1, c.report);
  assert.equal(c.sim.length, c.real.length);
  return c.real;
}

const CPUS = readOnlineCpus();
const header = (cpus = CPUS): string => `# memscope-trace 2 cpus=${cpus}\n`;

describe('threads and arenas: model vs real glibc 2.36, op by op', () => {
  test('a thread gets an arena and a tcache of its own; its exit puts the arena on the free list for the next thread', () => {
    const text = header() + ['a 1 100', '@ 1', 'a 2 100', 'a 3 200', 'f 1', '@ 0', 'f 2', 'a 4 100', '@ 1', 'a 7 24', 'x 1', '@ 2', 'a 8 100', 'x 2'].join('\n') + '\n';
    const real = allocs(agree(text));
    // premise: thread 1's first chunk follows its tcache struct at heap + 0x8d0; main's free of it lands in main's tcache
    assert.deepEqual([real[1]!.region, real[1]!.arena, real[1]!.offset], ['arena', 1, 0x8d0 + 0x290 + 16]);
    assert.deepEqual([real[3]!.op, real[3]!.arena, real[3]!.offset], ['a', 1, real[1]!.offset]);
    // premise: thread 2 starts after thread 1 exited and takes its arena from the free list
    assert.equal(real[5]!.arena, 1);
  });

  test('the thread that calls malloc first gets main_arena (ptmalloc_init), even when it is not the main thread', () => {
    const real = allocs(agree(header() + '@ 1\na 1 100\n@ 0\na 2 100\nf 1\n@ 2\na 3 50\nx 1\n@ 3\na 4 50\n'));
    // premise: thread 1 is on the main heap, the main thread on a new arena; thread 1's exit frees main_arena for thread 3
    assert.deepEqual(real.map((r) => [r.tid, r.region]), [[1, 'heap'], [0, 'arena'], [2, 'arena'], [3, 'heap']]);
  });

  test('producer/consumer: blocks freed by another thread go to its tcache, then to their own arena', () => {
    const lines: string[] = [];
    let id = 1;
    for (let round = 0; round < 6; round++) {
      const made: number[] = [];
      for (const producer of [1, 2]) {
        lines.push(`@ ${producer}`);
        for (let k = 0; k < 12; k++) {
          lines.push(k % 4 === 3 ? `c ${id} 3 ${8 + 16 * k}` : `a ${id} ${24 + 40 * k + round}`);
          made.push(id++);
        }
      }
      lines.push('@ 3');
      for (const m of made) lines.push(`f ${m}`);
      for (let k = 0; k < 6; k++) lines.push(`a ${id++} ${24 + 40 * k}`);
    }
    lines.push('x 1', 'x 2', 'x 3', '@ 0', `a ${id++} 500`);
    const real = agree(header() + lines.join('\n') + '\n');
    // premise: the consumer is handed chunks of the producers' arenas (from its tcache)
    const consumerArenas = new Set(allocs(real).filter((r) => r.tid === 3).map((r) => r.arena));
    const producerArenas = new Set(allocs(real).filter((r) => r.tid !== 3 && r.tid !== 0).map((r) => r.arena));
    assert.ok([...consumerArenas].some((a) => producerArenas.has(a)), `consumer arenas ${[...consumerArenas]}, producer arenas ${[...producerArenas]}`);
  });

  test('more threads than 8 × cores: arenas are reused round robin, exited threads hand theirs on', () => {
    const limit = 8 * CPUS;
    const lines: string[] = [];
    let id = 1;
    for (let t = 1; t <= limit + 4; t++) lines.push(`@ ${t}`, `a ${id++} ${100 + t}`, `m ${id++} 64 ${200 + t}`);
    for (let t = 1; t <= 3; t++) lines.push(`x ${t}`);
    for (let t = limit + 5; t <= limit + 8; t++) lines.push(`@ ${t}`, `c ${id++} 2 ${40 + t}`, `f ${1 + 2 * (t - limit - 5)}`);
    const real = allocs(agree(header() + lines.join('\n') + '\n'));
    // premise: exactly limit − 1 other arenas, and some threads share the main arena or another's
    const arenas = new Set(real.filter((r) => r.region === 'arena').map((r) => r.arena));
    assert.equal(arenas.size, limit - 1);
    assert.ok(real.some((r) => r.tid > 0 && r.region === 'heap'), 'a thread reused the main arena');
  });

  test('a thread arena outgrows its 64 MiB heap: a second heap, fenceposts, and heap_trim deleting it again', () => {
    for (const tunables of ['', 'glibc.malloc.top_pad=0', 'glibc.malloc.trim_threshold=0:glibc.malloc.tcache_count=0']) {
      const rng = createRng(3);
      const lines = ['a 100000 16', '@ 1'];
      const live: number[] = [];
      let id = 1;
      for (let k = 0; k < 1500; k++) {
        lines.push(`a ${id} ${[100000, 90000, 50000, 120000, 3000, 200][rng.nextInt(0, 6)]}`);
        live.push(id++);
        if (rng.nextFloat() < 0.1) lines.push(`f ${live.splice(rng.nextInt(0, live.length), 1)[0]}`);
      }
      for (const x of live.reverse()) lines.push(`f ${x}`);
      for (let k = 0; k < 50; k++) lines.push(`a ${id++} 100000`);
      lines.push('x 1');
      const real = allocs(agree(header() + lines.join('\n') + '\n', tunables));
      // premise: the arena used a second heap, and once everything was freed it served from its first heap again
      assert.ok(real.some((r) => r.heap === 1), tunables);
      assert.ok(real.slice(-10).every((r) => r.heap === 0), tunables);
    }
  });

  // The model looped forever here (heap_trim read the old heap's fencepost before sysmalloc had recorded it).
  test('a new heap that heap_trim deletes at once (the freed old top ≥ 64 KiB): the malloc is retried in main_arena', { timeout: 120_000 }, () => {
    // The random workload with every op on the other of two threads, up to its op 58109: malloc(3384453) on thread 1.
    const w = generateWorkload('random', { seed: 1, opCount: 100_000 });
    const lines: string[] = [];
    for (let i = 0; i < 58_110; i++) lines.push(`@ ${i % 2}`, formatTraceOp(w, i));
    const real = agree(header(2) + lines.join('\n') + '\n');
    // premise: thread 1 allocates from its own arena, and that op came from main_arena
    const last = real.at(-1) as AllocRecord;
    assert.equal(last.size, 3384453);
    assert.equal(last.arena, 0);
    assert.ok(allocs(real).some((r) => r.tid === 1 && r.arena === 1));
  });

  test('arena_max caps the arenas (cpus=1 in the header, the real run tuned to arena_max=8 and =2)', () => {
    const text = generateThreadedProgram({ seed: 11, ops: 2500, maxLiveThreads: 12, maxThreads: 24, cpus: 1 });
    for (const [tunables, most] of [['glibc.malloc.arena_max=8', 7], ['glibc.malloc.arena_max=2', 1]] as const) {
      const real = allocs(agree(text, tunables));
      assert.equal(new Set(real.filter((r) => r.region === 'arena').map((r) => r.arena)).size, most, tunables);
    }
  });

  for (const [seed, shape, tunables] of [
    [1, { maxLiveThreads: 4, maxThreads: 8 }, ''],
    [2, { maxLiveThreads: 24, maxThreads: 40 }, ''],
    [3, { maxLiveThreads: 6, maxThreads: 20, exitRate: 0.02, largeRate: 0.05 }, 'glibc.malloc.mmap_threshold=65536:glibc.malloc.top_pad=0'],
    [4, { maxLiveThreads: 24, maxThreads: 40 }, 'glibc.malloc.tcache_count=0:glibc.malloc.trim_threshold=8192:glibc.malloc.top_pad=0'],
  ] as const) {
    test(`random threaded program, seed ${seed} (${shape.maxLiveThreads} live threads${tunables === '' ? '' : `, ${tunables}`})`, () => {
      const real = agree(generateThreadedProgram({ seed, ops: 3000, cpus: CPUS, ...shape }), tunables);
      // premise: calloc, memalign, trim and exits all ran, and chunks came from non-main arenas
      for (const op of ['c', 'm', 't', 'x', 'r']) assert.ok(real.some((r) => r.op === op), `no ${op} op`);
      assert.ok(real.some((r) => 'region' in r && r.region === 'arena'));
    });
  }

  test('single-threaded v2: calloc, memalign (heap and mmapped) and malloc_trim', () => {
    const real = agree(generateThreadedProgram({ seed: 5, ops: 3000, maxLiveThreads: 1, maxThreads: 1, cpus: CPUS, largeRate: 0.05 }), 'glibc.malloc.mmap_threshold=131072');
    assert.ok(allocs(real).some((r) => r.op === 'm' && r.region === 'mmap'), 'an mmapped memalign');
    assert.ok(allocs(real).some((r) => r.op === 'm' && r.region === 'heap' && r.align! >= 64));
  });

  test('memscope sim malloc --format jsonl prints exactly what the real glibc did, record for record', () => {
    const text = generateThreadedProgram({ seed: 7, ops: 1500, maxLiveThreads: 6, maxThreads: 12, cpus: CPUS });
    const dir = mkdtempSync(join(tmpdir(), 'memscope-threads-'));
    try {
      writeFileSync(join(dir, 'mt.trace'), text);
      const r = runMemscope(['sim', 'malloc', '--format', 'jsonl', join(dir, 'mt.trace')]);
      assert.equal(r.code, 0, r.stderr);
      const real = replayThreadedWithRealGlibc(text, '');
      assert.equal(r.stdout, real.map((x) => JSON.stringify(x) + '\n').join(''));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a clone of a threaded replay (the lab\'s checkpoints) runs on to the same results as the original', () => {
    const trace = parseTrace(generateThreadedProgram({ seed: 9, ops: 3000, maxLiveThreads: 8, maxThreads: 20, cpus: CPUS }));
    const model = createGlibcThreadedReplayModel(trace, createDefaultParams());
    const whole = model.create(null);
    model.run(whole, trace.length);
    const half = model.create(null);
    model.run(half, 1500);
    const copy = model.clone(half);
    const before = model.measure(half);
    model.run(copy, trace.length);
    assert.deepEqual(model.measure(half), before, 'running the clone left the original alone');
    assert.deepEqual(model.measure(copy), model.measure(whole));
    assert.ok(model.measure(whole).heapBytes > whole.heap.os.brkBytes, 'thread-arena heaps count in the footprint');
  });

  test('the summary counts each v2 op kind (a t with a pad is no NULL result), and v1 summaries keep their line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'memscope-threads-'));
    try {
      writeFileSync(join(dir, 'v2.trace'), header() + 'a 1 100\n@ 1\na 2 100\nc 3 4 10\nm 4 64 100\nf 1\nt 4096\nx 1\n');
      const r = runMemscope(['sim', 'malloc', join(dir, 'v2.trace')]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^ops +7 \(a 2, f 1, r 0, c 1, m 1, t 1, x 1; 0 returned NULL\)$/m);
      writeFileSync(join(dir, 'v1.rep'), 'a 0 10\nr 0 20\nf 0\n');
      assert.match(runMemscope(['sim', 'malloc', join(dir, 'v1.rep')]).stdout, /^ops +3 \(a 1, f 1, r 1; 0 returned NULL\)$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('realloc of a memalign block sets up the tcache first (a later calloc does not get the realloc remainder)', () => {
    const real = allocs(agree(header() + 'm 1 64 100\nr 1 40\nc 2 1 56\n'));
    // premise: the 64-byte remainder of the realloc went to the tcache, so calloc took the memalign tail instead
    assert.equal(real[2]!.offset, real[0]!.offset! + 112);
  });
});
