// Benchmark: the glibc 2.36 simulator beside the real glibc replaying the same 1M-op traces.
// The simulator is timed after one warm-up run (best of 3); the real glibc is the C harness's
// replay loop (tests/harness/malloc-replay.c --time, best of 3), so parsing is excluded on both sides.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHarness } from '../helpers/c-build.js';
import { formatRepTrace } from '../../shared/sim/trace.js';
import { generateWorkload } from '../../shared/sim/malloc/workloads.js';
import { replayTraceGlibc } from '../../shared/sim/malloc/glibc/replay.js';
import { createDefaultParams } from '../../shared/sim/malloc/glibc/params.js';

/** One benchmark row. */
export interface MallocBenchResult {
  /** e.g. "glibc sim: random (1000000 ops)". */
  name: string;
  /** Trace ops per second. */
  opsPerS: number;
  /** Ops replayed per run. */
  ops: number;
  /** Best run, milliseconds. */
  ms: number;
}

/** Options for runMallocBench. */
export interface MallocBenchOptions {
  /** Ops per trace (default 1,000,000). */
  opCount?: number;
  /** Workloads to replay (default: random, many-small, producer-consumer). */
  workloads?: string[];
}

/**
 * Replays each workload's trace through the simulator and through the real glibc, and reports
 * ops per second for both (the bar: ≥ 2M ops/s for the simulator on a 1M-op trace).
 */
export async function runMallocBench(options: MallocBenchOptions = {}): Promise<MallocBenchResult[]> {
  const opCount = options.opCount ?? 1_000_000;
  const workloads = options.workloads ?? ['random', 'many-small', 'producer-consumer'];
  const harness = buildHarness('malloc-replay.c');
  const dir = mkdtempSync(join(tmpdir(), 'memscope-bench-'));
  const results: MallocBenchResult[] = [];
  try {
    for (const name of workloads) {
      const trace = generateWorkload(name, { seed: 1, opCount });
      replayTraceGlibc(trace, createDefaultParams()); // warm-up (JIT)
      let best = Infinity;
      for (let k = 0; k < 3; k++) {
        const t0 = performance.now();
        replayTraceGlibc(trace, createDefaultParams());
        best = Math.min(best, performance.now() - t0);
      }
      results.push({ name: `glibc sim: ${name} (${trace.length} ops)`, opsPerS: Math.round(trace.length / (best / 1000)), ops: trace.length, ms: best });

      const file = join(dir, `${name}.rep`);
      writeFileSync(file, formatRepTrace(trace));
      let bestReal = Infinity;
      for (let k = 0; k < 3; k++) {
        const out = JSON.parse(execFileSync(harness, ['--time', file], { env: {} }).toString()) as { ops: number; replay_ns: number };
        bestReal = Math.min(bestReal, out.replay_ns / 1e6);
      }
      results.push({ name: `glibc real: ${name} (${trace.length} ops)`, opsPerS: Math.round(trace.length / (bestReal / 1000)), ops: trace.length, ms: bestReal });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
