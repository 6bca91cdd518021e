// The byte writer of `sim malloc --format jsonl` prints exactly JSON.stringify(formatOpRecord(…)) + '\n' for
// every op: heap, mmap and NULL results, frees, numbers from 0 to 2^53 − 1, both models, and records cut
// across buffers of any size.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeLatin1 } from '../../../../shared/proc/bytes.js';
import { createDefaultParams } from '../../../../shared/sim/malloc/glibc/params.js';
import { replayTraceGlibc } from '../../../../shared/sim/malloc/glibc/replay.js';
import { OpRecordWriter } from '../../../../shared/sim/malloc/replay-jsonl.js';
import { REGION_HEAP, REGION_MMAP, type ReplayResults, createReplayResults, formatOpRecord } from '../../../../shared/sim/malloc/replay-results.js';
import { createDefaultTcmallocParams } from '../../../../shared/sim/malloc/tcmalloc/params.js';
import { replayTraceTcmalloc } from '../../../../shared/sim/malloc/tcmalloc/replay.js';
import { WORKLOADS, generateWorkload } from '../../../../shared/sim/malloc/workloads.js';
import { packTraceOps, type Trace } from '../../../../shared/sim/trace.js';

/** Every record through the writer, taking its buffer whenever it is full. */
function writeAll(trace: Trace, results: ReplayResults, chunkBytes: number): string {
  const w = new OpRecordWriter(chunkBytes);
  let out = '';
  for (let i = 0; i < trace.length; i++) {
    if (w.full) {
      const bytes = w.take();
      out += decodeLatin1(bytes, 0, bytes.length);
    }
    w.write(trace, results, i);
  }
  const bytes = w.take();
  return out + decodeLatin1(bytes, 0, bytes.length);
}

function stringifyAll(trace: Trace, results: ReplayResults): string {
  let out = '';
  for (let i = 0; i < trace.length; i++) out += JSON.stringify(formatOpRecord(trace, results, i)) + '\n';
  return out;
}

describe('OpRecordWriter', () => {
  test('every workload through both models: the same text as JSON.stringify of the records', () => {
    for (const w of WORKLOADS) {
      const trace = generateWorkload(w.name, { seed: 9, opCount: 4000 });
      const glibc = replayTraceGlibc(trace, createDefaultParams());
      assert.equal(writeAll(trace, glibc, 1 << 20), stringifyAll(trace, glibc), `${w.name} glibc`);
      const tc = replayTraceTcmalloc(trace, createDefaultTcmallocParams()).results;
      assert.equal(writeAll(trace, tc, 700), stringifyAll(trace, tc), `${w.name} tcmalloc, small buffers`);
    }
  });

  test('numbers of every width, NULL results and mmapped ones', () => {
    const big = [0, 9, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, 999_999_999, 1_000_000_000, 1_000_000_001, 2 ** 47 + 12345, 2 ** 53 - 1, 123_000_000_045];
    const trace = packTraceOps(big.map((v, k) => ({ op: k % 3 === 2 ? 'r' : 'a', id: v, size: big[big.length - 1 - k]! })));
    const results = createReplayResults(trace.length);
    big.forEach((v, i) => {
      results.region[i] = i % 3 === 0 ? REGION_HEAP : i % 3 === 1 ? REGION_MMAP : 0;
      if (i % 3 === 0) results.offset[i] = v;
      if (i % 3 === 1) results.mmapSize[i] = v;
      results.usable[i] = i % 3 === 2 ? 0 : v;
      results.brk[i] = big[(i + 5) % big.length]!;
    });
    assert.equal(writeAll(trace, results, 1), stringifyAll(trace, results));
  });
});
