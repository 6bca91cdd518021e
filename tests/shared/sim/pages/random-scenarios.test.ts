// Seeded random scenarios (<= 3 living processes, <= 3 regions of <= 48 pages, <= 25 steps; and a few with
// regions over several page tables, where forked processes share and copy tables): simulator and real kernel
// must agree on every step, process, region, smaps field, page state and fault count.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { validateScenario } from '../../../../shared/sim/pages/scenario.js';
import { compareWithKernel } from './kernel-run.js';
import { generateScenario, type RandomLimits } from './random-scenario.js';

const SEEDS = Array.from({ length: 30 }, (_, i) => 1000 + i);
/** Regions of up to 1300 pages span three page tables (512 PTEs each); four processes share them. */
const MULTI_TABLE: RandomLimits = { maxLiveProcs: 4, maxRegions: 3, maxPages: 1300, maxSteps: 25 };
const MULTI_TABLE_SEEDS = Array.from({ length: 30 }, (_, i) => 2000 + i);

describe('pages simulator agrees with the kernel on random scenarios', () => {
  for (const seed of SEEDS) {
    test(`seed ${seed}`, () => {
      const scenario = generateScenario(seed);
      const valid = validateScenario(JSON.parse(JSON.stringify(scenario)));
      assert.ok(valid.ok, valid.ok ? '' : `${valid.error.path}: ${valid.error.message}`);
      const problems = compareWithKernel(scenario);
      assert.deepEqual(problems, [], `${JSON.stringify(scenario)}\n${problems.join('\n')}`);
    });
  }
});

describe('pages simulator agrees with the kernel on random scenarios over several page tables', () => {
  for (const seed of MULTI_TABLE_SEEDS) {
    test(`seed ${seed}`, () => {
      const scenario = generateScenario(seed, MULTI_TABLE);
      const problems = compareWithKernel(scenario);
      assert.deepEqual(problems, [], `${JSON.stringify(scenario)}\n${problems.slice(0, 5).join('\n')}`);
    });
  }
});
