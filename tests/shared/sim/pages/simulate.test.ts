// The simulator against the real kernel on the named scenarios of tests/fixtures/scenarios (one per rule of
// kernel-paging.md): per step the minor faults, per living process and region every smaps field and page state.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { applyStep, simulateScenario } from '../../../../shared/sim/pages/simulate.js';
import { checkPagesState } from '../../../../shared/sim/pages/check.js';
import { createPagesState } from '../../../../shared/sim/pages/state.js';
import { compareWithKernel, runOnKernel } from './kernel-run.js';
import { loadScenarioFixture, SCENARIO_DIR } from './scenario-fixtures.js';
import { buildWriteForkWrite, PAGES_1GIB, REGION_KINDS } from './write-fork-write.js';

const files = readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.json')).sort();

describe('pages simulator agrees with the kernel on the named scenarios', () => {
  test('there are scenarios to run', () => {
    assert.ok(files.length >= 20, `only ${files.length} scenarios in ${SCENARIO_DIR}`);
  });
  for (const file of files) {
    test(file.replace(/\.json$/, ''), () => {
      const problems = compareWithKernel(loadScenarioFixture(file));
      assert.deepEqual(problems, [], problems.join('\n'));
    });
  }
});

describe('simulateScenario', () => {
  test('reports every living process × region after each step, and minflt only for touches', () => {
    const scenario = loadScenarioFixture('mixed-regions-fork-exit.json');
    const results = simulateScenario(scenario);
    const kernel = runOnKernel(scenario);
    assert.equal(results.length, scenario.steps.length);
    results.forEach((r, i) => {
      assert.equal(r.index, i);
      assert.equal(r.minorFaults === null, scenario.steps[i]!.op !== 'touch');
      assert.deepEqual(
        r.usage.map((u) => `${u.proc}/${u.region}`),
        kernel[i]!.usage.map((u) => `${u.proc}/${u.region}`),
      );
    });
  });

  test('per-region fault totals add up to the touch steps of each process', () => {
    const scenario = loadScenarioFixture('mixed-regions-fork-exit.json');
    const results = simulateScenario(scenario);
    const last = results.at(-1)!;
    for (const proc of new Set(last.usage.map((u) => u.proc))) {
      const total = last.usage.filter((u) => u.proc === proc).reduce((s, u) => s + u.minorFaults, 0);
      const fromSteps = results.filter((r) => r.step.proc === proc).reduce((s, r) => s + (r.minorFaults ?? 0), 0);
      assert.equal(total, fromSteps, proc);
    }
  });
});

describe('simulator at scale (timing lives in npm run bench)', () => {
  for (const [type, share] of REGION_KINDS) {
    test(`a 1 GiB ${type}/${share} region through a write pass, fork and the child's write pass keeps its invariants`, () => {
      const scenario = buildWriteForkWrite(type, share);
      const results = simulateScenario(scenario);
      assert.equal(results.length, 3);
      // Every page was written by the child last: it holds 1 GiB (private: its own copies; shared: the shared pages).
      const child = results[2]?.usage.find((u) => u.proc === 'c1');
      assert.equal(child?.smaps.Rss, PAGES_1GIB * 4);
      const state = createPagesState(scenario.regions);
      for (const step of scenario.steps) applyStep(state, step);
      assert.deepEqual(checkPagesState(state), []);
    });
  }
});
