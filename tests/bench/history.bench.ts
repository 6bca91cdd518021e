// Memory of the tiered history (shared/history/tiered-history.ts) for 2,000 processes over 24 h at 1 Hz:
// each kind of process is recorded for a synthetic day (timestamps, not real time) and its bytes counted,
// then multiplied out to a fleet mix, beside the store's hard bound. Plus the cost of recording one tick
// of 2,000 processes into a real HistoryStore.
import { DEFAULT_HISTORY_BUDGET_BYTES, HistoryStore } from '../../shared/history/history-store.js';
import type { HistorySample } from '../../shared/history/sample.js';
import { MAX_RAW_SAMPLES, TieredHistory, maxTieredHistoryBytes } from '../../shared/history/tiered-history.js';
import { median } from './measure.js';

const PROCESSES = 2000;
const DAY_TICKS = 24 * 3600;
const T0_MS = Date.UTC(2026, 0, 1);

/** How a process's memory moves over a day: the value of tick i. */
interface ProcessKind {
  name: string;
  resKb: (i: number) => number;
}

const KINDS: readonly ProcessKind[] = [
  { name: 'idle (never changes)', resKb: () => 4096 },
  { name: 'steps once a minute', resKb: (i) => 4096 + Math.floor(i / 60) },
  { name: 'changes every tick (worst case)', resKb: (i) => 4096 + i },
];

function recordDay(kind: ProcessKind): number {
  const h = new TieredHistory(MAX_RAW_SAMPLES);
  for (let i = 0; i < DAY_TICKS; i++) {
    const resKb = kind.resKb(i);
    h.record({ tMs: T0_MS + i * 1000, virtKb: 100_000 + resKb, resKb, shrKb: 2048, swapKb: 0 });
  }
  return h.byteLength;
}

const MIB = 1024 * 1024;
const fmtMib = (bytes: number) => `${(bytes / MIB).toFixed(1)} MiB`;

/** Prints bytes per process per kind, fleet totals for three mixes, the hard bound, and µs per tick. */
export function benchHistory(): void {
  console.log(`\n## tiered history memory: ${PROCESSES} processes × 24 h at 1 Hz (every tick 15 min, 10 s min/max/last buckets after)`);
  const bytes = new Map<string, number>();
  for (const kind of KINDS) {
    const b = recordDay(kind);
    bytes.set(kind.name, b);
    console.log(`  ${kind.name.padEnd(34)} ${(b / 1024).toFixed(0).padStart(6)} KiB per process`);
  }
  const per = (name: string) => bytes.get(name) ?? 0;
  const mixes: [string, number][] = [
    ['all idle', PROCESSES * per('idle (never changes)')],
    ['90 % idle, 9 % steps, 1 % every tick', PROCESSES * (0.9 * per('idle (never changes)') + 0.09 * per('steps once a minute') + 0.01 * per('changes every tick (worst case)'))],
    ['all change every tick (worst case)', PROCESSES * per('changes every tick (worst case)')],
  ];
  for (const [name, total] of mixes) console.log(`  ${PROCESSES} processes, ${name.padEnd(38)} ${fmtMib(total)}`);
  console.log(`  hard bound per process ${fmtMib(maxTieredHistoryBytes(MAX_RAW_SAMPLES))} (any run length); the old ring: 600 ticks = 10 min, 23 KiB`);
  benchBudget();

  const store = new HistoryStore({ maxProcesses: PROCESSES, capacityPerProcess: MAX_RAW_SAMPLES });
  const sample: HistorySample = { tMs: 0, virtKb: 0, resKb: 0, shrKb: 2048, swapKb: 0 };
  const tickMs: number[] = [];
  for (let tick = 1; tick <= 3000; tick++) {
    const t = performance.now();
    sample.tMs = T0_MS + tick * 1000;
    for (let pid = 1; pid <= PROCESSES; pid++) {
      sample.resKb = 4096 + (pid % 10 === 0 ? tick : 0);
      sample.virtKb = 100_000 + sample.resKb;
      store.record(pid, 1, sample, tick);
    }
    tickMs.push(performance.now() - t);
  }
  const steady = tickMs.slice(MAX_RAW_SAMPLES + 100);
  console.log(`  recording one tick of ${PROCESSES} processes (past the every-tick tier): median ${median(steady).toFixed(2)} ms; store now ${fmtMib(store.sampleBytes)}`);
}

/** A real HistoryStore under the default budget: 2,000 processes changing every tick, 24 h at 1 Hz. */
function benchBudget(): void {
  const store = new HistoryStore({ maxProcesses: PROCESSES, capacityPerProcess: MAX_RAW_SAMPLES });
  const sample: HistorySample = { tMs: 0, virtKb: 0, resKb: 0, shrKb: 2048, swapKb: 0 };
  let maxBytes = 0;
  const t = performance.now();
  for (let i = 0; i < DAY_TICKS; i++) {
    sample.tMs = T0_MS + i * 1000;
    for (let pid = 1; pid <= PROCESSES; pid++) {
      sample.resKb = 4096 + pid + i;
      sample.virtKb = 100_000 + sample.resKb;
      store.record(pid, 1, sample, i);
    }
    if (store.sampleBytes > maxBytes) maxBytes = store.sampleBytes;
  }
  const seconds = (performance.now() - t) / 1000;
  const points = store.getHistory(1, 1)?.toSamples().length ?? 0;
  console.log(
    `  ${PROCESSES} processes changing every tick, 24 h, budget ${fmtMib(DEFAULT_HISTORY_BUDGET_BYTES)} (default): ` +
      `store ${fmtMib(store.sampleBytes)}, max ${fmtMib(maxBytes)} after any tick; ${points} points per process (unbounded: about 9,500); ${seconds.toFixed(0)} s to record`,
  );
}
