// Scenario input of the page-level simulator (issue 5): regions mapped by "p0", then steps run one after another.
// Validation reports the JSON path of the first bad field, e.g. `steps[3].region`.

/** Backing of a region: anonymous memory or a regular file. */
export type RegionType = 'anon' | 'file';
/** MAP_PRIVATE or MAP_SHARED. */
export type RegionShare = 'private' | 'shared';
/** How a touch accesses byte 0 of each page. */
export type Access = 'read' | 'write';

/**
 * One mapping, created by "p0" before the first step at a 2 MiB-aligned address with MADV_NOHUGEPAGE.
 * A file region is a regular file of exactly pages × 4096 bytes, every page clean in the page cache.
 */
export interface RegionSpec {
  name: string;
  type: RegionType;
  share: RegionShare;
  /** Length in 4 KiB pages, >= 1. */
  pages: number;
}

/** Access byte 0 of pages first .. first+count-1 of a region, in order. */
export interface TouchStep {
  op: 'touch';
  proc: string;
  region: string;
  access: Access;
  first: number;
  count: number;
}

/** fork(): `child` (a new name) gets a copy of `proc`'s address space. */
export interface ForkStep {
  op: 'fork';
  proc: string;
  child: string;
}

/** madvise(MADV_DONTNEED) over pages first .. first+count-1. */
export interface MadviseStep {
  op: 'madvise';
  advice: 'dontneed';
  proc: string;
  region: string;
  first: number;
  count: number;
}

/** The process unmaps everything and exits. */
export interface ExitStep {
  op: 'exit';
  proc: string;
}

/** One step of a scenario. */
export type Step = TouchStep | ForkStep | MadviseStep | ExitStep;

/** A validated scenario. */
export interface Scenario {
  regions: RegionSpec[];
  steps: Step[];
}

/** Name of the process that maps the regions and exists before the first step. */
export const FIRST_PROC = 'p0';

// Bounds on the work a scenario may ask for, so that a few lines of JSON cannot exhaust the machine. A scenario
// beyond one is refused before it runs (ScenarioError.beyondBound). What the simulated machine may hold while it
// runs is bounded in state.ts (MAX_FRAMES, MAX_PAGE_TABLES).

/**
 * Most pages of all regions together (and so of one region): 16 GiB of 4 KiB pages keeps every counter an exact
 * JS integer, and bounds what a fork or an exit walks.
 */
export const MAX_REGION_PAGES = 1 << 22;
/** Most regions in a scenario (every process has one VMA per region). */
export const MAX_REGIONS = 256;
/** Most processes a scenario creates: p0 and 1023 forks. */
export const MAX_PROCS = 1024;
/**
 * Most page operations in a scenario: each touch and madvise counts its pages, each fork and exit the pages of
 * every region (what copy_page_range and unmap may walk). About a minute of simulation at the model's speed.
 */
export const MAX_PAGE_OPS = 2 ** 30;

/** A rejected field: its JSON path and why. */
export interface ScenarioError {
  /** e.g. `steps[3].first`, `regions[0].type`, or `` for the root. */
  path: string;
  message: string;
  /** The scenario is well-formed but asks for more than a bound above (a usage error, not a malformed file). */
  beyondBound: boolean;
}

/** Result of {@link validateScenario}: the scenario, or the first bad field. */
export type ScenarioValidation = { ok: true; scenario: Scenario } | { ok: false; error: ScenarioError };

class Rejection extends Error {
  constructor(
    readonly path: string,
    message: string,
    readonly beyondBound = false,
  ) {
    super(message);
  }
}

function reject(path: string, message: string): never {
  throw new Rejection(path, message);
}

function rejectBeyondBound(path: string, message: string): never {
  throw new Rejection(path, `${message}, the simulator's bound`, true);
}

/** Running totals checked against the bounds while the steps are validated. */
interface Budget {
  totalPages: number;
  procsCreated: number;
  pageOps: number;
}

function spendPageOps(budget: Budget, pages: number, path: string): void {
  budget.pageOps += pages;
  if (budget.pageOps > MAX_PAGE_OPS) {
    rejectBeyondBound(path, `more than ${MAX_PAGE_OPS} page operations in all (touched and advised pages, plus every region's pages per fork and exit)`);
  }
}

function requireObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) reject(path, 'must be an object');
  return value as Record<string, unknown>;
}

function requireOnlyKeys(obj: Record<string, unknown>, keys: readonly string[], path: string): void {
  for (const key of Object.keys(obj)) {
    if (!keys.includes(key)) reject(joinPath(path, key), `unknown field (allowed: ${keys.join(', ')})`);
  }
}

function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function requireString(obj: Record<string, unknown>, key: string, path: string): string {
  const value = obj[key];
  if (typeof value !== 'string' || value === '') reject(joinPath(path, key), 'must be a non-empty string');
  return value;
}

function requireEnum<T extends string>(obj: Record<string, unknown>, key: string, allowed: readonly T[], path: string): T {
  const value = obj[key];
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    reject(joinPath(path, key), `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
  }
  return value as T;
}

function requireInteger(obj: Record<string, unknown>, key: string, min: number, max: number, path: string): number {
  const value = obj[key];
  if (typeof value !== 'number' || !Number.isInteger(value)) reject(joinPath(path, key), 'must be an integer');
  if (value < min || value > max) reject(joinPath(path, key), `must be between ${min} and ${max}`);
  return value;
}

function validateRegion(value: unknown, path: string, seen: Set<string>, budget: Budget): RegionSpec {
  const obj = requireObject(value, path);
  requireOnlyKeys(obj, ['name', 'type', 'share', 'pages'], path);
  const name = requireString(obj, 'name', path);
  if (seen.has(name)) reject(joinPath(path, 'name'), `duplicate region name ${JSON.stringify(name)}`);
  seen.add(name);
  const type = requireEnum<RegionType>(obj, 'type', ['anon', 'file'], path);
  const share = requireEnum<RegionShare>(obj, 'share', ['private', 'shared'], path);
  const pages = requireInteger(obj, 'pages', 1, Number.MAX_SAFE_INTEGER, path);
  budget.totalPages += pages;
  if (budget.totalPages > MAX_REGION_PAGES) {
    rejectBeyondBound(joinPath(path, 'pages'), `the regions hold more than ${MAX_REGION_PAGES} pages (16 GiB) together`);
  }
  return { name, type, share, pages };
}

function requireLiveProc(obj: Record<string, unknown>, path: string, live: Set<string>, exited: Set<string>): string {
  const proc = requireString(obj, 'proc', path);
  if (exited.has(proc)) reject(joinPath(path, 'proc'), `process ${JSON.stringify(proc)} has exited`);
  if (!live.has(proc)) reject(joinPath(path, 'proc'), `unknown process ${JSON.stringify(proc)}`);
  return proc;
}

function requireRegion(obj: Record<string, unknown>, path: string, regions: RegionSpec[]): RegionSpec {
  const name = requireString(obj, 'region', path);
  const region = regions.find((r) => r.name === name);
  if (region === undefined) reject(joinPath(path, 'region'), `unknown region ${JSON.stringify(name)}`);
  return region;
}

function requireRange(obj: Record<string, unknown>, path: string, region: RegionSpec): { first: number; count: number } {
  const first = requireInteger(obj, 'first', 0, region.pages - 1, path);
  const count = requireInteger(obj, 'count', 1, region.pages - first, path);
  return { first, count };
}

function validateStep(
  value: unknown,
  path: string,
  regions: RegionSpec[],
  live: Set<string>,
  exited: Set<string>,
  budget: Budget,
): Step {
  const obj = requireObject(value, path);
  const op = requireEnum(obj, 'op', ['touch', 'fork', 'madvise', 'exit'] as const, path);
  switch (op) {
    case 'touch': {
      requireOnlyKeys(obj, ['op', 'proc', 'region', 'access', 'first', 'count'], path);
      const proc = requireLiveProc(obj, path, live, exited);
      const region = requireRegion(obj, path, regions);
      const access = requireEnum<Access>(obj, 'access', ['read', 'write'], path);
      const { first, count } = requireRange(obj, path, region);
      spendPageOps(budget, count, path);
      return { op, proc, region: region.name, access, first, count };
    }
    case 'fork': {
      requireOnlyKeys(obj, ['op', 'proc', 'child'], path);
      const proc = requireLiveProc(obj, path, live, exited);
      const child = requireString(obj, 'child', path);
      if (live.has(child) || exited.has(child)) reject(joinPath(path, 'child'), `process name ${JSON.stringify(child)} is already used`);
      if (++budget.procsCreated > MAX_PROCS) rejectBeyondBound(joinPath(path, 'child'), `more than ${MAX_PROCS} processes (p0 and ${MAX_PROCS - 1} forks)`);
      spendPageOps(budget, budget.totalPages, path);
      live.add(child);
      return { op, proc, child };
    }
    case 'madvise': {
      requireOnlyKeys(obj, ['op', 'advice', 'proc', 'region', 'first', 'count'], path);
      const advice = requireEnum(obj, 'advice', ['dontneed'] as const, path);
      const proc = requireLiveProc(obj, path, live, exited);
      const region = requireRegion(obj, path, regions);
      const { first, count } = requireRange(obj, path, region);
      spendPageOps(budget, count, path);
      return { op, advice, proc, region: region.name, first, count };
    }
    case 'exit': {
      requireOnlyKeys(obj, ['op', 'proc'], path);
      const proc = requireLiveProc(obj, path, live, exited);
      spendPageOps(budget, budget.totalPages, path);
      live.delete(proc);
      exited.add(proc);
      return { op, proc };
    }
  }
}

/**
 * Checks parsed JSON against the scenario format of issue 5 and returns a typed copy, or the JSON
 * path of the first bad field (unknown region or process, out-of-range pages, a step on an exited
 * process, a reused child name, a wrong type, an unknown field) or of the first field that passes a
 * bound (MAX_REGIONS, MAX_REGION_PAGES, MAX_PROCS, MAX_PAGE_OPS).
 */
export function validateScenario(input: unknown): ScenarioValidation {
  try {
    const root = requireObject(input, '');
    requireOnlyKeys(root, ['regions', 'steps'], '');
    const rawRegions = root['regions'];
    if (!Array.isArray(rawRegions)) reject('regions', 'must be an array');
    if (rawRegions.length === 0) reject('regions', 'must hold at least one region');
    if (rawRegions.length > MAX_REGIONS) rejectBeyondBound('regions', `more than ${MAX_REGIONS} regions (${rawRegions.length})`);
    const budget: Budget = { totalPages: 0, procsCreated: 1, pageOps: 0 };
    const seen = new Set<string>();
    const regions = rawRegions.map((r: unknown, i: number) => validateRegion(r, `regions[${i}]`, seen, budget));
    const rawSteps = root['steps'];
    if (!Array.isArray(rawSteps)) reject('steps', 'must be an array');
    const live = new Set<string>([FIRST_PROC]);
    const exited = new Set<string>();
    const steps = rawSteps.map((s: unknown, i: number) => validateStep(s, `steps[${i}]`, regions, live, exited, budget));
    return { ok: true, scenario: { regions, steps } };
  } catch (e) {
    if (e instanceof Rejection) return { ok: false, error: { path: e.path, message: e.message, beyondBound: e.beyondBound } };
    throw e;
  }
}

/** Parses scenario JSON text; a syntax error is reported at the root path. */
export function parseScenario(text: string): ScenarioValidation {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: { path: '', message: `invalid JSON: ${e instanceof Error ? e.message : String(e)}`, beyondBound: false } };
  }
  return validateScenario(input);
}
