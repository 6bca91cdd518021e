// Samples every process each tick from /proc/PID/{stat,statm,status,cmdline}, reading only
// the files the requested columns need (htop's model), through fds kept open between ticks;
// smaps_rollup only for the pids a client shows, within ROLLUP_BUDGET_MS per tick.
// Mark → scan → sweep as htop's Table_prepareEntries/Table_cleanupRow; a vanished process
// leaves a tombstone row ('gone') for the tick in which it disappeared. Kept fds are bounded by
// the process's fd budget; beyond it files are opened, read and closed each tick. A tick never
// throws: what it could not read is reported in tick.error.
import { cpuUsage } from 'node:process';
import type { RollupCost, Tick, TickError } from '../../../shared/api.js';
import { isApiError } from '../../../shared/errors.js';
import { ALL_COLUMN_IDS, PROC_SOURCES, collectSources, type ColumnId, type ProcSource } from '../../../shared/proc/columns.js';
import { parseMeminfo } from '../../../shared/proc/meminfo.js';
import { PF_KTHREAD, parseStat, statBytesThrough, type ProcStat } from '../../../shared/proc/stat.js';
import { parseStatm } from '../../../shared/proc/statm.js';
import { parseStatusMemory } from '../../../shared/proc/status.js';
import {
  computeCpuPct,
  computeCpuTimeS,
  computeMemPct,
  computeShrKb,
  computeVirtKb,
} from '../../../shared/proc/top-metrics.js';
import type { ProcessRow, RowStatus } from '../../../shared/proc/types.js';
import { pagesToKb } from '../../../shared/units.js';
import { getFdBudget } from '../system/fd-budget.js';
import { KeptFdBudget } from './kept-fd-budget.js';
import { KeptText } from './kept-text.js';
import { PidLister } from './pid-lister.js';
import { ProcReader, readProcText, toApiError } from './proc-reader.js';
import { RollupReader } from './rollup-reader.js';
import { UserNames } from '../system/users.js';

/** Files re-read every tick through a kept fd, by their index in Tracked.fds. */
const KEPT_FILES = ['stat', 'statm', 'status'] as const;
/** A kept file's index in KEPT_FILES and Tracked.fds. */
type KeptIndex = 0 | 1 | 2;
const STAT: KeptIndex = 0;
/** The kept index of the memory file the columns need. */
const KEPT_INDEX_OF = { statm: 1, status: 2 } as const;
/**
 * The last stat field a row is made of, (22) starttime (buildRow, and the pid-reuse check): a stat text is compared
 * with last tick's through it only, so a change past it (a signal mask, the CPU last run on) keeps the row.
 */
const LAST_ROW_STAT_FIELD = 22;
/** Tracked.fds entry of a file with no kept fd. */
const NO_FD = -1;

/** comm before the first read: a task name never holds NUL, so any real comm differs and reads cmdline. */
const UNKNOWN_COMM = '\0';

/** What the sampler remembers of one process between ticks. */
interface Tracked {
  pid: number;
  startTicks: number;
  /** PF_KTHREAD: its statm is all zeros for life, so it is never read (a third of /proc on many machines). */
  kernelThread: boolean;
  /**
   * Kept fds by KEPT_FILES index, NO_FD where none: a typed array read with a constant index, where an object keyed by
   * file name was a megamorphic keyed load per read (its shape depended on the order the files were opened in).
   */
  fds: Int32Array;
  totalTicks: number;
  minflt: number;
  majflt: number;
  comm: string;
  command: string;
  row: ProcessRow | null;
  seenSeq: number;
  /** stat as read last (this tick's once read): row is rebuilt only when it or memoryText changed. */
  statText: KeptText;
  /** statm or status (whichever the columns need) as read last. */
  memoryText: KeptText;
}

/** Options for a Sampler. */
export interface SamplerOptions {
  /** Columns to fill; default all. Unrequested columns stay 0 / "" (setColumns changes them). */
  columns?: readonly ColumnId[];
  /** /proc root, for tests. */
  procRoot?: string;
  /** Most fds kept open between ticks (default: the process's fd budget, system/fd-budget.ts). */
  maxKeptFds?: number;
  /** Samples only these pids (those that are processes), never listing /proc: `memscope snapshot PID`'s one row. */
  pids?: readonly number[];
}

/** Samples all processes; call tick() at the refresh interval, close() when done. */
export class Sampler {
  private readonly reader: ProcReader;
  private sources: Set<ProcSource>;
  /** The file of VIRT/RES/SHR the sources name (status when requested, else statm), looked up once per change, not per row. */
  private memoryFile: 'statm' | 'status' | null;
  /** Whether a rollup column is requested, kept beside sources: isStill asks it for every idle process (a Set lookup each). */
  private rollupRequested: boolean;
  private readonly rollups: RollupReader;
  /** /proc's pids, the directory read only when a pid was allocated since the last read. */
  private readonly pidLister: PidLister;
  /** SamplerOptions.pids, or null to sample every process. */
  private readonly onlyPids: readonly number[] | null;
  private readonly users = new UserNames();
  private readonly tracked = new Map<number, Tracked>();
  /** Kept fds of tracked processes and of the pid lister's /proc/loadavg, counted together. */
  private readonly keptFds: KeptFdBudget;
  /** Reads of this tick that failed for a reason of ours (out of fds), not the process's. */
  private failedReads = 0;
  private firstFailure = '';
  private seq = 0;
  /**
   * Processes forgotten since the scan of this tick began: when none, every listed pid is still tracked and the pid
   * lister's list needs no filtering (most ticks: a Map lookup per process saved).
   */
  private forgottenCount = 0;
  /** Tracked processes marked seen this tick (markSeen), forgotten ones uncounted: when all are, the sweep has nothing to find. */
  private seenCount = 0;
  private lastTMs = 0;
  private memTotalKb = 0;

  constructor(options: SamplerOptions = {}) {
    this.reader = new ProcReader(options.procRoot);
    this.rollups = new RollupReader(this.reader);
    this.keptFds = new KeptFdBudget(options.maxKeptFds ?? getFdBudget().maxKeptFds);
    this.pidLister = new PidLister(this.reader, this.keptFds);
    this.onlyPids = options.pids ?? null;
    this.sources = collectSources(options.columns ?? ALL_COLUMN_IDS);
    this.memoryFile = memoryFileOf(this.sources);
    this.rollupRequested = this.sources.has('smaps_rollup');
  }

  /**
   * Fills these columns from the next tick on: their files are read, others no longer (their kept
   * fds are closed), and unrequested columns stay 0 / "".
   */
  setColumns(columns: Iterable<ColumnId>): void {
    const next = collectSources(columns);
    // The same files fill the same fields (a view renewed, or the rows on screen scrolled): rows stay as they are.
    if (next.size === this.sources.size && [...next].every((s) => this.sources.has(s))) return;
    for (const source of this.sources) {
      if (!next.has(source) && (source === 'statm' || source === 'status')) this.closeKept(KEPT_INDEX_OF[source]);
    }
    // Switching cmdline on: every tracked command is re-read on the next tick (comm as "unknown").
    if (next.has('cmdline') && !this.sources.has('cmdline')) for (const t of this.tracked.values()) t.comm = UNKNOWN_COMM;
    // Every row is rebuilt on the next tick: columns filled or emptied differ even where no text changed.
    for (const t of this.tracked.values()) t.statText.forget();
    this.sources = next;
    this.memoryFile = memoryFileOf(next);
    this.rollupRequested = next.has('smaps_rollup');
  }

  /** The pids whose smaps_rollup is read each tick while a rollup column is requested (the rows on screen). */
  setRollupPids(pids: Iterable<number>): void {
    this.rollups.setPids(pids);
  }

  /** The files the requested columns need, in PROC_SOURCES order. */
  listSources(): ProcSource[] {
    return PROC_SOURCES.filter((s) => this.sources.has(s) && (s !== 'smaps_rollup' || this.rollups.hasPids()));
  }

  /** Samples every process once. Never throws: what it could not read is in tick.error. */
  tick(): Tick {
    const wallStart = performance.now();
    const cpuStart = cpuUsage();
    const tMs = Date.now();
    const elapsedS = this.seq === 0 ? 0 : (tMs - this.lastTMs) / 1000;
    this.seq += 1;
    this.failedReads = 0;
    let rows: ProcessRow[] = [];
    let error: TickError | undefined;
    const readsRollup = this.sources.has('smaps_rollup') && this.rollups.hasPids();
    let rollup: RollupCost | undefined;
    try {
      if (this.sources.has('status')) this.users.refresh(); // names only for USER, which status feeds
      this.memTotalKb = this.readMemTotalKb();
      const pids = this.onlyPids === null ? this.pidLister.list() : this.pidLister.listAmong(this.onlyPids);
      const listedCount = pids.length;
      this.forgottenCount = 0;
      rows = this.scan(pids, elapsedS);
      // The next tick, if it reuses this list, reads the processes still tracked: the gone ones were swept. Every
      // listed pid is tracked after the scan unless forgotten (it was read, or dropped and forgotten).
      if (this.forgottenCount > 0) this.pidLister.keepOnly((pid) => this.tracked.has(pid));
      if (readsRollup) rollup = this.rollups.fill(rows);
      this.lastTMs = tMs;
      if (this.failedReads > 0) {
        this.pidLister.invalidate(); // a process we could not read (out of fds) is looked for again in /proc
        error = { kind: 'partial', message: `${this.failedReads} of ${listedCount} processes not fully read: ${this.firstFailure}` };
      }
    } catch (err) {
      this.pidLister.invalidate();
      // Typically EMFILE listing /proc. Nothing was swept: every tracked process (and lastTMs, so
      // the next tick's rates span both intervals) is kept for the next tick.
      rows = [];
      error = { kind: 'failed', message: `no process could be read: ${toApiError(err, this.reader.procRoot).message}` };
    }
    const cpu = cpuUsage(cpuStart);
    return {
      seq: this.seq,
      tMs,
      elapsedMs: elapsedS * 1000,
      memTotalKb: this.memTotalKb,
      rows,
      cost: {
        wallMs: performance.now() - wallStart,
        cpuMs: (cpu.user + cpu.system) / 1000,
        processCount: rows.length,
        sources: this.listSources(),
        ...(rollup === undefined ? {} : { rollup }),
      },
      ...(error === undefined ? {} : { error }),
    };
  }

  /** Mark → scan → sweep over the listed pids: live rows, then tombstones. */
  private scan(pids: readonly number[], elapsedS: number): ProcessRow[] {
    const rows: ProcessRow[] = [];
    this.seenCount = 0;
    for (const pid of pids) {
      const row = this.sampleOne(pid, elapsedS);
      if (row !== null) rows.push(row);
    }
    // Each tracked process counted once at most (a pid listed once), so all were seen when the counts match.
    if (this.seenCount === this.tracked.size) return rows;
    this.sweep(rows);
    return rows;
  }

  /** Processes not seen this tick become tombstones once, then are forgotten. */
  private sweep(rows: ProcessRow[]): void {
    for (const t of this.tracked.values()) {
      if (t.seenSeq === this.seq) continue;
      if (t.row !== null) rows.push(copyWithoutRates(t.row, 'gone'));
      this.forget(t.pid);
    }
  }

  /** Closes every kept fd. */
  close(): void {
    for (const pid of [...this.tracked.keys()]) this.forget(pid);
    this.rollups.clear();
    this.pidLister.close();
  }

  /**
   * Reads one process; null when it vanished before we ever saw it. An idle process (its stat through the row's
   * fields and its statm or status text byte for byte as last tick, and no rate to bring back to 0) keeps last tick's row
   * object: nothing parsed, nothing allocated (most processes on a desktop, most ticks).
   */
  private sampleOne(pid: number, elapsedS: number): ProcessRow | null {
    let t = this.tracked.get(pid);
    let statChanged = true;
    try {
      if (t === undefined) t = this.track(pid); // read stat just now
      else statChanged = this.keepStat(t);
    } catch (err) {
      return this.dropUnread(pid, t, err);
    }
    this.markSeen(t);
    const memorySource = this.memorySourceOf(t);
    let memoryChanged = false;
    let memoryError: unknown = null;
    try {
      if (memorySource !== null) memoryChanged = this.keepMemory(t, memorySource);
    } catch (err) {
      memoryError = err;
    }
    if (!statChanged && !memoryChanged && memoryError === null && this.isStill(t.row)) return t.row;
    // The rest is a call: this loop body stays small to compile, and a rare path taken (a pid reused, a read
    // refused) recompiles only the rebuild (issue 13: top's CPU per tick counts the JIT's threads too).
    return this.rebuild(t, memorySource, memoryError, elapsedS);
  }

  /** A new row for a process whose stat or memory text changed (or whose row may not be kept): parsed and filled. */
  private rebuild(t: Tracked, memorySource: 'statm' | 'status' | null, memoryError: unknown, elapsedS: number): ProcessRow | null {
    const pid = t.pid;
    let stat: ProcStat;
    try {
      stat = parseStat(t.statText.view(), t.comm); // comm kept as last tick's string while its bytes are the same
      if (stat.starttime !== t.startTicks) return this.retrack(pid, elapsedS);
    } catch (err) {
      return this.dropUnread(pid, t, err);
    }
    return this.fillRow(t, stat, memorySource, memoryError, elapsedS);
  }

  /** The pid was reused between two ticks: a different process with a fresh history, read through its own fds. */
  private retrack(pid: number, elapsedS: number): ProcessRow | null {
    this.forget(pid);
    let t: Tracked | undefined;
    let stat: ProcStat;
    try {
      t = this.track(pid);
      stat = parseStat(t.statText.view());
    } catch (err) {
      return this.dropUnread(pid, t, err);
    }
    const memorySource = this.memorySourceOf(t);
    let memoryError: unknown = null;
    try {
      if (memorySource !== null) this.keepMemory(t, memorySource);
    } catch (err) {
      memoryError = err;
    }
    return this.fillRow(t, stat, memorySource, memoryError, elapsedS);
  }

  /** Builds the row from stat and the memory text (or the error reading it), and keeps it as the process's row. */
  private fillRow(t: Tracked, stat: ProcStat, memorySource: 'statm' | 'status' | null, memoryError: unknown, elapsedS: number): ProcessRow {
    let rowStatus: RowStatus = 'ok';
    const row = this.buildRow(t, stat, elapsedS);
    try {
      if (memoryError !== null) throw memoryError;
      if (memorySource === 'status') {
        const mem = parseStatusMemory(t.memoryText.view());
        row.uid = mem.euid; // top's USER is the effective user
        row.user = this.users.nameOf(mem.euid);
        row.virtKb = computeVirtKb(mem.vmSizeKb);
        row.resKb = mem.vmRssKb; // RES = VmRSS
        row.shrKb = computeShrKb(mem.rssFileKb, mem.rssShmemKb);
        row.swapKb = mem.vmSwapKb;
      } else if (memorySource === 'statm') {
        const statm = parseStatm(t.memoryText.view());
        row.virtKb = pagesToKb(statm.sizePages);
        row.resKb = pagesToKb(statm.residentPages);
        row.shrKb = pagesToKb(statm.sharedPages);
      }
      row.memPct = computeMemPct(row.resKb, this.memTotalKb);
    } catch (err) {
      if (isGone(err)) {
        rowStatus = 'gone';
      } else {
        this.noteFailure(err);
        rowStatus = 'restricted'; // denied, unparsable text or out of fds: keep what stat gave
      }
    }
    row.rowStatus = rowStatus;
    t.row = row;
    if (rowStatus === 'gone') this.forget(t.pid);
    return row;
  }

  /**
   * A process whose stat could not be read or parsed: a row of its last values when the failure is ours
   * (out of fds); else null, and it is forgotten unless a row of it is swept into a tombstone below.
   */
  private dropUnread(pid: number, t: Tracked | undefined, err: unknown): ProcessRow | null {
    if (this.noteFailure(err) && t !== undefined && t.row !== null && this.tracked.get(pid) === t) {
      // Our failure (out of fds), not the process's: it is still there, with its last known row.
      this.markSeen(t);
      return copyWithoutRates(t.row, 'restricted');
    }
    // Gone (or unreadable stat, which names nothing): a process we had a row for is
    // swept into a tombstone below; one we never saw is dropped silently.
    if (t === undefined || t.row === null || !isGone(err)) this.forget(pid);
    return null;
  }

  /**
   * True when last tick's row is this tick's too, given unchanged stat and memory text: it was a full
   * row with no rate to fall to 0, no smaps_rollup figure (fill() writes those into the rows on screen each
   * tick, so their rows are always fresh objects), and MemTotal and the user's name are as they were.
   */
  private isStill(row: ProcessRow | null): row is ProcessRow {
    return (
      row !== null &&
      row.rowStatus === 'ok' &&
      row.cpuPct === 0 &&
      row.minfltPerS === 0 &&
      row.majfltPerS === 0 &&
      row.pssKb === undefined &&
      row.rollupError === undefined &&
      !(this.rollupRequested && this.rollups.wants(row.pid)) &&
      row.memPct === computeMemPct(row.resKb, this.memTotalKb) &&
      (this.memoryFile !== 'status' || row.user === this.users.nameOf(row.uid))
    );
  }

  /**
   * The file that gives this process's VIRT/RES/SHR (and USER, SWAP): status when requested, else statm; null
   * for a kernel thread's statm (its zeros are buildRow's 0s) or when no memory column is requested.
   */
  private memorySourceOf(t: Tracked): 'statm' | 'status' | null {
    return this.memoryFile === 'statm' && t.kernelThread ? null : this.memoryFile;
  }

  /** Reads the stat text into t.statText; true when it differs from last tick's through the row's fields. Throws ApiError. */
  private keepStat(t: Tracked): boolean {
    const length = this.readKept(t, STAT);
    if (!this.keepText(t.statText, length)) return false;
    t.statText.compareOnly(statBytesThrough(this.reader.readBuffer, length, LAST_ROW_STAT_FIELD));
    return true;
  }

  /** Reads statm or status into t.memoryText; true when it differs from last tick's. Throws ApiError. */
  private keepMemory(t: Tracked, source: 'statm' | 'status'): boolean {
    return this.keepText(t.memoryText, this.readKept(t, KEPT_INDEX_OF[source]));
  }

  /** Keeps the read buffer's first length bytes as text; true when they differ from it (an empty read always does). */
  private keepText(text: KeptText, length: number): boolean {
    const reader = this.reader;
    if (length > 0 && text.equalsRead(reader.readBuffer, reader.readWords, reader.readDoubles, length)) return false;
    text.copyFrom(reader.readWords, length);
    return true;
  }

  /** Fills the stat-derived columns and the rates since the last tick. */
  private buildRow(t: Tracked, stat: ProcStat, elapsedS: number): ProcessRow {
    const totalTicks = stat.utime + stat.stime;
    const hadPrevious = t.row !== null && elapsedS > 0;
    if (stat.comm !== t.comm) {
      t.comm = stat.comm; // exec changed it: re-read the command line
      t.command = this.sources.has('cmdline') ? this.readCommand(t.pid, stat.comm) : stat.comm;
    }
    const row: ProcessRow = {
      pid: t.pid,
      ppid: stat.ppid,
      // From status when requested (a failed read keeps the last known); unrequested, empty.
      user: this.sources.has('status') ? (t.row?.user ?? '') : '',
      uid: this.sources.has('status') ? (t.row?.uid ?? -1) : -1,
      state: stat.state,
      comm: stat.comm,
      command: t.command,
      virtKb: 0,
      resKb: 0,
      shrKb: 0,
      swapKb: 0,
      cpuPct: hadPrevious ? computeCpuPct(totalTicks - t.totalTicks, elapsedS) : 0,
      memPct: 0,
      cpuTimeS: computeCpuTimeS(stat.utime, stat.stime),
      threads: stat.numThreads,
      minflt: stat.minflt,
      majflt: stat.majflt,
      minfltPerS: hadPrevious ? (stat.minflt - t.minflt) / elapsedS : 0,
      majfltPerS: hadPrevious ? (stat.majflt - t.majflt) / elapsedS : 0,
      startTicks: stat.starttime,
      rowStatus: 'ok',
    };
    t.totalTicks = totalTicks;
    t.minflt = stat.minflt;
    t.majflt = stat.majflt;
    return row;
  }

  /** Starts tracking a pid: opens its stat fd and reads its start time. Throws ApiError. */
  private track(pid: number): Tracked {
    const t: Tracked = {
      pid,
      startTicks: -1,
      kernelThread: false,
      fds: new Int32Array(KEPT_FILES.length).fill(NO_FD),
      totalTicks: 0,
      minflt: 0,
      majflt: 0,
      comm: UNKNOWN_COMM,
      command: '',
      row: null,
      seenSeq: 0,
      statText: new KeptText(),
      memoryText: new KeptText(),
    };
    this.tracked.set(pid, t);
    this.markSeen(t);
    this.keepStat(t);
    const stat = parseStat(t.statText.view());
    t.startTicks = stat.starttime;
    t.kernelThread = (stat.flags & PF_KTHREAD) !== 0;
    return t;
  }

  /**
   * Reads a per-tick file of a tracked process into the reader's readBuffer and returns its length, through
   * a kept fd opened on first use while the budget allows; beyond it, opens, reads and closes it. Throws ApiError.
   */
  private readKept(t: Tracked, file: KeptIndex): number {
    try {
      const fd = t.fds[file]!;
      if (fd !== NO_FD) return this.reader.preadKeptLength(fd); // the per-tick path: no string, no view built
      return this.openAndRead(t, file);
    } catch (err) {
      // One catch for every failure, gone before the open or after: a path first taken late in a run (a process
      // exiting between the listing and its open) recompiles the functions it runs in (issue 13).
      throw toApiError(err, `/proc/${t.pid}/${KEPT_FILES[file]}`);
    }
  }

  /**
   * Opens a file not kept yet and reads it: kept while the budget has an fd (taken once the open succeeded, so a
   * failed open has nothing to give back), else opened, read and closed. Throws raw fs errors.
   */
  private openAndRead(t: Tracked, file: KeptIndex): number {
    const path = this.reader.pathOf(t.pid, KEPT_FILES[file]);
    if (!this.keptFds.hasRoom()) return this.reader.readPathLength(path);
    const fd = this.reader.openKept(path);
    this.keptFds.take();
    t.fds[file] = fd;
    return this.reader.preadKeptLength(fd);
  }

  /** Counts a failed read that is ours ('internal': EMFILE, ENFILE, ENOMEM…); true when it was. */
  private noteFailure(err: unknown): boolean {
    if (!isApiError(err) || err.code !== 'internal') return false;
    if (this.failedReads === 0) this.firstFailure = err.message;
    this.failedReads += 1;
    return true;
  }

  /** Full command line as ps shows it; "[comm]" for kernel threads (empty cmdline). */
  private readCommand(pid: number, comm: string): string {
    try {
      const bytes = this.reader.readProcFile(pid, 'cmdline');
      let end = bytes.length;
      while (end > 0 && bytes[end - 1] === 0) end -= 1;
      if (end === 0) return `[${comm}]`;
      return Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('utf8').replace(/\0/g, ' ');
    } catch {
      return `[${comm}]`;
    }
  }

  /** Marks a tracked process seen this tick (not swept), counted once. */
  private markSeen(t: Tracked): void {
    if (t.seenSeq === this.seq) return;
    t.seenSeq = this.seq;
    this.seenCount += 1;
  }

  private forget(pid: number): void {
    const t = this.tracked.get(pid);
    if (t === undefined) return;
    this.forgottenCount += 1;
    if (t.seenSeq === this.seq) this.seenCount -= 1; // seenCount counts the seen processes still tracked
    for (const fd of t.fds) {
      if (fd === NO_FD) continue;
      this.reader.closeKept(fd);
      this.keptFds.give();
    }
    this.tracked.delete(pid);
  }

  /** Closes every process's kept fd of one file (no longer requested). */
  private closeKept(file: KeptIndex): void {
    for (const t of this.tracked.values()) {
      const fd = t.fds[file]!;
      if (fd === NO_FD) continue;
      this.reader.closeKept(fd);
      this.keptFds.give();
      t.fds[file] = NO_FD;
    }
  }

  private readMemTotalKb(): number {
    if (this.memTotalKb > 0 && this.seq % 60 !== 1) return this.memTotalKb; // changes only on hotplug
    try {
      return parseMeminfo(readProcText('meminfo', this.reader.procRoot))['MemTotal'] ?? 0;
    } catch {
      return this.memTotalKb;
    }
  }
}

/** status when USER or SWAP is requested (it carries VIRT/RES/SHR too), else statm when a memory column is, else none. */
function memoryFileOf(sources: ReadonlySet<ProcSource>): 'statm' | 'status' | null {
  if (sources.has('status')) return 'status';
  return sources.has('statm') ? 'statm' : null;
}

function isGone(err: unknown): boolean {
  return isApiError(err) && err.code === 'gone';
}

/**
 * A copy of a row with another status and its rates at 0 (a tombstone, or a process we could not read this tick).
 * Spelled out as buildRow's literal, field for field: an object spread gets a hidden class of its own, and the first
 * tombstone then deoptimized every function the rows pass through (sort, render, histories). Rows carrying
 * smaps_rollup figures (fields added after buildRow) are spread, which keeps every key in its order.
 */
function copyWithoutRates(row: ProcessRow, rowStatus: RowStatus): ProcessRow {
  if ('pssKb' in row || 'ussKb' in row || 'swapPssKb' in row || 'rollupError' in row) return { ...row, rowStatus, cpuPct: 0, minfltPerS: 0, majfltPerS: 0 };
  return {
    pid: row.pid,
    ppid: row.ppid,
    user: row.user,
    uid: row.uid,
    state: row.state,
    comm: row.comm,
    command: row.command,
    virtKb: row.virtKb,
    resKb: row.resKb,
    shrKb: row.shrKb,
    swapKb: row.swapKb,
    cpuPct: 0,
    memPct: row.memPct,
    cpuTimeS: row.cpuTimeS,
    threads: row.threads,
    minflt: row.minflt,
    majflt: row.majflt,
    minfltPerS: 0,
    majfltPerS: 0,
    startTicks: row.startTicks,
    rowStatus,
  };
}
