// Page tables shared by fork: a fork copies no PTE and a write copies only the one table it changes, counted by
// the live page tables (state.tableCount), so a fork chain costs page tables in what the processes touch, not
// in processes × region size. Agreement with the kernel is the business of simulate/random-scenarios tests.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { checkPagesState } from '../../../../shared/sim/pages/check.js';
import { PTRS_PER_PTE } from '../../../../shared/sim/pages/params.js';
import type { Scenario, Step } from '../../../../shared/sim/pages/scenario.js';
import { applyStep, collectUsage } from '../../../../shared/sim/pages/simulate.js';
import { createPagesState, type PagesState } from '../../../../shared/sim/pages/state.js';

const TABLES = 64;
const PAGES = TABLES * PTRS_PER_PTE;

function run(scenario: Scenario): PagesState {
  const state = createPagesState(scenario.regions);
  for (const step of scenario.steps) applyStep(state, step);
  return state;
}

function forkChildren(count: number): Step[] {
  return Array.from({ length: count }, (_, i): Step => ({ op: 'fork', proc: 'p0', child: `c${i + 1}` }));
}

describe('page tables shared by fork', () => {
  const written: Scenario = {
    regions: [{ name: 'heap', type: 'anon', share: 'private', pages: PAGES }],
    steps: [{ op: 'touch', proc: 'p0', region: 'heap', access: 'write', first: 0, count: PAGES }],
  };

  test('200 forks of a written region add no page table', () => {
    const state = run({ ...written, steps: [...written.steps, ...forkChildren(200)] });
    assert.equal(state.tableCount, TABLES);
    const usage = collectUsage(state);
    assert.equal(usage.length, 201);
    // Every page is mapped 201 times: the same counters everywhere, Pss = Rss / 201 (rounded down per page).
    for (const u of usage) assert.deepEqual([u.smaps.Rss, u.smaps.Shared_Dirty, u.smaps.Pss], [PAGES * 4, PAGES * 4, Math.floor((PAGES * Math.floor((4096 * 4096) / 201)) / 4096 / 1024)]);
    assert.deepEqual(checkPagesState(state), []);
  });

  test('a child writing one page copies one table; writing every page copies them all', () => {
    const state = run({
      ...written,
      steps: [...written.steps, ...forkChildren(3), { op: 'touch', proc: 'c1', region: 'heap', access: 'write', first: 5, count: 1 }],
    });
    assert.equal(state.tableCount, TABLES + 1);
    applyStep(state, { op: 'touch', proc: 'c2', region: 'heap', access: 'write', first: 0, count: PAGES });
    assert.equal(state.tableCount, 2 * TABLES + 1);
    assert.deepEqual(checkPagesState(state), []);
  });

  test('exits hand the tables to the survivors and free them with the last user', () => {
    const state = run({ ...written, steps: [...written.steps, ...forkChildren(2), { op: 'touch', proc: 'c1', region: 'heap', access: 'write', first: 0, count: 1 }] });
    assert.equal(state.tableCount, TABLES + 1);
    applyStep(state, { op: 'exit', proc: 'c1' });
    assert.equal(state.tableCount, TABLES);
    applyStep(state, { op: 'exit', proc: 'p0' });
    assert.equal(state.tableCount, TABLES);
    assert.deepEqual(checkPagesState(state), []);
    applyStep(state, { op: 'exit', proc: 'c2' });
    assert.equal(state.tableCount, 0);
    assert.equal(state.frames.used - 1, state.frames.freeList.length, 'every anonymous page freed');
  });
});
