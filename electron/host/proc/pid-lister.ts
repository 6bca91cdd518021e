// The live tgids of /proc for each tick, without reading the directory when no pid was allocated since the last
// listing: /proc/loadavg's fifth field is the last pid the reader's pid namespace handed out (fs/proc/loadavg.c,
// idr_get_cursor of the namespace's pid idr), and a process can only appear with a new pid. One that exits is found
// by the sampler's failed reads (a kept fd of a reaped process reads ESRCH), and leaves the list after its tombstone.
// Listing /proc costs the kernel a dentry lookup per process (proc_pid_readdir → proc_fill_cache): about a sixth
// of a default-columns tick (issue 13), ~0.4 ms CPU with 400 processes. A few pids allocated since (at most
// MAX_PROBED_PIDS) are probed one by one instead: pids are handed out in increasing order until they wrap, so the
// new processes are among (last pid then, last pid now], and a pid there is a process unless its stat's exit_signal
// says a thread (no status read: the default columns read none). Nothing is opened before the first listing (a
// service that never ticks, as `maps` or `translate`, opens nothing), and the kept /proc/loadavg fd is one of the
// sampler's kept-fd budget.
import { parseStatExitSignal } from '../../../shared/proc/stat.js';
import type { KeptFdBudget } from './kept-fd-budget.js';
import { ProcReader, isGoneCode, isOwnPidNamespace, openProcFile, PROC_ROOT } from './proc-reader.js';

/**
 * Ticks one listing is reused for at most, even with no new pid: clone3 with set_tid (CRIU restoring a process)
 * allocates a chosen pid without moving the namespace's cursor, and such a process shows within this many ticks.
 */
const MAX_TICKS_WITHOUT_LISTING = 10;

/**
 * Most pids allocated since the last look that are probed one by one (a stat read each, ~10 µs CPU for one
 * that exists) rather than listing /proc (~400 µs with 400 processes); more than this, or a wrap, lists.
 */
const MAX_PROBED_PIDS = 16;

/** (38) exit_signal of a thread that is not its group's leader (CLONE_THREAD): not a process of its own. */
const THREAD_EXIT_SIGNAL = -1;

/** Lists /proc's pids each tick, reusing the last listing while the pid namespace allocated no pid. */
export class PidLister {
  private readonly reader: ProcReader;
  private readonly keptFds: KeptFdBudget;
  /** Whether listings may be reused (this /proc is our pid namespace's); null until the first list(). */
  private reusesListings: boolean | null = null;
  /** /proc/loadavg kept open, taken from keptFds; null before the first list(), or while the budget has no fd for it or it cannot be opened. */
  private loadavgFd: number | null = null;
  /** The last pid allocated as of the last listing or probe; -1 before one (or after invalidate). */
  private listedLastPid = -1;
  private ticksWithoutListing = 0;
  private pids: number[] = [];

  /** keptFds: the budget the kept /proc/loadavg fd is taken from (the sampler's). */
  constructor(reader: ProcReader, keptFds: KeptFdBudget) {
    this.reader = reader;
    this.keptFds = keptFds;
  }

  /**
   * This tick's pids: read from the directory (in readdir's order), or last tick's kept ones when no pid was
   * allocated, with the new processes among the few pids allocated since appended.
   */
  list(): number[] {
    const lastPid = this.readLastPid();
    if (lastPid !== -1 && this.listedLastPid !== -1 && this.ticksWithoutListing < MAX_TICKS_WITHOUT_LISTING) {
      const allocatedCount = lastPid - this.listedLastPid; // negative after a wrap
      if (allocatedCount >= 0 && allocatedCount <= MAX_PROBED_PIDS && this.appendProcesses(this.listedLastPid + 1, lastPid)) {
        this.listedLastPid = lastPid;
        this.ticksWithoutListing += 1;
        return this.pids;
      }
    }
    this.listedLastPid = -1; // until the listing below has succeeded
    this.pids = this.reader.listPids();
    this.listedLastPid = lastPid;
    this.ticksWithoutListing = 0;
    return this.pids;
  }

  /**
   * Appends the pids in [firstPid, lastPid] that are processes (thread-group leaders, zombies included, as readdir
   * lists them); false when one could not be told (a read failing for another reason than its exit, or an unparsable
   * stat): list instead.
   */
  private appendProcesses(firstPid: number, lastPid: number): boolean {
    for (let pid = firstPid; pid <= lastPid; pid++) {
      const kind = this.probe(pid);
      if (kind === 'unknown') return false;
      // A process created between the last loadavg read and readdir was listed already (a scan of ~400 pids, per new process).
      if (kind === 'process' && !this.pids.includes(pid)) this.pids.push(pid);
    }
    return true;
  }

  /**
   * The pids among these that readdir would list now, read from their stat alone (/proc and /proc/loadavg untouched):
   * a sampler of one process (`memscope snapshot PID`) costs the same however many processes run. A pid whose kind
   * could not be told is kept (the sampler's own read of it reports why).
   */
  listAmong(pids: readonly number[]): number[] {
    return pids.filter((pid) => this.probe(pid) !== 'gone-or-thread');
  }

  /** What pid is now: a process (thread-group leader, zombies included), gone or a thread, or unknown (its stat unreadable or unparsable). */
  private probe(pid: number): 'process' | 'gone-or-thread' | 'unknown' {
    let exitSignal: number;
    try {
      exitSignal = parseStatExitSignal(this.reader.readPath(this.reader.pathOf(pid, 'stat')));
    } catch (err) {
      // Exited already, or a thread that did: the fs error's own code, no ApiError built (on a busy machine most
      // probed pids are threads come and gone, and building the error was half of the probing's cost; issue 13).
      return isGoneCode((err as NodeJS.ErrnoException | undefined)?.code) ? 'gone-or-thread' : 'unknown';
    }
    if (Number.isNaN(exitSignal)) return 'unknown';
    return exitSignal === THREAD_EXIT_SIGNAL ? 'gone-or-thread' : 'process';
  }

  /** Keeps, for the next tick, only the listed pids still tracked (the ones that were gone are dropped). */
  keepOnly(isKept: (pid: number) => boolean): void {
    let n = 0;
    for (const pid of this.pids) if (isKept(pid)) this.pids[n++] = pid;
    this.pids.length = n;
  }

  /** The next list() reads the directory (a tick that could not read every process it listed). */
  invalidate(): void {
    this.listedLastPid = -1;
  }

  /** Closes /proc/loadavg and gives its fd back to the budget. */
  close(): void {
    if (this.loadavgFd !== null) {
      this.reader.closeKept(this.loadavgFd);
      this.keptFds.give();
    }
    this.loadavgFd = null;
    this.listedLastPid = -1;
  }

  /** The fifth field of /proc/loadavg ("0.20 0.18 0.12 1/80 11206"), or -1 when it cannot be read. */
  private readLastPid(): number {
    this.reusesListings ??= this.reader.procRoot === PROC_ROOT && isOwnPidNamespace(this.reader.procRoot);
    if (!this.reusesListings) return -1;
    let length: number;
    try {
      length = this.readLoadavg();
    } catch {
      return -1;
    }
    const bytes = this.reader.readBuffer;
    let end = length;
    while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x20)) end -= 1;
    let start = end;
    while (start > 0 && bytes[start - 1] !== 0x20) start -= 1;
    if (start === 0 || start === end) return -1;
    let value = 0;
    for (let i = start; i < end; i++) {
      const digit = bytes[i]! - 0x30;
      if (digit < 0 || digit > 9) return -1;
      value = value * 10 + digit;
    }
    return value;
  }

  /**
   * Reads /proc/loadavg into the reader's buffer; returns its length. Through a kept fd, opened on first use when
   * the budget has one; else opened, read and closed (3 syscalls, still far less than listing /proc). Throws raw fs errors.
   */
  private readLoadavg(): number {
    if (this.loadavgFd === null && this.keptFds.tryTake()) {
      try {
        this.loadavgFd = openProcFile('loadavg', this.reader.procRoot);
      } catch (err) {
        this.keptFds.give();
        throw err;
      }
    }
    if (this.loadavgFd !== null) return this.reader.preadKeptLength(this.loadavgFd);
    const fd = openProcFile('loadavg', this.reader.procRoot);
    try {
      return this.reader.preadKeptLength(fd);
    } finally {
      this.reader.closeKept(fd);
    }
  }
}
