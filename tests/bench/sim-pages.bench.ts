// The page/COW simulator on 1 GiB regions: a write pass, a fork and the child's write pass; and fork chains over
// a 16 GiB written region (4 Mi pages, 20 and 200 forks), each in a fresh process for its own peak RSS.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { simulateScenario } from '../../shared/sim/pages/simulate.js';
import { MAX_REGION_PAGES, type Scenario, type Step } from '../../shared/sim/pages/scenario.js';
import { buildWriteForkWrite, PAGES_1GIB, REGION_KINDS } from '../shared/sim/pages/write-fork-write.js';
import { timeFn } from './measure.js';

const FORK_COUNTS = [20, 200];

/** p0 writes every page of the largest region, then forks `forks` children. */
function buildForkChain(forks: number): Scenario {
  const steps: Step[] = [{ op: 'touch', proc: 'p0', region: 'heap', access: 'write', first: 0, count: MAX_REGION_PAGES }];
  for (let i = 1; i <= forks; i++) steps.push({ op: 'fork', proc: 'p0', child: `c${i}` });
  return { regions: [{ name: 'heap', type: 'anon', share: 'private', pages: MAX_REGION_PAGES }], steps };
}

/** Runs one scenario in a fresh Node process as `sim pages` would print it; its wall ms and peak RSS. */
function runInFreshProcess(scenario: Scenario, format: 'table' | 'json'): { wallMs: number; maxRssMb: number } {
  const formatJs = fileURLToPath(new URL('../../shared/sim/pages/format.js', import.meta.url));
  const simulateJs = fileURLToPath(new URL('../../shared/sim/pages/simulate.js', import.meta.url));
  const script = `
    const { buildSimPagesReport, formatStepTable } = await import(${JSON.stringify(formatJs)});
    const { simulateScenario } = await import(${JSON.stringify(simulateJs)});
    const scenario = JSON.parse(process.argv[1]);
    const t = performance.now();
    const out = ${format === 'json' ? 'JSON.stringify(buildSimPagesReport(scenario))' : 'formatStepTable(simulateScenario(scenario))'};
    console.log(JSON.stringify({ wallMs: performance.now() - t, maxRssMb: process.resourceUsage().maxRSS / 1024, chars: out.length }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(scenario)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`fork chain run failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { wallMs: number; maxRssMb: number };
}

/** Prints the simulator's time per region type, then the fork chains' time and peak RSS. */
export function benchSimPages(): void {
  console.log(`\n## page/COW simulator: 1 GiB region (${PAGES_1GIB} pages), write pass + fork + child write pass (median of 3)`);
  for (const [type, share] of REGION_KINDS) {
    const scenario = buildWriteForkWrite(type, share);
    const r = timeFn(() => simulateScenario(scenario), 3, 1);
    const pagesPerS = (3 * PAGES_1GIB) / (r.wallMs / 1000);
    console.log(`${`${type}/${share}`.padEnd(14)} ${r.wallMs.toFixed(0).padStart(6)} ms  (${(pagesPerS / 1e6).toFixed(1)} M page-events/s)`);
  }
  console.log(`\n## page/COW simulator: fork chain, p0 writes ${MAX_REGION_PAGES} pages (16 GiB) then forks N children (one run each, fresh process)`);
  for (const forks of FORK_COUNTS) {
    for (const format of ['table', 'json'] as const) {
      const r = runInFreshProcess(buildForkChain(forks), format);
      console.log(`${`${forks} forks, ${format}`.padEnd(18)} ${(r.wallMs / 1000).toFixed(1).padStart(6)} s  peak RSS ${r.maxRssMb.toFixed(0)} MB`);
    }
  }
}
