// The byte writer of `sim malloc --format jsonl` prints exactly JSON.stringify(formatOpRecord(…)) + '\n' for
// every op: heap, mmap and NULL results, frees, numbers from 0 to 2^53 − 1, both models, and records cut
// across buffers of any size; and JSON.stringify(formatThreadedRecord(…)) for threaded replays (every v2 op kind).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeLatin1 } from '../../../../shared/proc/bytes.js';
import { createDefaultParams } from '../../../../shared/sim/malloc/glibc/params.js';
import { replayTraceGlibc } from '../../../../shared/sim/malloc/glibc/replay.js';
import { OpRecordWriter } from '../../../../shared/sim/malloc/replay-jsonl.js';
import { REGION_HEAP, REGION_MMAP, type ReplayResults, createReplayResults, formatOpRecord, formatThreadedRecord } from '../../../../shared/sim/malloc/replay-results.js';
import { createGlibcThreadedReplayModel } from '../../../../shared/sim/malloc/glibc/replay-threads.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../helpers/paths.js';
import { createDefaultTcmallocParams } from '../../../../shared/sim/malloc/tcmalloc/params.js';
import { replayTraceTcmalloc } from '../../../../shared/sim/malloc/tcmalloc/replay.js';
import { WORKLOADS, generateWorkload } from '../../../../shared/sim/malloc/workloads.js';
import { packTraceOps, parseTrace, type Trace } from '../../../../shared/sim/trace.js';

/** Every record through the writer (writeThreaded when `threaded`), taking its buffer whenever it is full. */
function writeAll(trace: Trace, results: ReplayResults, chunkBytes: number, threaded = false): string {
  const w = new OpRecordWriter(chunkBytes);
  let out = '';
  for (let i = 0; i < trace.length; i++) {
    if (w.full) {
      const bytes = w.take();
      out += decodeLatin1(bytes, 0, bytes.length);
    }
    if (threaded) w.writeThreaded(trace, results, i);
    else w.write(trace, results, i);
  }
  const bytes = w.take();
  return out + decodeLatin1(bytes, 0, bytes.length);
}

function stringifyAll(trace: Trace, results: ReplayResults): string {
  let out = '';
  for (let i = 0; i < trace.length; i++) out += JSON.stringify(formatOpRecord(trace, results, i)) + '\n';
  return out;
}

/** A threaded replay's whole results. */
function replayThreaded(trace: Trace): ReplayResults {
  const model = createGlibcThreadedReplayModel(trace, createDefaultParams());
  const r = model.create(null);
  model.run(r, trace.length);
  return r.results;
}

describe('OpRecordWriter', () => {
  test('threaded replays: every v2 op kind, arena, heap, mmap and NULL results, as JSON.stringify of formatThreadedRecord', () => {
    const v2 = [
      '# memscope-trace 2 cpus=2',
      'a 0 24', 'c 1 3 8', 'm 2 4096 100', 'm 3 64 300000', 'a 4 200000', 'c 5 1099511627776 1073741824',
      '@ 1', 'a 6 40', 'c 7 2 1000', 'r 6 5000', 'm 8 32 77', 'f 0', 'r 4 0', 't 0', '@ 0', 'f 6', 't 4096', 'x 1', 'r 9 123456789012',
    ].join('\n') + '\n';
    const traces = [parseTrace(v2), parseTrace(readFileSync(join(REPO_ROOT, 'tests/fixtures/traces/recorded/python3-json-threads.trace'), 'utf8'))];
    for (const trace of traces) {
      const results = replayThreaded(trace);
      let expected = '';
      for (let i = 0; i < trace.length; i++) expected += JSON.stringify(formatThreadedRecord(trace, results, i)) + '\n';
      if (trace === traces[0]) assert.ok(/"region":"arena"/.test(expected) && /"region":"mmap"/.test(expected) && /"region":null/.test(expected) && /"nmemb"/.test(expected) && /"align"/.test(expected), 'premise: every region and kind');
      assert.equal(writeAll(trace, results, 1 << 20, true), expected);
      assert.equal(writeAll(trace, results, 500, true), expected, 'small buffers');
    }
  });

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
    // Each side of every width the writer stores differently: up to 4 digits, 5 to 8, 9 and 10, then from 2^31.
    const big = [0, 9, 10, 99, 100, 999, 1000, 9999, 10_000, 10_001, 99_999_999, 100_000_000, 100_010_001, 2 ** 31 - 1, 2 ** 31, 999_999_999, 1_000_000_000, 1_000_000_001, 2 ** 47 + 12345, 2 ** 53 - 1, 123_000_000_045];
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
    assert.equal(writeAllRanges(trace, results, 1), stringifyAll(trace, results), 'writeRange, one record per buffer');
  });

  test('numbers no model gives (below 0, −0, fractions, from 2^32, 1e21 and up): as JSON.stringify', () => {
    const odd = [-0, -1, -(2 ** 31), 0.5, 2 ** 32 + 7, 1e21, -1.2345678901234567e-300];
    const trace = packTraceOps(odd.map((_, k) => ({ op: 'a', id: k, size: k })));
    const results = createReplayResults(trace.length);
    odd.forEach((v, i) => {
      results.region[i] = REGION_HEAP;
      results.offset[i] = v;
      results.usable[i] = odd[odd.length - 1 - i]!;
      results.brk[i] = v;
    });
    assert.equal(writeAll(trace, results, 1), stringifyAll(trace, results));
  });

  test('writeRange: the same text as write, records numbered from opBase, stopping only when the buffer is full', () => {
    const trace = generateWorkload('random', { seed: 3, opCount: 20_000 });
    const results = replayTraceGlibc(trace, createDefaultParams());
    const expected = stringifyAll(trace, results);
    assert.equal(writeAllRanges(trace, results, 1 << 20), expected);
    assert.equal(writeAllRanges(trace, results, 4000), expected, 'small buffers: records cut across many takes');
    const w = new OpRecordWriter(1 << 20);
    assert.equal(w.writeRange(trace, results, 5, 7, 1000), 7);
    const bytes = w.take();
    const lines = decodeLatin1(bytes, 0, bytes.length).split('\n');
    assert.deepEqual(lines.slice(0, 2).map((l) => (JSON.parse(l) as { i: number }).i), [1005, 1006]);
  });
});

/** Every record through writeRange, as sim-malloc.ts writes them: the rest of the trace per call, taking the buffer when full. */
function writeAllRanges(trace: Trace, results: ReplayResults, chunkBytes: number): string {
  const w = new OpRecordWriter(chunkBytes);
  let out = '';
  for (let i = 0; i < trace.length; ) {
    if (w.full) {
      const bytes = w.take();
      out += decodeLatin1(bytes, 0, bytes.length);
    }
    const next = w.writeRange(trace, results, i, trace.length);
    assert.ok(next > i, 'a range with room writes at least one record');
    i = next;
  }
  const bytes = w.take();
  return out + decodeLatin1(bytes, 0, bytes.length);
}

describe('OpRecordWriter text kept between records', () => {
  test('op numbers in any order (back across hundreds, past 2^31 and 2^53) and a brk coming back: as JSON.stringify', () => {
    const trace = generateWorkload('random', { seed: 5, opCount: 600 });
    const results = replayTraceGlibc(trace, createDefaultParams());
    const brks = new Set(results.brk);
    assert.ok(brks.size >= 3, 'premise: brk changes');
    // Op numbers the writer's cached head (the digits but the last two) and tail (brk) must not carry over.
    const order = [199, 200, 100, 99, 0, 1, 250, 250, 130, 599, 300, 200, 201];
    const bases = [0, 2 ** 31 - 150, 2 ** 53 - 300, 2 ** 53 + 8];
    for (const opBase of bases) {
      const w = new OpRecordWriter(1 << 16);
      let expected = '';
      for (const i of order) {
        w.write(trace, results, i, opBase + i);
        expected += JSON.stringify({ ...formatOpRecord(trace, results, i), i: opBase + i }) + '\n';
      }
      const bytes = w.take();
      assert.equal(decodeLatin1(bytes, 0, bytes.length), expected, `op numbers from ${opBase}`);
    }
  });
});
