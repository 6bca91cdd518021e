// Entry point of the page-level simulator: runs a validated scenario step by step and reports, after every step,
// the smaps counters of every living process and region plus the step's minor faults (issue 5).

import { accountVma, type SmapsCountersKb } from './accounting.js';
import { checkPagesState } from './check.js';
import { exitProcess } from './exit.js';
import { touchPages } from './fault.js';
import { forkProcess } from './fork.js';
import { madviseDontneed } from './madvise.js';
import { describeVmaPages } from './page-states.js';
import type { Scenario, Step } from './scenario.js';
import { createPagesState, findProc, findRegion, PagesBoundError, type PagesState } from './state.js';

/** One living process's view of one region after a step. */
export interface VmaUsage {
  proc: string;
  region: string;
  /** smaps fields of the VMA, kB. */
  smaps: SmapsCountersKb;
  /** Minor faults this process took on this region since the scenario started. */
  minorFaults: number;
  /** Page tokens (see describeVmaPages), present when asked for with `pageStates`. */
  pages?: string;
}

/** The outcome of one step. */
export interface StepResult {
  /** Index of the step among all steps, 0-based. */
  index: number;
  step: Step;
  /** Minor faults the step's process took during a touch step; null for other steps. */
  minorFaults: number | null;
  /** Every living process × every region, processes in creation order, regions in scenario order. */
  usage: VmaUsage[];
}

/** Options of {@link simulateScenario}. */
export interface SimulateOptions {
  /** Attach page tokens to every VmaUsage (slower; for diagnostics). */
  pageStates?: boolean;
  /** Run checkPagesState after every step and throw on a violation (slow; for tests). */
  checkInvariants?: boolean;
}

function requireIndex(index: number, what: string): number {
  if (index < 0) throw new Error(`unknown ${what} (validate the scenario first)`);
  return index;
}

/** Applies one step to the state; returns the minor faults of a touch step, else null. */
export function applyStep(state: PagesState, step: Step): number | null {
  const procIdx = requireIndex(findProc(state, step.proc), `process ${step.proc}`);
  if (!state.procs[procIdx]!.alive) throw new Error(`process ${step.proc} has exited`);
  switch (step.op) {
    case 'touch': {
      const regionIdx = requireIndex(findRegion(state, step.region), `region ${step.region}`);
      return touchPages(state, procIdx, regionIdx, step.access, step.first, step.count);
    }
    case 'fork':
      forkProcess(state, procIdx, step.child);
      return null;
    case 'madvise': {
      const regionIdx = requireIndex(findRegion(state, step.region), `region ${step.region}`);
      madviseDontneed(state, procIdx, regionIdx, step.first, step.count);
      return null;
    }
    case 'exit':
      exitProcess(state, procIdx);
      return null;
  }
}

/** Every living process × region of the current state, with its smaps counters. */
export function collectUsage(state: PagesState, pageStates = false): VmaUsage[] {
  const usage: VmaUsage[] = [];
  state.procs.forEach((proc, p) => {
    if (!proc.alive) return;
    state.regions.forEach((region, r) => {
      const row: VmaUsage = { proc: proc.name, region: region.name, smaps: accountVma(state, p, r), minorFaults: proc.vmas[r]!.minorFaults };
      if (pageStates) row.pages = describeVmaPages(state, p, r);
      usage.push(row);
    });
  });
  return usage;
}

/**
 * Runs every step of a scenario (validated with validateScenario) on a fresh state, calling `afterStep` after
 * each. A PagesBoundError is rethrown naming the step, e.g. `steps[12]: needs more than … page tables`.
 */
export function runScenario(scenario: Scenario, afterStep: (state: PagesState, index: number, minorFaults: number | null) => void): PagesState {
  const state = createPagesState(scenario.regions);
  scenario.steps.forEach((step, index) => {
    let minorFaults: number | null;
    try {
      minorFaults = applyStep(state, step);
    } catch (e) {
      if (e instanceof PagesBoundError) throw new PagesBoundError(`steps[${index}]: ${e.message}`);
      throw e;
    }
    afterStep(state, index, minorFaults);
  });
  return state;
}

/**
 * Runs a scenario (validated with validateScenario) and returns one result per step, in order.
 */
export function simulateScenario(scenario: Scenario, options: SimulateOptions = {}): StepResult[] {
  const results: StepResult[] = [];
  runScenario(scenario, (state, index, minorFaults) => {
    if (options.checkInvariants) {
      const violations = checkPagesState(state);
      if (violations.length > 0) throw new Error(`invariant broken after step ${index}: ${violations.slice(0, 10).join('; ')}`);
    }
    results.push({ index, step: scenario.steps[index]!, minorFaults, usage: collectUsage(state, options.pageStates ?? false) });
  });
  return results;
}
