// "What if": a mapping's live page state replayed into the page-level simulator (shared/sim/pages), then the
// user's steps (fork, a process writes X% of the pages, exit, MADV_DONTNEED), cut into frames for animation,
// with each living process's predicted smaps counters after every frame.

import { PageState, type PageStateCode } from '../../proc/page-state-map.js';
import { createRng } from '../rng.js';
import { type SmapsCountersKb } from '../pages/accounting.js';
import { type RegionShare, type RegionSpec, type RegionType, type Step, FIRST_PROC, MAX_REGION_PAGES } from '../pages/scenario.js';
import { applyStep, collectUsage } from '../pages/simulate.js';
import { readPte, readPteFlags } from '../pages/page-tables.js';
import { FrameKind, PTE_DIRTY, PTE_NONE, ZERO_PAGE_FRAME, type PagesState, createPagesState } from '../pages/state.js';

/** Name of the simulated region. */
export const WHAT_IF_REGION = 'mapping';

/** One step a user adds to a what-if. Percentages are of the region's pages (0–100). */
export type WhatIfStep =
  | { op: 'fork'; proc: string; child: string }
  | { op: 'write'; proc: string; percent: number; order: 'sequential' | 'random'; seed: number }
  | { op: 'exit'; proc: string }
  | { op: 'dontneed'; proc: string; percent: number };

/** The mapping being asked about. */
export interface WhatIfRegion {
  type: RegionType;
  share: RegionShare;
  pages: number;
}

/** A step the plan cannot run, with the index of the user's step. */
export class WhatIfError extends Error {
  constructor(
    readonly stepIndex: number,
    message: string,
  ) {
    super(stepIndex < 0 ? message : `step ${stepIndex + 1}: ${message}`);
    this.name = 'WhatIfError';
  }
}

/** A group of simulator steps after which the view shows the state (one animation frame). */
export interface WhatIfFramePlan {
  /** e.g. "c1 writes 30% (random) · 4/12". */
  label: string;
  /** Index of the user step it belongs to; -1 for the live state. */
  stepIndex: number;
  steps: Step[];
}

/**
 * A what-if, ready to simulate. Frame 0 reproduces the live state: present anonymous pages written, page-cache
 * and zero pages read, then MADV_DONTNEED on every page that is not present live (undoing fault-around).
 */
export interface WhatIfPlan {
  region: RegionSpec;
  frames: WhatIfFramePlan[];
  /** Processes in creation order (p0 first). */
  procs: string[];
}

/** Pages in each frame of a write step: it is cut into this many frames. */
const FRAMES_PER_WRITE = 12;

/** Touch or madvise steps covering the sorted page indices, merged into runs. */
function pushRuns(pages: Int32Array | number[], makeStep: (first: number, count: number) => Step, into: Step[]): void {
  let k = 0;
  while (k < pages.length) {
    const first = pages[k]!;
    let last = first;
    while (k + 1 < pages.length && pages[k + 1] === last + 1) {
      k++;
      last++;
    }
    into.push(makeStep(first, last - first + 1));
    k++;
  }
}

/** Pages of states in `want`, as sorted indices. */
function selectPages(live: Uint8Array, want: (s: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < live.length; i++) if (want(live[i]!)) out.push(i);
  return out;
}

/** The steps that bring a fresh region to the live state (PageState codes per page). */
function planLiveState(region: WhatIfRegion, live: Uint8Array): Step[] {
  const steps: Step[] = [];
  const touch = (access: 'read' | 'write') => (first: number, count: number): Step => ({ op: 'touch', proc: FIRST_PROC, region: WHAT_IF_REGION, access, first, count });
  const isWritten = (s: number) => s === PageState.exclusive || s === PageState.shared || s === PageState.dirty;
  const isRead = (s: number) => s === PageState.zero || s === PageState.file;
  pushRuns(selectPages(live, isWritten), touch('write'), steps);
  pushRuns(selectPages(live, isRead), touch('read'), steps);
  // Read faults on file and shmem pages map their 64 KiB fault-around window: drop what the live map lacks.
  if (region.type === 'file' || region.share === 'shared') {
    const absent = selectPages(live, (s) => s === PageState.none || s === PageState.swapped);
    pushRuns(absent, (first, count) => ({ op: 'madvise', advice: 'dontneed', proc: FIRST_PROC, region: WHAT_IF_REGION, first, count }), steps);
  }
  return steps;
}

function describePercent(percent: number): string {
  return `${Number(percent.toFixed(2))}%`;
}

/**
 * Builds a what-if from live page states (PageState per page) and the user's steps. Throws WhatIfError when a
 * step names an unknown or exited process, reuses a name, or a percentage is out of 0–100.
 */
export function planWhatIf(region: WhatIfRegion, live: Uint8Array, steps: readonly WhatIfStep[]): WhatIfPlan {
  if (!Number.isInteger(region.pages) || region.pages < 1 || region.pages > MAX_REGION_PAGES) {
    throw new WhatIfError(-1, `the region must hold 1 to ${MAX_REGION_PAGES} pages (it holds ${region.pages})`);
  }
  if (live.length !== region.pages) throw new WhatIfError(-1, `live state of ${live.length} pages for a region of ${region.pages}`);
  const spec: RegionSpec = { name: WHAT_IF_REGION, type: region.type, share: region.share, pages: region.pages };
  const frames: WhatIfFramePlan[] = [{ label: 'now (live state)', stepIndex: -1, steps: planLiveState(region, live) }];
  const procs = [FIRST_PROC];
  const alive = new Set([FIRST_PROC]);
  const requireAlive = (name: string, index: number): void => {
    if (!alive.has(name)) throw new WhatIfError(index, procs.includes(name) ? `process ${name} has exited` : `unknown process ${name}`);
  };
  const requirePercent = (percent: number, index: number): number => {
    if (!Number.isFinite(percent) || percent < 0 || percent > 100) throw new WhatIfError(index, `percentage ${percent} is not between 0 and 100`);
    return Math.round((region.pages * percent) / 100);
  };
  steps.forEach((step, index) => {
    switch (step.op) {
      case 'fork': {
        requireAlive(step.proc, index);
        if (step.child === '' || procs.includes(step.child)) throw new WhatIfError(index, `process name ${JSON.stringify(step.child)} is already used`);
        procs.push(step.child);
        alive.add(step.child);
        frames.push({ label: `${step.proc} forks ${step.child}`, stepIndex: index, steps: [{ op: 'fork', proc: step.proc, child: step.child }] });
        return;
      }
      case 'exit':
        requireAlive(step.proc, index);
        alive.delete(step.proc);
        frames.push({ label: `${step.proc} exits`, stepIndex: index, steps: [{ op: 'exit', proc: step.proc }] });
        return;
      case 'dontneed': {
        requireAlive(step.proc, index);
        const count = requirePercent(step.percent, index);
        const label = `${step.proc}: MADV_DONTNEED on the first ${describePercent(step.percent)}`;
        frames.push({ label, stepIndex: index, steps: count === 0 ? [] : [{ op: 'madvise', advice: 'dontneed', proc: step.proc, region: WHAT_IF_REGION, first: 0, count }] });
        return;
      }
      case 'write': {
        requireAlive(step.proc, index);
        const count = requirePercent(step.percent, index);
        const order = new Int32Array(region.pages);
        for (let i = 0; i < order.length; i++) order[i] = i;
        if (step.order === 'random') {
          // Partial Fisher–Yates: the first `count` entries become a uniform random subset, in random order.
          const rng = createRng(step.seed);
          for (let i = 0; i < count; i++) {
            const j = rng.nextInt(i, order.length);
            const t = order[i]!;
            order[i] = order[j]!;
            order[j] = t;
          }
        }
        const frameCount = Math.max(1, Math.min(FRAMES_PER_WRITE, count));
        const label = `${step.proc} writes ${describePercent(step.percent)} (${step.order})`;
        for (let f = 0; f < frameCount; f++) {
          const from = Math.floor((count * f) / frameCount);
          const to = Math.floor((count * (f + 1)) / frameCount);
          const group = order.slice(from, to).sort();
          const frameSteps: Step[] = [];
          pushRuns(group, (first, n) => ({ op: 'touch', proc: step.proc, region: WHAT_IF_REGION, access: 'write', first, count: n }), frameSteps);
          frames.push({ label: frameCount > 1 ? `${label} · ${f + 1}/${frameCount}` : label, stepIndex: index, steps: frameSteps });
        }
        return;
      }
    }
  });
  return { region: spec, frames, procs };
}

/** One process's predicted smaps counters for the region after a frame; null once it has exited. */
export interface WhatIfProcUsage {
  proc: string;
  smaps: SmapsCountersKb | null;
  minorFaults: number;
}

/** The prediction after one frame. */
export interface WhatIfFrameResult {
  label: string;
  stepIndex: number;
  /** One entry per process of plan.procs (null smaps before it exists or after it exited). */
  usage: WhatIfProcUsage[];
  /** Σ Pss over living processes, kB: the physical memory the region's pages take. */
  totalPssKb: number;
}

/** A simulation positioned at a frame; advance it with advanceWhatIf. */
export interface WhatIfRun {
  plan: WhatIfPlan;
  state: PagesState;
  /** Frames applied so far (the state is after frame `frame - 1`); 0 = nothing applied. */
  frame: number;
}

/** A fresh run: the region mapped by p0, no frame applied. */
export function startWhatIf(plan: WhatIfPlan): WhatIfRun {
  return { plan, state: createPagesState([plan.region]), frame: 0 };
}

/** Applies frames until `frame` frames have run (never goes back: start a new run for that). */
export function advanceWhatIf(run: WhatIfRun, frame: number): void {
  const end = Math.min(frame, run.plan.frames.length);
  for (; run.frame < end; run.frame++) for (const step of run.plan.frames[run.frame]!.steps) applyStep(run.state, step);
}

/** The counters of every process of the plan now. */
export function readWhatIfUsage(run: WhatIfRun): WhatIfProcUsage[] {
  const usage = collectUsage(run.state);
  return run.plan.procs.map((proc) => {
    const u = usage.find((x) => x.proc === proc);
    return { proc, smaps: u?.smaps ?? null, minorFaults: u?.minorFaults ?? 0 };
  });
}

/** Runs every frame and returns the prediction after each. */
export function simulateWhatIf(plan: WhatIfPlan): WhatIfFrameResult[] {
  const run = startWhatIf(plan);
  return plan.frames.map((f, k) => {
    advanceWhatIf(run, k + 1);
    const usage = readWhatIfUsage(run);
    const totalPssKb = usage.reduce((sum, u) => sum + (u.smaps?.Pss ?? 0), 0);
    return { label: f.label, stepIndex: f.stepIndex, usage, totalPssKb };
  });
}

/**
 * Page states of one process's view of the region, in the page map's PageState codes: not present, zero page,
 * anonymous mapped once (exclusive) or more (shared, copy-on-write pending), page cache / shmem clean (file) or
 * dirty. An exited or unknown process reads as all not present.
 */
export function readWhatIfPageStates(run: WhatIfRun, proc: string): Uint8Array {
  const out = new Uint8Array(run.plan.region.pages);
  const p = run.state.procs.find((x) => x.name === proc);
  if (p === undefined || !p.alive) return out;
  const vma = p.vmas[0]!;
  const { kind, mapcount, dirty } = run.state.frames;
  for (let i = 0; i < out.length; i++) {
    const f = readPte(vma, i);
    let s: PageStateCode = PageState.none;
    if (f === PTE_NONE) s = PageState.none;
    else if (f === ZERO_PAGE_FRAME) s = PageState.zero;
    else if (kind[f] === FrameKind.Anon) s = mapcount[f]! >= 2 ? PageState.shared : PageState.exclusive;
    else s = dirty[f] !== 0 || (readPteFlags(vma, i) & PTE_DIRTY) !== 0 ? PageState.dirty : PageState.file;
    out[i] = s;
  }
  return out;
}
