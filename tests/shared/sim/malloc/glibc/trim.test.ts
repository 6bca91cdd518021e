// The model's malloc_trim (mtrim): the ranges it gives back on a heap built by the model, its invariants after, and
// against the real glibc: after malloc_trim(0) in tests/harness/heap-subject.c, the model loaded from the process
// before the call and trimmed the same way predicts the process's next mallocs address for address.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadArenaIntoModel, paramsFromMallocPar } from '../../../../../shared/heap/to-model.js';
import { checkGlibcHeap } from '../../../../../shared/sim/malloc/glibc/check.js';
import { libcFree } from '../../../../../shared/sim/malloc/glibc/free.js';
import { libcMalloc } from '../../../../../shared/sim/malloc/glibc/malloc.js';
import { createDefaultParams } from '../../../../../shared/sim/malloc/glibc/params.js';
import { createGlibcHeap } from '../../../../../shared/sim/malloc/glibc/state.js';
import { libcMallocTrim } from '../../../../../shared/sim/malloc/glibc/trim.js';
import { readLiveHeap } from '../../../../../electron/host/proc/heap-reader.js';
import { startHeapSubject } from '../../../../helpers/heap-subject.js';

describe('libcMallocTrim', () => {
  test('madvises the whole pages past the 48-byte header of a free chunk, consolidates fastbins first, trims top', () => {
    const st = createGlibcHeap(createDefaultParams());
    const keep = libcMalloc(st, 24);
    const big = libcMalloc(st, 20000);
    const guard = libcMalloc(st, 24);
    // Seven 24-byte chunks fill the tcache; the next two go to a fastbin, right after `guard`.
    const small = Array.from({ length: 9 }, () => libcMalloc(st, 24));
    const last = libcMalloc(st, 24);
    for (const p of small) libcFree(st, p);
    libcFree(st, big);
    assert.ok(st.haveFastchunks);
    const ranges = libcMallocTrim(st, 0);
    assert.deepEqual(checkGlibcHeap(st), []);
    assert.equal(st.haveFastchunks, false, 'consolidated');
    // big's chunk starts at big - 16: its pages from the first boundary past chunk + 48 to the last one inside it.
    const chunk = big - 16;
    const size = 20016;
    const first = Math.ceil((chunk + 48) / 4096) * 4096;
    const end = Math.floor((chunk + size) / 4096) * 4096;
    assert.deepEqual(ranges[0], { startBytes: first, endBytes: end, how: 'madvise' });
    const brk = ranges.find((r) => r.how === 'brk');
    assert.ok(brk !== undefined && brk.endBytes > brk.startBytes, JSON.stringify(ranges));
    assert.equal(st.os.brkBytes, brk.startBytes);
    // A thread arena's top is never trimmed.
    const thread = createGlibcHeap(createDefaultParams());
    libcFree(thread, libcMalloc(thread, 50_000));
    assert.deepEqual(libcMallocTrim(thread, 0, { startAddress: 0, main: false }), []);
    assert.ok(keep > 0 && guard > 0 && last > 0);
  });

  test('after the real malloc_trim(0), the trimmed model predicts the process\'s next mallocs', async () => {
    const subject = await startHeapSubject(['0', 'holes', '200']);
    try {
      const live = await readLiveHeap(subject.pid);
      const { heap: st, baseAddress } = loadArenaIntoModel(live.details[0]!, paramsFromMallocPar(live.mp, live.maxFastBytes));
      const ranges = libcMallocTrim(st, 0, { startAddress: baseAddress, main: true });
      assert.deepEqual(checkGlibcHeap(st), []);
      assert.equal(await subject.ask('trim'), `trimmed ${ranges.length > 0 ? 1 : 0}`);
      for (const size of [24, 5000, 0x200, 12000, 30000, 100, 200_000 - 1, 64]) {
        const real = Number((await subject.ask(`malloc ${size}`)).split(' ')[1]);
        const predicted = libcMalloc(st, size);
        // Above the mmap threshold the model's addresses are simulated: compare heap chunks only.
        if (predicted < 2 ** 44) assert.equal(baseAddress + predicted, real, `malloc(${size})`);
      }
    } finally {
      await subject.kill();
    }
  });
});
