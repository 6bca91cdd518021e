// PSS, USS and SwapPss from /proc/PID/smaps_rollup for the pids a client shows, within ROLLUP_BUDGET_MS of
// wall time per tick: a rollup walks the process's page tables under its mm lock (htop issue 1712), so it is
// never read for every process. Pids the budget did not reach keep their last figures and go first next tick.
import type { RollupCost } from '../../../shared/api.js';
import { isApiError } from '../../../shared/errors.js';
import { computeSmapsFigures } from '../../../shared/metrics/process-figures.js';
import { ROLLUP_BUDGET_MS } from '../../../shared/proc/columns.js';
import { parseSmapsRollup } from '../../../shared/proc/smaps.js';
import type { ProcessRow } from '../../../shared/proc/types.js';
import type { ProcReader } from './proc-reader.js';

/** One process's last rollup: figures in kB, or why it could not be read. */
interface HeldRollup {
  /** (22) starttime of the process it was read from: with the pid it names one process. */
  startTicks: number;
  /** The reader's fill() count when it was read: the oldest are read first. */
  readSeq: number;
  pssKb: number;
  ussKb: number;
  swapPssKb: number;
  /** Set when unreadable ("permission denied"); the figures are then 0 and not shown. */
  error: string | null;
}

/** Reads smaps_rollup for the requested pids and writes pssKb/ussKb/swapPssKb (or rollupError) into their rows. */
export class RollupReader {
  private pids = new Set<number>();
  private readonly held = new Map<number, HeldRollup>();
  private seq = 0;

  constructor(
    private readonly reader: ProcReader,
    private readonly budgetMs = ROLLUP_BUDGET_MS,
  ) {}

  /** The pids to read from the next fill() on; figures of pids no longer asked for are forgotten. */
  setPids(pids: Iterable<number>): void {
    this.pids = new Set(pids);
    for (const pid of this.held.keys()) if (!this.pids.has(pid)) this.held.delete(pid);
  }

  /** True when fill() writes figures into this pid's row. */
  wants(pid: number): boolean {
    return this.pids.has(pid);
  }

  /** True when some pid is asked for. */
  hasPids(): boolean {
    return this.pids.size > 0;
  }

  /** Forgets every held figure. */
  clear(): void {
    this.held.clear();
  }

  /** Reads the requested live rows' rollups, least recently read first, until the budget is spent; fills every requested row. */
  fill(rows: readonly ProcessRow[]): RollupCost {
    this.seq += 1;
    const wanted: ProcessRow[] = [];
    for (const row of rows) if (row.rowStatus !== 'gone' && this.pids.has(row.pid)) wanted.push(row);
    wanted.sort((a, b) => this.readSeqOf(a) - this.readSeqOf(b));
    const startMs = performance.now();
    let readCount = 0;
    let deferredCount = 0;
    for (const row of wanted) {
      // At least one read per tick, so a single huge process is never starved.
      if (readCount > 0 && performance.now() - startMs >= this.budgetMs) {
        deferredCount += 1;
      } else {
        this.held.set(row.pid, this.readOne(row));
        readCount += 1;
      }
      const held = this.held.get(row.pid);
      if (held !== undefined && held.startTicks === row.startTicks) applyRollup(row, held);
    }
    return { readCount, wallMs: performance.now() - startMs, budgetMs: this.budgetMs, deferredCount };
  }

  /** When this row's process was last read (-1: never, so first in line). */
  private readSeqOf(row: ProcessRow): number {
    const held = this.held.get(row.pid);
    return held === undefined || held.startTicks !== row.startTicks ? -1 : held.readSeq;
  }

  private readOne(row: ProcessRow): HeldRollup {
    const base = { startTicks: row.startTicks, readSeq: this.seq, pssKb: 0, ussKb: 0, swapPssKb: 0, error: null };
    try {
      const bytes = this.reader.readProcFile(row.pid, 'smaps_rollup');
      // A process without an mm (zombie, exiting) reads as empty: it holds no memory.
      if (bytes.length === 0) return base;
      const figures = computeSmapsFigures(parseSmapsRollup(bytes).fields);
      return { ...base, pssKb: figures.pssBytes / 1024, ussKb: figures.ussBytes / 1024, swapPssKb: figures.swapPssBytes / 1024 };
    } catch (err) {
      // ESRCH while the row is live: no user address space (a kernel thread, or the process is exiting).
      const gone = isApiError(err) && err.code === 'gone';
      const denied = isApiError(err) && err.code === 'denied';
      const error = gone ? 'no user address space (kernel thread or exiting)' : denied ? err.message : `unreadable: ${(err as Error).message}`;
      return { ...base, error };
    }
  }
}

function applyRollup(row: ProcessRow, held: HeldRollup): void {
  if (held.error !== null) {
    row.rollupError = held.error;
    return;
  }
  row.pssKb = held.pssKb;
  row.ussKb = held.ussKb;
  row.swapPssKb = held.swapPssKb;
}
