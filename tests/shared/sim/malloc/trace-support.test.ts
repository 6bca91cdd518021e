// Each model refuses, before op 0 and in one line naming the first such op, a trace using an op kind or threads
// it does not run yet; it still runs every version-1 trace, and version-2 traces that keep to what it runs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMallocLabSession } from '../../../../shared/sim/lab/malloc-session.js';
import { createDefaultParams } from '../../../../shared/sim/malloc/glibc/params.js';
import { createGlibcReplay, createGlibcReplayModel, replayTraceGlibc } from '../../../../shared/sim/malloc/glibc/replay.js';
import { createDefaultTcmallocParams } from '../../../../shared/sim/malloc/tcmalloc/params.js';
import { createTcmallocReplay } from '../../../../shared/sim/malloc/tcmalloc/replay.js';
import { GLIBC_TRACE_SUPPORT, TCMALLOC_TRACE_SUPPORT, TraceUnsupportedError, findUnsupportedOp } from '../../../../shared/sim/malloc/trace-support.js';
import { generateWorkload } from '../../../../shared/sim/malloc/workloads.js';
import { parseRepTrace } from '../../../../shared/sim/trace.js';

const H = '# memscope-trace 2 cpus=4\n';

function refusal(fn: () => unknown): TraceUnsupportedError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof TraceUnsupportedError, String(err));
    assert.doesNotMatch(err.message, /\n/);
    return err;
  }
  assert.fail('the trace was not refused');
}

describe('trace support', () => {
  test('the glibc malloclab replay refuses the first op kind it does not model, naming the op; tcmalloc and the threaded glibc run them all', () => {
    const t = parseRepTrace(`${H}a 0 8\nf 0\nm 1 64 100\nc 2 4 4\n`);
    const g = refusal(() => createGlibcReplay(t, createDefaultParams()));
    assert.equal(g.message, "glibc malloclab replay: op 2 'm 1 64 100' (memalign) is not modelled yet");
    assert.equal(findUnsupportedOp(t, GLIBC_TRACE_SUPPORT), null, 'the threaded glibc replay runs every kind');
    assert.equal(g.opIndex, 2);
    assert.equal(findUnsupportedOp(t, TCMALLOC_TRACE_SUPPORT), null, 'tcmalloc runs every kind');
    assert.match(refusal(() => createGlibcReplay(parseRepTrace(`${H}a 0 8\nt 4096\n`), createDefaultParams())).message, /op 1 't 4096' \(malloc_trim\)/);
    assert.match(refusal(() => createGlibcReplay(parseRepTrace(`${H}c 0 2 8\n`), createDefaultParams())).message, /op 0 'c 0 2 8' \(calloc\)/);
  });

  test('threads are refused at the first op off the main thread', () => {
    const t = parseRepTrace(`${H}a 0 8\n@ 1\na 1 16\n@ 0\nf 0\n`);
    assert.equal(refusal(() => replayTraceGlibc(t, createDefaultParams())).message, "glibc malloclab replay: threads are not modelled yet (op 1 'a 1 16' runs on thread 1)");
    assert.equal(findUnsupportedOp(t, GLIBC_TRACE_SUPPORT), null, 'the threaded glibc replay runs threads');
    assert.doesNotThrow(() => createTcmallocReplay(t, createDefaultTcmallocParams()), 'tcmalloc runs threads');
    assert.match(refusal(() => createGlibcReplay(parseRepTrace(`${H}a 0 8\nx 1\n`), createDefaultParams())).message, /op 1 'x 1' \(thread exit\)/);
  });

  test('the Allocator lab session is refused before op 0 too', () => {
    const t = parseRepTrace(`${H}a 0 8\n@ 1\nf 0\n`);
    const model = createGlibcReplayModel(t, createDefaultParams());
    refusal(() => createMallocLabSession(model, t, { nowMs: () => performance.now() }));
  });

  test('version-1 traces and v2 traces of a, f, r on the main thread run', () => {
    assert.equal(findUnsupportedOp(generateWorkload('random', { seed: 1, opCount: 2000 }), GLIBC_TRACE_SUPPORT), null);
    const v2 = parseRepTrace(`${H}a 0 8\nr 0 100\nf 0\n`);
    assert.equal(findUnsupportedOp(v2, TCMALLOC_TRACE_SUPPORT), null);
    const v1 = parseRepTrace('a 0 8\nr 0 100\nf 0\n');
    assert.deepEqual(replayTraceGlibc(v2, createDefaultParams()), replayTraceGlibc(v1, createDefaultParams()));
  });

  test('a model that declares a kind and threads is not refused for them', () => {
    const t = parseRepTrace(`${H}a 0 8\n@ 1\nm 1 64 100\n`);
    assert.equal(findUnsupportedOp(t, { model: 'x', kinds: [0, 1, 2, 4], threads: true }), null);
    assert.match(findUnsupportedOp(t, { model: 'x', kinds: [0, 1, 2, 4], threads: false })?.message ?? '', /threads/);
  });
});
