// Where `memscope record` has the shim write TRACE: a temp file beside it (atomic-write.ts's pieces), renamed over
// TRACE only once the run is over and the trace whole, so a failed write leaves no half trace and an older TRACE as
// it was. A device or FIFO named as TRACE is written straight into, as `snapshot -o` does.
import { closeSync, fsyncSync, openSync, rmSync } from 'node:fs';
import { createTempBeside, planReplace, renameIntoPlace } from '../files/atomic-write.js';
import { fileError } from '../files/file-error.js';

/** The file the shim writes, and how it becomes TRACE. */
export interface TraceOutput {
  /** Created empty: the shim writes only into a file it finds empty. */
  writePath: string;
  /** Makes what was written TRACE (fsync, rename). Throws the one-line write error, TRACE left as it was. */
  commit(): void;
  /** Removes what was written; TRACE stays as it was. */
  discard(): void;
}

/** Creates the file the shim will write for TRACE at path. Throws the one-line write error. */
export function openTraceOutput(path: string): TraceOutput {
  const plan = planReplace(path);
  if (plan === null) {
    try {
      closeSync(openSync(path, 'w'));
    } catch (err) {
      throw fileError('write', path, err);
    }
    return { writePath: path, commit: () => undefined, discard: () => undefined }; // a device is never removed
  }
  const tmp = createTempBeside(plan, path);
  let open = true;
  const close = () => {
    if (open) closeSync(tmp.fd);
    open = false;
  };
  return {
    writePath: tmp.path,
    commit() {
      try {
        fsyncSync(tmp.fd); // the shim's write(2)s may still fail here (NFS, quotas): then TRACE is not replaced
        close();
        renameIntoPlace(tmp.path, plan.target);
      } catch (err) {
        close();
        rmSync(tmp.path, { force: true });
        throw fileError('write', path, err);
      }
    },
    discard() {
      close();
      rmSync(tmp.path, { force: true });
    },
  };
}
