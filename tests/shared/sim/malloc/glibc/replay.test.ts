// Windowed results (the CLI's jsonl and summary keep the last 4096 ops only): every op's row, read right
// after its chunk ran, equals the row a replay keeping every op recorded, NULL results and frees after
// heap and mmapped results included (a reused row must not keep the previous op's columns).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { generateWorkload } from '../../../../../shared/sim/malloc/workloads.js';
import { parseTrace, type Trace } from '../../../../../shared/sim/trace.js';
import { createDefaultParams } from '../../../../../shared/sim/malloc/glibc/params.js';
import { createGlibcReplay, runGlibcReplay } from '../../../../../shared/sim/malloc/glibc/replay.js';
import { createGlibcThreadedReplay, runGlibcThreadedReplay } from '../../../../../shared/sim/malloc/glibc/replay-threads.js';
import { REGION_HEAP, REGION_MMAP, REGION_NONE, type ReplayResults } from '../../../../../shared/sim/malloc/replay-results.js';
import { generateThreadedProgram } from './threaded-programs.js';

const COLUMNS = ['region', 'offset', 'mmapSize', 'usable', 'brk', 'heapInUseBytes', 'mmappedBytes', 'arena', 'heap'] as const;

/** Column values of op i (row i & rowMask). */
function readRow(results: ReplayResults, i: number): (number | undefined)[] {
  return COLUMNS.map((c) => results[c]?.[i & results.rowMask]);
}

/** Runs `trace` in chunks of `window` ops with windowed results and checks every row against `full`. */
function compareWindowed(trace: Trace, full: ReplayResults, window: number, run: (end: number) => ReplayResults): void {
  for (let start = 0; start < trace.length; start += window) {
    const end = Math.min(trace.length, start + window);
    const results = run(end);
    assert.equal(results.region.length, Math.min(window, trace.length));
    for (let i = start; i < end; i++) assert.deepEqual(readRow(results, i), readRow(full, i), `op ${i}`);
  }
}

describe('glibc replay results window', () => {
  test('single-threaded: a 64-op window gives every op the row of a full replay', () => {
    const trace = generateWorkload('random', { seed: 3, opCount: 6000 });
    const full = createGlibcReplay(trace, createDefaultParams());
    runGlibcReplay(full);
    // Premise: rows change kind from op to op (heap, mmap, NULL or free), so stale columns would show.
    const regions = new Set(full.results.region);
    for (const r of [REGION_NONE, REGION_HEAP, REGION_MMAP]) assert.ok(regions.has(r), `region ${r} occurs`);
    const windowed = createGlibcReplay(trace, createDefaultParams(), { resultWindowOps: 64 });
    compareWindowed(trace, full.results, 64, (end) => {
      runGlibcReplay(windowed, end);
      return windowed.results;
    });
  });

  test('threaded: a 64-op window gives every op the row of a full replay (arena and heap columns too)', () => {
    const trace = parseTrace(generateThreadedProgram({ seed: 2, ops: 3000, maxLiveThreads: 6, maxThreads: 12, cpus: 1, largeRate: 0.05 }));
    const full = createGlibcThreadedReplay(trace, createDefaultParams());
    runGlibcThreadedReplay(full);
    assert.ok(full.results.arena!.some((a) => a > 0), 'premise: some results come from thread arenas');
    const windowed = createGlibcThreadedReplay(trace, createDefaultParams(), { resultWindowOps: 64 });
    compareWindowed(trace, full.results, 64, (end) => {
      runGlibcThreadedReplay(windowed, end);
      return windowed.results;
    });
  });

  test('a window that is not a power of two is refused', () => {
    const trace = generateWorkload('random', { seed: 1, opCount: 10 });
    assert.throws(() => createGlibcReplay(trace, createDefaultParams(), { resultWindowOps: 100 }), /not a power of two/);
  });
});
