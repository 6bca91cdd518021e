// Test support: replays a trace under the machine's real glibc (tests/harness/malloc-replay.c) and
// compares it op by op with the simulator, reporting the first differing op and the events before it.
// The model refuses brk/mmap as this machine's kernel does (electron/host/system/map-limit.ts).
import { spawnSync } from 'node:child_process';
import { buildHarness } from '../../../../helpers/c-build.js';
import { readHostMapLimitBytes } from '../../../../../electron/host/system/map-limit.js';
import { type Trace, formatRepTrace } from '../../../../../shared/sim/trace.js';
import { type MallocOpRecord, formatOpRecord, parseOpRecordsJsonl } from '../../../../../shared/sim/malloc/replay-results.js';
import { createGlibcReplay, runGlibcReplay } from '../../../../../shared/sim/malloc/glibc/replay.js';
import { parseGlibcTunables } from '../../../../../shared/sim/malloc/glibc/params.js';
import { createMallocEventLog, describeMallocEvent } from '../../../../../shared/sim/malloc/events.js';
import { HeapMisuseError } from '../../../../../shared/sim/malloc/heap-misuse.js';

let harnessPath: string | null = null;

/** Path of the compiled C replayer (built once per process). */
export function getReplayHarness(): string {
  harnessPath ??= buildHarness('malloc-replay.c');
  return harnessPath;
}

/** How `a` ops allocate: malloc (default) or calloc(callocCount ?? 1, size). */
export interface ReplayMode {
  useCalloc?: boolean;
  callocCount?: number;
}

/** How the real program died during the replay: the signal, the op it was in, what glibc printed. */
export interface RealDeath {
  signal: string;
  opIndex: number;
  /** stderr without the harness's own last line (glibc's message, e.g. "free(): double free detected in tcache 2"). */
  message: string;
}

/** A replay under the real glibc: the records of the ops it completed, and its death if it died. */
export interface RealGlibcRun {
  records: MallocOpRecord[];
  death: RealDeath | null;
}

/** The harness's arguments for a replay mode, reading the trace from stdin. */
export function formatHarnessArgs(mode: ReplayMode): string[] {
  if (mode.useCalloc !== true) return ['-'];
  return mode.callocCount === undefined ? ['--calloc', '-'] : ['--calloc-n', String(mode.callocCount), '-'];
}

/** Runs the trace under the real glibc with a clean environment holding only GLIBC_TUNABLES; the program may die. */
export function runRealGlibc(trace: Trace, tunables: string, mode: ReplayMode = {}): RealGlibcRun {
  const r = spawnSync(getReplayHarness(), formatHarnessArgs(mode), {
    input: formatRepTrace(trace),
    env: tunables === '' ? {} : { GLIBC_TUNABLES: tunables },
    maxBuffer: 1 << 30,
  });
  const records = parseOpRecordsJsonl(r.stdout.toString());
  const stderr = r.stderr.toString();
  if (r.signal === null) {
    if (r.status !== 0) throw new Error(`malloc-replay exited ${r.status}: ${stderr}`);
    return { records, death: null };
  }
  const m = /malloc-replay: op (\d+): (SIG\w+)\n$/.exec(stderr);
  if (m === null) throw new Error(`malloc-replay died of ${r.signal} without naming the op: ${stderr}`);
  return { records, death: { signal: r.signal, opIndex: Number(m[1]), message: stderr.slice(0, m.index).trim() } };
}

/** Runs the trace under the real glibc, which must survive it. */
export function replayWithRealGlibc(trace: Trace, tunables: string, mode: ReplayMode = {}): MallocOpRecord[] {
  const run = runRealGlibc(trace, tunables, mode);
  if (run.death !== null) throw new Error(`malloc-replay died at op ${run.death.opIndex} (${run.death.signal}): ${run.death.message}`);
  return run.records;
}

/** The replay options that make the model behave as the harness does on this machine. */
export function readModelOptions(mode: ReplayMode = {}): { useCalloc: boolean; callocCount: number; mapLimitBytes: number } {
  return { useCalloc: mode.useCalloc === true, callocCount: mode.callocCount ?? 1, mapLimitBytes: readHostMapLimitBytes() };
}

/** Outcome of comparing the simulator with the real glibc on one trace. */
export interface Comparison {
  /** Ops in the trace. */
  ops: number;
  /** Ops that agree before the first difference (= ops when all agree). */
  agreeing: number;
  /** Index of the first differing op, or -1. */
  firstDiff: number;
  /** Human-readable explanation of the first difference ('' when none). */
  report: string;
  /** The real records (for premise checks). */
  real: MallocOpRecord[];
  /** The simulator's records. */
  sim: MallocOpRecord[];
}

/** Replays in both and compares every op's record (offset/region, mmap size, usable size, brk). */
export function compareWithRealGlibc(trace: Trace, tunables: string, mode: ReplayMode = {}): Comparison {
  const real = replayWithRealGlibc(trace, tunables, mode);
  const params = parseGlibcTunables(tunables).params;
  const r = createGlibcReplay(trace, params, readModelOptions(mode));
  runGlibcReplay(r);
  const sim: MallocOpRecord[] = [];
  let firstDiff = -1;
  for (let i = 0; i < trace.length; i++) {
    const rec = formatOpRecord(trace, r.results, i);
    sim.push(rec);
    if (firstDiff < 0 && JSON.stringify(rec) !== JSON.stringify(real[i])) firstDiff = i;
  }
  if (real.length !== trace.length && firstDiff < 0) firstDiff = Math.min(real.length, trace.length);
  const agreeing = firstDiff < 0 ? trace.length : firstDiff;
  const report = firstDiff < 0 ? '' : explainDifference(trace, tunables, mode, firstDiff, sim[firstDiff], real[firstDiff]);
  return { ops: trace.length, agreeing, firstDiff, report, real, sim };
}

/** Re-runs the simulator with an event log to show what it did in the ops leading to op i. */
function explainDifference(trace: Trace, tunables: string, mode: ReplayMode, i: number, sim: MallocOpRecord | undefined, real: MallocOpRecord | undefined): string {
  const lines = [`first difference at op ${i} (GLIBC_TUNABLES='${tunables}'${mode.useCalloc === true ? `, calloc(${mode.callocCount ?? 1}, size)` : ''}):`, `  sim:  ${JSON.stringify(sim)}`, `  real: ${JSON.stringify(real)}`, '  simulator events for the ops leading to it:'];
  const log = createMallocEventLog();
  const r = createGlibcReplay(trace, parseGlibcTunables(tunables).params, readModelOptions(mode));
  const from = Math.max(0, i - 4);
  runGlibcReplay(r, from);
  r.heap.sink = log.sink;
  for (let k = from; k <= i; k++) {
    log.events.length = 0;
    runGlibcReplay(r, k + 1);
    lines.push(`  op ${k}: ${JSON.stringify(formatOpRecord(trace, r.results, k))}`);
    for (const e of log.events) lines.push(`      ${describeMallocEvent(e)}`);
  }
  return lines.join('\n');
}

/** The simulator's replay of a trace it may stop: the records before the stop, and why it stopped. */
export interface ModelRun {
  records: MallocOpRecord[];
  misuse: HeapMisuseError | null;
}

/** Replays the trace in the simulator until the end or a heap misuse. */
export function runModelGlibc(trace: Trace, tunables: string, mode: ReplayMode = {}): ModelRun {
  const r = createGlibcReplay(trace, parseGlibcTunables(tunables).params, readModelOptions(mode));
  let misuse: HeapMisuseError | null = null;
  try {
    runGlibcReplay(r);
  } catch (err) {
    if (!(err instanceof HeapMisuseError)) throw err;
    misuse = err;
  }
  const records: MallocOpRecord[] = [];
  for (let i = 0; i < r.next; i++) records.push(formatOpRecord(trace, r.results, i));
  return { records, misuse };
}
