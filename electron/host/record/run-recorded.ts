// Runs a command under the recording shim: LD_PRELOAD plus the MEMSCOPE_RECORD_* variables the shim reads
// (memscope-record.c `decide`), the terminal passed through untouched, and its end reported as it happened.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileError } from '../files/file-error.js';

/** What to record and how. */
export interface RecordOptions {
  /** The built shim (shim-build.ts). */
  shimPath: string;
  /** The main trace, already created empty: the shim only writes a file it finds empty. */
  tracePath: string;
  /** Children (fork, exec) record too, each into TRACE.PID. */
  follow: boolean;
  /** Each a/c/m/r line also gets `=HEX`, the pointer the real allocator returned. */
  addresses: boolean;
  /** Op lines are not written: the trace keeps its header, the footprint and the closing line. */
  measureOnly: boolean;
}

/** How the command ended: its exit status, or the signal that killed it. */
export interface RecordedExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The status a shell would report for it: the exit code, or 128 + the signal's number. */
export function shellStatusOf(exit: RecordedExit): number {
  if (exit.code !== null) return exit.code;
  return 128 + (exit.signal === null ? 0 : (constants.signals[exit.signal] ?? 0));
}

/** SIGINT from the terminal reaches the command itself (same process group); these we pass on when sent to us alone. */
const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Runs command with args recorded; rejects only when it cannot start (not found, not executable). */
export async function runRecorded(command: string, args: string[], options: RecordOptions): Promise<RecordedExit> {
  const preload = [options.shimPath, process.env['LD_PRELOAD']].filter((p) => p !== undefined && p !== '').join(' ');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LD_PRELOAD: preload,
    MEMSCOPE_RECORD_TRACE: options.tracePath,
    MEMSCOPE_RECORD_PARENT: String(process.pid),
    MEMSCOPE_RECORD_FOLLOW: options.follow ? '1' : '0',
    MEMSCOPE_RECORD_ADDRESSES: options.addresses ? '1' : '0',
    MEMSCOPE_RECORD_MEASURE: options.measureOnly ? '1' : '0',
  };
  const child = spawn(command, args, { stdio: 'inherit', env });
  const forward = (signal: NodeJS.Signals) => {
    // The terminal's Ctrl-C already reached the command; a second copy would make it look pressed twice.
    if (signal !== 'SIGINT') child.kill(signal);
  };
  for (const s of FORWARDED_SIGNALS) process.on(s, forward);
  try {
    return await new Promise<RecordedExit>((resolveExit, reject) => {
      child.once('error', (err) => reject(fileError('run', command, err)));
      child.once('close', (code, signal) => resolveExit({ code, signal }));
    });
  } finally {
    for (const s of FORWARDED_SIGNALS) process.off(s, forward);
  }
}
