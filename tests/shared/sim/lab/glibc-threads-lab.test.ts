// The lab's view of threads and arenas read from the threaded glibc model: every arena heap is tiled by its chunks
// from the first chunk glibc places to heap_info.size, the op just run lies in an in-use chunk of the arena and heap
// the replay reports, tcaches account for every tcache chunk, and the lab session seeks to the same state as a fresh
// replay; the thread filter steps exactly that thread's ops.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { findThreadStep, readLabThreadsView, type LabThreadsView } from '../../../../shared/sim/lab/glibc-threads-lab.js';
import { createMallocLabSession, seekMallocLab } from '../../../../shared/sim/lab/malloc-session.js';
import { ARENA_FIRST_CHUNK_OFFSET, HEAP_INFO_SIZE } from '../../../../shared/sim/malloc/glibc/arena-state.js';
import { createDefaultParams } from '../../../../shared/sim/malloc/glibc/params.js';
import { createGlibcThreadedReplay, createGlibcThreadedReplayModel, runGlibcThreadedReplay, sumArenaHeapBytes } from '../../../../shared/sim/malloc/glibc/replay-threads.js';
import { ChunkHome, listHeapChunks } from '../../../../shared/sim/malloc/glibc/state.js';
import { REGION_ARENA, REGION_HEAP } from '../../../../shared/sim/malloc/replay-results.js';
import { parseTrace, type Trace } from '../../../../shared/sim/trace.js';
import { REPO_ROOT } from '../../../helpers/paths.js';

const RECORDED = ['xz-T4', 'zstd-T4', 'python3-json-threads'];

function loadRecorded(name: string): Trace {
  return parseTrace(readFileSync(resolve(REPO_ROOT, `tests/fixtures/traces/recorded/${name}.trace`), 'utf8'));
}

/** Cursors spread over the trace, the ends included. */
function pickCursors(trace: Trace, count: number): number[] {
  const out = new Set<number>([0, 1, trace.length]);
  for (let k = 1; k < count; k++) out.add(Math.floor((trace.length * k) / count));
  return [...out];
}

function assertViewConsistent(cursor: number, view: LabThreadsView, brkBytes: number, arenaHeapBytes: number): void {
  let arenaBytes = 0;
  let tcacheHomes = 0;
  for (const a of view.arenas) {
    a.heaps.forEach((h, k) => {
      // Chunks tile the heap: main's from 0 to brk, a thread arena's first heap from after heap_info + malloc_state,
      // its later heaps from after heap_info, to heap_info.size.
      let at = a.modelIndex === 0 ? 0 : k === 0 ? ARENA_FIRST_CHUNK_OFFSET : HEAP_INFO_SIZE;
      for (const c of h.chunks) {
        assert.equal(c.offsetBytes, at, `arena ${a.modelIndex} heap ${k}: chunks tile after ${cursor} ops`);
        at += c.sizeBytes;
        if (c.home === ChunkHome.tcache) tcacheHomes++;
      }
      assert.equal(at, h.sizeBytes, `arena ${a.modelIndex} heap ${k} ends at its size after ${cursor} ops`);
      if (a.modelIndex === 0) assert.equal(h.sizeBytes, brkBytes);
      else arenaBytes += h.sizeBytes;
    });
  }
  assert.equal(arenaBytes, arenaHeapBytes, 'arena heaps shown = the model footprint of arena heaps');
  assert.equal(
    view.threads.reduce((n, t) => n + t.tcacheChunks, 0),
    tcacheHomes,
    `every tcache chunk is counted in one thread's tcache after ${cursor} ops`,
  );
  for (const t of view.threads) {
    const holders = view.arenas.filter((a) => a.tids.includes(t.tid)).map((a) => a.modelIndex);
    assert.deepEqual(holders, t.arenaModelIndex < 0 ? [] : [t.arenaModelIndex], `thread ${t.tid} sits in its arena's list`);
  }
}

describe('lab view of threads and arenas', () => {
  for (const name of RECORDED) {
    test(`${name}: heaps tile, the last op's chunk is where the replay says, tcaches add up`, () => {
      const trace = loadRecorded(name);
      assert.ok(trace.threadCount > 1, 'a multi-threaded recording');
      for (const cursor of pickCursors(trace, 12)) {
        const r = createGlibcThreadedReplay(trace, createDefaultParams());
        runGlibcThreadedReplay(r, cursor);
        const view = readLabThreadsView(r);
        assertViewConsistent(cursor, view, r.heap.os.brkBytes, sumArenaHeapBytes(r.heap));
        const last = cursor - 1;
        if (last < 0) continue;
        const region = r.results.region[last];
        if (region !== REGION_ARENA && region !== REGION_HEAP) continue;
        const arenaNumber = region === REGION_HEAP ? 0 : r.results.arena![last]!;
        const heapIndex = region === REGION_HEAP ? 0 : r.results.heap![last]!;
        const arena = view.arenas.find((a) => a.number === arenaNumber);
        assert.ok(arena !== undefined, `arena ${arenaNumber} of op ${last} is shown`);
        const chunk = arena.heaps[heapIndex]!.chunks.find((c) => c.offsetBytes === r.results.offset[last]! - 16);
        assert.equal(chunk?.home, ChunkHome.inUse, `op ${last}'s chunk is in use in arena ${arenaNumber} heap ${heapIndex}`);
      }
    });
  }

  test('with one thread the main arena is the heap listHeapChunks reads', () => {
    const trace = parseTrace('# memscope-trace 2 cpus=4\na 0 100\na 1 2000\nf 0\nc 2 3 32\n');
    const r = createGlibcThreadedReplay(trace, createDefaultParams());
    runGlibcThreadedReplay(r);
    const view = readLabThreadsView(r);
    assert.equal(view.arenas.length, 1);
    assert.deepEqual(view.arenas[0]!.heaps[0]!.chunks, listHeapChunks(r.heap));
    assert.deepEqual(view.arenas[0]!.tids, [0]);
    assert.equal(view.threads[0]!.tcacheChunks, 1, 'the freed 112-byte chunk stays in the main thread tcache (calloc of the same size never takes a tcache chunk)');
  });

  test('a thread exit flushes its tcache and detaches it from its arena', () => {
    const trace = parseTrace('# memscope-trace 2 cpus=1\na 0 10\n@ 1\na 1 10\na 2 10\nf 1\nf 2\n@ 0\nf 0\nx 1\n');
    const r = createGlibcThreadedReplay(trace, createDefaultParams());
    runGlibcThreadedReplay(r, 5);
    let view = readLabThreadsView(r);
    assert.equal(view.threads[1]!.tcacheChunks, 2);
    assert.equal(view.threads[1]!.arenaModelIndex, 1);
    assert.deepEqual(view.arenas[1]!.tids, [1]);
    runGlibcThreadedReplay(r);
    view = readLabThreadsView(r);
    assert.equal(view.threads[1]!.tcacheChunks, 0);
    assert.equal(view.threads[1]!.exited, true);
    assert.deepEqual(view.arenas[1]!.tids, [], 'its arena went to the free list');
  });

  test('the lab session seeks a threaded replay to the state of a fresh replay (checkpoints and clones included)', () => {
    const trace = loadRecorded('python3-json-threads');
    const params = createDefaultParams();
    const s = createMallocLabSession(createGlibcThreadedReplayModel(trace, params), trace, { nowMs: () => performance.now(), minCheckpointOps: 2000 });
    assert.ok(s.checkpoints.length >= 2);
    for (const cursor of [trace.length, 0, 30_001, 1, 29_999, 17_000, 51_000]) {
      const r = seekMallocLab(s, cursor);
      const fresh = createGlibcThreadedReplay(trace, params);
      runGlibcThreadedReplay(fresh, cursor);
      assert.deepEqual(readLabThreadsView(r), readLabThreadsView(fresh), `threads and arenas after ${cursor} ops`);
    }
  });
});

describe('thread filter steps', () => {
  test('findThreadStep visits exactly one thread’s ops, forward and back', () => {
    const trace = loadRecorded('xz-T4');
    for (let tid = 0; tid < trace.threadCount; tid++) {
      const ops: number[] = [];
      for (let i = 0; i < trace.length; i++) if (trace.tids[i] === tid) ops.push(i);
      const forward: number[] = [];
      for (let c: number | null = findThreadStep(trace, 0, tid, 1); c !== null; c = findThreadStep(trace, c, tid, 1)) forward.push(c - 1);
      assert.deepEqual(forward, ops, `thread ${tid} forward`);
      const back: number[] = [];
      for (let c: number | null = trace.length; c !== null; c = findThreadStep(trace, c, tid, -1)) if (c !== trace.length || trace.tids[c - 1] === tid) back.push(c - 1);
      assert.deepEqual(back.reverse(), ops, `thread ${tid} back`);
    }
  });
});
