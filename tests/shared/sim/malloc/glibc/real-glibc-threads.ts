// Test support for threaded traces: replays a memscope-trace 2 text under the real glibc
// (tests/harness/mt-replay.c, one real thread per trace thread) and through the model, and compares them
// op by op; the model reads the text with the project's parser (shared/sim/trace.ts).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { buildHarness } from '../../../../helpers/c-build.js';
import { readHostMapLimitBytes } from '../../../../../electron/host/system/map-limit.js';
import { type ThreadedOpRecord, formatThreadedRecord } from '../../../../../shared/sim/malloc/replay-results.js';
import { createGlibcThreadedReplay, runGlibcThreadedReplay } from '../../../../../shared/sim/malloc/glibc/replay-threads.js';
import { parseTrace } from '../../../../../shared/sim/trace.js';
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

/** Runs the trace text under the real glibc, one real thread per trace thread; GLIBC_TUNABLES as given. */
export function replayThreadedWithRealGlibc(text: string, tunables: string): ThreadedOpRecord[] {
  harnessPath ??= buildHarness('mt-replay.c', ['-lpthread']);
  const r = spawnSync(harnessPath, ['-'], { input: text, env: tunables === '' ? {} : { GLIBC_TUNABLES: tunables }, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`mt-replay exited ${r.status ?? r.signal}: ${r.stderr.toString()}`);
  return r.stdout.toString().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as ThreadedOpRecord);
}

/** The model's records for the trace text. */
export function replayThreadedWithModel(text: string, tunables: string): ThreadedOpRecord[] {
  const trace = parseTrace(text);
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
