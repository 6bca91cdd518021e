// Benchmark: the gperftools 2.10 TCMalloc model beside the real libtcmalloc_minimal replaying the
// same 1M-op traces. The model is timed after one warm-up run (best of 3); the real library is the
// C harness's replay loop (tests/harness/tcmalloc-replay.c --time, best of 3), parsing excluded.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHarness } from '../helpers/c-build.js';
import { oracleMissing, requireOracle } from '../helpers/oracles.js';
import { formatRepTrace } from '../../shared/sim/trace.js';
import { generateWorkload } from '../../shared/sim/malloc/workloads.js';
import { replayTraceTcmalloc } from '../../shared/sim/malloc/tcmalloc/replay.js';
import { createDefaultTcmallocParams } from '../../shared/sim/malloc/tcmalloc/params.js';

/** One benchmark row. */
export interface TcmallocBenchResult {
  /** e.g. "tcmalloc model: random (1000000 ops)". */
  name: string;
  /** Trace ops per second. */
  opsPerS: number;
  /** Ops replayed per run. */
  ops: number;
  /** Best run, milliseconds. */
  ms: number;
}

/** Replays each workload through the model and the real library; ops per second for both. */
export function runTcmallocBench(opCount = 1_000_000, workloads = ['random', 'many-small', 'producer-consumer']): TcmallocBenchResult[] {
  const harness = buildHarness('tcmalloc-replay.c', [requireOracle('libtcmalloc-minimal')]);
  const dir = mkdtempSync(join(tmpdir(), 'memscope-tcmalloc-bench-'));
  const results: TcmallocBenchResult[] = [];
  try {
    for (const name of workloads) {
      const trace = generateWorkload(name, { seed: 1, opCount });
      replayTraceTcmalloc(trace, createDefaultTcmallocParams());
      let best = Infinity;
      for (let k = 0; k < 3; k++) {
        const t0 = performance.now();
        replayTraceTcmalloc(trace, createDefaultTcmallocParams());
        best = Math.min(best, performance.now() - t0);
      }
      results.push({ name: `tcmalloc model: ${name} (${trace.length} ops)`, opsPerS: Math.round(trace.length / (best / 1000)), ops: trace.length, ms: best });

      const file = join(dir, `${name}.rep`);
      writeFileSync(file, formatRepTrace(trace));
      let bestReal = Infinity;
      for (let k = 0; k < 3; k++) {
        const out = JSON.parse(execFileSync(harness, ['--time', file], { env: {} }).toString()) as { ops: number; replay_ns: number };
        bestReal = Math.min(bestReal, out.replay_ns / 1e6);
      }
      results.push({ name: `tcmalloc real: ${name} (${trace.length} ops)`, opsPerS: Math.round(trace.length / (bestReal / 1000)), ops: trace.length, ms: bestReal });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

/** `npm run bench` section: prints the model and the real library side by side. */
export function benchTcmallocReplay(): void {
  console.log('\n## TCMalloc replay: model vs real libtcmalloc_minimal 2.10 (best of 3)');
  const missing = oracleMissing('libtcmalloc-minimal');
  if (missing !== false) {
    console.log(`skipped: ${missing}`);
    return;
  }
  for (const r of runTcmallocBench()) {
    console.log(`${r.name.padEnd(52)} ${(r.opsPerS / 1e6).toFixed(2).padStart(7)} M ops/s  (${r.ms.toFixed(0)} ms)`);
  }
}
