// Scenario validation: every fixture is accepted unchanged, and each kind of bad input is rejected with the
// JSON path of the bad field (issue 5: unknown region or process, out-of-range pages, a step on an exited process).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MAX_PAGE_OPS, MAX_PROCS, MAX_REGION_PAGES, MAX_REGIONS, parseScenario, validateScenario } from '../../../../shared/sim/pages/scenario.js';
import { SCENARIO_DIR } from './scenario-fixtures.js';

function base(): { regions: Record<string, unknown>[]; steps: Record<string, unknown>[] } {
  return {
    regions: [
      { name: 'heap', type: 'anon', share: 'private', pages: 16 },
      { name: 'data', type: 'file', share: 'shared', pages: 8 },
    ],
    steps: [
      { op: 'touch', proc: 'p0', region: 'heap', access: 'write', first: 0, count: 16 },
      { op: 'fork', proc: 'p0', child: 'c1' },
      { op: 'madvise', advice: 'dontneed', proc: 'c1', region: 'data', first: 2, count: 6 },
      { op: 'exit', proc: 'c1' },
    ],
  };
}

function rejectionPath(mutate: (s: ReturnType<typeof base>) => void): string {
  const s = base();
  mutate(s);
  const r = validateScenario(s);
  assert.equal(r.ok, false, 'the scenario should have been rejected');
  return r.ok ? '' : r.error.path;
}

describe('validateScenario', () => {
  test('accepts every fixture and returns it unchanged', () => {
    const files = readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.json'));
    assert.ok(files.length > 0);
    for (const file of files) {
      const text = readFileSync(resolve(SCENARIO_DIR, file), 'utf8');
      const r = parseScenario(text);
      assert.ok(r.ok, r.ok ? '' : `${file}: ${r.error.path}: ${r.error.message}`);
      assert.deepEqual(r.scenario, JSON.parse(text), file);
    }
  });

  test('accepts the base scenario', () => {
    assert.ok(validateScenario(base()).ok);
  });

  const cases: [string, string, (s: ReturnType<typeof base>) => void][] = [
    ['an unknown root field', 'extra', (s) => Object.assign(s, { extra: 1 })],
    ['missing regions', 'regions', (s) => Reflect.deleteProperty(s, 'regions')],
    ['no regions', 'regions', (s) => s.regions.splice(0)],
    ['an unknown region type', 'regions[1].type', (s) => (s.regions[1]!['type'] = 'heap')],
    ['an unknown share', 'regions[0].share', (s) => (s.regions[0]!['share'] = 'both')],
    ['zero pages', 'regions[0].pages', (s) => (s.regions[0]!['pages'] = 0)],
    ['fractional pages', 'regions[1].pages', (s) => (s.regions[1]!['pages'] = 1.5)],
    ['a duplicate region name', 'regions[1].name', (s) => (s.regions[1]!['name'] = 'heap')],
    ['an unknown region field', 'regions[0].size', (s) => (s.regions[0]!['size'] = 4096)],
    ['missing steps', 'steps', (s) => Reflect.deleteProperty(s, 'steps')],
    ['an unknown op', 'steps[1].op', (s) => (s.steps[1]!['op'] = 'clone')],
    ['an unknown region', 'steps[0].region', (s) => (s.steps[0]!['region'] = 'stack')],
    ['an unknown process', 'steps[0].proc', (s) => (s.steps[0]!['proc'] = 'p9')],
    ['a child that does not exist yet', 'steps[0].proc', (s) => (s.steps[0]!['proc'] = 'c1')],
    ['an unknown access', 'steps[0].access', (s) => (s.steps[0]!['access'] = 'exec')],
    ['first past the end', 'steps[0].first', (s) => (s.steps[0]!['first'] = 16)],
    ['a negative first', 'steps[2].first', (s) => (s.steps[2]!['first'] = -1)],
    ['a range past the end', 'steps[2].count', (s) => (s.steps[2]!['count'] = 7)],
    ['a zero count', 'steps[0].count', (s) => (s.steps[0]!['count'] = 0)],
    ['an unknown advice', 'steps[2].advice', (s) => (s.steps[2]!['advice'] = 'free')],
    ['a reused child name', 'steps[1].child', (s) => (s.steps[1]!['child'] = 'p0')],
    ['a step on an exited process', 'steps[4].proc', (s) => s.steps.push({ op: 'touch', proc: 'c1', region: 'heap', access: 'read', first: 0, count: 1 })],
    ['a child name reused after exit', 'steps[4].child', (s) => s.steps.push({ op: 'fork', proc: 'p0', child: 'c1' })],
    ['an unknown step field', 'steps[3].signal', (s) => (s.steps[3]!['signal'] = 9)],
    ['a step that is not an object', 'steps[2]', (s) => (s.steps[2] = 'exit' as unknown as Record<string, unknown>)],
  ];
  for (const [what, path, mutate] of cases) {
    test(`rejects ${what} at ${path === '' ? 'the root' : path}`, () => {
      assert.equal(rejectionPath(mutate), path);
    });
  }

  test('rejects a root that is not an object at the root', () => {
    for (const input of [null, [], 'x', 3]) {
      const r = validateScenario(input);
      assert.ok(!r.ok && r.error.path === '');
    }
  });

  test('names the exited process in the message', () => {
    const s = base();
    s.steps.push({ op: 'exit', proc: 'c1' });
    const r = validateScenario(s);
    assert.ok(!r.ok && /exited/.test(r.error.message));
  });

  test('reports invalid JSON at the root', () => {
    const r = parseScenario('{"regions": [');
    assert.ok(!r.ok && r.error.path === '' && /JSON/.test(r.error.message));
  });
});

describe('validateScenario bounds: accepted at the bound, refused one past it as beyond a bound', () => {
  const region = (name: string, pages: number): Record<string, unknown> => ({ name, type: 'anon', share: 'private', pages });
  const fork = (i: number): Record<string, unknown> => ({ op: 'fork', proc: 'p0', child: `c${i}` });
  const touchAll = (pages: number): Record<string, unknown> => ({ op: 'touch', proc: 'p0', region: 'r', access: 'read', first: 0, count: pages });
  const opsRegion = [region('r', MAX_REGION_PAGES)];
  const touchesToBound = Array.from({ length: MAX_PAGE_OPS / MAX_REGION_PAGES }, () => touchAll(MAX_REGION_PAGES));
  const cases: [string, unknown, unknown, string, RegExp][] = [
    ['regions', { regions: Array.from({ length: MAX_REGIONS }, (_, i) => region(`r${i}`, 1)), steps: [] }, { regions: Array.from({ length: MAX_REGIONS + 1 }, (_, i) => region(`r${i}`, 1)), steps: [] }, 'regions', /more than 256 regions/],
    ['pages of one region', { regions: [region('r', MAX_REGION_PAGES)], steps: [] }, { regions: [region('r', 2 ** 40)], steps: [] }, 'regions[0].pages', /more than 4194304 pages \(16 GiB\) together/],
    ['pages of all regions', { regions: [region('a', MAX_REGION_PAGES - 1), region('b', 1)], steps: [] }, { regions: [region('a', MAX_REGION_PAGES), region('b', 1)], steps: [] }, 'regions[1].pages', /together/],
    ['processes', { regions: [region('r', 1)], steps: Array.from({ length: MAX_PROCS - 1 }, (_, i) => fork(i)) }, { regions: [region('r', 1)], steps: Array.from({ length: MAX_PROCS }, (_, i) => fork(i)) }, `steps[${MAX_PROCS - 1}].child`, /more than 1024 processes/],
    ['page operations of touches', { regions: opsRegion, steps: touchesToBound }, { regions: opsRegion, steps: [...touchesToBound, touchAll(1)] }, 'steps[256]', /more than 1073741824 page operations/],
    ['page operations of a fork and an exit', { regions: opsRegion, steps: [...touchesToBound.slice(2), fork(1), { op: 'exit', proc: 'c1' }] }, { regions: opsRegion, steps: [...touchesToBound.slice(1), fork(1), { op: 'exit', proc: 'c1' }] }, 'steps[256]', /page operations/],
  ];
  for (const [what, atBound, pastBound, path, message] of cases) {
    test(what, () => {
      const ok = validateScenario(atBound);
      assert.ok(ok.ok, ok.ok ? '' : `${ok.error.path}: ${ok.error.message}`);
      const r = validateScenario(pastBound);
      assert.ok(!r.ok);
      assert.deepEqual([r.error.path, r.error.beyondBound], [path, true]);
      assert.match(r.error.message, message);
      assert.match(r.error.message, /the simulator's bound$/);
    });
  }

  test('a malformed field is not beyond a bound', () => {
    const r = validateScenario({ regions: [region('r', 0)], steps: [] });
    assert.ok(!r.ok && !r.error.beyondBound && r.error.path === 'regions[0].pages');
  });
});
