// The exporter's config file (JSON): name groups by regex lists, like process-exporter's
// process_names, and which processes get PSS/USS/SwapPss from smaps_rollup. Parsed and checked
// whole before the exporter starts; every error names the file and the JSON path at fault.
// The format, with examples, is documented in README.md ("Running memscope on a fleet") ("Config file"); a test parses those examples.
import { readFileSync } from 'node:fs';
import { ApiError } from '../../../shared/errors.js';
import { fileError } from '../files/file-error.js';
import {
  BUILTIN_PLACEHOLDERS,
  DEFAULT_METRICS_CONFIG,
  isFixedGroupName,
  listPlaceholders,
  type MetricsConfig,
  type NameGroup,
  type ProcessMatcher,
} from '../../../shared/metrics/name-groups.js';

/** Every top-level key a config may have. */
export const CONFIG_KEYS = ['groups', 'smaps', 'smapsRefreshSeconds', 'smapsMaxProcesses', 'hostRefreshSeconds'] as const;
const MATCHER_KEYS = ['comm', 'cmdline', 'user'] as const;
const GROUP_KEYS = ['name', ...MATCHER_KEYS, 'smaps'] as const;

/** Reads and checks a config file; throws ApiError (gone, denied: unreadable; malformed: wrong content). */
export function readMetricsConfig(path: string): MetricsConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw fileError('read config', path, err);
  }
  return parseMetricsConfig(text, path);
}

/** Parses and checks config text; `source` names it in errors. Throws ApiError('malformed'). */
export function parseMetricsConfig(text: string, source: string): MetricsConfig {
  const fail = (where: string, what: string): never => {
    throw new ApiError('malformed', `config ${source}: ${where === '' ? '' : `${where}: `}${what}`);
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    fail('', `not JSON (${describeJsonError(text, (err as Error).message)})`);
  }
  const top = expectObject(doc, '', CONFIG_KEYS, fail);

  const groups: NameGroup[] = [];
  const groupsValue = top['groups'];
  if (groupsValue !== undefined) {
    if (!Array.isArray(groupsValue)) fail('groups', 'expected a list of groups');
    const fixedNames = new Map<string, number>();
    for (const [i, g] of (groupsValue as unknown[]).entries()) {
      const where = `groups[${i}]`;
      const obj = expectObject(g, where, GROUP_KEYS, fail);
      const matcher = readMatcher(obj, where, fail);
      const name = obj['name'];
      if (typeof name !== 'string' || name === '') fail(`${where}.name`, 'expected a non-empty string (a label value, may use {comm}, {user}, {capture})');
      const template = name as string;
      const known = new Set([...BUILTIN_PLACEHOLDERS, ...listCaptureNames(matcher)]);
      for (const p of listPlaceholders(template)) {
        if (!known.has(p)) fail(`${where}.name`, `unknown placeholder {${p}} (use {comm}, {user} or a named capture (?<${p}>…) of this group's regexes)`);
      }
      if (isFixedGroupName(template)) {
        const earlier = fixedNames.get(template);
        if (earlier !== undefined) fail(`${where}.name`, `"${template}" repeats groups[${earlier}].name: put both regexes in one group's list`);
        fixedNames.set(template, i);
      }
      const smaps = obj['smaps'] ?? false;
      if (typeof smaps !== 'boolean') fail(`${where}.smaps`, 'expected true or false');
      groups.push({ ...matcher, name: template, smaps: smaps as boolean });
    }
  }

  const smaps: ProcessMatcher[] = [];
  const smapsValue = top['smaps'];
  if (smapsValue !== undefined) {
    if (groups.length > 0) fail('smaps', 'with groups, choose PSS per group ("smaps": true on a group) so every group sums all its processes');
    if (!Array.isArray(smapsValue)) fail('smaps', 'expected a list of matchers like {"comm": ["^postgres$"]}');
    for (const [i, m] of (smapsValue as unknown[]).entries()) {
      smaps.push(readMatcher(expectObject(m, `smaps[${i}]`, MATCHER_KEYS, fail), `smaps[${i}]`, fail));
    }
  }

  const number = (key: (typeof CONFIG_KEYS)[number], min: number, integer: boolean, fallback: number): number => {
    const v = top[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) {
      fail(key, `expected ${integer ? 'an integer' : 'a number'} >= ${min}, got ${JSON.stringify(v)}`);
    }
    return v as number;
  };
  return {
    groups,
    smaps,
    smapsRefreshSeconds: number('smapsRefreshSeconds', 1, false, DEFAULT_METRICS_CONFIG.smapsRefreshSeconds),
    smapsMaxProcesses: number('smapsMaxProcesses', 1, true, DEFAULT_METRICS_CONFIG.smapsMaxProcesses),
    hostRefreshSeconds: number('hostRefreshSeconds', 1, false, DEFAULT_METRICS_CONFIG.hostRefreshSeconds),
  };
}

type Fail = (where: string, what: string) => never;

function expectObject(value: unknown, where: string, allowed: readonly string[], fail: Fail): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, 'expected an object {…}');
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) fail(where === '' ? key : `${where}.${key}`, `unknown key (allowed: ${allowed.join(', ')})`);
  }
  return obj;
}

/** comm / cmdline / user: a regex or a list of them; at least one must be given. */
function readMatcher(obj: Record<string, unknown>, where: string, fail: Fail): ProcessMatcher {
  const lists: Record<(typeof MATCHER_KEYS)[number], RegExp[]> = { comm: [], cmdline: [], user: [] };
  for (const key of MATCHER_KEYS) {
    const v = obj[key];
    if (v === undefined) continue;
    const patterns = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(patterns) || patterns.length === 0) fail(`${where}.${key}`, 'expected a regex or a non-empty list of regexes');
    for (const [i, p] of (patterns as unknown[]).entries()) {
      const at = typeof v === 'string' ? `${where}.${key}` : `${where}.${key}[${i}]`;
      if (typeof p !== 'string') fail(at, `expected a regex as a string, got ${JSON.stringify(p)}`);
      try {
        lists[key].push(new RegExp(p as string));
      } catch (err) {
        fail(at, `invalid regular expression ${JSON.stringify(p)}: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`);
      }
    }
  }
  if (lists.comm.length + lists.cmdline.length + lists.user.length === 0) {
    fail(where, 'matches nothing: give "comm", "cmdline" or "user" (a regex list; ".*" for every process)');
  }
  return lists;
}

/** Named capture groups of every regex in a matcher. */
function listCaptureNames(m: ProcessMatcher): string[] {
  return [...m.comm, ...m.cmdline, ...m.user].flatMap((re) => [...re.source.matchAll(/\(\?<([A-Za-z_$][A-Za-z0-9_$]*)>/g)].map((x) => x[1] ?? ''));
}

/** JSON.parse's message, made one line, with line:column when V8 gives a position. */
function describeJsonError(text: string, message: string): string {
  // V8 quotes the text around the error ('Unexpected token \'}\', "{ "a": }" is not valid JSON'): drop it.
  const first = message.replace(/, ".*$/s, '').split('\n')[0] ?? message;
  const pos = /position (\d+)/.exec(first);
  if (pos === null) return first;
  const before = text.slice(0, Number(pos[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${first.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${column}`;
}
