// The CMU malloclab traces replayed op by op under the real gperftools 2.10 TCMalloc and through the
// model. Modelled exactly and compared after every op: the block's address (offset from the page
// heap's start), malloc_usable_size, the program break, and the seven MallocExtension statistics
// generic.current_allocated_bytes, generic.heap_size, tcmalloc.pageheap_free_bytes,
// tcmalloc.pageheap_unmapped_bytes, tcmalloc.thread_cache_free_bytes,
// tcmalloc.central_cache_free_bytes, tcmalloc.transfer_cache_free_bytes; and the state at main.
// Not modelled, so not compared: malloc metadata bytes (MallocExtension's "Bytes in malloc
// metadata"), threads other than main, sbrk failure / mmap fallback (see state.ts).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MALLOCLAB_TRACES_DIR } from '../../../../helpers/paths.js';
import { oracleMissing } from '../../../../helpers/oracles.js';
import { parseTrace } from '../../../../../shared/sim/trace.js';
import { compareWithRealTcmalloc, replayWithRealTcmalloc } from './real-tcmalloc.js';

const traces = readdirSync(MALLOCLAB_TRACES_DIR).filter((f) => f.endsWith('.rep')).sort();

describe('malloclab traces: model vs real TCMalloc, every op', { skip: oracleMissing('libtcmalloc-minimal') }, () => {
  test('the trace folder is there', () => {
    assert.ok(traces.length >= 10, `expected the malloclab traces in ${MALLOCLAB_TRACES_DIR}`);
  });
  for (const name of traces) {
    test(name, (t) => {
      const c = compareWithRealTcmalloc(parseTrace(readFileSync(join(MALLOCLAB_TRACES_DIR, name), 'utf8')));
      assert.equal(c.firstDiff, -1, c.report);
      t.diagnostic(`${c.ops} ops agree`);
    });
  }
});

describe('the real harness measures without disturbing', { skip: oracleMissing('libtcmalloc-minimal') }, () => {
  test('reading the statistics after every op changes neither placement nor the final statistics', () => {
    const trace = parseTrace(readFileSync(join(MALLOCLAB_TRACES_DIR, 'binary2-bal.rep'), 'utf8'));
    const everyOp = replayWithRealTcmalloc(trace, {}, 1);
    const atEnd = replayWithRealTcmalloc(trace, {}, trace.length);
    assert.equal(everyOp.ops.length, trace.length);
    assert.deepEqual(atEnd.ops.map((o) => [o.offset, o.usable, o.brk]), everyOp.ops.map((o) => [o.offset, o.usable, o.brk]));
    assert.deepEqual(atEnd.ops.at(-1)!.stats, everyOp.ops.at(-1)!.stats);
    assert.equal(atEnd.ops[0]!.stats, null, 'statistics were really skipped in the second run');
  });
});
