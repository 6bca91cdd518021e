// Runs a page scenario on the real kernel (tests/harness/pages-scenario.c) and compares it with the simulator,
// step by step, field by field. The kernel is the oracle: a disagreement is reported with both page states.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildHarness } from '../../../helpers/c-build.js';
import { REPO_ROOT } from '../../../helpers/paths.js';
import { SMAPS_COUNTER_FIELDS, type SmapsCountersKb } from '../../../../shared/sim/pages/accounting.js';
import type { SimPagesReport } from '../../../../shared/sim/pages/format.js';
import { FIRST_PROC, type Scenario } from '../../../../shared/sim/pages/scenario.js';
import { simulateScenario, type StepResult } from '../../../../shared/sim/pages/simulate.js';

/** What the kernel showed for one process and region after one step. */
export interface KernelVma {
  proc: string;
  region: string;
  smaps: SmapsCountersKb;
  /** Page tokens from pagemap + kpageflags + kpagecount (same format as describeVmaPages, lower-case). */
  pages: string;
}

/** What the kernel did in one step. */
export interface KernelStep {
  index: number;
  /** Minor faults of a touch step (null for other steps). */
  minflt: number | null;
  usage: KernelVma[];
}

const EXIT_INTERFERENCE = 75;
const MAX_ATTEMPTS = 4;

let harnessPath: string | undefined;

function getHarness(): string {
  harnessPath ??= buildHarness('pages-scenario.c', ['-fno-stack-protector']);
  return harnessPath;
}

/** Process names in creation order (index = harness process number). */
function listProcs(scenario: Scenario): string[] {
  const procs = [FIRST_PROC];
  for (const step of scenario.steps) if (step.op === 'fork') procs.push(step.child);
  return procs;
}

/** The harness's line-based command file for a scenario. */
export function writeCommandFile(scenario: Scenario): string {
  const procs = listProcs(scenario);
  const proc = (name: string): number => procs.indexOf(name);
  const region = (name: string): number => scenario.regions.findIndex((r) => r.name === name);
  const lines = scenario.regions.map((r) => `region ${r.type} ${r.share} ${r.pages}`);
  for (const s of scenario.steps) {
    if (s.op === 'touch') lines.push(`touch ${proc(s.proc)} ${region(s.region)} ${s.access} ${s.first} ${s.count}`);
    else if (s.op === 'fork') lines.push(`fork ${proc(s.proc)} ${proc(s.child)}`);
    else if (s.op === 'madvise') lines.push(`dontneed ${proc(s.proc)} ${region(s.region)} ${s.first} ${s.count}`);
    else lines.push(`exit ${proc(s.proc)}`);
  }
  return lines.join('\n') + '\n';
}

function parseHarnessOutput(scenario: Scenario, stdout: string): KernelStep[] {
  const procs = listProcs(scenario);
  const steps: KernelStep[] = [];
  const pending = new Map<string, KernelVma>();
  let done = false;
  for (const line of stdout.split('\n')) {
    const f = line.split(' ');
    if (f[0] === 'step') {
      steps.push({ index: Number(f[1]), minflt: f[2] === '-' ? null : Number(f[2]), usage: [] });
    } else if (f[0] === 'smaps') {
      const [, , p, r, ...values] = f.map(Number);
      const smaps = Object.fromEntries(SMAPS_COUNTER_FIELDS.map((name, k) => [name, values[k]!])) as unknown as SmapsCountersKb;
      const vma: KernelVma = { proc: procs[p!]!, region: scenario.regions[r!]!.name, smaps, pages: '' };
      pending.set(`${p} ${r}`, vma);
      steps.at(-1)!.usage.push(vma);
    } else if (f[0] === 'pages') {
      pending.get(`${f[2]} ${f[3]}`)!.pages = f.slice(4).join(' ');
    } else if (f[0] === 'done') done = true;
  }
  if (!done || steps.length !== scenario.steps.length) throw new Error(`harness output incomplete:\n${stdout.slice(-2000)}`);
  return steps;
}

/**
 * Runs the scenario on the real kernel. Runs again (up to 4 times) when the harness detected outside
 * interference (evicted page cache, major faults), as kernel-paging.md advises.
 */
export function runOnKernel(scenario: Scenario): KernelStep[] {
  const workDir = resolve(REPO_ROOT, 'dist/pages-scenario-tmp');
  mkdirSync(workDir, { recursive: true });
  const commandFile = resolve(workDir, `commands-${process.pid}-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(commandFile, writeCommandFile(scenario));
  try {
    let lastError = '';
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const r = spawnSync(getHarness(), [commandFile, workDir], { encoding: 'utf8', maxBuffer: 256 << 20, timeout: 120_000 });
      if (r.status === 0) return parseHarnessOutput(scenario, r.stdout);
      lastError = `status ${r.status} ${r.signal ?? ''}: ${r.stderr}`;
      if (r.status !== EXIT_INTERFERENCE) break;
    }
    throw new Error(`pages-scenario harness failed: ${lastError}`);
  } finally {
    rmSync(commandFile, { force: true });
  }
}

/** Lower-cases the simulator's dirty marks so its page tokens compare with the kernel's. */
function normalizeTokens(pages: string): string {
  return pages.toLowerCase();
}

function listProblems(simulated: StepResult[], kernel: KernelStep[]): string[] {
  const problems: string[] = [];
  simulated.forEach((sim, i) => {
    const real = kernel[i]!;
    const where = `step ${i} ${JSON.stringify(sim.step)}`;
    const stepProblems: string[] = [];
    if (sim.minorFaults !== real.minflt) stepProblems.push(`minflt: simulator ${sim.minorFaults}, kernel ${real.minflt}`);
    const realKeys = real.usage.map((u) => `${u.proc}/${u.region}`).join(',');
    const simKeys = sim.usage.map((u) => `${u.proc}/${u.region}`).join(',');
    if (realKeys !== simKeys) stepProblems.push(`living process × region: simulator ${simKeys}, kernel ${realKeys}`);
    for (const s of sim.usage) {
      const k = real.usage.find((u) => u.proc === s.proc && u.region === s.region);
      if (k === undefined) continue;
      const fields = SMAPS_COUNTER_FIELDS.filter((name) => s.smaps[name] !== k.smaps[name]);
      const pagesDiffer = normalizeTokens(s.pages ?? '') !== k.pages;
      if (fields.length === 0 && !pagesDiffer) continue;
      stepProblems.push(
        `${s.proc}/${s.region}: ` +
          fields.map((name) => `${name} simulator ${s.smaps[name]} kernel ${k.smaps[name]}`).join(', ') +
          `\n    simulator pages: ${s.pages}\n    kernel pages:    ${k.pages}`,
      );
    }
    if (stepProblems.length > 0) problems.push(`${where}\n  ${stepProblems.join('\n  ')}`);
  });
  return problems;
}

/**
 * Runs the simulator and the kernel on one scenario and returns every disagreement (empty = 100% agreement):
 * per step the touch's minor faults, then per living process and region every smaps counter and the page states.
 * On a disagreement the kernel runs twice more and the answer two runs agree on is the judge, so an undetected
 * outside disturbance of one run (kernel-paging.md: about 1 run in 1,000) cannot fail the test.
 */
export function compareWithKernel(scenario: Scenario): string[] {
  const simulated = simulateScenario(scenario, { pageStates: true, checkInvariants: true });
  const first = runOnKernel(scenario);
  const problems = listProblems(simulated, first);
  if (problems.length === 0) return problems;
  const runs = [first, runOnKernel(scenario), runOnKernel(scenario)];
  const keys = runs.map((r) => JSON.stringify(r));
  const agreed = runs.find((_, i) => keys.filter((k) => k === keys[i]).length >= 2);
  if (agreed === undefined) return [`three kernel runs disagree with each other; first run:`, ...problems];
  return listProblems(simulated, agreed);
}

/**
 * Asserts that a `sim pages` report of scenario is what the kernel did running it: each touch's minor faults, and
 * the final rows (sorted by process, then region) with every smaps counter and the faults of that region.
 */
export function assertReportMatchesKernel(report: SimPagesReport, scenario: Scenario): void {
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
}
