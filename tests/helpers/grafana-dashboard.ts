// Reads the shipped Grafana dashboard (build/grafana/memscope-dashboard.json) and fills its queries'
// variables as Grafana does, so tests can check the JSON and run every query against a real Prometheus.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT } from './paths.js';

/** The dashboard users import or provision. */
export const DASHBOARD_FILE = resolve(REPO_ROOT, 'build/grafana/memscope-dashboard.json');

/** A panel's or variable's data source reference. */
export interface DatasourceRef {
  type?: string;
  uid?: string;
}

/** The parts of a Grafana panel the tests read. */
export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  datasource?: DatasourceRef;
  gridPos?: { h: number; w: number; x: number; y: number };
  targets?: { refId: string; expr: string; datasource?: DatasourceRef }[];
  panels?: DashboardPanel[];
}

/** The parts of a template variable the tests read. */
export interface DashboardVariable {
  name: string;
  type: string;
  query: string | { query: string };
  datasource?: DatasourceRef;
  multi?: boolean;
  includeAll?: boolean;
}

/** The parts of a dashboard the tests read. */
export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: DashboardPanel[];
  templating: { list: DashboardVariable[] };
}

/** One query of a panel, named for assertion messages. */
export interface PanelQuery {
  where: string;
  expr: string;
}

/** The dashboard as parsed JSON. */
export function readDashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;
}

/** Every panel, rows' nested panels included (a collapsed row keeps its panels inside it). */
export function listPanels(dashboard: Dashboard): DashboardPanel[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Every panel query, in dashboard order. */
export function listPanelQueries(dashboard: Dashboard): PanelQuery[] {
  return listPanels(dashboard).flatMap((p) => (p.targets ?? []).map((t) => ({ where: `panel ${p.id} "${p.title}" ${t.refId}`, expr: t.expr })));
}

/** A query variable's PromQL-side text (`label_values(…)`), whichever shape Grafana saved it in. */
export function readVariableQuery(variable: DashboardVariable): string {
  return typeof variable.query === 'string' ? variable.query : variable.query.query;
}

/** `label_values(SELECTOR, LABEL)` split into its series selector and label (what /api/v1/label/LABEL/values takes). */
export function parseLabelValues(query: string): { match: string; label: string } {
  const m = /^label_values\((.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/.exec(query.trim());
  if (m === null) throw new Error(`not a label_values(selector, label) query: ${query}`);
  return { match: m[1] ?? '', label: m[2] ?? '' };
}

/**
 * One multi-value variable's text inside `=~"…"`, as Grafana's Prometheus data source writes it: each
 * value's regex metacharacters escaped (a backslash, itself escaped for the PromQL string), joined
 * with `|`, in parentheses when there are several.
 */
export function formatRegexValues(values: readonly string[]): string {
  const escaped = values.map((v) => v.replace(/\\/g, '\\\\\\\\').replace(/[$^*{}[\]'+?.()|]/g, '\\\\$&'));
  return escaped.length === 1 ? (escaped[0] ?? '') : `(${escaped.join('|')})`;
}

/** The expression with `$name` / `${name}` replaced by its values and `$__rate_interval` by `rateInterval`. */
export function interpolateQuery(expr: string, values: Readonly<Record<string, readonly string[]>>, rateInterval: string): string {
  return expr.replace(/\$\{?(__rate_interval|[a-zA-Z_][a-zA-Z0-9_]*)\}?/g, (whole, name: string) => {
    if (name === '__rate_interval') return rateInterval;
    const v = values[name];
    if (v === undefined) throw new Error(`no value for ${whole} in ${expr}`);
    return formatRegexValues(v);
  });
}

/** Metric names an expression selects (`name{…}`); the dashboard and rules always write a selector. */
export function listSelectedMetricNames(expr: string): string[] {
  return [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{/g)].map((m) => m[1] ?? '');
}
