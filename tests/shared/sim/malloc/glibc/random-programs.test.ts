// Random programs (the built-in workloads, several seeds) replayed in the real glibc and in the
// simulator must agree on every op, with default and tuned parameters.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { WORKLOADS, generateWorkload } from '../../../../../shared/sim/malloc/workloads.js';
import { type TraceOp, type Trace, packTraceOps } from '../../../../../shared/sim/trace.js';
import { createRng } from '../../../../../shared/sim/rng.js';
import { compareWithRealGlibc } from './real-glibc.js';

const SEEDS = [1, 2, 3, 4];
const OPS = 4000;
/** Sizes at the edges glibc cares about (tcache/fastbin/smallbin limits, mmap threshold, its 32 MiB cap), ± 20 bytes. */
const BOUNDARIES = [0, 24, 25, 40, 120, 121, 136, 1000, 1008, 1016, 1017, 1032, 1033, 4096, 65536, 131048, 131049, 131072, 135168, 200000, 311296, 1 << 20, 32 << 20, 33 << 20];

function generateBoundaryProgram(seed: number, opCount: number): Trace {
  const rng = createRng(seed);
  const ops: TraceOp[] = [];
  // 0: NULL (or unused), 1: live, 2: freed (the id keeps a dangling pointer: only `a` may follow)
  const state = new Uint8Array(64);
  for (let i = 0; i < opCount; i++) {
    const id = rng.nextInt(0, 64);
    const size = Math.max(0, BOUNDARIES[rng.nextInt(0, BOUNDARIES.length)]! + rng.nextInt(-20, 21));
    const r = rng.nextFloat();
    if (state[id] !== 1) {
      ops.push(r < 0.2 && state[id] === 0 ? { op: 'r', id, size } : { op: 'a', id, size });
      state[id] = 1;
    } else if (r < 0.5) {
      ops.push({ op: 'f', id });
      state[id] = 2;
    } else {
      ops.push({ op: 'r', id, size: r < 0.55 ? 0 : size });
      state[id] = r < 0.55 ? 0 : 1;
    }
  }
  return packTraceOps(ops);
}

const TUNABLE_SETS = ['', 'glibc.malloc.tcache_count=0:glibc.malloc.mmap_threshold=65536', 'glibc.malloc.top_pad=0:glibc.malloc.trim_threshold=8192:glibc.malloc.tcache_count=3'];

describe('random programs: simulator vs real glibc 2.36', () => {
  for (const w of WORKLOADS) {
    for (const tunables of TUNABLE_SETS) {
      test(`${w.name} × ${SEEDS.length} seeds, GLIBC_TUNABLES='${tunables}'`, (t) => {
        let ops = 0;
        for (const seed of SEEDS) {
          const c = compareWithRealGlibc(generateWorkload(w.name, { seed, opCount: OPS }), tunables);
          assert.equal(c.firstDiff, -1, `${w.name} seed ${seed}: ${c.report}`);
          ops += c.ops;
        }
        t.diagnostic(`${ops} ops agree`);
      });
    }
  }

  for (const tunables of ['', 'glibc.malloc.tcache_count=0:glibc.malloc.top_pad=0']) {
    test(`boundary sizes × 6 seeds, GLIBC_TUNABLES='${tunables}'`, () => {
      for (let seed = 1; seed <= 6; seed++) {
        const c = compareWithRealGlibc(generateBoundaryProgram(seed, 3000), tunables);
        assert.equal(c.firstDiff, -1, `seed ${seed}: ${c.report}`);
      }
    });
  }

  test('calloc (the a ops of random programs and malloclab-like workloads as calloc(1, size)) agrees', () => {
    for (const name of ['random', 'many-small', 'fragmentation']) {
      for (const tunables of ['', 'glibc.malloc.tcache_count=0']) {
        const c = compareWithRealGlibc(generateWorkload(name, { seed: 9, opCount: 4000 }), tunables, { useCalloc: true });
        assert.equal(c.firstDiff, -1, `${name}: ${c.report}`);
      }
    }
    // premise: calloc bypasses the tcache, so it must lay the heap out differently from malloc
    const t = generateWorkload('many-small', { seed: 9, opCount: 4000 });
    assert.notDeepEqual(compareWithRealGlibc(t, '', { useCalloc: true }).real, compareWithRealGlibc(t, '').real);
  });

  test('a long random program (40000 ops) agrees', () => {
    const c = compareWithRealGlibc(generateWorkload('random', { seed: 2024, opCount: 40000 }), '');
    assert.equal(c.firstDiff, -1, c.report);
  });
});
