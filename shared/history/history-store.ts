// Histories of many processes, keyed by pid + start time (a pid alone is reused by the kernel),
// with a bound on how many are tracked and a memory budget: over budget, the largest history's bucket tiers are
// coarsened (old resolution drops, spikes and the first tick stay), so total bytes stay <= budgetBytes.
// Vanished processes are kept as tombstones until dropped, as htop's Table keeps rows (Table.c Table_cleanupRow).

import { DEFAULT_HISTORY_CAPACITY } from './ring-buffer.js';
import type { HistorySample } from './sample.js';
import { maxTieredHistoryBytes, minTieredHistoryBytes, TieredHistory } from './tiered-history.js';

/** Default bound on the number of processes with a history. */
export const DEFAULT_MAX_TRACKED_PROCESSES = 512;
/** Default memory budget of a store's sample storage: 256 MiB. */
export const DEFAULT_HISTORY_BUDGET_BYTES = 256 * 1024 * 1024;

/** Sizing of a HistoryStore. */
export interface HistoryStoreOptions {
  /** Most processes tracked at once (default DEFAULT_MAX_TRACKED_PROCESSES). */
  maxProcesses?: number;
  /** Ticks kept one by one per process before they are folded into buckets (default DEFAULT_HISTORY_CAPACITY). */
  capacityPerProcess?: number;
  /**
   * Most bytes of sample storage (default DEFAULT_HISTORY_BUDGET_BYTES, capped by what maxProcesses can use);
   * at least maxProcesses * minTieredHistoryBytes(capacityPerProcess), the every-tick tiers that are never coarsened.
   */
  budgetBytes?: number;
}

/**
 * The budgets a store of maxProcesses histories of capacityPerProcess ticks can honour: at least the every-tick
 * tiers that are never coarsened, and more than maxBytes is never used. Both assume full every-tick tiers: a young
 * history's grows with its age (ring-buffer.ts), so they stay upper bounds.
 */
export function historyBudgetBoundsBytes(maxProcesses: number, capacityPerProcess: number): { minBytes: number; maxBytes: number } {
  return { minBytes: maxProcesses * minTieredHistoryBytes(capacityPerProcess), maxBytes: maxProcesses * maxTieredHistoryBytes(capacityPerProcess) };
}

/** What the store knows about one tracked process. */
export interface TrackedProcess {
  pid: number;
  /** Start time in clock ticks since boot (stat field 22): with pid it names one process. */
  startTicks: number;
  history: TieredHistory;
  /** The caller's tick number of the last record() for this process. */
  lastSeenTick: number;
  /** True once markGone() was called: the process exited, its history is a tombstone. */
  gone: boolean;
}

/** The map key of one process: "pid:startTicks". */
export function formatProcessKey(pid: number, startTicks: number): string {
  return `${pid}:${startTicks}`;
}

/**
 * pid+startTicks → history, holding at most maxProcesses entries.
 *
 * Invariants: size <= maxProcesses; every history has rawCapacity === capacityPerProcess;
 * sampleBytes === Σ history.byteLength <= budgetBytes after every record().
 * When a new process arrives and the store is full, one entry is evicted: a tombstone first
 * (the one seen longest ago), else the live process seen longest ago, but never one already
 * seen in the current tick — evicting those would only make histories take turns being thrown away,
 * so the newcomer goes untracked instead. An evicted ring buffer is cleared and reused.
 * byPid holds, per pid, one entry of `entries` with that pid (the last one found): a number-keyed look-up that spares
 * building and hashing the string key of every process every tick (issue 13: the service tick); it never holds an
 * entry no longer in `entries`.
 */
export class HistoryStore {
  /** Most processes tracked at once. */
  readonly maxProcesses: number;
  /** Ticks kept one by one per process (older ones live on in buckets). */
  readonly capacityPerProcess: number;
  /** Most bytes of sample storage; over it, histories are coarsened. */
  readonly budgetBytes: number;
  private readonly entries = new Map<string, TrackedProcess>();
  private readonly byPid = new Map<number, TrackedProcess>();
  /** Σ history.byteLength, kept up to date so the budget check costs nothing per record. */
  private bytes = 0;

  /** Creates an empty store; nothing is allocated until processes are recorded. */
  constructor(options: HistoryStoreOptions = {}) {
    const maxProcesses = options.maxProcesses ?? DEFAULT_MAX_TRACKED_PROCESSES;
    const capacity = options.capacityPerProcess ?? DEFAULT_HISTORY_CAPACITY;
    if (!Number.isInteger(maxProcesses) || maxProcesses < 1) {
      throw new RangeError(`maxProcesses must be a positive integer, got ${maxProcesses}`);
    }
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacityPerProcess must be a positive integer, got ${capacity}`);
    }
    const { minBytes: floorBytes, maxBytes } = historyBudgetBoundsBytes(maxProcesses, capacity);
    const budgetBytes = Math.min(options.budgetBytes ?? DEFAULT_HISTORY_BUDGET_BYTES, maxBytes);
    if (!(budgetBytes >= floorBytes)) {
      throw new RangeError(`budgetBytes must be at least ${floorBytes} (the every-tick tiers of ${maxProcesses} processes), got ${options.budgetBytes}`);
    }
    this.maxProcesses = maxProcesses;
    this.capacityPerProcess = capacity;
    this.budgetBytes = budgetBytes;
  }

  /** Number of processes tracked now (tombstones included). */
  get size(): number {
    return this.entries.size;
  }

  /** Upper bound on the bytes all sample storage can ever occupy (the budget). */
  get maxSampleBytes(): number {
    return this.budgetBytes;
  }

  /** Bytes of sample storage allocated now, over every tracked process. */
  get sampleBytes(): number {
    return this.bytes;
  }

  /**
   * Appends a sample to the process's history, creating it (possibly by eviction) when new.
   * `tick` is the caller's monotonic tick number. Returns the history, or undefined when the store
   * is full of processes all seen in this tick, in which case nothing is recorded.
   */
  record(pid: number, startTicks: number, sample: HistorySample, tick: number): TieredHistory | undefined {
    let entry = this.find(pid, startTicks);
    if (entry === undefined) {
      const history = this.takeHistoryFor(tick);
      if (history === undefined) return undefined;
      entry = { pid, startTicks, history, lastSeenTick: tick, gone: false };
      this.entries.set(formatProcessKey(pid, startTicks), entry);
      this.byPid.set(pid, entry);
      this.bytes += history.byteLength;
    }
    entry.lastSeenTick = tick;
    entry.gone = false;
    this.bytes += entry.history.record(sample);
    if (this.bytes > this.budgetBytes) this.coarsenToBudget();
    return entry.history;
  }

  /**
   * Marks a process as exited (a tombstone: first to be evicted), its exit an event at exitedMs.
   * Returns false when not tracked.
   */
  markGone(pid: number, startTicks: number, exitedMs: number): boolean {
    const entry = this.find(pid, startTicks);
    if (entry === undefined) return false;
    entry.gone = true;
    entry.history.markExited(exitedMs);
    return true;
  }

  /**
   * Marks the exit of a process that still has a row (a zombie: its parent has not waited): the history
   * records the exit event and no more samples, and stays as long as the row is seen. Returns false when not tracked.
   */
  markExited(pid: number, startTicks: number, exitedMs: number, tick: number): boolean {
    const entry = this.find(pid, startTicks);
    if (entry === undefined) return false;
    entry.lastSeenTick = tick;
    entry.history.markExited(exitedMs);
    return true;
  }

  /** The history of one process, or undefined when not tracked. */
  getHistory(pid: number, startTicks: number): TieredHistory | undefined {
    return this.find(pid, startTicks)?.history;
  }

  /** Everything known about one process, or undefined when not tracked. */
  getTracked(pid: number, startTicks: number): Readonly<TrackedProcess> | undefined {
    return this.find(pid, startTicks);
  }

  /** Every tracked process, in the order they were first recorded. */
  listTracked(): Readonly<TrackedProcess>[] {
    return [...this.entries.values()];
  }

  /**
   * Drops every process not recorded for at least `unseenTicks` ticks, i.e. with
   * currentTick - lastSeenTick >= unseenTicks (tombstones included). Returns how many were dropped.
   */
  dropUnseen(currentTick: number, unseenTicks: number): number {
    if (!(unseenTicks >= 1)) throw new RangeError(`unseenTicks must be >= 1, got ${unseenTicks}`);
    let dropped = 0;
    // Over the values, the key rebuilt only for the few dropped: [key, entry] pairs cost an array per process per tick
    // (the service calls this every tick; issue 13).
    for (const entry of this.entries.values()) {
      if (currentTick - entry.lastSeenTick >= unseenTicks) {
        this.forget(formatProcessKey(entry.pid, entry.startTicks), entry);
        this.bytes -= entry.history.byteLength;
        dropped++;
      }
    }
    return dropped;
  }

  /** Forgets every process. */
  clear(): void {
    this.entries.clear();
    this.byPid.clear();
    this.bytes = 0;
  }

  /** The entry of one process: by pid first, by its string key when byPid names another process with that pid. */
  private find(pid: number, startTicks: number): TrackedProcess | undefined {
    const hit = this.byPid.get(pid);
    if (hit !== undefined && hit.startTicks === startTicks) return hit;
    const entry = this.entries.get(formatProcessKey(pid, startTicks));
    if (entry !== undefined) this.byPid.set(pid, entry);
    return entry;
  }

  /** Removes one entry, and its byPid slot when that names it. */
  private forget(key: string, entry: TrackedProcess): void {
    this.entries.delete(key);
    if (this.byPid.get(entry.pid) === entry) this.byPid.delete(entry.pid);
  }

  /** Coarsens the largest history until the store fits its budget (the constructor's floor makes that possible). */
  private coarsenToBudget(): void {
    while (this.bytes > this.budgetBytes) {
      let largest: TieredHistory | undefined;
      for (const entry of this.entries.values()) {
        if (largest === undefined || entry.history.byteLength > largest.byteLength) largest = entry.history;
      }
      const freedBytes = largest?.coarsen() ?? 0;
      if (freedBytes === 0) return;
      this.bytes -= freedBytes;
    }
  }

  private takeHistoryFor(tick: number): TieredHistory | undefined {
    if (this.entries.size < this.maxProcesses) return new TieredHistory(this.capacityPerProcess);
    const victimKey = this.chooseVictim(tick);
    if (victimKey === undefined) return undefined;
    const victim = this.entries.get(victimKey);
    if (victim === undefined) return undefined;
    this.forget(victimKey, victim);
    this.bytes -= victim.history.byteLength;
    victim.history.clear();
    return victim.history;
  }

  /** Tombstone seen longest ago, else live process seen longest ago before `tick`; ties go to the earliest recorded. */
  private chooseVictim(tick: number): string | undefined {
    let bestKey: string | undefined;
    let bestGone = false;
    let bestSeen = Infinity;
    for (const [key, entry] of this.entries) {
      if (!entry.gone && entry.lastSeenTick >= tick) continue;
      const better = entry.gone !== bestGone ? entry.gone : entry.lastSeenTick < bestSeen;
      if (bestKey === undefined || better) {
        bestKey = key;
        bestGone = entry.gone;
        bestSeen = entry.lastSeenTick;
      }
    }
    return bestKey;
  }
}
