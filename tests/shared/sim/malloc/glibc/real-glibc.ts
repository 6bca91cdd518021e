// Test support: replays a trace under the machine's real glibc (tests/harness/malloc-replay.c) and
// compares it op by op with the simulator, reporting the first differing op and the events before it.
import { execFileSync } from 'node:child_process';
import { buildHarness } from '../../../../helpers/c-build.js';
import { type Trace, formatRepTrace } from '../../../../../shared/sim/trace.js';
import { type MallocOpRecord, formatOpRecord, parseOpRecordsJsonl } from '../../../../../shared/sim/malloc/replay-results.js';
import { createGlibcReplay, runGlibcReplay } from '../../../../../shared/sim/malloc/glibc/replay.js';
import { parseGlibcTunables } from '../../../../../shared/sim/malloc/glibc/params.js';
import { createMallocEventLog, describeMallocEvent } from '../../../../../shared/sim/malloc/events.js';

let harnessPath: string | null = null;

/** Path of the compiled C replayer (built once per process). */
export function getReplayHarness(): string {
  harnessPath ??= buildHarness('malloc-replay.c');
  return harnessPath;
}

/** How `a` ops allocate: malloc (default) or calloc(1, size). */
export interface ReplayMode {
  useCalloc?: boolean;
}

/** Runs the trace under the real glibc with a clean environment holding only GLIBC_TUNABLES. */
export function replayWithRealGlibc(trace: Trace, tunables: string, mode: ReplayMode = {}): MallocOpRecord[] {
  const out = execFileSync(getReplayHarness(), [...(mode.useCalloc === true ? ['--calloc'] : []), '-'], {
    input: formatRepTrace(trace),
    env: tunables === '' ? {} : { GLIBC_TUNABLES: tunables },
    maxBuffer: 1 << 30,
  });
  return parseOpRecordsJsonl(out.toString());
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
  const r = createGlibcReplay(trace, params, { useCalloc: mode.useCalloc === true });
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
  const lines = [`first difference at op ${i} (GLIBC_TUNABLES='${tunables}'${mode.useCalloc === true ? ', calloc' : ''}):`, `  sim:  ${JSON.stringify(sim)}`, `  real: ${JSON.stringify(real)}`, '  simulator events for the ops leading to it:'];
  const log = createMallocEventLog();
  const r = createGlibcReplay(trace, parseGlibcTunables(tunables).params, { useCalloc: mode.useCalloc === true });
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
