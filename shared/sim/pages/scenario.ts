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

/** Upper bound on a region's length: 16 GiB of 4 KiB pages keeps every counter an exact JS integer. */
export const MAX_REGION_PAGES = 1 << 22;

/** A rejected field: its JSON path and why. */
export interface ScenarioError {
  /** e.g. `steps[3].first`, `regions[0].type`, or `` for the root. */
  path: string;
  message: string;
}

/** Result of {@link validateScenario}: the scenario, or the first bad field. */
export type ScenarioValidation = { ok: true; scenario: Scenario } | { ok: false; error: ScenarioError };

class Rejection extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

function reject(path: string, message: string): never {
  throw new Rejection(path, message);
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

function validateRegion(value: unknown, path: string, seen: Set<string>): RegionSpec {
  const obj = requireObject(value, path);
  requireOnlyKeys(obj, ['name', 'type', 'share', 'pages'], path);
  const name = requireString(obj, 'name', path);
  if (seen.has(name)) reject(joinPath(path, 'name'), `duplicate region name ${JSON.stringify(name)}`);
  seen.add(name);
  const type = requireEnum<RegionType>(obj, 'type', ['anon', 'file'], path);
  const share = requireEnum<RegionShare>(obj, 'share', ['private', 'shared'], path);
  const pages = requireInteger(obj, 'pages', 1, MAX_REGION_PAGES, path);
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
      return { op, proc, region: region.name, access, first, count };
    }
    case 'fork': {
      requireOnlyKeys(obj, ['op', 'proc', 'child'], path);
      const proc = requireLiveProc(obj, path, live, exited);
      const child = requireString(obj, 'child', path);
      if (live.has(child) || exited.has(child)) reject(joinPath(path, 'child'), `process name ${JSON.stringify(child)} is already used`);
      live.add(child);
      return { op, proc, child };
    }
    case 'madvise': {
      requireOnlyKeys(obj, ['op', 'advice', 'proc', 'region', 'first', 'count'], path);
      const advice = requireEnum(obj, 'advice', ['dontneed'] as const, path);
      const proc = requireLiveProc(obj, path, live, exited);
      const region = requireRegion(obj, path, regions);
      const { first, count } = requireRange(obj, path, region);
      return { op, advice, proc, region: region.name, first, count };
    }
    case 'exit': {
      requireOnlyKeys(obj, ['op', 'proc'], path);
      const proc = requireLiveProc(obj, path, live, exited);
      live.delete(proc);
      exited.add(proc);
      return { op, proc };
    }
  }
}

/**
 * Checks parsed JSON against the scenario format of issue 5 and returns a typed copy, or the JSON
 * path of the first bad field (unknown region or process, out-of-range pages, a step on an exited
 * process, a reused child name, a wrong type, an unknown field).
 */
export function validateScenario(input: unknown): ScenarioValidation {
  try {
    const root = requireObject(input, '');
    requireOnlyKeys(root, ['regions', 'steps'], '');
    const rawRegions = root['regions'];
    if (!Array.isArray(rawRegions)) reject('regions', 'must be an array');
    if (rawRegions.length === 0) reject('regions', 'must hold at least one region');
    const seen = new Set<string>();
    const regions = rawRegions.map((r: unknown, i: number) => validateRegion(r, `regions[${i}]`, seen));
    const rawSteps = root['steps'];
    if (!Array.isArray(rawSteps)) reject('steps', 'must be an array');
    const live = new Set<string>([FIRST_PROC]);
    const exited = new Set<string>();
    const steps = rawSteps.map((s: unknown, i: number) => validateStep(s, `steps[${i}]`, regions, live, exited));
    return { ok: true, scenario: { regions, steps } };
  } catch (e) {
    if (e instanceof Rejection) return { ok: false, error: { path: e.path, message: e.message } };
    throw e;
  }
}

/** Parses scenario JSON text; a syntax error is reported at the root path. */
export function parseScenario(text: string): ScenarioValidation {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: { path: '', message: `invalid JSON: ${e instanceof Error ? e.message : String(e)}` } };
  }
  return validateScenario(input);
}
