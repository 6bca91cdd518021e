// Telling a kernel thread from a process that exited: both read as no mappings and no VmSize.
import { ApiError, isApiError } from '../../../shared/errors.js';
import { PF_KTHREAD, parseStat } from '../../../shared/proc/stat.js';
import type { ProcReader } from './proc-reader.js';

/** PF_KTHREAD in pid's stat flags (a kernel thread: no user address space, for life); false when its stat is gone too. */
export function isKernelThread(reader: ProcReader, pid: number): boolean {
  try {
    return (parseStat(reader.readProcFile(pid, 'stat')).flags & PF_KTHREAD) !== 0;
  } catch (err) {
    if (isApiError(err) && err.code === 'gone') return false;
    throw err;
  }
}

/** The error of a request about a kernel thread's user memory (pages, translate): it has none. */
export function kernelThreadError(pid: number): ApiError {
  return new ApiError('unsupported', `pid ${pid} is a kernel thread: it has no user address space`);
}
