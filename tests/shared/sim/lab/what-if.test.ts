// "What if" plans: frame 0 must rebuild the live page states exactly (fault-around undone), and the predictions
// after fork and writes must follow from copy-on-write as smaps would count it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PageState } from '../../../../shared/proc/page-state-map.js';
import { advanceWhatIf, planWhatIf, readWhatIfPageStates, simulateWhatIf, startWhatIf, WhatIfError, type WhatIfStep } from '../../../../shared/sim/lab/what-if.js';
import { createRng } from '../../../../shared/sim/rng.js';

/** Random live states of the kinds a mapping of this type can hold. */
function randomLive(pages: number, kinds: number[], seed: number): Uint8Array {
  const rng = createRng(seed);
  const live = new Uint8Array(pages);
  // Runs, as real mappings have them.
  for (let i = 0; i < pages; ) {
    const kind = kinds[rng.nextInt(0, kinds.length)]!;
    const run = rng.nextInt(1, 40);
    live.fill(kind, i, Math.min(pages, i + run));
    i += run;
  }
  return live;
}

describe('planWhatIf', () => {
  const cases = [
    { name: 'private anonymous', region: { type: 'anon', share: 'private' } as const, kinds: [PageState.none, PageState.exclusive, PageState.zero] },
    { name: 'private file', region: { type: 'file', share: 'private' } as const, kinds: [PageState.none, PageState.file, PageState.exclusive] },
    { name: 'shared file', region: { type: 'file', share: 'shared' } as const, kinds: [PageState.none, PageState.file, PageState.dirty] },
    { name: 'shared anonymous', region: { type: 'anon', share: 'shared' } as const, kinds: [PageState.none, PageState.file, PageState.dirty] },
  ];
  for (const c of cases) {
    test(`frame 0 rebuilds the live state of a ${c.name} mapping page for page`, () => {
      const pages = 3000;
      const live = randomLive(pages, c.kinds, pages + c.name.length);
      const plan = planWhatIf({ ...c.region, pages }, live, []);
      const run = startWhatIf(plan);
      advanceWhatIf(run, 1);
      assert.deepEqual([...readWhatIfPageStates(run, 'p0')], [...live]);
    });
  }

  test('fork, then the child writes every page: the child owns the whole region, the parent keeps its pages', () => {
    const pages = 4096;
    const live = randomLive(pages, [PageState.none, PageState.exclusive], 9);
    const present = live.filter((s) => s === PageState.exclusive).length;
    const steps: WhatIfStep[] = [
      { op: 'fork', proc: 'p0', child: 'c1' },
      { op: 'write', proc: 'c1', percent: 100, order: 'random', seed: 1 },
    ];
    const frames = simulateWhatIf(planWhatIf({ type: 'anon', share: 'private', pages }, live, steps));
    const afterFork = frames[1]!;
    assert.equal(afterFork.usage[1]!.smaps!.Rss, present * 4, 'the child maps what the parent had');
    assert.equal(afterFork.usage[1]!.smaps!.Shared_Dirty, present * 4);
    assert.equal(afterFork.totalPssKb, present * 4, 'fork copies no page');
    const end = frames[frames.length - 1]!;
    assert.equal(end.usage[1]!.smaps!.Private_Dirty, pages * 4);
    assert.equal(end.usage[0]!.smaps!.Private_Dirty, present * 4);
    assert.equal(end.totalPssKb, (pages + present) * 4);
    assert.equal(frames.filter((f) => f.stepIndex === 1).length, 12, 'a write step is animated in 12 frames');
  });

  test('steps on unknown or exited processes, reused names and bad percentages are refused with the step number', () => {
    const live = new Uint8Array(10);
    const region = { type: 'anon', share: 'private', pages: 10 } as const;
    const bad: [WhatIfStep[], RegExp][] = [
      [[{ op: 'write', proc: 'c1', percent: 10, order: 'sequential', seed: 1 }], /step 1: unknown process c1/],
      [[{ op: 'exit', proc: 'p0' }, { op: 'dontneed', proc: 'p0', percent: 5 }], /step 2: process p0 has exited/],
      [[{ op: 'fork', proc: 'p0', child: 'p0' }], /step 1: process name "p0" is already used/],
      [[{ op: 'fork', proc: 'p0', child: 'c1' }, { op: 'write', proc: 'c1', percent: 101, order: 'random', seed: 1 }], /step 2: percentage 101/],
    ];
    for (const [steps, message] of bad) assert.throws(() => planWhatIf(region, live, steps), (e: unknown) => e instanceof WhatIfError && message.test(e.message));
  });
});
