// The page/COW simulator on 1 GiB regions: a write pass, a fork and the child's write pass.
import { simulateScenario } from '../../shared/sim/pages/simulate.js';
import type { Scenario } from '../../shared/sim/pages/scenario.js';
import { timeFn } from './measure.js';

const PAGES_1GIB = 262_144;

/** Prints the simulator's time per region type. */
export function benchSimPages(): void {
  console.log(`\n## page/COW simulator: 1 GiB region (${PAGES_1GIB} pages), write pass + fork + child write pass (median of 3)`);
  for (const [type, share] of [['anon', 'private'], ['file', 'private'], ['anon', 'shared'], ['file', 'shared']] as const) {
    const scenario: Scenario = {
      regions: [{ name: 'big', type, share, pages: PAGES_1GIB }],
      steps: [
        { op: 'touch', proc: 'p0', region: 'big', access: 'write', first: 0, count: PAGES_1GIB },
        { op: 'fork', proc: 'p0', child: 'c1' },
        { op: 'touch', proc: 'c1', region: 'big', access: 'write', first: 0, count: PAGES_1GIB },
      ],
    };
    const r = timeFn(() => simulateScenario(scenario), 3, 1);
    const pagesPerS = (3 * PAGES_1GIB) / (r.wallMs / 1000);
    console.log(`${`${type}/${share}`.padEnd(14)} ${r.wallMs.toFixed(0).padStart(6)} ms  (${(pagesPerS / 1e6).toFixed(1)} M page-events/s)`);
  }
}
