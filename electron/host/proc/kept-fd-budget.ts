// The count of /proc fds one sampler keeps open between ticks, against its most (system/fd-budget.ts's maxKeptFds):
// the per-process files and /proc/loadavg take from the same budget, so `maxKeptFds: N` means N fds at most.

/** Kept fds taken and given back; never more than maxKeptFds taken at once. */
export class KeptFdBudget {
  private takenCount = 0;

  /** maxKeptFds: most fds kept at once (0: every file is opened, read and closed). */
  constructor(readonly maxKeptFds: number) {}

  /** Takes one fd of the budget; false when all are taken (the caller opens, reads and closes instead). */
  tryTake(): boolean {
    if (!this.hasRoom()) return false;
    this.take();
    return true;
  }

  /** True when one more fd may be taken: the caller opens first and then take()s, with nothing to give back when the open fails. */
  hasRoom(): boolean {
    return this.takenCount < this.maxKeptFds;
  }

  /** Takes one fd of the budget (after hasRoom() said there was room). */
  take(): void {
    this.takenCount += 1;
  }

  /** Gives back one taken fd (closed, or its open failed). */
  give(): void {
    this.takenCount -= 1;
  }
}
