// The shipped Prometheus rules (build/prometheus/memscope-rules.yml) against promtool, Prometheus's own
// checker: they parse, and the unit tests in tests/fixtures/prometheus fire and hold back every alert.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { listMetricNames } from '../../../shared/metrics/metric-names.js';
import { oracleMissing, requireOracle } from '../../helpers/oracles.js';
import { readReadmeSection } from '../../helpers/readme.js';
import { listAlertNames, listRecordedNames, listRuleExprs, RULES_FILE, RULES_TEST_FILE } from '../../helpers/prometheus-rules.js';

function runPromtool(...args: string[]): { status: number | null; output: string } {
  const r = spawnSync(requireOracle('promtool'), args, { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('memscope-rules.yml', () => {
  test('promtool check rules accepts every rule', { skip: oracleMissing('promtool') }, () => {
    const r = runPromtool('check', 'rules', RULES_FILE);
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, new RegExp(`SUCCESS: ${listRecordedNames().length + listAlertNames().length} rules found`));
  });

  test('promtool test rules: each alert fires on its synthetic series and stays quiet on the others', { skip: oracleMissing('promtool') }, () => {
    const r = runPromtool('test', 'rules', RULES_TEST_FILE);
    assert.equal(r.status, 0, r.output);
  });

  test('the unit tests expect every alert both ways: firing, and not firing', () => {
    const text = readFileSync(RULES_TEST_FILE, 'utf8');
    const expectations = [...text.matchAll(/alertname: (\S+)\n\s+exp_alerts:( \[\])?/g)];
    for (const alert of listAlertNames()) {
      const mine = expectations.filter((m) => m[1] === alert);
      assert.ok(mine.some((m) => m[2] === undefined), `${alert}: no evaluation where it fires`);
      assert.ok(mine.some((m) => m[2] === ' []'), `${alert}: no evaluation where it must not fire`);
    }
  });

  test('rules read only series the exporter writes, their own records and `up`', () => {
    const known = new Set([...listMetricNames(), ...listRecordedNames(), 'up']);
    const functionsAndKeywords = new Set(['by', 'and', 'or', 'sum', 'rate', 'deriv', 'topk', 'job', 'instance']);
    for (const expr of listRuleExprs()) {
      const names = (expr.replace(/\{[^}]*\}|\[[^\]]*\]/g, '').match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? []).filter((n) => !functionsAndKeywords.has(n));
      for (const name of names) assert.ok(known.has(name), `${expr}: ${name} is neither exported (shared/metrics/metric-names.ts) nor recorded`);
    }
  });

  test("README.md (Running memscope on a fleet) names both files and explains every alert; its rule_files snippet passes promtool check config", { skip: oracleMissing('promtool') }, () => {
    const doc = readReadmeSection('Running memscope on a fleet');
    for (const path of ['build/grafana/memscope-dashboard.json', 'build/prometheus/memscope-rules.yml']) assert.ok(doc.includes(`\`${path}\``), `${path} documented`);
    for (const alert of listAlertNames()) assert.match(doc, new RegExp(`^\\| \`${alert}\` \\|`, 'm'), `${alert} in the alerts table`);
    const snippet = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '').find((b) => b.includes('rule_files:'));
    assert.ok(snippet !== undefined, 'no rule_files snippet');
    const dir = mkdtempSync(join(tmpdir(), 'memscope-rules-'));
    try {
      const yml = join(dir, 'prometheus.yml');
      writeFileSync(yml, snippet.replace(/- \S+memscope-rules\.yml/, `- ${RULES_FILE}`));
      const r = runPromtool('check', 'config', yml);
      assert.equal(r.status, 0, r.output);
      assert.match(r.output, /SUCCESS: \d+ rules found/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
