// Random multi-threaded programs (seeded): threads start, allocate with malloc, calloc, memalign and realloc,
// free their own and each other's blocks, trim and exit, while new threads start; replayed under the real
// TCMalloc (one real pthread per trace thread) and through the model, which must agree on every op.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { type TraceOp, packTraceOps } from '../../../../../shared/sim/trace.js';
import { createRng } from '../../../../../shared/sim/rng.js';
import { oracleMissing } from '../../../../helpers/oracles.js';
import { compareThreadsWithRealTcmalloc } from './real-tcmalloc-threads.js';

const ALIGNS = [8, 16, 32, 64, 256, 4096, 8192, 16384, 65536];

/** A random program of about `opCount` ops on up to `maxLive` threads at once; thread ids in order of first use. */
function generateThreadedProgram(seed: number, opCount: number, maxLive: number): TraceOp[] {
  const rng = createRng(seed);
  const pick = (n: number): number => Math.floor(rng.nextFloat() * n);
  const ops: TraceOp[] = [];
  const live: number[] = [0];
  const held: number[] = [];
  let nextTid = 1;
  let nextId = 0;
  let tid = 0;
  const size = (): number => (rng.nextFloat() < 0.9 ? 1 + pick(rng.nextFloat() < 0.7 ? 512 : 8192) : 1 + pick(600000));
  while (ops.length < opCount) {
    const r = rng.nextFloat();
    if (r < 0.02 && live.length < maxLive) {
      tid = nextTid++;
      live.push(tid);
    } else if (r < 0.03 && live.length > 1) {
      const k = 1 + pick(live.length - 1);
      ops.push({ op: 'x', id: 0, tid: live[k]! });
      live.splice(k, 1);
      if (!live.includes(tid)) tid = live[pick(live.length)]!;
      continue;
    } else if (r < 0.1) {
      tid = live[pick(live.length)]!;
    }
    const o = rng.nextFloat();
    if (held.length > 0 && o < 0.45) {
      const at = pick(held.length);
      const id = held[at]!;
      if (o < 0.38) {
        held[at] = held[held.length - 1]!;
        held.pop();
        ops.push({ op: 'f', id, tid });
      } else ops.push({ op: 'r', id, size: size(), tid });
    } else if (o < 0.47) {
      ops.push({ op: 't', id: 0, size: pick(2) * 65536, tid });
    } else {
      const id = nextId++;
      held.push(id);
      if (o < 0.57) ops.push({ op: 'c', id, aux: 1 + pick(16), size: 1 + pick(300), tid });
      else if (o < 0.64) ops.push({ op: 'm', id, aux: ALIGNS[pick(ALIGNS.length)]!, size: size(), tid });
      else ops.push({ op: 'a', id, size: size(), tid });
    }
  }
  return ops;
}

describe('random multi-threaded programs: model vs real TCMalloc', { skip: oracleMissing('libtcmalloc-minimal') }, () => {
  for (const [maxLive, env] of [[4, ''], [12, ''], [40, 'TCMALLOC_MAX_TOTAL_THREAD_CACHE_BYTES=2097152'], [8, 'TCMALLOC_TRANSFER_NUM_OBJ=7']] as const) {
    test(`up to ${maxLive} threads at once, ${env === '' ? 'default environment' : env}`, (t) => {
      let threads = 0;
      for (const seed of [1, 2, 3]) {
        const ops = generateThreadedProgram(seed * 101 + maxLive, 6000, maxLive);
        const trace = packTraceOps(ops, { cpus: 2 });
        assert.ok(ops.some((o) => o.op === 'x') && trace.threadCount > maxLive / 2, 'premise: threads start and exit');
        const c = compareThreadsWithRealTcmalloc(trace, env);
        assert.equal(c.firstDiff, -1, `seed ${seed}: ${c.report}`);
        threads += trace.threadCount;
      }
      t.diagnostic(`${threads} threads, 18000 ops agree`);
    });
  }
});
