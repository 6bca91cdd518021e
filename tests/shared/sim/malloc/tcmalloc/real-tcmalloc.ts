// Test support: runs the C harnesses against the machine's real gperftools 2.10 TCMalloc
// (libtcmalloc_minimal.so.4 from Debian's libtcmalloc-minimal4) and compares a trace op by op with
// the model, reporting the first differing op and the model's events in the ops leading to it.
import { execFileSync } from 'node:child_process';
import { buildHarness } from '../../../../helpers/c-build.js';
import { findOracle, requireOracle } from '../../../../helpers/oracles.js';
import { type Trace, formatRepTrace, readTraceOpKind } from '../../../../../shared/sim/trace.js';
import { createTcmallocReplay, runTcmallocReplay } from '../../../../../shared/sim/malloc/tcmalloc/replay.js';
import { parseTcmallocEnv } from '../../../../../shared/sim/malloc/tcmalloc/params.js';
import { TCMALLOC_STATS_KEYS, type TcmallocStats } from '../../../../../shared/sim/malloc/tcmalloc/stats.js';
import { describeTcmallocEvent } from '../../../../../shared/sim/malloc/tcmalloc/events.js';
import { createMallocEventLog } from '../../../../../shared/sim/malloc/events.js';
import { readHostMapLimitBytes } from '../../../../../electron/host/system/map-limit.js';

/** The shared object Debian's libtcmalloc-minimal4 installs; harnesses link it by path (no -dev package needed). */
export const LIBTCMALLOC_MINIMAL = findOracle('libtcmalloc-minimal').file;

const built = new Map<string, string>();

/** Builds tests/harness/<name> linked with the real TCMalloc (once per process). */
export function buildTcmallocHarness(name: string): string {
  requireOracle('libtcmalloc-minimal');
  let path = built.get(name);
  if (path === undefined) {
    path = buildHarness(name, [LIBTCMALLOC_MINIMAL]);
    built.set(name, path);
  }
  return path;
}

/** The real library's SizeMap, as tcmalloc-size-map.c prints it. */
export interface RealSizeMap {
  numSizeClasses: number;
  classToSize: number[];
  classToPages: number[];
  numObjectsToMove: number[];
  classArray: number[];
}

/** Runs tcmalloc::SizeMap::Init() of the real library (environment: `env` only). */
export function readRealSizeMap(env: Record<string, string> = {}): RealSizeMap {
  const text = execFileSync(buildTcmallocHarness('tcmalloc-size-map.c'), [], { env }).toString();
  const rows = new Map<string, number[]>();
  for (const line of text.trim().split('\n')) {
    const [key, ...values] = line.trim().split(' ');
    rows.set(key!, values.map(Number));
  }
  const row = (k: string): number[] => {
    const v = rows.get(k);
    if (v === undefined) throw new Error(`tcmalloc-size-map printed no '${k}' line`);
    return v;
  };
  return {
    numSizeClasses: row('num_size_classes')[0]!,
    classToSize: row('class_to_size'),
    classToPages: row('class_to_pages'),
    numObjectsToMove: row('num_objects_to_move'),
    classArray: row('class_array'),
  };
}

/** malloc_usable_size(malloc(n)) of the real library for n = 1 … max, as (first n, usable) runs. */
export function readRealUsableRuns(max: number, env: Record<string, string> = {}): [number, number][] {
  const text = execFileSync(buildTcmallocHarness('tcmalloc-usable.c'), [String(max)], { env, maxBuffer: 1 << 26 }).toString();
  return text.trim().split('\n').map((l) => {
    const [n, u] = l.split(' ').map(Number);
    return [n!, u!];
  });
}

/** One op as the real library (or the model, in the same shape) did it. */
export interface TcmallocOpRecord {
  /** Pointer minus the page heap's start, null for NULL and frees. */
  offset: number | null;
  /** malloc_usable_size (0 for NULL and frees). */
  usable: number;
  /** Program break minus the page heap's start. */
  brk: number;
  /** The seven statistics (TCMALLOC_STATS_KEYS order), null when not read after this op. */
  stats: number[] | null;
}

/** A trace replayed under the real library. */
export interface RealTcmallocRun {
  /** Break (from the page heap's start) and statistics when main started. */
  startBrk: number;
  startStats: number[];
  ops: TcmallocOpRecord[];
}

/** Replays `trace` under the real TCMalloc (tests/harness/tcmalloc-replay.c), reading statistics every `every` ops. */
export function replayWithRealTcmalloc(trace: Trace, env: Record<string, string> = {}, every = 1): RealTcmallocRun {
  const out = execFileSync(buildTcmallocHarness('tcmalloc-replay.c'), ['-', String(every)], {
    input: formatRepTrace(trace),
    env,
    maxBuffer: 1 << 30,
  }).toString();
  const lines = out.trim().split('\n');
  const head = lines[0]!.split(' ');
  if (head[0] !== 'start') throw new Error(`tcmalloc-replay: unexpected first line '${lines[0]}'`);
  const ops: TcmallocOpRecord[] = [];
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i]!.split(' ');
    const stats = f.slice(5);
    ops.push({
      offset: f[2] === '-' ? null : Number(f[2]),
      usable: Number(f[3]),
      brk: Number(f[4]),
      stats: stats[0] === '-' ? null : stats.map(Number),
    });
  }
  return { startBrk: Number(head[1]), startStats: head.slice(2).map(Number), ops };
}

function statsRow(s: TcmallocStats): number[] {
  return TCMALLOC_STATS_KEYS.map((k) => s[k]);
}

/** Outcome of comparing the model with the real library on one trace. */
export interface TcmallocComparison {
  ops: number;
  /** -1 when every op agrees; the op index otherwise (-2: the state at main differs). */
  firstDiff: number;
  /** Human-readable explanation of the first difference ('' when none). */
  report: string;
  real: RealTcmallocRun;
  sim: TcmallocOpRecord[];
}

/**
 * Replays `trace` in both and compares, op by op, the block's offset, its usable size, the break
 * and all seven statistics; also the statistics when main starts. `envText` holds TCMALLOC_*
 * settings (params.ts parseTcmallocEnv), given to the real library as its environment.
 */
export function compareWithRealTcmalloc(trace: Trace, envText = '', every = 1): TcmallocComparison {
  const { params, env } = parseTcmallocEnv(envText);
  const real = replayWithRealTcmalloc(trace, env, every);
  const r = createTcmallocReplay(trace, params, { recordStats: true, mapLimitBytes: readHostMapLimitBytes() });
  runTcmallocReplay(r);
  const sim: TcmallocOpRecord[] = [];
  let firstDiff = -1;
  const startSim = statsRow(r.startStats);
  if (JSON.stringify(startSim) !== JSON.stringify(real.startStats) || real.startBrk !== r.heap.os.brkBytes) {
    firstDiff = -2;
  }
  const res = r.results;
  for (let i = 0; i < trace.length; i++) {
    const realOp = real.ops[i];
    const rec: TcmallocOpRecord = {
      offset: res.region[i] === 0 ? null : res.offset[i]!,
      usable: res.usable[i]!,
      brk: res.brk[i]!,
      stats: realOp?.stats === null ? null : TCMALLOC_STATS_KEYS.map((k) => r.opStats![k][i]!),
    };
    sim.push(rec);
    if (firstDiff === -1 && JSON.stringify(rec) !== JSON.stringify(realOp)) firstDiff = i;
  }
  if (firstDiff === -1 && real.ops.length !== trace.length) firstDiff = Math.min(real.ops.length, trace.length);
  let report = '';
  if (firstDiff === -2) {
    report = `state at main differs (${envText}):\n  sim:  ${JSON.stringify(startSim)} brk ${r.heap.os.brkBytes}\n  real: ${JSON.stringify(real.startStats)} brk ${real.startBrk}`;
  } else if (firstDiff >= 0) {
    report = explainDifference(trace, envText, firstDiff, sim[firstDiff], real.ops[firstDiff]);
  }
  return { ops: trace.length, firstDiff, report, real, sim };
}

/** Re-runs the model with an event log to show what it did in the ops leading to op i. */
function explainDifference(trace: Trace, envText: string, i: number, sim: TcmallocOpRecord | undefined, real: TcmallocOpRecord | undefined): string {
  const lines = [
    `first difference at op ${i} (${envText === '' ? 'default environment' : envText}); fields: offset, usable, brk, [${TCMALLOC_STATS_KEYS.join(', ')}]`,
    `  sim:  ${JSON.stringify(sim)}`,
    `  real: ${JSON.stringify(real)}`,
    '  model events for the ops leading to it:',
  ];
  const log = createMallocEventLog();
  const r = createTcmallocReplay(trace, parseTcmallocEnv(envText).params, { mapLimitBytes: readHostMapLimitBytes() });
  const from = Math.max(0, i - 4);
  runTcmallocReplay(r, from);
  r.heap.out.sink = log.sink;
  for (let k = from; k <= i; k++) {
    log.events.length = 0;
    runTcmallocReplay(r, k + 1);
    const size = readTraceOpKind(trace, k) === 'f' ? '' : ` ${trace.sizes[k]}`;
    lines.push(`  op ${k}: ${readTraceOpKind(trace, k)} ${trace.ids[k]}${size} → offset ${r.results.region[k] ? r.results.offset[k] : 'null'}`);
    for (const e of log.events) lines.push(`      ${describeTcmallocEvent(e)}`);
  }
  return lines.join('\n');
}
