// checkPagesState must hold after every step of many random scenarios, and must catch each kind of corruption.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { checkPagesState, checkSmapsCounters } from '../../../../shared/sim/pages/check.js';
import { applyStep } from '../../../../shared/sim/pages/simulate.js';
import { accountVma } from '../../../../shared/sim/pages/accounting.js';
import { readPte, readPteFlags, writePte, writePteFlags } from '../../../../shared/sim/pages/page-tables.js';
import { PTE_NONE, PTE_WRITE, ZERO_PAGE_FRAME, createPagesState, type PagesState, type VmaState } from '../../../../shared/sim/pages/state.js';
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

  const vma = (s: PagesState, proc: number, region: number): VmaState => s.procs[proc]!.vmas[region]!;
  // Corruptions go through writePte (a table shared with the other process is copied first) unless they are of
  // the sharing itself.
  const corruptions: [string, (s: PagesState) => void, RegExp][] = [
    ['a wrong mapcount', (s) => s.frames.mapcount[readPte(vma(s, 0, 0), 0)]!++, /mapcount/],
    ['a writable zero-page PTE', (s) => writePteFlags(s, vma(s, 0, 0), 4, PTE_WRITE), /writable zero-page/],
    ['a writable PTE of a COW-shared anon page', (s) => writePteFlags(s, vma(s, 1, 0), 0, readPteFlags(vma(s, 1, 0), 0) | PTE_WRITE), /writable PTE of a shared anon page/],
    ['a read-only shmem PTE', (s) => writePteFlags(s, vma(s, 0, 1), 3, 0), /read-only shmem/],
    ['a writable page-cache PTE in a private mapping', (s) => writePteFlags(s, vma(s, 0, 2), 5, PTE_WRITE), /private mapping/],
    ['a writable clean shared file page', (s) => writePteFlags(s, vma(s, 0, 3), 2, PTE_WRITE), /write-notify/],
    ['a zero page in a shared mapping', (s) => writePte(s, vma(s, 0, 1), 3, ZERO_PAGE_FRAME, PTE_WRITE), /zero page outside private anon/],
    ['an exited process still mapping pages', (s) => (s.procs[1]!.alive = false), /exited process/],
    ['a cache entry pointing at another page', (s) => (s.regions[2]!.cache[1] = s.regions[2]!.cache[0]!), /cache/],
    ['flags on an empty PTE', (s) => writePte(s, vma(s, 1, 1), 0, PTE_NONE, PTE_WRITE), /empty PTE with flags/],
    ['a shared page directory with a wrong user count', (s) => vma(s, 1, 0).dir!.users++, /page directory with users 3 is held by 2 VMAs/],
    ['a page table with a wrong user count', (s) => vma(s, 1, 0).dir!.tables[0]!.users++, /page table with users 2 is held by 1 directories/],
    ['a wrong live page-table count', (s) => s.tableCount++, /tableCount/],
    ['a PTE past the end of the VMA', (s) => (vma(s, 0, 1).dir!.tables[0]!.pte[8] = s.regions[1]!.cache[0]!), /past the end/],
    ['cached counts not refreshed after a change', (s) => {
      accountVma(s, 0, 2);
      vma(s, 0, 2).dir!.counts.privateDirtyPages++;
    }, /stale cached counts: privateDirtyPages/],
    ['a PTE written behind the stamps (a cached table count goes stale)', (s) => {
      accountVma(s, 0, 0);
      const table = vma(s, 0, 0).dir!.tables[0]!;
      table.flags[5] = 2; // a page-cache frame put behind the stamps' back
      table.pte[5] = s.regions[2]!.cache[7]!;
    }, /stale cached counts of page table 0/],
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
