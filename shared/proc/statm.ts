// Parses /proc/PID/statm: seven page counts on one line.
// Source of truth: proc(5) "/proc/pid/statm" and fs/proc/array.c proc_pid_statm() (Linux 6.x).

import { CH_NL, CH_SPACE, decodeUtf8, parseDecimalRange } from './bytes.js';
import { ProcParseError, checkComplete } from './parse-error.js';

/** /proc/PID/statm, all in pages (fields 5 "lib" and 7 "dt" are always 0 since Linux 2.6 and are dropped). */
export interface ProcStatm {
  /** (1) size: total program size (= VmSize in pages). */
  sizePages: number;
  /** (2) resident (= VmRSS in pages). */
  residentPages: number;
  /** (3) shared: resident file-backed + shmem pages (= RssFile + RssShmem). */
  sharedPages: number;
  /** (4) text: code (= VmExe, rounded to pages). */
  textPages: number;
  /** (6) data: data + stack (= VmData + VmStk). */
  dataPages: number;
}

/** Parses /proc/PID/statm ("size resident shared text lib data dt\n"). */
export function parseStatm(bytes: Uint8Array): ProcStatm {
  checkComplete(bytes, 'statm');
  const values: number[] = [];
  let p = 0;
  const length = bytes.length;
  while (p < length && bytes[p] !== CH_NL) {
    let e = p;
    while (e < length && bytes[e] !== CH_SPACE && bytes[e] !== CH_NL) e++;
    const value = parseDecimalRange(bytes, p, e);
    if (!(value >= 0)) {
      throw new ProcParseError('statm', 1, `field ${values.length + 1} is not a count`, decodeUtf8(bytes, 0, Math.min(length, 200)));
    }
    values.push(value);
    p = e < length && bytes[e] === CH_SPACE ? e + 1 : e;
  }
  if (values.length < 7) {
    throw new ProcParseError('statm', 1, `${values.length} fields, expected 7`, decodeUtf8(bytes, 0, Math.min(length, 200)));
  }
  return {
    sizePages: values[0]!, // (1) size
    residentPages: values[1]!, // (2) resident
    sharedPages: values[2]!, // (3) shared
    textPages: values[3]!, // (4) text
    dataPages: values[5]!, // (6) data
  };
}
