// checkTcmallocHeap: the model's invariants hold after every op of real and random traces (with
// the blocks the program holds), and the checker does report broken states.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MALLOCLAB_TRACES_DIR } from '../../../../helpers/paths.js';
import { parseTrace, type Trace } from '../../../../../shared/sim/trace.js';
import { generateWorkload } from '../../../../../shared/sim/malloc/workloads.js';
import { type TcmallocReplay, createTcmallocReplay, runTcmallocReplay } from '../../../../../shared/sim/malloc/tcmalloc/replay.js';
import { parseTcmallocEnv } from '../../../../../shared/sim/malloc/tcmalloc/params.js';
import { checkTcmallocHeap } from '../../../../../shared/sim/malloc/tcmalloc/check.js';
import { readTcmallocStats } from '../../../../../shared/sim/malloc/tcmalloc/stats.js';
import { kPageSize } from '../../../../../shared/sim/malloc/tcmalloc/common.js';
import { listSpans } from '../../../../../shared/sim/malloc/tcmalloc/page-heap.js';
import { lookupTcmallocBlock, tcMallocSize } from '../../../../../shared/sim/malloc/tcmalloc/tcmalloc.js';
import { SpanLocation } from '../../../../../shared/sim/malloc/tcmalloc/span.js';

/** The blocks the ids hold (NULL and freed pointers are negative). */
function liveBlocks(r: TcmallocReplay): number[] {
  return [...r.ptrs].filter((p) => p >= 0);
}

function checkEvery(trace: Trace, env: string, step: number, label: string): void {
  const r = createTcmallocReplay(trace, parseTcmallocEnv(env).params);
  assert.deepEqual(checkTcmallocHeap(r.heap), [], `${label}, at main`);
  for (let i = 0; i < trace.length; i += step) {
    runTcmallocReplay(r, i + step);
    assert.deepEqual(checkTcmallocHeap(r.heap, liveBlocks(r)), [], `${label}, after op ${Math.min(i + step, trace.length) - 1}`);
    const s = readTcmallocStats(r.heap);
    assert.equal(s.heapSizeBytes, s.currentAllocatedBytes + s.pageheapFreeBytes + s.pageheapUnmappedBytes + s.threadCacheFreeBytes + s.centralCacheFreeBytes + s.transferCacheFreeBytes);
  }
}

describe('checkTcmallocHeap', () => {
  test('holds after every op of malloclab traces', () => {
    for (const name of ['amptjp-bal.rep', 'realloc-bal.rep', 'random-bal.rep', 'short1-bal.rep']) {
      checkEvery(parseTrace(readFileSync(join(MALLOCLAB_TRACES_DIR, name), 'utf8')), '', 1, name);
    }
  });

  test('holds through random programs, with and without TCMALLOC_* settings', () => {
    for (const env of ['', 'TCMALLOC_AGGRESSIVE_DECOMMIT=1:TCMALLOC_TRANSFER_NUM_OBJ=5']) {
      for (const w of ['random', 'many-small', 'big-churn', 'fragmentation']) {
        checkEvery(generateWorkload(w, { seed: 21, opCount: 3000 }), env, 7, `${w} '${env}'`);
      }
    }
  });

  test('listSpans tiles the heap in address order; lookupTcmallocBlock finds every live block', () => {
    const r = createTcmallocReplay(generateWorkload('random', { seed: 9, opCount: 3000 }), parseTcmallocEnv('').params);
    runTcmallocReplay(r);
    const spans = listSpans(r.heap.pageHeap);
    let next = 0;
    for (const s of spans) {
      assert.equal(s.start, next);
      next += s.length;
    }
    assert.equal(next * kPageSize, r.heap.pageHeap.stats.systemBytes);
    const live = liveBlocks(r);
    assert.ok(live.length > 50, 'premise: many live blocks');
    for (const b of live) {
      const info = lookupTcmallocBlock(r.heap, b);
      assert.ok(info !== null, `block ${b}`);
      assert.equal(info.objectBytes, tcMallocSize(r.heap, b));
      assert.equal(info.spanStartPage * kPageSize + info.objectIndex * info.objectBytes, b, `block ${b} is object ${info.objectIndex} of its span`);
    }
    const free = spans.find((s) => s.location !== SpanLocation.IN_USE);
    assert.ok(free !== undefined, 'premise: a free span');
    assert.equal(lookupTcmallocBlock(r.heap, free.start * kPageSize), null);
  });

  function busyReplay(): TcmallocReplay {
    const r = createTcmallocReplay(generateWorkload('random', { seed: 5, opCount: 3000 }), parseTcmallocEnv('').params);
    runTcmallocReplay(r);
    assert.deepEqual(checkTcmallocHeap(r.heap, liveBlocks(r)), []);
    return r;
  }

  test('reports a wrong free-byte count', () => {
    const r = busyReplay();
    r.heap.pageHeap.stats.freeBytes += kPageSize;
    assert.ok(checkTcmallocHeap(r.heap).some((e) => e.includes('free_bytes')));
  });

  test('reports an object cached twice', () => {
    const r = busyReplay();
    const tc = r.heap.tls!;
    const list = tc.lists.find((l) => l.objects.length > 0)!;
    list.objects.push(list.objects[0]!);
    tc.size += list.objectSize;
    assert.ok(checkTcmallocHeap(r.heap).some((e) => e.includes('both in')));
  });

  test('reports a live block that is also free', () => {
    const r = busyReplay();
    const tc = r.heap.tls!;
    const list = tc.lists.find((l) => l.objects.length > 0)!;
    const errors = checkTcmallocHeap(r.heap, [...liveBlocks(r), list.objects[0]!]);
    assert.ok(errors.some((e) => e.includes('also free')), errors.join('\n'));
  });

  test('reports broken tiling and uncoalesced neighbours', () => {
    const r = busyReplay();
    const ph = r.heap.pageHeap;
    const s = ph.pagemap[0]!;
    ph.pagemap[0] = undefined;
    assert.ok(checkTcmallocHeap(r.heap).some((e) => e.includes('tiling')));
    ph.pagemap[0] = s;
    const free = ph.largeNormal[0] ?? ph.free.map((l) => l.normal.next).find((x) => x.length > 1 && x.start >= 0);
    assert.ok(free !== undefined, 'premise: a free span of several pages');
    free.length -= 1;
    assert.ok(checkTcmallocHeap(r.heap).length > 0);
  });

  test('reports a wrong central counter and a short transfer batch', () => {
    const r = busyReplay();
    const l = r.heap.central.lists.find((x) => x.numSpans > 0)!;
    l.counter += 1;
    assert.ok(checkTcmallocHeap(r.heap).some((e) => e.includes('counter')));
    l.counter -= 1;
    l.tcSlots.push([1]);
    assert.ok(checkTcmallocHeap(r.heap).some((e) => e.includes('transfer slot')));
  });
});
