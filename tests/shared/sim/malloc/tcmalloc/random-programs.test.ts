// Random programs (the built-in workloads, several seeds) replayed under the real TCMalloc and
// through the model must agree on every op (address, usable size, break, seven statistics), with
// the default environment and with TCMALLOC_* settings that change batches, caches and release.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { WORKLOADS, generateWorkload } from '../../../../../shared/sim/malloc/workloads.js';
import { oracleMissing } from '../../../../helpers/oracles.js';
import { compareWithRealTcmalloc } from './real-tcmalloc.js';

const SEEDS = [1, 2, 3];
const OPS = 4000;
const ENVS = [
  '',
  'TCMALLOC_TRANSFER_NUM_OBJ=7',
  'TCMALLOC_AGGRESSIVE_DECOMMIT=1:TCMALLOC_TRANSFER_NUM_OBJ=64',
  'TCMALLOC_MAX_TOTAL_THREAD_CACHE_BYTES=1:TCMALLOC_RELEASE_RATE=50',
];

describe('random programs: model vs real TCMalloc', { skip: oracleMissing('libtcmalloc-minimal') }, () => {
  for (const w of WORKLOADS) {
    for (const env of ENVS) {
      test(`${w.name} × ${SEEDS.length} seeds, ${env === '' ? 'default environment' : env}`, (t) => {
        let ops = 0;
        for (const seed of SEEDS) {
          const c = compareWithRealTcmalloc(generateWorkload(w.name, { seed, opCount: OPS }), env);
          assert.equal(c.firstDiff, -1, `${w.name} seed ${seed}: ${c.report}`);
          ops += c.ops;
        }
        t.diagnostic(`${ops} ops agree`);
      });
    }
  }

  test('a 300000-op random program agrees (statistics compared every 100 ops)', () => {
    const c = compareWithRealTcmalloc(generateWorkload('random', { seed: 77, opCount: 300000 }), '', 100);
    assert.equal(c.firstDiff, -1, c.report);
  });

  test('long random programs (40000 ops) agree', () => {
    for (const w of ['random', 'big-churn']) {
      const c = compareWithRealTcmalloc(generateWorkload(w, { seed: 2024, opCount: 40000 }), '');
      assert.equal(c.firstDiff, -1, `${w}: ${c.report}`);
    }
  });
});
