// Seeded random scenarios for the kernel-agreement tests: small (<= 3 living processes, <= 3 regions of
// <= 48 pages, <= 25 steps) so one kernel run stays in the milliseconds.
import { FIRST_PROC, type RegionSpec, type Scenario, type Step } from '../../../../shared/sim/pages/scenario.js';
import { createRng } from '../../../../shared/sim/rng.js';

/** Limits of {@link generateScenario}. */
export interface RandomLimits {
  maxLiveProcs: number;
  maxRegions: number;
  maxPages: number;
  maxSteps: number;
}

/** The default limits: every region fits one page table. */
export const RANDOM_LIMITS: RandomLimits = { maxLiveProcs: 3, maxRegions: 3, maxPages: 48, maxSteps: 25 };

/** A random valid scenario, the same for the same seed and limits. */
export function generateScenario(seed: number, limits: RandomLimits = RANDOM_LIMITS): Scenario {
  const rng = createRng(seed);
  const rand = (): number => rng.nextFloat();
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!;
  const regions: RegionSpec[] = [];
  const regionCount = int(1, limits.maxRegions);
  for (let i = 0; i < regionCount; i++) {
    regions.push({ name: `r${i}`, type: pick(['anon', 'file'] as const), share: pick(['private', 'shared'] as const), pages: int(1, limits.maxPages) });
  }
  const live = [FIRST_PROC];
  let forks = 0;
  const steps: Step[] = [];
  const stepCount = int(5, limits.maxSteps);
  const pickRange = (region: RegionSpec): { first: number; count: number } => {
    const first = rand() < 0.3 ? 0 : int(0, region.pages - 1);
    const count = rand() < 0.3 ? region.pages - first : int(1, Math.min(region.pages - first, 20));
    return { first, count };
  };
  for (let i = 0; i < stepCount; i++) {
    const proc = pick(live);
    const roll = rand();
    if (roll < 0.15 && live.length < limits.maxLiveProcs) {
      const child = `c${++forks}`;
      steps.push({ op: 'fork', proc, child });
      live.push(child);
    } else if (roll < 0.22 && live.length > 1) {
      steps.push({ op: 'exit', proc });
      live.splice(live.indexOf(proc), 1);
    } else if (roll < 0.34) {
      const region = pick(regions);
      steps.push({ op: 'madvise', advice: 'dontneed', proc, region: region.name, ...pickRange(region) });
    } else {
      const region = pick(regions);
      steps.push({ op: 'touch', proc, region: region.name, access: rand() < 0.5 ? 'read' : 'write', ...pickRange(region) });
    }
  }
  return { regions, steps };
}
