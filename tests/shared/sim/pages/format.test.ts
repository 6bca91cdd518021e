// The CLI renderings of a run: the JSON report of issue 5 is checked against the real kernel, the table against
// the simulator's own numbers (what it prints must be what it computed).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SMAPS_COUNTER_FIELDS } from '../../../../shared/sim/pages/accounting.js';
import { buildSimPagesReport, describeStep, formatStepTable } from '../../../../shared/sim/pages/format.js';
import type { Scenario } from '../../../../shared/sim/pages/scenario.js';
import { simulateScenario } from '../../../../shared/sim/pages/simulate.js';
import { assertReportMatchesKernel } from './kernel-run.js';
import { loadScenarioFixture } from './scenario-fixtures.js';

describe('buildSimPagesReport', () => {
  for (const name of ['mixed-regions-fork-exit', 'pss-three-way-rounding', 'fork-chain-three-way']) {
    test(`${name}: final rows and touch faults match the kernel`, () => {
      const scenario = loadScenarioFixture(`${name}.json`);
      const report = buildSimPagesReport(scenario);
      assertReportMatchesKernel(report, scenario);
    });
  }

  test('a scenario without steps reports p0 with empty regions', () => {
    const scenario: Scenario = { regions: [{ name: 'a', type: 'anon', share: 'private', pages: 4 }], steps: [] };
    const report = buildSimPagesReport(scenario);
    assert.deepEqual(report.steps, []);
    assert.deepEqual(report.final.map((r) => `${r.proc}/${r.region}`), ['p0/a']);
  });
});

describe('formatStepTable', () => {
  test('prints every step and every row with the simulated numbers', () => {
    const scenario = loadScenarioFixture('mixed-regions-fork-exit.json');
    const results = simulateScenario(scenario);
    const text = formatStepTable(results);
    const blocks = text.trim().split('\n\n');
    assert.equal(blocks.length, results.length);
    results.forEach((r, i) => {
      const [heading, header, ...rows] = blocks[i]!.split('\n');
      assert.ok(heading!.startsWith(`step ${i}: ${describeStep(r.step)}`), heading);
      assert.equal(heading!.includes(`(minflt ${r.minorFaults})`), r.minorFaults !== null);
      assert.deepEqual(header!.trim().split(/\s+/), ['proc', 'region', ...SMAPS_COUNTER_FIELDS, 'minflt']);
      assert.equal(rows.length, r.usage.length);
      rows.forEach((row, j) => {
        const u = r.usage[j]!;
        assert.deepEqual(row.trim().split(/\s+/), [u.proc, u.region, ...SMAPS_COUNTER_FIELDS.map((f) => String(u.smaps[f])), String(u.minorFaults)]);
      });
    });
  });
});
