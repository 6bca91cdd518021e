// checkPagesState must hold after every step of many random scenarios, and must catch each kind of corruption.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { checkPagesState, checkSmapsCounters } from '../../../../shared/sim/pages/check.js';
import { applyStep } from '../../../../shared/sim/pages/simulate.js';
import { accountVma } from '../../../../shared/sim/pages/accounting.js';
import { PTE_NONE, PTE_WRITE, ZERO_PAGE_FRAME, createPagesState, type PagesState } from '../../../../shared/sim/pages/state.js';
import type { Scenario } from '../../../../shared/sim/pages/scenario.js';
import { generateScenario } from './random-scenario.js';

/** A state with every kind of page: anon shared by fork, zero page, page cache, shmem. */
function buildBusyState(): PagesState {
  const scenario: Scenario = {
    regions: [
      { name: 'a', type: 'anon', share: 'private', pages: 8 },
      { name: 's', type: 'anon', share: 'shared', pages: 8 },
      { name: 'f', type: 'file', share: 'private', pages: 8 },
      { name: 'g', type: 'file', share: 'shared', pages: 8 },
    ],
    steps: [
      { op: 'touch', proc: 'p0', region: 'a', access: 'write', first: 0, count: 4 },
      { op: 'touch', proc: 'p0', region: 'a', access: 'read', first: 4, count: 4 },
      { op: 'touch', proc: 'p0', region: 's', access: 'read', first: 0, count: 8 },
      { op: 'touch', proc: 'p0', region: 'f', access: 'write', first: 0, count: 1 },
      { op: 'touch', proc: 'p0', region: 'f', access: 'read', first: 0, count: 8 },
      { op: 'touch', proc: 'p0', region: 'g', access: 'read', first: 0, count: 8 },
      { op: 'fork', proc: 'p0', child: 'c1' },
    ],
  };
  const state = createPagesState(scenario.regions);
  for (const step of scenario.steps) applyStep(state, step);
  return state;
}

describe('checkPagesState', () => {
  test('holds after every step of 300 random scenarios', () => {
    for (let seed = 0; seed < 300; seed++) {
      const scenario = generateScenario(seed);
      const state = createPagesState(scenario.regions);
      scenario.steps.forEach((step, i) => {
        applyStep(state, step);
        const violations = checkPagesState(state);
        assert.deepEqual(violations, [], `seed ${seed} step ${i}`);
      });
    }
  });

  const corruptions: [string, (s: PagesState) => void, RegExp][] = [
    ['a wrong mapcount', (s) => s.frames.mapcount[s.procs[0]!.vmas[0]!.pte[0]!]!++, /mapcount/],
    ['a writable zero-page PTE', (s) => (s.procs[0]!.vmas[0]!.ptFlags[4] = PTE_WRITE), /writable zero-page/],
    ['a writable PTE of a COW-shared anon page', (s) => (s.procs[1]!.vmas[0]!.ptFlags[0]! |= PTE_WRITE), /writable PTE of a shared anon page/],
    ['a read-only shmem PTE', (s) => (s.procs[0]!.vmas[1]!.ptFlags[3] = 0), /read-only shmem/],
    ['a writable page-cache PTE in a private mapping', (s) => (s.procs[0]!.vmas[2]!.ptFlags[5] = PTE_WRITE), /private mapping/],
    ['a writable clean shared file page', (s) => (s.procs[0]!.vmas[3]!.ptFlags[2] = PTE_WRITE), /write-notify/],
    ['a zero page in a shared mapping', (s) => (s.procs[0]!.vmas[1]!.pte[3] = ZERO_PAGE_FRAME), /zero page outside private anon/],
    ['an exited process still mapping pages', (s) => (s.procs[1]!.alive = false), /exited process/],
    ['a cache entry pointing at another page', (s) => (s.regions[2]!.cache[1] = s.regions[2]!.cache[0]!), /cache/],
    ['flags on an empty PTE', (s) => { s.procs[1]!.vmas[1]!.pte[0] = PTE_NONE; s.procs[1]!.vmas[1]!.ptFlags[0] = PTE_WRITE; }, /empty PTE with flags/],
  ];
  for (const [what, corrupt, expected] of corruptions) {
    test(`catches ${what}`, () => {
      const state = buildBusyState();
      assert.deepEqual(checkPagesState(state), []);
      corrupt(state);
      const violations = checkPagesState(state);
      assert.ok(violations.some((v) => expected.test(v)), violations.join('\n') || 'no violation reported');
    });
  }
});

describe('checkSmapsCounters', () => {
  test('accepts the counters of a consistent state and rejects broken sums', () => {
    const state = buildBusyState();
    const counters = accountVma(state, 0, 0);
    assert.deepEqual(checkSmapsCounters(counters), []);
    assert.ok(checkSmapsCounters({ ...counters, Rss: counters.Rss + 4 }).length > 0);
    assert.ok(checkSmapsCounters({ ...counters, Pss: counters.Rss + 1 }).length > 0);
  });
});
