// Renders a page-simulation run for people (a step-by-step table) and for programs (the `memscope sim pages
// --format json` report of issue 5). Strings and plain objects only: the CLI prints them.

import { SMAPS_COUNTER_FIELDS } from './accounting.js';
import type { Scenario, Step } from './scenario.js';
import { collectUsage, runScenario, type StepResult, type VmaUsage } from './simulate.js';

/** One line describing a step, e.g. `touch p0 heap write pages 0-15`. */
export function describeStep(step: Step): string {
  const pages = (first: number, count: number): string => (count === 1 ? `page ${first}` : `pages ${first}-${first + count - 1}`);
  switch (step.op) {
    case 'touch':
      return `touch ${step.proc} ${step.region} ${step.access} ${pages(step.first, step.count)}`;
    case 'fork':
      return `fork ${step.proc} -> ${step.child}`;
    case 'madvise':
      return `madvise ${step.proc} ${step.region} MADV_${step.advice.toUpperCase()} ${pages(step.first, step.count)}`;
    case 'exit':
      return `exit ${step.proc}`;
  }
}

const TABLE_COLUMNS = ['proc', 'region', ...SMAPS_COUNTER_FIELDS, 'minflt'] as const;

function renderRows(rows: readonly VmaUsage[]): string[] {
  const cells = rows.map((r) => [r.proc, r.region, ...SMAPS_COUNTER_FIELDS.map((f) => String(r.smaps[f])), String(r.minorFaults)]);
  const widths = TABLE_COLUMNS.map((title, c) => Math.max(title.length, ...cells.map((row) => row[c]!.length)));
  // Names left-aligned, numbers right-aligned.
  const render = (row: readonly string[]): string =>
    row.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd();
  return [render(TABLE_COLUMNS), ...cells.map(render)];
}

/**
 * Most process × region rows the step table may print over all steps (about 25 MB of text); the JSON report,
 * which prints only the final rows, has no such bound.
 */
export const MAX_TABLE_ROWS = 1 << 18;

/** The rows formatStepTable would print for a validated scenario: after each step, living processes × regions. */
export function countTableRows(scenario: Scenario): number {
  let living = 1;
  let rows = 0;
  for (const step of scenario.steps) {
    if (step.op === 'fork') living++;
    else if (step.op === 'exit') living--;
    rows += living * scenario.regions.length;
  }
  return rows;
}

/**
 * A step-by-step table: per step a heading (index, what it did, its minor faults) and one row per living
 * process and region with the smaps counters in kB and the process's faults on that region so far.
 */
export function formatStepTable(results: readonly StepResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    const faults = r.minorFaults === null ? '' : `  (minflt ${r.minorFaults})`;
    lines.push(`step ${r.index}: ${describeStep(r.step)}${faults}`);
    lines.push(...renderRows(r.usage).map((l) => `  ${l}`));
    lines.push('');
  }
  return lines.join('\n');
}

/** One row of the report's `final` list (kB, and minor faults over the whole scenario). */
export interface SimPagesFinalRow {
  proc: string;
  region: string;
  rss_kb: number;
  pss_kb: number;
  shared_clean_kb: number;
  shared_dirty_kb: number;
  private_clean_kb: number;
  private_dirty_kb: number;
  anonymous_kb: number;
  minflt: number;
}

/** `memscope sim pages --format json` output (issue 5). */
export interface SimPagesReport {
  /** Touch steps only; i = the step's index among all steps. */
  steps: { i: number; minflt: number }[];
  /** Every process alive at the end × region, sorted by proc then region. */
  final: SimPagesFinalRow[];
}

/** Simulates a validated scenario and builds the JSON report of issue 5 (smaps counted once, at the end). */
export function buildSimPagesReport(scenario: Scenario): SimPagesReport {
  const steps: SimPagesReport['steps'] = [];
  const state = runScenario(scenario, (_state, i, minflt) => {
    if (minflt !== null) steps.push({ i, minflt });
  });
  const final = collectUsage(state)
    .map((u) => ({
      proc: u.proc,
      region: u.region,
      rss_kb: u.smaps.Rss,
      pss_kb: u.smaps.Pss,
      shared_clean_kb: u.smaps.Shared_Clean,
      shared_dirty_kb: u.smaps.Shared_Dirty,
      private_clean_kb: u.smaps.Private_Clean,
      private_dirty_kb: u.smaps.Private_Dirty,
      anonymous_kb: u.smaps.Anonymous,
      minflt: u.minorFaults,
    }))
    .sort((a, b) => compareText(a.proc, b.proc) || compareText(a.region, b.region));
  return { steps, final };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
