// Checks that an untrusted value (usually JSON.parse of a file) is a version-1 memscope snapshot.
// Source of truth: schema.ts and shared/snapshot/FORMAT.md. One walk, no copies: the checked value itself is returned.

import type { MappingKind, ProcessRow, RowStatus } from '../proc/types.js';
import { SNAPSHOT_FORMAT, SUPPORTED_SNAPSHOT_VERSIONS, type Snapshot } from './schema.js';
import { SnapshotError } from './snapshot-error.js';

type Json = Record<string, unknown>;

/** Every MappingKind, so a kind read from a file can be checked at run time (the Record keeps it complete). */
const MAPPING_KINDS: Record<MappingKind, true> = {
  text: true,
  data: true,
  bss: true,
  heap: true,
  stack: true,
  lib: true,
  file: true,
  anon: true,
  shm: true,
  vdso: true,
  vvar: true,
  vsyscall: true,
  guard: true,
};

const ROW_STATUSES: Record<RowStatus, true> = { ok: true, gone: true, restricted: true };

/** How each ProcessRow field is checked; the Record type makes the compiler flag a field added to ProcessRow. */
type FieldRule = 'string' | 'count' | 'amount' | 'rowStatus' | 'optional-amount' | 'optional-string';
const PROCESS_ROW_RULES: Record<keyof ProcessRow, FieldRule> = {
  pid: 'count',
  ppid: 'count',
  user: 'string',
  uid: 'count',
  state: 'string',
  comm: 'string',
  command: 'string',
  virtKb: 'amount',
  resKb: 'amount',
  shrKb: 'amount',
  swapKb: 'amount',
  cpuPct: 'amount',
  memPct: 'amount',
  cpuTimeS: 'amount',
  threads: 'count',
  minflt: 'count',
  majflt: 'count',
  minfltPerS: 'amount',
  majfltPerS: 'amount',
  startTicks: 'count',
  rowStatus: 'rowStatus',
  // smaps_rollup figures: only on rows a table showed with a PSS column.
  pssKb: 'optional-amount',
  ussKb: 'optional-amount',
  swapPssKb: 'optional-amount',
  rollupError: 'optional-string',
};

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
/** An address or offset as /proc/PID/maps prints it: lowercase hex, no 0x, at most 64 bits. */
const HEX = /^[0-9a-f]{1,16}$/;
const PERMS = /^[r-][w-][x-][ps]$/;
const DEV = /^[0-9a-f]+:[0-9a-f]+$/;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const READ_TIME_KEYS = ['tickMs', 'statusMs', 'smapsStartMs', 'smapsEndMs'] as const;

/** readTimes, when present: four non-negative epoch-ms numbers. */
function checkReadTimes(value: unknown): void {
  const times = expectObject(value, 'readTimes');
  for (const key of READ_TIME_KEYS) {
    const t = times[key];
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) throw new SnapshotError(`readTimes.${key}`, `expected ms since the epoch, got ${describeValue(t)}`);
  }
}

/**
 * Returns `value` typed as a Snapshot when it is a valid version-1 snapshot; otherwise throws
 * SnapshotError whose `path` names the first offending value ("mappings[3].smaps.Rss") and whose
 * message says what was expected and what was found. Unknown extra fields are allowed (additive
 * changes within version 1), so files written by a later 1.x memscope still open.
 */
export function validateSnapshot(value: unknown): Snapshot {
  const root = expectObject(value, '');
  checkFormatAndVersion(root);
  checkCreatedAt(root.createdAt);
  checkHost(root.host);
  checkProcess(root.process);
  checkMappings(root.mappings);
  if (root.rollup !== null) checkSmaps(root.rollup, 'rollup');
  checkTotals(root.totals);
  checkHistory(root.history);
  checkStringArray(root.restricted, 'restricted');
  if (root.readTimes !== undefined) checkReadTimes(root.readTimes);
  return value as Snapshot;
}

function checkFormatAndVersion(root: Json): void {
  const format = root.format;
  if (format !== SNAPSHOT_FORMAT) {
    throw new SnapshotError(
      'format',
      `expected "${SNAPSHOT_FORMAT}", got ${describeValue(format)}: this is not a memscope snapshot`,
    );
  }
  const version = root.version;
  if (typeof version !== 'number') {
    throw new SnapshotError('version', `expected a number, got ${describeValue(version)}`);
  }
  if (!SUPPORTED_SNAPSHOT_VERSIONS.includes(version)) {
    const newest = Math.max(...SUPPORTED_SNAPSHOT_VERSIONS);
    const why = version > newest ? ' (written by a newer memscope?)' : '';
    throw new SnapshotError(
      'version',
      `unsupported version ${version}${why}; this memscope reads version ${SUPPORTED_SNAPSHOT_VERSIONS.join(', ')}`,
    );
  }
}

function checkCreatedAt(value: unknown): void {
  if (typeof value !== 'string' || !ISO_8601.test(value) || Number.isNaN(Date.parse(value))) {
    throw new SnapshotError('createdAt', `expected an ISO-8601 date-time with a zone, got ${describeValue(value)}`);
  }
}

function checkHost(value: unknown): void {
  const host = expectObject(value, 'host');
  for (const key of ['hostname', 'kernel', 'os', 'arch', 'memscopeVersion']) checkString(host, key, 'host');
  checkCount(host, 'memTotalKb', 'host');
  checkCount(host, 'pageSizeBytes', 'host', 1);
  checkCount(host, 'clockTicksPerS', 'host', 1);
}

function checkProcess(value: unknown): void {
  const proc = expectObject(value, 'process');
  checkCount(proc, 'pid', 'process', 1);
  if (proc.exe !== null && typeof proc.exe !== 'string') {
    throw new SnapshotError('process.exe', `expected a string or null, got ${describeValue(proc.exe)}`);
  }
  checkStringArray(proc.cmdline, 'process.cmdline');
  const status = expectObject(proc.status, 'process.status');
  for (const key of Object.keys(status)) {
    if (typeof status[key] !== 'string') {
      throw new SnapshotError(joinPath('process.status', key), `expected a string, got ${describeValue(status[key])}`);
    }
  }
  const metrics = expectObject(proc.metrics, 'process.metrics');
  for (const key of Object.keys(PROCESS_ROW_RULES) as (keyof ProcessRow)[]) {
    let rule = PROCESS_ROW_RULES[key];
    if (rule === 'optional-amount' || rule === 'optional-string') {
      if (metrics[key] === undefined) continue;
      rule = rule === 'optional-amount' ? 'amount' : 'string';
    }
    if (rule === 'string') checkString(metrics, key, 'process.metrics');
    else if (rule === 'count') checkCount(metrics, key, 'process.metrics');
    else if (rule === 'amount') checkAmount(metrics, key, 'process.metrics');
    else if (!Object.hasOwn(ROW_STATUSES, String(metrics[key]))) {
      throw new SnapshotError(
        `process.metrics.${key}`,
        `expected one of ${Object.keys(ROW_STATUSES).join(', ')}, got ${describeValue(metrics[key])}`,
      );
    }
  }
  if (metrics.pid !== proc.pid) {
    throw new SnapshotError('process.metrics.pid', `is ${String(metrics.pid)} but process.pid is ${String(proc.pid)}`);
  }
}

function checkMappings(value: unknown): void {
  if (!Array.isArray(value)) throw new SnapshotError('mappings', `expected an array, got ${describeValue(value)}`);
  for (let i = 0; i < value.length; i++) {
    const path = `mappings[${i}]`;
    const m = expectObject(value[i], path);
    checkHex(m, 'start', path);
    checkHex(m, 'end', path);
    if (compareHex(m.end as string, m.start as string) <= 0) {
      throw new SnapshotError(`${path}.end`, `${m.end as string} is not above start ${m.start as string}`);
    }
    checkPattern(m, 'perms', path, PERMS, 'four characters like "r-xp"');
    checkHex(m, 'offset', path);
    checkPattern(m, 'dev', path, DEV, 'hex "major:minor" like "fd:01"');
    checkCount(m, 'inode', path);
    checkString(m, 'path', path);
    if (typeof m.kind !== 'string' || !Object.hasOwn(MAPPING_KINDS, m.kind)) {
      throw new SnapshotError(
        `${path}.kind`,
        `expected one of ${Object.keys(MAPPING_KINDS).join(', ')}, got ${describeValue(m.kind)}`,
      );
    }
    if (m.smaps !== undefined) checkSmaps(m.smaps, `${path}.smaps`);
  }
}

/** smaps fields: numbers (kB or counts, as the kernel prints them) or, for VmFlags, lists of strings. */
function checkSmaps(value: unknown, path: string): void {
  const smaps = expectObject(value, path);
  for (const key in smaps) {
    const v = smaps[key];
    if (typeof v === 'number') {
      if (!Number.isFinite(v) || v < 0) {
        throw new SnapshotError(joinPath(path, key), `expected a non-negative number, got ${describeValue(v)}`);
      }
    } else if (Array.isArray(v)) {
      checkStringArray(v, joinPath(path, key));
    } else {
      throw new SnapshotError(joinPath(path, key), `expected a number or a list of strings, got ${describeValue(v)}`);
    }
  }
}

function checkTotals(value: unknown): void {
  const totals = expectObject(value, 'totals');
  for (const key in totals) {
    const v = totals[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new SnapshotError(joinPath('totals', key), `expected a non-negative number, got ${describeValue(v)}`);
    }
  }
}

function checkHistory(value: unknown): void {
  const history = expectObject(value, 'history');
  const interval = history.intervalMs;
  if (typeof interval !== 'number' || !Number.isFinite(interval) || interval <= 0) {
    throw new SnapshotError('history.intervalMs', `expected a positive number, got ${describeValue(interval)}`);
  }
  const samples = history.samples;
  if (!Array.isArray(samples)) {
    throw new SnapshotError('history.samples', `expected an array, got ${describeValue(samples)}`);
  }
  for (let i = 0; i < samples.length; i++) {
    const path = `history.samples[${i}]`;
    const s = expectObject(samples[i], path);
    const t = s.tMs;
    if (typeof t !== 'number' || !Number.isFinite(t)) {
      throw new SnapshotError(`${path}.tMs`, `expected a number (epoch ms), got ${describeValue(t)}`);
    }
    checkAmount(s, 'virtKb', path);
    checkAmount(s, 'resKb', path);
    checkAmount(s, 'shrKb', path);
    checkAmount(s, 'swapKb', path);
  }
}

function expectObject(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SnapshotError(path, `expected an object, got ${describeValue(value)}`);
  }
  return value as Json;
}

function checkString(obj: Json, key: string, parent: string): void {
  const v = obj[key];
  if (typeof v !== 'string') throw new SnapshotError(joinPath(parent, key), `expected a string, got ${describeValue(v)}`);
}

function checkStringArray(value: unknown, path: string): void {
  if (!Array.isArray(value)) throw new SnapshotError(path, `expected a list of strings, got ${describeValue(value)}`);
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'string') {
      throw new SnapshotError(`${path}[${i}]`, `expected a string, got ${describeValue(value[i])}`);
    }
  }
}

/** A non-negative integer (counts, ids, kB from the kernel), at least `min`. */
function checkCount(obj: Json, key: string, parent: string, min = 0): void {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw new SnapshotError(joinPath(parent, key), `expected an integer >= ${min}, got ${describeValue(v)}`);
  }
}

/** A finite non-negative number (kB, %, rates). */
function checkAmount(obj: Json, key: string, parent: string): void {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new SnapshotError(joinPath(parent, key), `expected a non-negative number, got ${describeValue(v)}`);
  }
}

function checkHex(obj: Json, key: string, parent: string): void {
  checkPattern(obj, key, parent, HEX, 'lowercase hex without 0x, at most 16 digits');
}

function checkPattern(obj: Json, key: string, parent: string, pattern: RegExp, what: string): void {
  const v = obj[key];
  if (typeof v !== 'string' || !pattern.test(v)) {
    throw new SnapshotError(joinPath(parent, key), `expected ${what}, got ${describeValue(v)}`);
  }
}

/** Compares two lowercase hex strings as unsigned integers (leading zeros allowed), without BigInt. */
function compareHex(a: string, b: string): number {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** "a.b" for identifier keys, 'a["Key with space"]' otherwise, "a[3]" for indices. */
function joinPath(parent: string, key: string): string {
  if (!IDENTIFIER.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/** A short description of a found value for error messages. */
function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return `${value}`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}
