// `memscope sim pages` as a user runs it: the JSON report agrees with the real kernel running the same scenario,
// the table is the simulator's own step table, and bad scenarios or arguments fail in one line.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { formatStepTable, type SimPagesReport } from '../../../shared/sim/pages/format.js';
import { parseScenario, type Scenario } from '../../../shared/sim/pages/scenario.js';
import { simulateScenario } from '../../../shared/sim/pages/simulate.js';
import { REPO_ROOT } from '../../helpers/paths.js';
import { runOnKernel } from '../../shared/sim/pages/kernel-run.js';
import { assertOneLineError, runMemscope } from '../../helpers/cli.js';
const memscope = (...args: string[]) => runMemscope(args);

const SCENARIOS = resolve(REPO_ROOT, 'tests/fixtures/scenarios');



function loadScenario(path: string): Scenario {
  const parsed = parseScenario(readFileSync(path, 'utf8'));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.scenario;
}

describe('memscope sim pages', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'memscope-sim-pages-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('--format json: touch faults and final smaps rows are what the real kernel did', () => {
    const path = join(SCENARIOS, 'mixed-regions-fork-exit.json');
    const r = memscope('sim', 'pages', path, '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as SimPagesReport;
    const scenario = loadScenario(path);
    const kernel = runOnKernel(scenario);
    assert.deepEqual(
      report.steps,
      kernel.flatMap((k) => (k.minflt === null ? [] : [{ i: k.index, minflt: k.minflt }])),
    );
    const last = kernel.at(-1)!.usage;
    assert.equal(report.final.length, last.length);
    for (const row of report.final) {
      const k = last.find((u) => u.proc === row.proc && u.region === row.region);
      assert.ok(k, `${row.proc}/${row.region} alive in the kernel run`);
      assert.deepEqual(
        [row.rss_kb, row.pss_kb, row.shared_clean_kb, row.shared_dirty_kb, row.private_clean_kb, row.private_dirty_kb, row.anonymous_kb],
        [k.smaps.Rss, k.smaps.Pss, k.smaps.Shared_Clean, k.smaps.Shared_Dirty, k.smaps.Private_Clean, k.smaps.Private_Dirty, k.smaps.Anonymous],
        `${row.proc}/${row.region}`,
      );
    }
  });

  test('the default table is the simulator step table, one heading per step', () => {
    const path = join(SCENARIOS, 'fork-chain-three-way.json');
    const r = memscope('sim', 'pages', path);
    assert.equal(r.code, 0, r.stderr);
    const scenario = loadScenario(path);
    assert.equal(r.stdout, formatStepTable(simulateScenario(scenario)));
    assert.equal(r.stdout.match(/^step \d+: /gm)?.length, scenario.steps.length);
    assert.equal(memscope('sim', 'pages', '--format', 'table', path).stdout, r.stdout);
  });

  test('an invalid scenario names the file and the JSON path of the bad field: exit 1, one line', () => {
    const good = JSON.parse(readFileSync(join(SCENARIOS, 'zero-page.json'), 'utf8')) as { regions: unknown[]; steps: Record<string, unknown>[] };
    const cases: [string, string, RegExp][] = [
      ['region.json', JSON.stringify({ ...good, steps: [{ ...good.steps[0], region: 'nope' }] }), /steps\[0\]\.region: unknown region "nope"/],
      ['range.json', JSON.stringify({ ...good, steps: [{ ...good.steps[0], first: 1e6 }] }), /steps\[0\]\.first: must be between/],
      ['proc.json', JSON.stringify({ ...good, steps: [{ op: 'exit', proc: 'p0' }, { op: 'exit', proc: 'p0' }] }), /steps\[1\]\.proc: process "p0" has exited/],
      ['type.json', JSON.stringify({ ...good, regions: [{ name: 'a', type: 'heap', share: 'private', pages: 1 }] }), /regions\[0\]\.type: must be one of/],
      ['notjson.json', '{"regions": [', /invalid JSON/],
    ];
    for (const [name, text, pattern] of cases) {
      const path = join(dir, name);
      writeFileSync(path, text);
      assertOneLineError(memscope('sim', 'pages', path, '--format', 'json'), 1, new RegExp(`${path}: .*${pattern.source}`));
    }
  });

  test('usage errors: exit 2, one line', () => {
    const scenario = join(SCENARIOS, 'zero-page.json');
    assertOneLineError(memscope('sim'), 2, /sim: expected a simulator \(.*pages/);
    assertOneLineError(memscope('sim', 'frobnicate'), 2, /unknown simulator "frobnicate"/);
    assertOneLineError(memscope('sim', 'pages'), 2, /expected SCENARIO\.JSON \(missing\)/);
    assertOneLineError(memscope('sim', 'pages', scenario, '--format', 'xml'), 2, /unknown --format "xml"/);
    assertOneLineError(memscope('sim', 'pages', join(dir, 'missing.json')), 1, /cannot read .*missing\.json": no such file/);
    assertOneLineError(memscope('sim', 'pages', dir), 1, /is a directory/);
  });
});
