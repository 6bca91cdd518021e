// When a row read from /proc is a reading of a process that has already exited: then it is an exit event
// for the history, never a sample. Source of truth: kernel/exit.c do_exit(), which releases the address
// space (exit_mm: statm reads 0 from then on) before exit_notify() makes the task a zombie (state Z).

/** The fields of a ProcessRow this needs. */
export interface ExitCheckRow {
  /** One-letter state from /proc/PID/stat. */
  state: string;
  virtKb: number;
}

/**
 * True when `row` was read after the process exited: a zombie, or a process whose address space is gone
 * (VmSize 0) while its previous reading had one. A kernel thread (VmSize 0 all along) is not exiting.
 */
export function isExitReading(row: ExitCheckRow, previousVirtKb: number | undefined): boolean {
  return row.state === 'Z' || (row.virtKb === 0 && previousVirtKb !== undefined && previousVirtKb > 0);
}
