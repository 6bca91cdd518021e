// Seeded random scenarios (<= 3 living processes, <= 3 regions of <= 48 pages, <= 25 steps): simulator and
// real kernel must agree on every step, process, region, smaps field, page state and fault count.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { validateScenario } from '../../../../shared/sim/pages/scenario.js';
import { compareWithKernel } from './kernel-run.js';
import { generateScenario } from './random-scenario.js';

const SEEDS = Array.from({ length: 30 }, (_, i) => 1000 + i);

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
