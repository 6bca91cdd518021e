// `memscope sim SIMULATOR …`: dispatches to one simulator command per entry of the table below, each loaded
// only when asked for.
import { ApiError } from '../../shared/errors.js';

type SimRunner = (argv: string[]) => Promise<number>;

/** Simulator name → its lazily imported runner; a new simulator adds one line here and its usage lines in registry.ts. */
const SIMULATORS: Record<string, () => Promise<SimRunner>> = {
  pages: async () => (await import('./sim-pages.js')).runSimPages,
  cache: async () => (await import('./sim-cache.js')).runSimCache,
  tlb: async () => (await import('./sim-tlb.js')).runSimTlb,
  malloc: async () => (await import('./sim-malloc.js')).runSimMalloc,
};

/** Runs `memscope sim`: the first argument names the simulator, the rest is its argv. */
export async function runSim(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const known = Object.keys(SIMULATORS).join(', ');
  if (name === undefined) throw new ApiError('bad-arg', `sim: expected a simulator (${known}); see memscope --help`);
  const load = Object.hasOwn(SIMULATORS, name) ? SIMULATORS[name] : undefined;
  if (load === undefined) throw new ApiError('bad-arg', `sim: unknown simulator ${JSON.stringify(name)} (expected ${known}); see memscope --help`);
  return (await load())(rest);
}
