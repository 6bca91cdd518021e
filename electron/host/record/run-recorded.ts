// Runs a command under the recording shim: LD_PRELOAD plus the MEMSCOPE_RECORD_* variables the shim reads
// (memscope-record.c `decide`), the terminal passed through untouched, and its end reported as it happened,
// with the first trace write the shim could not make (its status file, `report_write_failure`).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { getSystemErrorName } from 'node:util';
import { fileError } from '../files/file-error.js';

/** What to record and how. */
export interface RecordOptions {
  /** The built shim (shim-build.ts). */
  shimPath: string;
  /** The main trace, already created empty: the shim only writes a file it finds empty. */
  tracePath: string;
  /** --follow children write PATH.PID beside it: TRACE as the user named it (tracePath may be a temp file). */
  childBasePath: string;
  /** Children (fork, exec) record too, each into TRACE.PID. */
  follow: boolean;
  /** Each a/c/m/r line also gets `=HEX`, the pointer the real allocator returned. */
  addresses: boolean;
  /** Op lines are not written: the trace keeps its header, the footprint and the closing line. */
  measureOnly: boolean;
}

/** A trace the shim could not write (or, with --follow, create): its path and the errno's name (ENOSPC). */
export interface TraceWriteFailure {
  path: string;
  errno: string;
}

/** How the command ended: its exit status, or the signal that killed it; and a failed trace write, if any. */
export interface RecordedExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  writeFailure: TraceWriteFailure | null;
}

/**
 * Size of the status file, filled with NULs before the run: the shim's `ERRNO PATH` + NUL (PATH under 4096 bytes)
 * overwrites them, which needs no new disk space, as /tmp may be on the disk that is full.
 */
const STATUS_BYTES = 4096 + 64;

/** The failure the shim wrote into the status file, or null (still all NULs: every write went through). */
function readWriteFailure(statusPath: string): TraceWriteFailure | null {
  const bytes = readFileSync(statusPath);
  const end = bytes.indexOf(0);
  const m = /^(\d+) (.+)$/s.exec(bytes.subarray(0, end < 0 ? bytes.length : end).toString('utf8'));
  return m === null ? null : { path: m[2]!, errno: getSystemErrorName(-Number(m[1])) };
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
  const statusPath = createStatusFile();
  try {
    const ended = await runWithShim(command, args, options, statusPath);
    return { ...ended, writeFailure: readWriteFailure(statusPath) };
  } finally {
    rmSync(dirname(statusPath), { recursive: true, force: true });
  }
}

/** A private folder in the temp directory holding the status file, STATUS_BYTES of NULs; returns its path. */
function createStatusFile(): string {
  let path = join(tmpdir(), 'memscope-record-XXXXXX', 'status');
  try {
    path = join(mkdtempSync(join(tmpdir(), 'memscope-record-')), 'status');
    writeFileSync(path, Buffer.alloc(STATUS_BYTES), { mode: 0o600 });
    return path;
  } catch (err) {
    rmSync(dirname(path), { recursive: true, force: true });
    throw fileError('write', path, err);
  }
}

/** Runs command under the shim until it ends. */
async function runWithShim(command: string, args: string[], options: RecordOptions, statusPath: string): Promise<Omit<RecordedExit, 'writeFailure'>> {
  const preload = [options.shimPath, process.env['LD_PRELOAD']].filter((p) => p !== undefined && p !== '').join(' ');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LD_PRELOAD: preload,
    MEMSCOPE_RECORD_TRACE: options.tracePath,
    MEMSCOPE_RECORD_CHILD_BASE: options.childBasePath,
    MEMSCOPE_RECORD_STATUS: statusPath,
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
    return await new Promise<Omit<RecordedExit, 'writeFailure'>>((resolveExit, reject) => {
      child.once('error', (err) => reject(fileError('run', command, err)));
      child.once('close', (code, signal) => resolveExit({ code, signal }));
    });
  } finally {
    for (const s of FORWARDED_SIGNALS) process.off(s, forward);
  }
}
