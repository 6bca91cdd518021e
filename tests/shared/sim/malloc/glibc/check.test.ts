// checkGlibcHeap: the model's invariants hold after every op of real and random traces, and
// the checker does report broken states.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MALLOCLAB_TRACES_DIR } from '../../../../helpers/paths.js';
import { parseTrace, type Trace } from '../../../../../shared/sim/trace.js';
import { generateWorkload } from '../../../../../shared/sim/malloc/workloads.js';
import { createGlibcReplay, runGlibcReplay, type GlibcReplay } from '../../../../../shared/sim/malloc/glibc/replay.js';
import { createDefaultParams, parseGlibcTunables } from '../../../../../shared/sim/malloc/glibc/params.js';
import { checkGlibcHeap } from '../../../../../shared/sim/malloc/glibc/check.js';
import { ChunkHome, NULL_SLOT } from '../../../../../shared/sim/malloc/glibc/state.js';

function checkEveryOp(trace: Trace, tunables: string, label: string): void {
  const r = createGlibcReplay(trace, parseGlibcTunables(tunables).params);
  for (let i = 0; i < trace.length; i++) {
    runGlibcReplay(r, i + 1);
    const errors = checkGlibcHeap(r.heap);
    assert.deepEqual(errors, [], `${label}, after op ${i}`);
  }
}

describe('checkGlibcHeap', () => {
  test('holds after every op of malloclab traces', () => {
    for (const name of ['amptjp-bal.rep', 'coalescing-bal.rep', 'realloc-bal.rep', 'random-bal.rep']) {
      checkEveryOp(parseTrace(readFileSync(join(MALLOCLAB_TRACES_DIR, name), 'utf8')), '', name);
    }
  });

  test('holds after every op of random programs, with and without tunables', () => {
    for (const tun of ['', 'glibc.malloc.tcache_count=0:glibc.malloc.top_pad=0:glibc.malloc.trim_threshold=4096']) {
      checkEveryOp(generateWorkload('random', { seed: 11, opCount: 3000 }), tun, `random '${tun}'`);
      checkEveryOp(generateWorkload('fragmentation', { seed: 12, opCount: 3000 }), tun, `fragmentation '${tun}'`);
    }
  });

  function busyHeap(): GlibcReplay {
    const r = createGlibcReplay(generateWorkload('random', { seed: 5, opCount: 2000 }), createDefaultParams());
    runGlibcReplay(r);
    assert.deepEqual(checkGlibcHeap(r.heap), []);
    return r;
  }

  test('reports a chunk whose size breaks the tiling', () => {
    const { heap } = busyHeap();
    const firstUser = heap.nextChunk[heap.firstChunk]!; // the chunk after the tcache_perthread_struct
    heap.sizeBytes[firstUser] = heap.sizeBytes[firstUser]! + 16;
    assert.notDeepEqual(checkGlibcHeap(heap), []);
  });

  test('reports a free chunk missing from its bin', () => {
    const { heap } = busyHeap();
    let victim = -1;
    for (let b = 2; b < 128 && victim < 0; b++) if (heap.fd[b] !== b) victim = heap.fd[b]!;
    if (victim < 0) victim = heap.fd[1]!;
    assert.ok(victim >= 128, 'premise: some regular bin holds a chunk');
    heap.home[victim] = ChunkHome.inUse;
    assert.notDeepEqual(checkGlibcHeap(heap), []);
  });

  test('reports a wrong tcache count', () => {
    const { heap } = busyHeap();
    const bin = heap.tcacheCounts.findIndex((c) => c > 0);
    assert.ok(bin >= 0 && heap.tcacheEntries[bin] !== NULL_SLOT, 'premise: the tcache holds a chunk');
    heap.tcacheCounts[bin] = heap.tcacheCounts[bin]! + 1;
    assert.notDeepEqual(checkGlibcHeap(heap), []);
  });
});
