// Test support: replays a memscope-trace 2 (threads, calloc, memalign, trim, exits) under the real gperftools
// 2.10 TCMalloc (tests/harness/tcmalloc-mt-replay.c: one real pthread per trace thread, a baton between them)
// and compares it op by op with the model, reporting the first differing op.
import { execFileSync } from 'node:child_process';
import { type Trace, formatRepTrace, formatTraceOp } from '../../../../../shared/sim/trace.js';
import { createTcmallocReplay, runTcmallocReplay } from '../../../../../shared/sim/malloc/tcmalloc/replay.js';
import { parseTcmallocEnv } from '../../../../../shared/sim/malloc/tcmalloc/params.js';
import { TCMALLOC_STATS_KEYS } from '../../../../../shared/sim/malloc/tcmalloc/stats.js';
import { readHostMapLimitBytes } from '../../../../../electron/host/system/map-limit.js';
import { type TcmallocOpRecord, buildTcmallocHarness } from './real-tcmalloc.js';

/** A v2 trace replayed under the real library. */
export interface RealTcmallocThreadsRun {
  /** Address of the page heap's start in the real process. */
  baseAddress: number;
  /** Break (from the page heap's start) and statistics when main started. */
  startBrk: number;
  startStats: number[];
  ops: TcmallocOpRecord[];
}

/** Runs tcmalloc-mt-replay.c on `trace` (environment: `env` only). */
export function replayThreadsWithRealTcmalloc(trace: Trace, env: Record<string, string> = {}): RealTcmallocThreadsRun {
  const out = execFileSync(buildTcmallocHarness('tcmalloc-mt-replay.c'), ['-'], { input: formatRepTrace(trace), env, maxBuffer: 1 << 30 }).toString();
  const lines = out.trim().split('\n');
  const base = lines[0]!.split(' ');
  const head = lines[1]!.split(' ');
  if (base[0] !== 'base' || head[0] !== 'start') throw new Error(`tcmalloc-mt-replay: unexpected head '${lines[0]}' '${lines[1]}'`);
  const ops = lines.slice(2).map((line): TcmallocOpRecord => {
    const f = line.split(' ');
    return { offset: f[2] === '-' ? null : Number(f[2]), usable: Number(f[3]), brk: Number(f[4]), stats: f.slice(5).map(Number) };
  });
  return { baseAddress: Number.parseInt(base[1]!, 16), startBrk: Number(head[1]), startStats: head.slice(2).map(Number), ops };
}

/** Outcome of comparing the model with the real library on one v2 trace. */
export interface TcmallocThreadsComparison {
  /** -1 when every op agrees; the op index otherwise (-2: the state at main differs). */
  firstDiff: number;
  /** The first difference, with the ops leading to it ('' when none). */
  report: string;
  real: RealTcmallocThreadsRun;
  sim: TcmallocOpRecord[];
}

/**
 * Replays `trace` in both and compares every op: offset, usable size, break and the seven statistics (with
 * thread_cache_free_bytes summed over every thread's cache); the model is told where the real page heap lies.
 */
export function compareThreadsWithRealTcmalloc(trace: Trace, envText = ''): TcmallocThreadsComparison {
  const { params, env } = parseTcmallocEnv(envText);
  const real = replayThreadsWithRealTcmalloc(trace, env);
  const r = createTcmallocReplay(trace, params, { recordStats: true, mapLimitBytes: readHostMapLimitBytes(), baseAddress: real.baseAddress });
  runTcmallocReplay(r);
  const startSim = TCMALLOC_STATS_KEYS.map((k) => r.startStats[k]);
  let firstDiff = JSON.stringify(startSim) !== JSON.stringify(real.startStats) ? -2 : -1;
  const sim: TcmallocOpRecord[] = [];
  const res = r.results;
  for (let i = 0; i < trace.length; i++) {
    const rec: TcmallocOpRecord = {
      offset: res.region[i] === 0 ? null : res.offset[i]!,
      usable: res.usable[i]!,
      brk: res.brk[i]!,
      stats: TCMALLOC_STATS_KEYS.map((k) => r.opStats![k][i]!),
    };
    sim.push(rec);
    if (firstDiff === -1 && JSON.stringify(rec) !== JSON.stringify(real.ops[i])) firstDiff = i;
  }
  if (firstDiff === -1 && real.ops.length !== trace.length) firstDiff = Math.min(real.ops.length, trace.length);
  let report = '';
  if (firstDiff === -2) report = `state at main differs:\n  sim:  ${JSON.stringify(startSim)}\n  real: ${JSON.stringify(real.startStats)}`;
  else if (firstDiff >= 0) {
    const lines = [`first difference at op ${firstDiff}; fields: offset, usable, brk, [${TCMALLOC_STATS_KEYS.join(', ')}]`];
    for (let k = Math.max(0, firstDiff - 3); k <= firstDiff; k++) {
      lines.push(`  op ${k} (thread ${trace.tids[k]}: ${formatTraceOp(trace, k)})`, `    sim:  ${JSON.stringify(sim[k])}`, `    real: ${JSON.stringify(real.ops[k])}`);
    }
    report = lines.join('\n');
  }
  return { firstDiff, report, real, sim };
}
