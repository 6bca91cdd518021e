// Benchmark: the glibc 2.36 simulator beside the real glibc replaying the same 1M-op traces.
// The simulator is timed after one warm-up run (best of 3); the real glibc is the C harness's
// replay loop (tests/harness/malloc-replay.c --time, best of 3), so parsing is excluded on both sides.
// Traces: built-in workloads, and the CMU malloclab traces back to back, repeated to ~1M ops.
// Then `memscope sim malloc` end to end on 2M-op trace files (issue 13: the random workload, and the malloclab
// real-program traces back to back), run as an installed `memscope` runs (its shebang's node flags): parsing ops/s
// in process, the whole command's ops/s and peak RSS per output format, beside the real glibc's whole run on the
// same file; and a
// memscope-trace 2 that switches thread on every op (issue 12) beside the real glibc's mt-replay.c on it.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHarness } from '../helpers/c-build.js';
import { childrenCpuMs } from './measure.js';
import { CLI_PATH, MALLOCLAB_TRACES_DIR } from '../helpers/paths.js';
import { CLI_NODE_FLAGS } from '../helpers/cli.js';
import { type Trace, type TraceOp, formatRepTrace, formatTraceOp, packTraceOps, parseTrace, parseTraceBytes, readTraceOpKind } from '../../shared/sim/trace.js';
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
  await benchMallocEndToEnd('random');
  await benchMallocEndToEnd('malloclab');
  await benchThreadSwitching();
}

/** One whole command run: wall time, CPU time (user + system, steadier than wall on a busy machine) and the peak RSS it reached. */
interface CommandRun {
  wallMs: number;
  cpuMs: number;
  peakRssBytes: number;
}

/** VmHWM of a live process in bytes (0 once it is gone). */
function readPeakRssBytes(pid: number): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m === null ? 0 : Number(m[1]) * 1024;
  } catch {
    return 0;
  }
}

/**
 * Runs a command with stdout discarded: /dev/null (its writes cost nothing and never wait: this times the writer
 * alone), or with `piped`, a pipe this process reads and drops (the writer waits whenever the pipe is full: a
 * reader's pace). Its peak RSS is VmHWM polled every 5 ms while it runs (a high-water mark, so late polls still see it).
 */
async function runMeasured(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, piped = false): Promise<CommandRun> {
  const t0 = performance.now();
  const cpu0 = childrenCpuMs();
  const child = spawn(cmd, args, { stdio: ['ignore', piped ? 'pipe' : 'ignore', 'inherit'], env });
  child.stdout?.resume();
  let peak = 0;
  const poll = setInterval(() => {
    if (child.pid !== undefined) peak = Math.max(peak, readPeakRssBytes(child.pid));
  }, 5);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(poll);
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${code}`);
  return { wallMs: performance.now() - t0, cpuMs: childrenCpuMs() - cpu0, peakRssBytes: peak };
}

/** Best wall and CPU time (and the largest peak RSS) of `runs` runs (piped: see runMeasured). */
async function runBestOf(runs: number, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, piped = false): Promise<CommandRun> {
  let best: CommandRun = { wallMs: Infinity, cpuMs: Infinity, peakRssBytes: 0 };
  for (let k = 0; k < runs; k++) {
    const r = await runMeasured(cmd, args, env, piped);
    best = { wallMs: Math.min(best.wallMs, r.wallMs), cpuMs: Math.min(best.cpuMs, r.cpuMs), peakRssBytes: Math.max(best.peakRssBytes, r.peakRssBytes) };
  }
  return best;
}

/** Rows of the end-to-end section. */
export interface MallocEndToEndResult {
  ops: number;
  fileBytes: number;
  /** In-process parse: first (cold) run and best of 3 after it. */
  parseColdMs: number;
  parseBestMs: number;
  /**
   * `memscope sim malloc --format F FILE`, per format and environment: as this shell has it, and without
   * NODE_EXTRA_CA_CERTS (where set, every node start-up loads those certificates: users rarely have it).
   */
  commands: { format: string; env: string; run: CommandRun }[];
  /** A bare `node -e 0`, per environment: the floor of any node command. */
  bareNode: { env: string; run: CommandRun }[];
  /** The real glibc's harness on the same file: the whole process (parsing included), and its replay loop alone. */
  real: CommandRun;
  realReplayMs: number;
}

/** `memscope ARGS` as an installed memscope runs: node with the shebang's flags (electron/cli.ts). */
function memscopeArgs(args: string[]): string[] {
  return [...CLI_NODE_FLAGS, CLI_PATH, ...args];
}

/**
 * Times parsing, `memscope sim malloc` end to end and the real glibc on one 2M-op trace written to a file: a
 * built-in workload, or 'malloclab' (the real-program traces back to back, buildMalloclabTrace).
 */
export async function runMallocEndToEndBench(opCount = 2_000_000, workload = 'random'): Promise<MallocEndToEndResult> {
  const harness = buildHarness('malloc-replay.c');
  const dir = mkdtempSync(join(tmpdir(), 'memscope-bench-'));
  try {
    const file = join(dir, `${workload}.rep`);
    writeFileSync(file, formatRepTrace(workload === 'malloclab' ? buildMalloclabTrace(opCount).trace : generateWorkload(workload, { seed: 1, opCount })));
    const bytes = readFileSync(file);
    let t0 = performance.now();
    const ops = parseTraceBytes(bytes).length;
    const parseColdMs = performance.now() - t0;
    let parseBestMs = Infinity;
    for (let k = 0; k < 3; k++) {
      t0 = performance.now();
      parseTraceBytes(bytes);
      parseBestMs = Math.min(parseBestMs, performance.now() - t0);
    }
    const envs: { env: string; vars: NodeJS.ProcessEnv }[] = [{ env: 'env as is', vars: process.env }];
    if (process.env['NODE_EXTRA_CA_CERTS'] !== undefined) {
      const rest = { ...process.env };
      delete rest['NODE_EXTRA_CA_CERTS'];
      envs[0]!.env = 'NODE_EXTRA_CA_CERTS set';
      envs.push({ env: 'no NODE_EXTRA_CA_CERTS', vars: rest });
    }
    const commands: MallocEndToEndResult['commands'] = [];
    const bareNode: MallocEndToEndResult['bareNode'] = [];
    for (const { env, vars } of envs) {
      bareNode.push({ env, run: await runBestOf(3, process.execPath, ['-e', '0'], vars) });
      for (const format of ['jsonl', 'summary']) {
        commands.push({ format, env, run: await runBestOf(3, process.execPath, memscopeArgs(['sim', 'malloc', '--format', format, file]), vars) });
      }
    }
    // jsonl into a pipe a reader empties (this process), as `memscope sim malloc --format jsonl … | jq` runs.
    const piped = await runBestOf(3, process.execPath, memscopeArgs(['sim', 'malloc', '--format', 'jsonl', file]), envs[0]!.vars, true);
    commands.push({ format: 'jsonl | a reader', env: envs[0]!.env, run: piped });
    const real = await runBestOf(3, harness, ['--time', file]);
    const timing = JSON.parse(execFileSync(harness, ['--time', file], { env: {} }).toString()) as { replay_ns: number };
    return { ops, fileBytes: statSync(file).size, parseColdMs, parseBestMs, commands, bareNode, real, realReplayMs: timing.replay_ns / 1e6 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `npm run bench` lines for the end-to-end section on one trace (see runMallocEndToEndBench). */
async function benchMallocEndToEnd(workload: string): Promise<void> {
  const r = await runMallocEndToEndBench(2_000_000, workload);
  const mb = (b: number) => (b / 1e6).toFixed(1);
  const rate = (ms: number) => `${(r.ops / ms / 1000).toFixed(2).padStart(6)} M ops/s (${ms.toFixed(0)} ms)`;
  // Ops per CPU second: what the command would reach on an idle core (this machine is shared).
  const cpuRate = (ms: number) => `${(r.ops / ms / 1000).toFixed(2)} M ops/s of CPU`;
  console.log(`\n## sim malloc end to end: a ${r.ops}-op ${workload} trace file of ${mb(r.fileBytes)} MB (issue 13 bar: ≥ 2 M ops/s with parsing and output, RSS ≤ 3× the file)`);
  console.log(`${'parse in process, first run'.padEnd(44)} ${rate(r.parseColdMs)}`);
  console.log(`${'parse in process, best of 3 after it'.padEnd(44)} ${rate(r.parseBestMs)}`);
  for (const { env, run } of r.bareNode) {
    console.log(`${`bare node -e 0 (${env})`.padEnd(44)} CPU ${run.cpuMs.toFixed(0)} ms   peak RSS ${mb(run.peakRssBytes)} MB (${(run.peakRssBytes / r.fileBytes).toFixed(1)}× the file): the floor of any node command`);
  }
  for (const { format, env, run } of r.commands) {
    console.log(
      `${`memscope sim malloc --format ${format}`.padEnd(44)} ${rate(run.wallMs)}, CPU ${run.cpuMs.toFixed(0)} ms (${cpuRate(run.cpuMs)})   peak RSS ${mb(run.peakRssBytes)} MB ` +
        `(${(run.peakRssBytes / r.fileBytes).toFixed(1)}× the file)   real/memscope ${(r.real.wallMs / run.wallMs).toFixed(2)} wall, ${(r.real.cpuMs / run.cpuMs).toFixed(2)} CPU   [${env}]`,
    );
  }
  console.log(`${'real glibc, whole process (parsing incl.)'.padEnd(44)} ${rate(r.real.wallMs)}, CPU ${r.real.cpuMs.toFixed(0)} ms (${cpuRate(r.real.cpuMs)})   peak RSS ${mb(r.real.peakRssBytes)} MB;   its replay loop alone ${rate(r.realReplayMs)}`);
}

/** Rows of the thread-switching section. */
export interface ThreadSwitchResult {
  ops: number;
  fileBytes: number;
  /** `memscope sim malloc --format F FILE`, per format. */
  commands: { format: string; run: CommandRun }[];
  /** tests/harness/mt-replay.c on the same file: the whole process (each `@ TID` block on its own real thread, one at a time). */
  real: CommandRun;
}

/**
 * The random workload as a memscope-trace 2 whose ops alternate between two threads (`@ 0`, `@ 1`, … before
 * every op): each op switches thread, and each arena miss switches arena. Timed as `memscope sim malloc` and
 * as the real glibc's mt-replay.c, whole processes both.
 */
export async function runThreadSwitchBench(opCount = 1_000_000): Promise<ThreadSwitchResult> {
  const harness = buildHarness('mt-replay.c');
  const dir = mkdtempSync(join(tmpdir(), 'memscope-bench-'));
  try {
    const w = generateWorkload('random', { seed: 1, opCount });
    const lines = ['# memscope-trace 2 cpus=2'];
    for (let i = 0; i < w.length; i++) lines.push(`@ ${i % 2}`, formatTraceOp(w, i));
    const file = join(dir, 'switch-every-op.trace');
    writeFileSync(file, lines.join('\n') + '\n');
    const commands: ThreadSwitchResult['commands'] = [];
    for (const format of ['summary', 'jsonl']) {
      commands.push({ format, run: await runBestOf(3, process.execPath, memscopeArgs(['sim', 'malloc', '--format', format, file])) });
    }
    return { ops: w.length, fileBytes: statSync(file).size, commands, real: await runBestOf(3, harness, [file]) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `npm run bench` lines for the thread-switching section. */
async function benchThreadSwitching(): Promise<void> {
  const r = await runThreadSwitchBench();
  const line = (run: CommandRun) =>
    `${(r.ops / run.wallMs / 1000).toFixed(2).padStart(6)} M ops/s (${run.wallMs.toFixed(0)} ms), CPU ${run.cpuMs.toFixed(0)} ms (${(r.ops / run.cpuMs / 1000).toFixed(2)} M ops/s of CPU)   peak RSS ${(run.peakRssBytes / 1e6).toFixed(1)} MB`;
  console.log(`\n## sim malloc on a ${r.ops}-op memscope-trace 2 switching thread every op (${(r.fileBytes / 1e6).toFixed(1)} MB; issue 12: an arena switch should not cost what the bins hold)`);
  for (const { format, run } of r.commands) console.log(`${`memscope sim malloc --format ${format}`.padEnd(44)} ${line(run)}   real/memscope CPU ${(r.real.cpuMs / run.cpuMs).toFixed(2)}`);
  console.log(`${'real glibc, mt-replay.c (a thread per @ TID)'.padEnd(44)} ${line(r.real)}`);
}
