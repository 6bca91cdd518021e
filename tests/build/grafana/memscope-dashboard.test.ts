// The shipped Grafana dashboard (build/grafana/memscope-dashboard.json) is importable and provisionable
// as is: the data source is a variable, hosts and groups are variables, and every query reads series
// the exporter writes or the rules record. The queries run against a real Prometheus in
// tests/electron/host/metrics/metrics-prometheus.test.ts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { listMetricNames } from '../../../shared/metrics/metric-names.js';
import { DASHBOARD_FILE, listPanelQueries, listPanels, listSelectedMetricNames, parseLabelValues, readDashboard, readVariableQuery } from '../../helpers/grafana-dashboard.js';
import { listRecordedNames } from '../../helpers/prometheus-rules.js';

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
/** Grafana 10's schema; older Grafana cannot import newer dashboards, so this is the floor we ship. */
const MIN_SCHEMA_VERSION = 36;

describe('memscope-dashboard.json', () => {
  const dashboard = readDashboard();

  test('has what an import needs: uid, title, a schemaVersion, unique panel ids and in-grid positions', () => {
    assert.equal(typeof dashboard.uid, 'string');
    assert.ok(dashboard.title.length > 0);
    assert.ok(Number.isInteger(dashboard.schemaVersion) && dashboard.schemaVersion >= MIN_SCHEMA_VERSION, `schemaVersion ${dashboard.schemaVersion}`);
    const panels = listPanels(dashboard);
    const ids = panels.map((p) => p.id);
    assert.ok(ids.every((id) => Number.isInteger(id) && id > 0));
    assert.equal(new Set(ids).size, ids.length, `duplicate panel ids: ${ids.join(',')}`);
    for (const p of panels) {
      const g = p.gridPos;
      assert.ok(g !== undefined && g.x >= 0 && g.w > 0 && g.x + g.w <= 24 && g.h > 0, `panel ${p.id} gridPos`);
    }
  });

  test('the data source is a variable, and every panel, query and variable uses it', () => {
    const variables = dashboard.templating.list;
    const ds = variables.find((v) => v.name === 'datasource');
    assert.equal(ds?.type, 'datasource');
    assert.equal(ds?.query, 'prometheus');
    for (const v of variables.filter((x) => x.type === 'query')) assert.deepEqual(v.datasource, DATASOURCE, `variable ${v.name}`);
    const drawn = listPanels(dashboard).filter((p) => p.type !== 'row');
    assert.ok(drawn.length > 0);
    for (const p of drawn) {
      assert.deepEqual(p.datasource, DATASOURCE, `panel ${p.id} "${p.title}"`);
      assert.ok((p.targets ?? []).length > 0, `panel ${p.id} has no query`);
      for (const t of p.targets ?? []) assert.deepEqual(t.datasource, DATASOURCE, `panel ${p.id} ${t.refId}`);
    }
  });

  test('instance and groupname are multi-value label_values variables', () => {
    const variables = new Map(dashboard.templating.list.map((v) => [v.name, v]));
    for (const [name, label] of [['instance', 'instance'], ['groupname', 'groupname']] as const) {
      const v = variables.get(name);
      assert.ok(v !== undefined, `no ${name} variable`);
      assert.equal(v.type, 'query');
      assert.equal(parseLabelValues(readVariableQuery(v)).label, label);
      assert.equal(v.multi, true);
      assert.equal(v.includeAll, true);
    }
  });

  test('no host is hard-coded: every query selects instance=~"$instance"', () => {
    for (const q of listPanelQueries(dashboard)) {
      for (const selector of q.expr.match(/\{[^}]*\}/g) ?? []) assert.match(selector, /instance=~"\$instance"/, `${q.where}: ${q.expr}`);
      assert.ok((q.expr.match(/\{/g) ?? []).length > 0, `${q.where}: no selector`);
    }
    const text = readFileSync(DASHBOARD_FILE, 'utf8');
    assert.doesNotMatch(text, /\b\d{1,3}(\.\d{1,3}){3}\b|localhost|:9187\b/, 'an address in the dashboard');
  });

  test('queries read only series the exporter writes, the rules record, or Prometheus adds to each scrape', () => {
    const known = new Set([...listMetricNames(), ...listRecordedNames(), 'up', 'scrape_duration_seconds']);
    for (const q of listPanelQueries(dashboard)) {
      for (const name of listSelectedMetricNames(q.expr)) assert.ok(known.has(name), `${q.where}: ${name} is neither exported nor recorded`);
    }
    for (const v of dashboard.templating.list.filter((x) => x.type === 'query')) {
      const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(parseLabelValues(readVariableQuery(v)).match)?.[0] ?? '';
      assert.ok(known.has(name), `variable ${v.name}: ${name}`);
    }
  });

  test('the panels cover processes and groups by RSS and PSS, host memory, swap, faults and sampling cost', () => {
    const exprs = listPanelQueries(dashboard).map((q) => q.expr).join('\n');
    for (const needle of [
      'memscope_process_resident_bytes',
      'memscope_process_pss_bytes',
      'memscope_group_resident_bytes',
      'memscope_group_pss_bytes',
      'memscope_host_memory_available',
      'memscope_host_swap_used_bytes',
      'memscope_group_major_faults_total',
      'memscope_major_faults',
      'memscope_sampling_cpu_seconds',
    ]) {
      assert.ok(exprs.includes(needle), `no panel reads ${needle}`);
    }
  });
});
