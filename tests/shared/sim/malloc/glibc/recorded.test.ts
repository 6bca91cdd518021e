// Recordings of real multi-threaded programs (tests/fixtures/traces/recorded/) replayed by real threads under
// the real glibc and through the model's threads and arenas: every op must agree.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../../helpers/paths.js';
import { compareThreadedWithRealGlibc, readOnlineCpus } from './real-glibc-threads.js';

const DIR = join(REPO_ROOT, 'tests/fixtures/traces/recorded');

describe('recorded real programs: model vs real glibc 2.36, op by op', () => {
  for (const name of ['xz-T4.trace', 'zstd-T4.trace', 'python3-json-threads.trace']) {
    test(name, () => {
      const text = readFileSync(join(DIR, name), 'utf8');
      const cpus = Number(/cpus=(\d+)/.exec(text)![1]);
      // The recording machine's arena limit (8 × its CPUs) on this machine: the same limit as a tunable
      // (equivalent to glibc's own rule for 2 CPUs and more, where the limit exceeds arena_test's 8 + 1).
      const tunables = cpus === readOnlineCpus() ? '' : `glibc.malloc.arena_max=${8 * cpus}`;
      const c = compareThreadedWithRealGlibc(text, tunables);
      assert.equal(c.firstDiff, -1, c.report);
      // premise: other threads than the main one allocated
      assert.ok(c.real.some((r) => r.tid > 0 && 'region' in r && r.region !== null));
    });
  }
});
