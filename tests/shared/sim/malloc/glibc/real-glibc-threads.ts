// Test support for threaded traces: replays a memscope-trace 2 text under the real glibc
// (tests/harness/mt-replay.c, one real thread per trace thread) and through the model, and compares them
// op by op. packThreadedText reads the text for the model until shared/sim/trace.ts parses version 2.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { buildHarness } from '../../../../helpers/c-build.js';
import { readHostMapLimitBytes } from '../../../../../electron/host/system/map-limit.js';
import { type ThreadedOpRecord, formatThreadedRecord } from '../../../../../shared/sim/malloc/replay-results.js';
import { type ThreadedTrace, createGlibcThreadedReplay, runGlibcThreadedReplay } from '../../../../../shared/sim/malloc/glibc/replay-threads.js';
import { parseGlibcTunables } from '../../../../../shared/sim/malloc/glibc/params.js';

let harnessPath: string | null = null;

/** Online CPUs of this machine as glibc's __get_nprocs counts them (/sys/devices/system/cpu/online). */
export function readOnlineCpus(): number {
  let n = 0;
  for (const range of readFileSync('/sys/devices/system/cpu/online', 'utf8').trim().split(',')) {
    const [lo, hi] = range.split('-').map(Number);
    n += hi === undefined ? 1 : hi - lo! + 1;
  }
  return n;
}

const KINDS: Record<string, number> = { a: 0, f: 1, r: 2, c: 3, m: 4, t: 5, x: 6 };

/** Packs memscope-trace 2 text (header, a/c/m/r/f/t/x ops, `@ TID`) into the model's trace columns. */
export function packThreadedText(text: string): ThreadedTrace {
  const kinds: number[] = [], ids: number[] = [], slots: number[] = [], sizes: number[] = [], aux: number[] = [], tids: number[] = [];
  const slotOf = new Map<number, number>();
  let cpus: number | null = null;
  let tid = 0;
  let threadCount = 1;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const header = /^# memscope-trace 2 cpus=(\d+)/.exec(line);
    if (header !== null) cpus = Number(header[1]);
    if (line === '' || line.startsWith('#')) continue;
    const [k, ...rest] = line.split(/\s+/);
    const nums = rest.filter((w) => !w.startsWith('=')).map(Number);
    if (k === '@') {
      tid = nums[0]!;
      threadCount = Math.max(threadCount, tid + 1);
      continue;
    }
    const kind = KINDS[k!];
    if (kind === undefined) throw new Error(`bad line: ${line}`);
    const named = k !== 't' && k !== 'x';
    const id = named ? nums[0]! : -1;
    let slot = 0xffffffff;
    if (named) {
      slot = slotOf.get(id) ?? slotOf.size;
      slotOf.set(id, slot);
    }
    kinds.push(kind);
    ids.push(id);
    slots.push(slot);
    tids.push(k === 'x' ? nums[0]! : tid);
    if (k === 'x') threadCount = Math.max(threadCount, nums[0]! + 1);
    sizes.push(k === 'a' || k === 'r' ? nums[1]! : k === 'c' || k === 'm' ? nums[2]! : k === 't' ? nums[0]! : 0);
    aux.push(k === 'c' || k === 'm' ? nums[1]! : 0);
  }
  return {
    length: kinds.length,
    kinds: Uint8Array.from(kinds),
    ids: Float64Array.from(ids),
    slots: Uint32Array.from(slots),
    sizes: Float64Array.from(sizes),
    slotCount: slotOf.size,
    header: [],
    aux: Float64Array.from(aux),
    tids: Uint32Array.from(tids),
    threadCount,
    cpus,
  };
}

/** Runs the trace text under the real glibc, one real thread per trace thread; GLIBC_TUNABLES as given. */
export function replayThreadedWithRealGlibc(text: string, tunables: string): ThreadedOpRecord[] {
  harnessPath ??= buildHarness('mt-replay.c', ['-lpthread']);
  const r = spawnSync(harnessPath, ['-'], { input: text, env: tunables === '' ? {} : { GLIBC_TUNABLES: tunables }, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`mt-replay exited ${r.status ?? r.signal}: ${r.stderr.toString()}`);
  return r.stdout.toString().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as ThreadedOpRecord);
}

/** The model's records for the trace text. */
export function replayThreadedWithModel(text: string, tunables: string): ThreadedOpRecord[] {
  const trace = packThreadedText(text);
  const r = createGlibcThreadedReplay(trace, parseGlibcTunables(tunables).params, { mapLimitBytes: readHostMapLimitBytes() });
  runGlibcThreadedReplay(r);
  const out: ThreadedOpRecord[] = [];
  for (let i = 0; i < trace.length; i++) out.push(formatThreadedRecord(trace, r.results, i));
  return out;
}

/** Outcome of a threaded comparison. */
export interface ThreadedComparison {
  ops: number;
  /** Index of the first differing op, or −1. */
  firstDiff: number;
  /** The ops around the first difference, model and real ('' when none). */
  report: string;
  real: ThreadedOpRecord[];
  sim: ThreadedOpRecord[];
}

/** Replays the text in both and compares every op's record. */
export function compareThreadedWithRealGlibc(text: string, tunables = ''): ThreadedComparison {
  const real = replayThreadedWithRealGlibc(text, tunables);
  const sim = replayThreadedWithModel(text, tunables);
  let firstDiff = -1;
  for (let i = 0; i < Math.max(real.length, sim.length); i++) {
    if (JSON.stringify(real[i]) !== JSON.stringify(sim[i])) { firstDiff = i; break; }
  }
  const lines: string[] = [];
  if (firstDiff >= 0) {
    lines.push(`first difference at op ${firstDiff} (GLIBC_TUNABLES='${tunables}'):`);
    for (let k = Math.max(0, firstDiff - 3); k <= firstDiff; k++) {
      lines.push(`  sim  ${JSON.stringify(sim[k])}`, `  real ${JSON.stringify(real[k])}`);
    }
  }
  return { ops: real.length, firstDiff, report: lines.join('\n'), real, sim };
}
