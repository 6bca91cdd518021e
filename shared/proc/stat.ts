// Parses /proc/PID/stat: one line of space-separated fields, the second being "(comm)".
// Source of truth: proc(5) "/proc/pid/stat" and fs/proc/array.c do_task_stat() (Linux 6.x).

import { CH_LPAREN, CH_NL, CH_RPAREN, CH_SPACE, decodeUtf8, parseDecimalRange } from './bytes.js';
import { ProcParseError, checkComplete } from './parse-error.js';

/** The fields of /proc/PID/stat that memscope uses, numbered as in proc(5). */
export interface ProcStat {
  /** (1) pid */
  pid: number;
  /** (2) comm: the kernel's task name (at most 15 bytes), without the parentheses; may hold spaces and ')'. */
  comm: string;
  /** (3) state: one letter (R, S, D, Z, T, t, X, I). */
  state: string;
  /** (4) ppid */
  ppid: number;
  /** (9) flags: the task's PF_* bits (include/linux/sched.h); PF_KTHREAD marks a kernel thread. */
  flags: number;
  /** (10) minflt: minor faults, cumulative. */
  minflt: number;
  /** (12) majflt: major faults, cumulative. */
  majflt: number;
  /** (14) utime: user CPU time in clock ticks (USER_HZ, normally 100/s). */
  utime: number;
  /** (15) stime: kernel CPU time in clock ticks. */
  stime: number;
  /** (20) num_threads */
  numThreads: number;
  /** (22) starttime: clock ticks after boot at which the process started. */
  starttime: number;
  /** (23) vsize: virtual memory size in bytes (= VmSize × 1024). */
  vsizeBytes: number;
  /** (24) rss: resident set size in pages. */
  rssPages: number;
}

/**
 * PF_KTHREAD (include/linux/sched.h) in (9) flags: a kernel thread, which never has a user address space —
 * get_task_mm() refuses it even while it borrows one (kthread_use_mm), so its statm is all zeros.
 */
export const PF_KTHREAD = 0x00200000;

/** The last field number read; the kernel prints 52 in 6.x. */
const LAST_FIELD_NEEDED = 24;

/**
 * Parses /proc/PID/stat. comm is found between the first '(' and the LAST ')' of the text,
 * because comm itself may contain ')', spaces and even a newline (task names are set freely
 * with prctl(PR_SET_NAME) and printed unescaped here). lastComm is the comm parsed from this
 * process's stat before: when the bytes spell it still (ASCII), that string is returned as comm, not
 * a new one decoded (the sampler re-parses every busy process's stat each tick; a comm changes only on
 * exec or a rename).
 */
export function parseStat(bytes: Uint8Array, lastComm = ''): ProcStat {
  checkComplete(bytes, 'stat');
  const open = bytes.indexOf(CH_LPAREN);
  const close = bytes.lastIndexOf(CH_RPAREN);
  if (open < 0 || close < open) throw new ProcParseError('stat', 1, 'no "(comm)"', excerpt(bytes));
  const pid = parseDecimalRange(bytes, 0, open - 1);
  if (!(pid >= 0) || bytes[open - 1] !== CH_SPACE) throw new ProcParseError('stat', 1, 'bad pid before "("', excerpt(bytes));
  const comm = isAsciiTextAt(bytes, open + 1, close, lastComm) ? lastComm : decodeUtf8(bytes, open + 1, close);
  // The line number of anything after comm counts newlines inside comm, so errors point at the right line
  // (counted only when there is an error: parseStat runs for every process every tick).
  if (bytes[close + 1] !== CH_SPACE) throw new ProcParseError('stat', lineAfter(bytes, close), 'expected " " after ")"', excerpt(bytes));

  let state = '';
  let ppid = NaN;
  let flags = NaN;
  let minflt = NaN;
  let majflt = NaN;
  let utime = NaN;
  let stime = NaN;
  let numThreads = NaN;
  let starttime = NaN;
  let vsizeBytes = NaN;
  let rssPages = NaN;

  let field = 3;
  let p = close + 2;
  const length = bytes.length;
  while (field <= LAST_FIELD_NEEDED && p < length) {
    let e = p;
    while (e < length && bytes[e] !== CH_SPACE && bytes[e] !== CH_NL) e++;
    switch (field) {
      case 3: // (3) state
        state = String.fromCharCode(bytes[p]!);
        if (e !== p + 1) throw new ProcParseError('stat', lineAfter(bytes, close), 'field 3 (state) is not one letter', excerpt(bytes));
        break;
      case 4: // (4) ppid
        ppid = parseDecimalRange(bytes, p, e);
        break;
      case 9: // (9) flags
        flags = parseDecimalRange(bytes, p, e);
        break;
      case 10: // (10) minflt
        minflt = parseDecimalRange(bytes, p, e);
        break;
      case 12: // (12) majflt
        majflt = parseDecimalRange(bytes, p, e);
        break;
      case 14: // (14) utime
        utime = parseDecimalRange(bytes, p, e);
        break;
      case 15: // (15) stime
        stime = parseDecimalRange(bytes, p, e);
        break;
      case 20: // (20) num_threads
        numThreads = parseDecimalRange(bytes, p, e);
        break;
      case 22: // (22) starttime
        starttime = parseDecimalRange(bytes, p, e);
        break;
      case 23: // (23) vsize
        vsizeBytes = parseDecimalRange(bytes, p, e);
        break;
      case 24: // (24) rss
        rssPages = parseDecimalRange(bytes, p, e);
        break;
    }
    if (e >= length || bytes[e] === CH_NL) {
      field++;
      break;
    }
    p = e + 1;
    field++;
  }
  if (field <= LAST_FIELD_NEEDED) {
    throw new ProcParseError('stat', lineAfter(bytes, close), `only ${field - 1} fields, need ${LAST_FIELD_NEEDED}`, excerpt(bytes));
  }
  // The sum is NaN exactly when some field is: one test on the hot path, the name looked up only then.
  if (Number.isNaN(ppid + flags + minflt + majflt + utime + stime + numThreads + starttime + vsizeBytes + rssPages)) {
    const numbers = { ppid, flags, minflt, majflt, utime, stime, numThreads, starttime, vsizeBytes, rssPages };
    const name = Object.entries(numbers).find(([, value]) => Number.isNaN(value))?.[0] ?? '?';
    throw new ProcParseError('stat', lineAfter(bytes, close), `field ${name} is not a decimal number`, excerpt(bytes));
  }
  return { pid, comm, state, ppid, flags, minflt, majflt, utime, stime, numThreads, starttime, vsizeBytes, rssPages };
}

/**
 * True when bytes[start, end) are ASCII and spell text: then decoding them gives text. A byte ≥ 0x80 never matches (as
 * UTF-8 it is part of a sequence, or U+FFFD), so a non-ASCII comm is always decoded.
 */
function isAsciiTextAt(bytes: Uint8Array, start: number, end: number, text: string): boolean {
  if (end - start !== text.length) return false;
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if (b >= 0x80 || b !== text.charCodeAt(i - start)) return false;
  }
  return true;
}

/** The line of what follows comm: newlines inside comm count. */
function lineAfter(bytes: Uint8Array, close: number): number {
  return 1 + countNewlines(bytes, 0, close);
}

function countNewlines(bytes: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) if (bytes[i] === CH_NL) n++;
  return n;
}

function excerpt(bytes: Uint8Array): string {
  return decodeUtf8(bytes, 0, Math.min(bytes.length, 200));
}

/** (38) exit_signal's field number. */
const EXIT_SIGNAL_FIELD = 38;

/**
 * (38) exit_signal of /proc/PID/stat: -1 for a thread that is not its group's leader (kernel/fork.c copy_process sets it
 * for CLONE_THREAD, and a /proc/TID path opens for any thread), else the signal the parent gets (17, SIGCHLD, for a
 * fork). Printed unmasked whoever reads (fs/proc/array.c do_task_stat), unlike the addresses around it. NaN when absent.
 */
export function parseStatExitSignal(bytes: Uint8Array): number {
  const close = bytes.lastIndexOf(CH_RPAREN);
  if (close < 0) return NaN;
  let p = close + 2; // (3) state
  for (let field = 3; field < EXIT_SIGNAL_FIELD; field++) {
    p = bytes.indexOf(CH_SPACE, p) + 1;
    if (p === 0) return NaN;
  }
  let end = p;
  while (end < bytes.length && bytes[end] !== CH_SPACE && bytes[end] !== CH_NL) end++;
  return parseDecimalRange(bytes, p, end);
}

/**
 * The bytes of a stat text through field `lastField` and the space after it: two texts equal on these bytes have the
 * same fields 1..lastField (the space ends the field in both). The whole length when the text ends before.
 */
export function statBytesThrough(bytes: Uint8Array, length: number, lastField: number): number {
  const close = bytes.lastIndexOf(CH_RPAREN, length - 1);
  if (close < 0) return length;
  // After ") " comes (3): the k-th space after ')' precedes field k + 2, so field lastField ends at space lastField - 1.
  let spaces = 0;
  for (let p = close + 1; p < length; p++) {
    if (bytes[p] === CH_SPACE && ++spaces === lastField - 1) return p + 1;
  }
  return length;
}
