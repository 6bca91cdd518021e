// Benchmark: the glibc 2.36 simulator beside the real glibc replaying the same 1M-op traces.
// The simulator is timed after one warm-up run (best of 3); the real glibc is the C harness's
// replay loop (tests/harness/malloc-replay.c --time, best of 3), so parsing is excluded on both sides.
// Traces: built-in workloads, and the CMU malloclab traces back to back, repeated to ~1M ops.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHarness } from '../helpers/c-build.js';
import { MALLOCLAB_TRACES_DIR } from '../helpers/paths.js';
import { type Trace, type TraceOp, formatRepTrace, packTraceOps, parseTrace, readTraceOpKind } from '../../shared/sim/trace.js';
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
  /** Further named traces to replay after the workloads. */
  traces?: { name: string; trace: Trace }[];
}

/**
 * The malloclab traces (tests/fixtures/traces/malloclab/*.rep) back to back, each with its ids moved
 * past the previous trace's, the whole sequence repeated until it holds at least minOps ops. The
 * traces are balanced (every block freed), so a repetition starts from ids that hold nothing.
 */
export function buildMalloclabTrace(minOps: number): { name: string; trace: Trace } {
  const files = readdirSync(MALLOCLAB_TRACES_DIR).filter((f) => f.endsWith('.rep')).sort();
  const round: TraceOp[] = [];
  let idBase = 0;
  for (const f of files) {
    const t = parseTrace(readFileSync(join(MALLOCLAB_TRACES_DIR, f), 'utf8'));
    let maxId = 0;
    for (let i = 0; i < t.length; i++) {
      const id = t.ids[i]!;
      const op = readTraceOpKind(t, i);
      round.push(op === 'f' ? { op, id: idBase + id } : { op, id: idBase + id, size: t.sizes[i]! });
      if (id > maxId) maxId = id;
    }
    idBase += maxId + 1;
  }
  const ops: TraceOp[] = [];
  let rounds = 0;
  while (ops.length < minOps && round.length > 0) {
    for (const o of round) ops.push(o);
    rounds++;
  }
  return { name: `malloclab ${files.length} traces ×${rounds}`, trace: packTraceOps(ops) };
}

/**
 * Replays each workload's trace through the simulator and through the real glibc, and reports
 * ops per second for both (the issue's bar: ≥ 2M ops/s for the simulator on a 1M-op trace).
 */
export async function runMallocBench(options: MallocBenchOptions = {}): Promise<MallocBenchResult[]> {
  const opCount = options.opCount ?? 1_000_000;
  const workloads = options.workloads ?? ['random', 'many-small', 'producer-consumer'];
  const harness = buildHarness('malloc-replay.c');
  const dir = mkdtempSync(join(tmpdir(), 'memscope-bench-'));
  const results: MallocBenchResult[] = [];
  try {
    const named = [...workloads.map((name) => ({ name, trace: generateWorkload(name, { seed: 1, opCount }) })), ...(options.traces ?? [])];
    for (const { name, trace } of named) {
      replayTraceGlibc(trace, createDefaultParams()); // warm-up (JIT)
      let best = Infinity;
      for (let k = 0; k < 3; k++) {
        const t0 = performance.now();
        replayTraceGlibc(trace, createDefaultParams());
        best = Math.min(best, performance.now() - t0);
      }
      results.push({ name: `glibc sim: ${name} (${trace.length} ops)`, opsPerS: Math.round(trace.length / (best / 1000)), ops: trace.length, ms: best });

      const file = join(dir, `trace-${named.findIndex((n) => n.name === name)}.rep`);
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

/** `npm run bench` section: the simulator's ops/s beside the real glibc's on the same ~1M-op traces. */
export async function benchMalloc(): Promise<void> {
  console.log('\n## glibc malloc replay: simulator vs real glibc 2.36 (best of 3, replay loop only; issue 4 bar: simulator ≥ 2M ops/s)');
  const results = await runMallocBench({ traces: [buildMalloclabTrace(1_000_000)] });
  for (let k = 0; k + 1 < results.length; k += 2) {
    const sim = results[k]!;
    const real = results[k + 1]!;
    const name = sim.name.replace(/^glibc sim: /, '');
    console.log(
      `${name.padEnd(44)} sim ${(sim.opsPerS / 1e6).toFixed(2).padStart(6)} M ops/s (${sim.ms.toFixed(0)} ms)   ` +
        `real ${(real.opsPerS / 1e6).toFixed(2).padStart(6)} M ops/s (${real.ms.toFixed(0)} ms)   sim/real ${(sim.opsPerS / real.opsPerS).toFixed(3)}`,
    );
  }
}
