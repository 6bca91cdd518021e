// Random programs (the built-in workloads, several seeds) replayed in the real glibc and in the
// simulator must agree on every op, with default and tuned parameters.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { WORKLOADS, generateWorkload } from '../../../../../shared/sim/malloc/workloads.js';
import { compareWithRealGlibc } from './real-glibc.js';

const SEEDS = [1, 2, 3, 4];
const OPS = 4000;
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

  test('a long random program (40000 ops) agrees', () => {
    const c = compareWithRealGlibc(generateWorkload('random', { seed: 2024, opCount: 40000 }), '');
    assert.equal(c.firstDiff, -1, c.report);
  });
});
