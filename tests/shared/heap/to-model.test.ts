// Live heaps loaded into the glibc model: tests/harness/heap-subject.c's arenas must satisfy every invariant of
// the model, and the model must go on from them exactly: its next mallocs return the addresses the real ones do.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadArenaIntoModel, paramsFromMallocPar } from '../../../shared/heap/to-model.js';
import { checkGlibcHeap } from '../../../shared/sim/malloc/glibc/check.js';
import { libcFree } from '../../../shared/sim/malloc/glibc/free.js';
import { libcMalloc } from '../../../shared/sim/malloc/glibc/malloc.js';
import { ChunkHome } from '../../../shared/sim/malloc/glibc/state.js';
import { readLiveHeap } from '../../../electron/host/proc/heap-reader.js';
import { startHeapSubject } from '../../helpers/heap-subject.js';

describe('loadArenaIntoModel', () => {
  for (const args of [[], ['3'], ['3', 'exited'], ['0', 'holes', '300']]) {
    test(`heap-subject ${args.join(' ')}: every arena loads and keeps the model's invariants, also after 3000 more calls`, async () => {
      const subject = await startHeapSubject(args);
      try {
        const live = await readLiveHeap(subject.pid);
        const params = paramsFromMallocPar(live.mp, live.maxFastBytes);
        live.details.forEach((arena, i) => {
          const { heap: st, baseAddress } = loadArenaIntoModel(arena, params);
          assert.deepEqual(checkGlibcHeap(st), [], `arena ${i}`);
          const report = live.report.arenas[i]!;
          assert.equal(baseAddress, Number.parseInt(report.heaps[0]!.start, 16));
          // The model's homes agree with the report's totals (chunks of other threads' tcaches count as in use).
          let freeInBins = 0;
          for (let p = st.firstChunk; p !== st.top; p = st.nextChunk[p]!) if (st.home[p] !== ChunkHome.inUse && st.home[p] !== ChunkHome.tcache) freeInBins += st.sizeBytes[p]!;
          const f = report.free;
          assert.equal(freeInBins, f.fastbins.bytes + f.unsorted.bytes + f.smallbins.bytes + f.largebins.bytes, `arena ${i} free bytes`);
          assert.equal(st.sizeBytes[st.top], report.top_bytes);
          // Go on from the live state: malloc and free with the model's own code, seeded sizes.
          const pointers: number[] = [];
          for (let k = 0; k < 3000; k++) {
            const size = 16 + ((k * 40503) % 9000);
            if (k % 3 === 2 && pointers.length > 0) libcFree(st, pointers.splice((k * 7) % pointers.length, 1)[0]!);
            else pointers.push(libcMalloc(st, size));
          }
          assert.deepEqual(checkGlibcHeap(st), [], `arena ${i} after 3000 calls`);
        });
      } finally {
        await subject.kill();
      }
    });
  }

  test('the main arena model predicts the real process\'s next mallocs, address for address', async () => {
    const subject = await startHeapSubject(['0', 'holes', '200']);
    try {
      const live = await readLiveHeap(subject.pid);
      const { heap: st, baseAddress } = loadArenaIntoModel(live.details[0]!, paramsFromMallocPar(live.mp, live.maxFastBytes));
      // tcache hits, fastbin and smallbin chunks, a split of a free 4-32 KiB chunk, and top.
      for (const size of [24, 56, 0x100, 0x200, 4000, 5000, 12000, 20000, 40, 24, 100_000]) {
        const answer = await subject.ask(`malloc ${size}`);
        const real = Number(answer.split(' ')[1]);
        assert.equal(baseAddress + libcMalloc(st, size), real, `malloc(${size})`);
      }
    } finally {
      await subject.kill();
    }
  });
});
