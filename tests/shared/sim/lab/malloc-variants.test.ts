// The what-if table's figures: footprint (brk heap + arena heaps + mmapped bytes) as the threaded glibc model
// holds it after every op, OS calls as the simulated OS and the arena heaps' own changes count them, the tunable
// of each row really applied, and TCMalloc's row run through its threaded model.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { MALLOC_VARIANTS, runMallocVariant, type VariantOutcome } from '../../../../shared/sim/lab/malloc-variants.js';
import { VARIANT_MMAP_THRESHOLD_BYTES } from '../../../../shared/sim/malloc/variants.js';
import { parseGlibcTunables } from '../../../../shared/sim/malloc/glibc/params.js';
import { createGlibcThreadedReplay, runGlibcThreadedReplay, sumArenaHeapBytes } from '../../../../shared/sim/malloc/glibc/replay-threads.js';
import { createDefaultTcmallocParams } from '../../../../shared/sim/malloc/tcmalloc/params.js';
import { createTcmallocReplay, runTcmallocReplay } from '../../../../shared/sim/malloc/tcmalloc/replay.js';
import { generateWorkload } from '../../../../shared/sim/malloc/workloads.js';
import { parseTrace, type Trace } from '../../../../shared/sim/trace.js';
import { REPO_ROOT } from '../../../helpers/paths.js';

const TCMALLOC_VARIANT = MALLOC_VARIANTS.find((v) => v.allocator === 'tcmalloc')!;

function loadRecorded(name: string): Trace {
  return parseTrace(readFileSync(resolve(REPO_ROOT, `tests/fixtures/traces/recorded/${name}.trace`), 'utf8'));
}

function expectOk(o: VariantOutcome): Extract<VariantOutcome, { ok: true }> {
  assert.ok(o.ok, o.ok ? '' : o.error);
  return o;
}

/** Footprint after every op, replayed here op by op. */
function replayFootprints(trace: Trace, tunables: string): { peak: number; final: number; heapsEverMade: number; arenas: number; brkCalls: number; mmapCalls: number } {
  const r = createGlibcThreadedReplay(trace, parseGlibcTunables(tunables).params);
  const footprint = () => r.heap.os.brkBytes + sumArenaHeapBytes(r.heap) + r.heap.mmappedMem;
  let peak = 0;
  for (let i = 1; i <= trace.length; i++) {
    runGlibcThreadedReplay(r, i);
    peak = Math.max(peak, footprint());
  }
  const th = r.heap.threads!;
  return { peak, final: footprint(), heapsEverMade: th.heaps.length, arenas: th.arenas.length, brkCalls: r.heap.os.brkCalls, mmapCalls: r.heap.os.mmapCalls };
}

describe('what-if variants', () => {
  for (const name of ['xz-T4', 'zstd-T4', 'python3-json-threads']) {
    test(`${name}: each glibc row is the model's footprint with its tunable applied`, () => {
      const trace = loadRecorded(name);
      for (const v of MALLOC_VARIANTS.filter((x) => x.allocator === 'glibc')) {
        const row = expectOk(runMallocVariant(trace, v));
        const want = replayFootprints(trace, v.tunables);
        assert.equal(row.footprint.peakBytes, want.peak, `${v.name} peak`);
        assert.equal(row.footprint.finalBytes, want.final, `${v.name} final`);
        assert.equal(row.osCalls.brk, want.brkCalls, `${v.name} brk calls`);
        // Every heap the arenas ever made was one mmap (new_heap) beside the chunk mmaps.
        assert.equal(row.osCalls.mmap, want.mmapCalls + want.heapsEverMade, `${v.name} mmap calls`);
        assert.ok(row.osCalls.mprotect >= want.heapsEverMade, 'each new heap is made read-write with mprotect');
        assert.ok(row.fragmentation >= 0 && row.fragmentation < 1);
        if (v.tunables.includes('arena_max=2')) assert.ok(want.arenas <= 2, 'arena_max=2 keeps two arenas');
      }
    });
  }

  test('arena_max=2 on a recording with more threads than two arenas shares arenas', () => {
    const trace = loadRecorded('xz-T4');
    assert.ok(replayFootprints(trace, '').arenas > 2);
    assert.equal(replayFootprints(trace, 'glibc.malloc.arena_max=2').arenas, 2);
  });

  test('the lower mmap_threshold row maps requests between it and the default threshold that top cannot serve', () => {
    // The first request comes out of the fresh 132 KiB top; the second does not fit what is left, so sysmalloc
    // either grows the heap (default threshold 128 KiB) or maps it (the lower threshold).
    const size = 100_000;
    assert.ok(size > VARIANT_MMAP_THRESHOLD_BYTES);
    const trace = parseTrace(`# memscope-trace 2 cpus=1\na 0 ${size}\na 1 ${size}\nf 1\n`);
    const base = runMallocVariant(trace, MALLOC_VARIANTS.find((v) => v.tunables === '' && v.allocator === 'glibc')!);
    const lower = runMallocVariant(trace, MALLOC_VARIANTS.find((v) => v.tunables.includes('mmap_threshold'))!);
    assert.equal(expectOk(base!).osCalls.mmap, 0);
    assert.equal(expectOk(lower!).osCalls.mmap, 1);
    assert.equal(expectOk(lower!).osCalls.munmap, 1);
  });

  test('TCMalloc runs a recorded multi-threaded trace to its end, footprint as its model holds it', () => {
    const trace = loadRecorded('xz-T4');
    assert.ok(trace.threadCount > 1);
    const row = expectOk(runMallocVariant(trace, TCMALLOC_VARIANT));
    const r = createTcmallocReplay(trace, createDefaultTcmallocParams());
    runTcmallocReplay(r, trace.length);
    assert.equal(r.next, trace.length);
    assert.ok(row.footprint.peakBytes >= row.footprint.finalBytes && row.footprint.finalBytes > 0);
    assert.equal(row.osCalls.brk + row.osCalls.mmap, r.heap.os.brkCalls + r.heap.os.mmapCalls);
  });

  test('a model that cannot follow the trace says why in one line: a double free stops both allocators', () => {
    const trace = parseTrace('# memscope-trace 2 cpus=2\na 0 24\nf 0\nf 0\n');
    for (const variant of [MALLOC_VARIANTS[0]!, TCMALLOC_VARIANT]) {
      const row = runMallocVariant(trace, variant);
      assert.equal(row.ok, false, variant.name);
      assert.match(row.ok ? '' : row.error, /op 2/);
      assert.doesNotMatch(row.ok ? '' : row.error, /\n/);
    }
  });

  test('TCMalloc runs a single-thread trace: its row runs and counts the same brk and mmap calls as the model', () => {
    const trace = generateWorkload('big-churn', { seed: 2, opCount: 3000 });
    const row = expectOk(runMallocVariant(trace, TCMALLOC_VARIANT));
    const r = createTcmallocReplay(trace, createDefaultTcmallocParams());
    runTcmallocReplay(r, trace.length);
    assert.ok(row.footprint.finalBytes > 0 && row.footprint.peakBytes >= row.footprint.finalBytes);
    assert.equal(row.osCalls.brk + row.osCalls.mmap, r.heap.os.brkCalls + r.heap.os.mmapCalls);
  });
});
