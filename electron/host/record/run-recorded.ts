// Runs a command under the recording shim: LD_PRELOAD plus the MEMSCOPE_RECORD_* variables the shim reads
// (memscope-record.c `decide`), the terminal passed through untouched, and its end reported as it happened,
// with what the shim's status file says: the trace writes it could not make (`report_write_failure`) and the main
// trace's closing lines (`report_closing_lines`).
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
  /** The main trace: the file the spawned process writes (it claims it in the status file; later images are children). */
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

/** What the shim's status file says of the run. */
export interface RecordStatus {
  /** Trace writes that failed, in the order the processes reported them: the first STATUS_FAILURE_SLOTS. */
  writeFailures: TraceWriteFailure[];
  /** How many failed in all (more than writeFailures holds when over STATUS_FAILURE_SLOTS). */
  writeFailureCount: number;
  /**
   * The main trace: null when no process claimed it (no malloc call reached the shim), else `# started` or, once
   * the program ended by exit(), the closing lines it wrote last (`# footprint …`, `# end ops=N …`).
   */
  mainTrace: string | null;
}

/** How the command ended: its exit status, or the signal that killed it; and what the shim reported. */
export interface RecordedExit extends RecordStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

// The status file's layout, memscope-record.c STATUS_*: the main trace's text, the failure count, the failures.
// Filled with NULs before the run, so the shim only overwrites: no new disk space, as /tmp may be on the full disk.
const STATUS_MAIN_BYTES = 512;
const STATUS_COUNT_AT = 512;
const STATUS_COUNT_BYTES = 32;
const STATUS_FAILURES_AT = 544;
const STATUS_FAILURE_BYTES = 4160;
/** Failures the status file names; more are only counted. */
export const STATUS_FAILURE_SLOTS = 8;
const STATUS_BYTES = STATUS_FAILURES_AT + STATUS_FAILURE_SLOTS * STATUS_FAILURE_BYTES;

/** The NUL-ended text at [at, at + maxBytes) of the status file. */
function textAt(bytes: Buffer, at: number, maxBytes: number): string {
  const field = bytes.subarray(at, at + maxBytes);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? field.length : end).toString('utf8');
}

/** What the shim wrote into the status file (all NULs: no call reached it). */
function readRecordStatus(statusPath: string): RecordStatus {
  const bytes = readFileSync(statusPath);
  const writeFailureCount = Number(textAt(bytes, STATUS_COUNT_AT, STATUS_COUNT_BYTES)) || 0;
  const writeFailures: TraceWriteFailure[] = [];
  for (let k = 0; k < Math.min(writeFailureCount, STATUS_FAILURE_SLOTS); k++) {
    const m = /^(\d+) (.+)$/s.exec(textAt(bytes, STATUS_FAILURES_AT + k * STATUS_FAILURE_BYTES, STATUS_FAILURE_BYTES));
    if (m !== null) writeFailures.push({ path: m[2]!, errno: getSystemErrorName(-Number(m[1])) });
  }
  const main = textAt(bytes, 0, STATUS_MAIN_BYTES);
  return { writeFailures, writeFailureCount: Math.max(writeFailureCount, writeFailures.length), mainTrace: main === '' ? null : main };
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
    return { ...ended, ...readRecordStatus(statusPath) };
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
async function runWithShim(command: string, args: string[], options: RecordOptions, statusPath: string): Promise<Omit<RecordedExit, keyof RecordStatus>> {
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
    return await new Promise<Omit<RecordedExit, keyof RecordStatus>>((resolveExit, reject) => {
      child.once('error', (err) => reject(fileError('run', command, err)));
      child.once('close', (code, signal) => resolveExit({ code, signal }));
    });
  } finally {
    for (const s of FORWARDED_SIGNALS) process.off(s, forward);
  }
}
