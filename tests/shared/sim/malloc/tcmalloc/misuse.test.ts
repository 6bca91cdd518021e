// Double frees and reallocs of freed blocks under the real gperftools 2.10 TCMalloc, which checks
// nothing: the program carries on and is handed the same block twice. The model must agree up to the
// misuse, then stop there and say TCMalloc does not detect it; a free through a stale pointer of a
// block handed out again is an ordinary free, and the model follows it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type TraceOp, packTraceOps } from '../../../../../shared/sim/trace.js';
import { createTcmallocReplay, runTcmallocReplay } from '../../../../../shared/sim/malloc/tcmalloc/replay.js';
import { parseTcmallocEnv } from '../../../../../shared/sim/malloc/tcmalloc/params.js';
import { HeapMisuseError } from '../../../../../shared/sim/malloc/heap-misuse.js';
import { readHostMapLimitBytes } from '../../../../../electron/host/system/map-limit.js';
import { compareWithRealTcmalloc, replayWithRealTcmalloc } from './real-tcmalloc.js';
import { oracleMissing } from '../../../../helpers/oracles.js';

const a = (id: number, size: number): TraceOp => ({ op: 'a', id, size });
const f = (id: number): TraceOp => ({ op: 'f', id });
const r = (id: number, size: number): TraceOp => ({ op: 'r', id, size });

/** The model's offsets (null for NULL and frees) up to its stop, and the stop. */
function runModel(ops: TraceOp[]): { offsets: (number | null)[]; misuse: HeapMisuseError | null } {
  const trace = packTraceOps(ops);
  const replay = createTcmallocReplay(trace, parseTcmallocEnv('').params, { mapLimitBytes: readHostMapLimitBytes() });
  let misuse: HeapMisuseError | null = null;
  try {
    runTcmallocReplay(replay);
  } catch (err) {
    if (!(err instanceof HeapMisuseError)) throw err;
    misuse = err;
  }
  const offsets: (number | null)[] = [];
  for (let i = 0; i < replay.next; i++) offsets.push(replay.results.region[i] === 0 ? null : replay.results.offset[i]!);
  return { offsets, misuse };
}

describe('heap misuse: TCMalloc model vs real gperftools 2.10', { skip: oracleMissing('libtcmalloc-minimal') }, () => {
  const cases: [string, TraceOp[], number, number[]][] = [
    // [what, ops, op of the misuse, ops the real library hands the freed block out again]
    ['double free of a small object', [a(0, 24), f(0), f(0), a(1, 24), a(2, 24), a(3, 24)], 2, [3, 4, 5]],
    ['double free of a large block', [a(0, 300000), f(0), f(0), a(1, 300000), a(2, 300000)], 2, [3]],
    ['realloc of a freed small object', [a(0, 24), f(0), r(0, 20), a(1, 24)], 2, [2, 3]],
  ];
  for (const [what, ops, at, again] of cases) {
    test(`${what}: the real program carries on, the model stops at op ${at}`, () => {
      const trace = packTraceOps(ops);
      const real = replayWithRealTcmalloc(trace, {}, trace.length);
      assert.equal(real.ops.length, trace.length, 'premise: the real program survives the whole trace');
      for (const i of again) assert.equal(real.ops[i]!.offset, real.ops[0]!.offset, `premise: op ${i} gets the freed block again`);
      const sim = runModel(ops);
      assert.ok(sim.misuse !== null, 'the model stops');
      assert.deepEqual([sim.misuse.opIndex, sim.misuse.outcome], [at, 'undetected'], sim.misuse.message);
      assert.deepEqual(sim.offsets, real.ops.slice(0, at).map((o) => o.offset));
    });
  }

  test('a free through a stale pointer of a block handed out again frees that block, as the library does', () => {
    const c = compareWithRealTcmalloc(packTraceOps([a(0, 24), f(0), a(1, 24), f(0), a(2, 24), a(3, 300000), f(3), a(4, 300000), f(3), a(5, 300000)]));
    assert.equal(c.firstDiff, -1, c.report);
    assert.equal(c.real.ops[4]!.offset, c.real.ops[0]!.offset, 'premise: the block freed through id 0 is handed out again');
  });
});
