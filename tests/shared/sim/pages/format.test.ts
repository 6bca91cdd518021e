// The CLI renderings of a run: the JSON report of issue 5 is checked against the real kernel, the table against
// the simulator's own numbers (what it prints must be what it computed).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT } from '../../../helpers/paths.js';
import { SMAPS_COUNTER_FIELDS } from '../../../../shared/sim/pages/accounting.js';
import { buildSimPagesReport, describeStep, formatStepTable } from '../../../../shared/sim/pages/format.js';
import { parseScenario, type Scenario } from '../../../../shared/sim/pages/scenario.js';
import { simulateScenario } from '../../../../shared/sim/pages/simulate.js';
import { runOnKernel } from './kernel-run.js';

function loadScenario(name: string): Scenario {
  const parsed = parseScenario(readFileSync(resolve(REPO_ROOT, 'tests/fixtures/scenarios', `${name}.json`), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.scenario;
}

describe('buildSimPagesReport', () => {
  for (const name of ['mixed-regions-fork-exit', 'pss-three-way-rounding', 'fork-chain-three-way']) {
    test(`${name}: final rows and touch faults match the kernel`, () => {
      const scenario = loadScenario(name);
      const report = buildSimPagesReport(scenario);
      const kernel = runOnKernel(scenario);
      assert.deepEqual(
        report.steps,
        kernel.flatMap((k) => (k.minflt === null ? [] : [{ i: k.index, minflt: k.minflt }])),
      );
      const last = kernel.at(-1)!.usage;
      assert.equal(report.final.length, last.length);
      const sorted = [...report.final].sort((a, b) => (a.proc + '\0' + a.region < b.proc + '\0' + b.region ? -1 : 1));
      assert.deepEqual(report.final, sorted, 'final is sorted by proc then region');
      for (const row of report.final) {
        const k = last.find((u) => u.proc === row.proc && u.region === row.region);
        assert.ok(k, `${row.proc}/${row.region} is not alive in the kernel run`);
        const kernelFaults = kernel
          .filter((step) => {
            const s = scenario.steps[step.index]!;
            return s.op === 'touch' && s.proc === row.proc && s.region === row.region;
          })
          .reduce((sum, step) => sum + step.minflt!, 0);
        assert.deepEqual(
          [row.rss_kb, row.pss_kb, row.shared_clean_kb, row.shared_dirty_kb, row.private_clean_kb, row.private_dirty_kb, row.anonymous_kb, row.minflt],
          [...SMAPS_COUNTER_FIELDS.map((f) => k.smaps[f]), kernelFaults],
          `${row.proc}/${row.region}`,
        );
      }
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
    const scenario = loadScenario('mixed-regions-fork-exit');
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
