// Where `memscope record` has the shim write TRACE: a temp file beside it (atomic-write.ts's pieces), renamed over
// TRACE only once the run is over and the trace whole, so a failed write leaves no half trace and an older TRACE as
// it was. A device or FIFO named as TRACE is written straight into, as `snapshot -o` does.
import { accessSync, closeSync, constants, fsyncSync, rmSync } from 'node:fs';
import { openTempBeside, planReplace, renameIntoPlace } from '../files/atomic-write.js';
import { fileError } from '../files/file-error.js';

/** The file the shim writes, and how it becomes TRACE. */
export interface TraceOutput {
  /** The file the shim writes: a temp file created empty, or TRACE itself when direct. */
  writePath: string;
  /** TRACE is a device or FIFO, written straight into: what went in cannot be read back. */
  direct: boolean;
  /** Makes what was written TRACE (fsync, rename). Throws the one-line write error, TRACE left as it was. */
  commit(): void;
  /** Removes what was written; TRACE stays as it was. */
  discard(): void;
  /**
   * Called as CMD starts: a signal no longer removes the empty temp file, since from then on it is passed to CMD
   * and the trace it leaves is kept (reported incomplete).
   */
  keepOnSignal(): void;
}

/** Creates the file the shim will write for TRACE at path. Throws the one-line write error. */
export function openTraceOutput(path: string): TraceOutput {
  const plan = planReplace(path);
  if (plan === null) {
    try {
      // Not opened here: a FIFO's reader would take our close for the end of the trace, and the shim's open then wait for a reader forever.
      accessSync(path, constants.W_OK);
    } catch (err) {
      throw fileError('write', path, err);
    }
    const nothing = () => undefined; // a device is never removed
    return { writePath: path, direct: true, commit: nothing, discard: nothing, keepOnSignal: nothing };
  }
  const { tmpPath, fd, release } = openTempBeside(plan, path);
  let open = true;
  const close = () => {
    if (open) closeSync(fd);
    open = false;
  };
  return {
    writePath: tmpPath,
    direct: false,
    commit() {
      release();
      try {
        fsyncSync(fd); // a write(2) the file system accepted may still fail here (NFS, quotas): then TRACE is not replaced
        close();
        renameIntoPlace(tmpPath, plan.target);
      } catch (err) {
        close();
        rmSync(tmpPath, { force: true });
        throw fileError('write', path, err);
      }
    },
    discard() {
      release();
      close();
      rmSync(tmpPath, { force: true });
    },
    keepOnSignal: release,
  };
}
