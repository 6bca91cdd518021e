// `memscope sim pages` as a user runs it: the JSON report agrees with the real kernel running the same scenario,
// the table is the simulator's own step table, and bad scenarios or arguments fail in one line.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { formatStepTable, type SimPagesReport } from '../../../shared/sim/pages/format.js';
import { simulateScenario } from '../../../shared/sim/pages/simulate.js';
import { assertReportMatchesKernel } from '../../shared/sim/pages/kernel-run.js';
import { loadScenarioFixture, SCENARIO_DIR } from '../../shared/sim/pages/scenario-fixtures.js';
import { assertOneLineError, runMemscope } from '../../helpers/cli.js';
const memscope = (...args: string[]) => runMemscope(args);
/** A bound must refuse fast; a regression that runs instead is killed here rather than hanging the suite. */
const BOUND_TIMEOUT_MS = 20_000;
/** The run-time bounds refuse after a few seconds of simulating (several passes over a 16 GiB region). */
const RUN_BOUND_TIMEOUT_MS = 90_000;

describe('memscope sim pages', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'memscope-sim-pages-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('--format json: touch faults and final smaps rows are what the real kernel did', () => {
    const path = join(SCENARIO_DIR, 'mixed-regions-fork-exit.json');
    const r = memscope('sim', 'pages', path, '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    assertReportMatchesKernel(JSON.parse(r.stdout) as SimPagesReport, loadScenarioFixture('mixed-regions-fork-exit.json'));
  });

  test('the default table is the simulator step table, one heading per step', () => {
    const path = join(SCENARIO_DIR, 'fork-chain-three-way.json');
    const r = memscope('sim', 'pages', path);
    assert.equal(r.code, 0, r.stderr);
    const scenario = loadScenarioFixture('fork-chain-three-way.json');
    assert.equal(r.stdout, formatStepTable(simulateScenario(scenario)));
    assert.equal(r.stdout.match(/^step \d+: /gm)?.length, scenario.steps.length);
    assert.equal(memscope('sim', 'pages', '--format', 'table', path).stdout, r.stdout);
  });

  test('an invalid scenario names the file and the JSON path of the bad field: exit 1, one line', () => {
    const good = JSON.parse(readFileSync(join(SCENARIO_DIR, 'zero-page.json'), 'utf8')) as { regions: unknown[]; steps: Record<string, unknown>[] };
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

  test('a scenario that never ends (/dev/zero) is refused at 256 MiB in one line, exit 2 (it was read until memory ran out)', () => {
    assertOneLineError(runMemscope(['sim', 'pages', '/dev/zero'], { timeoutMs: BOUND_TIMEOUT_MS }), 2, /"\/dev\/zero" is larger than 256 MiB, the most memscope reads/);
  });

  test('usage errors: exit 2, one line', () => {
    const scenario = join(SCENARIO_DIR, 'zero-page.json');
    assertOneLineError(memscope('sim'), 2, /sim: expected a simulator \(.*pages/);
    assertOneLineError(memscope('sim', 'frobnicate'), 2, /unknown simulator "frobnicate"/);
    assertOneLineError(memscope('sim', 'pages'), 2, /expected SCENARIO\.JSON \(missing\)/);
    assertOneLineError(memscope('sim', 'pages', scenario, '--format', 'xml'), 2, /unknown --format "xml"/);
    assertOneLineError(memscope('sim', 'pages', join(dir, 'missing.json')), 1, /cannot read .*missing\.json": no such file/);
    assertOneLineError(memscope('sim', 'pages', dir), 1, /is a directory/);
  });

  describe('work beyond a documented bound: exit 2, one line naming the bound', () => {
    const FULL = 1 << 22;
    const region = (name: string, pages: number, share = 'private'): object => ({ name, type: 'anon', share, pages });
    const forks = (count: number): object[] => Array.from({ length: count }, (_, i) => ({ op: 'fork', proc: 'p0', child: `c${i + 1}` }));
    const touch = (proc: string, access: string): object => ({ op: 'touch', proc, region: 'r', access, first: 0, count: FULL });
    const write = (name: string, scenario: object): string => {
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify(scenario));
      return path;
    };

    const refusedBeforeRunning: [string, object, string[], RegExp][] = [
      ['a region of 2^40 pages', { regions: [region('r', 2 ** 40)], steps: [] }, [], /regions\[0\]\.pages: the regions hold more than 4194304 pages \(16 GiB\) together, the simulator's bound/],
      ['300 regions', { regions: Array.from({ length: 300 }, (_, i) => region(`r${i}`, 1)), steps: [] }, [], /regions: more than 256 regions \(300\), the simulator's bound/],
      ['1024 forks', { regions: [region('r', 1)], steps: forks(1024) }, [], /steps\[1023\]\.child: more than 1024 processes/],
      ['300 passes over 16 GiB', { regions: [region('r', FULL)], steps: Array.from({ length: 300 }, () => touch('p0', 'read')) }, [], /steps\[256\]: more than 1073741824 page operations/],
      ['a step table of 801800 rows', { regions: [region('r', 1)], steps: [...forks(1000), ...Array.from({ length: 300 }, () => ({ op: 'touch', proc: 'p0', region: 'r', access: 'read', first: 0, count: 1 }))] }, ['--format', 'table'], /the step table would have 801800 rows, more than 262144 \(the bound\); --format json/],
    ];
    for (const [what, scenario, flags, message] of refusedBeforeRunning) {
      test(what, () => {
        const path = write(`${what.replace(/\W+/g, '-')}.json`, scenario);
        const r = runMemscope(['sim', 'pages', path, ...flags], { timeoutMs: BOUND_TIMEOUT_MS });
        assertOneLineError(r, 2, new RegExp(`${path}: .*${message.source}`));
      });
    }

    test('the same 1000 forks print their final rows with --format json', () => {
      const path = write('json-rows.json', refusedBeforeRunning[4]![1]);
      const r = runMemscope(['sim', 'pages', path, '--format', 'json'], { timeoutMs: BOUND_TIMEOUT_MS });
      assert.equal(r.code, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as SimPagesReport).final.length, 1001);
    });

    test('a run that needs more than 32768 page tables stops at the step that does', () => {
      // Each process maps the shared region in its own tables (shared VMAs are not copied at fork): 8192 each.
      const steps = [touch('p0', 'read'), ...forks(4), ...[1, 2, 3, 4].map((k) => touch(`c${k}`, 'read'))];
      const path = write('tables.json', { regions: [region('r', FULL, 'shared')], steps });
      const r = runMemscope(['sim', 'pages', path, '--format', 'json'], { timeoutMs: RUN_BOUND_TIMEOUT_MS });
      assertOneLineError(r, 2, /steps\[8\]: needs more than 32768 page tables \(64 GiB mapped\), the simulator's bound/);
    });

    test('a run that needs more than 16777216 physical pages stops at the step that does', () => {
      // p0 and three children each hold a private copy of 16 GiB: 64 GiB; the fourth child's copy passes it.
      const steps = [touch('p0', 'write'), ...forks(4), ...[1, 2, 3, 4].map((k) => touch(`c${k}`, 'write'))];
      const path = write('frames.json', { regions: [region('r', FULL)], steps });
      const r = runMemscope(['sim', 'pages', path, '--format', 'json'], { timeoutMs: RUN_BOUND_TIMEOUT_MS });
      assertOneLineError(r, 2, /steps\[8\]: needs more than 16777216 physical pages \(64 GiB\), the simulator's bound/);
    });

    test('--help names every bound', () => {
      const r = runMemscope(['sim', 'pages', '--help'], { timeoutMs: BOUND_TIMEOUT_MS });
      assert.equal(r.code, 0, r.stderr);
      for (const bound of ['256 regions', '4194304 pages', '1024 processes', '1073741824 page operations', '262144 table rows', '16777216 physical pages', '32768 page tables']) {
        assert.ok(r.stdout.includes(bound), `${bound} in:\n${r.stdout}`);
      }
    });
  });
});
