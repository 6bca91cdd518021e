// The 1 GiB write, fork, child-write scenario over each kind of region: simulate.test.ts checks the simulator on
// it at scale and tests/bench/sim-pages.bench.ts times it, one definition so the bench times what the test checks.
import type { RegionShare, RegionType, Scenario } from '../../../../shared/sim/pages/scenario.js';

/** 4 KiB pages in 1 GiB. */
export const PAGES_1GIB = 262_144;

/** Every kind of region: its type and its share. */
export const REGION_KINDS = [
  ['anon', 'private'],
  ['file', 'private'],
  ['anon', 'shared'],
  ['file', 'shared'],
] as const satisfies readonly (readonly [RegionType, RegionShare])[];

/** p0 writes every page of a 1 GiB region of this kind, forks c1, and c1 writes every page: three steps. */
export function buildWriteForkWrite(type: RegionType, share: RegionShare): Scenario {
  return {
    regions: [{ name: 'big', type, share, pages: PAGES_1GIB }],
    steps: [
      { op: 'touch', proc: 'p0', region: 'big', access: 'write', first: 0, count: PAGES_1GIB },
      { op: 'fork', proc: 'p0', child: 'c1' },
      { op: 'touch', proc: 'c1', region: 'big', access: 'write', first: 0, count: PAGES_1GIB },
    ],
  };
}
