// Parses /proc/PID/status: one "Key:\tvalue" per line, memory sizes as "    1234 kB".
// Source of truth: Documentation/filesystems/proc.rst (table 1-2) and fs/proc/array.c,
// fs/proc/task_mmu.c task_mem() (Linux 6.x).

import {
  CH_COLON,
  CH_SPACE,
  CH_TAB,
  bytesEqualAt,
  decodeLatin1,
  decodeUtf8,
  encodeAscii,
  findLineEnd,
  parseDecimalRange,
} from './bytes.js';
import { ProcParseError, checkComplete } from './parse-error.js';

/** Every line of /proc/PID/status as key → value, value trimmed ("VmRSS" → "1732 kB", "Uid" → "0\t0\t0\t0"). */
export type StatusFields = Record<string, string>;

/**
 * The memory lines of /proc/PID/status that the process table needs. Kernel threads print no
 * VmSize, VmRSS, Rss… or VmSwap lines; those read as 0.
 */
export interface StatusMemory {
  /** Real uid: the first of the four numbers on "Uid:". */
  uid: number;
  /** Effective uid: the second number on "Uid:" (top's USER column). */
  euid: number;
  /** VmSize: virtual size (total_vm), kB. */
  vmSizeKb: number;
  /** VmRSS: resident set (= RssAnon + RssFile + RssShmem), kB. */
  vmRssKb: number;
  /** RssAnon, kB. */
  rssAnonKb: number;
  /** RssFile, kB. */
  rssFileKb: number;
  /** RssShmem, kB. */
  rssShmemKb: number;
  /** VmSwap: swapped-out anonymous and shmem, kB. */
  vmSwapKb: number;
  /** Threads */
  threads: number;
}

/** Parses every "Key:\tvalue" line of /proc/PID/status; for on-demand views (each value is decoded). */
export function parseStatus(bytes: Uint8Array): StatusFields {
  checkComplete(bytes, 'status');
  const fields: StatusFields = {};
  let p = 0;
  let line = 0;
  const length = bytes.length;
  while (p < length) {
    line++;
    const lineEnd = findLineEnd(bytes, p);
    if (lineEnd > p) {
      const colon = bytes.indexOf(CH_COLON, p);
      if (colon < 0 || colon >= lineEnd || colon === p) {
        throw new ProcParseError('status', line, 'no "Key:"', decodeUtf8(bytes, p, lineEnd));
      }
      const key = decodeLatin1(bytes, p, colon);
      let vs = colon + 1;
      let ve = lineEnd;
      while (vs < ve && isBlank(bytes[vs]!)) vs++;
      while (ve > vs && isBlank(bytes[ve - 1]!)) ve--;
      fields[key] = decodeUtf8(bytes, vs, ve);
    }
    p = lineEnd + 1;
  }
  return fields;
}

// Keys read by parseStatusMemory, as bytes including the colon so "VmRSS:" never matches "VmRSSx:".
const KEY_UID = encodeAscii('Uid:');
const KEY_VM_SIZE = encodeAscii('VmSize:');
const KEY_VM_RSS = encodeAscii('VmRSS:');
const KEY_RSS_ANON = encodeAscii('RssAnon:');
const KEY_RSS_FILE = encodeAscii('RssFile:');
const KEY_RSS_SHMEM = encodeAscii('RssShmem:');
const KEY_VM_SWAP = encodeAscii('VmSwap:');
const KEY_THREADS = encodeAscii('Threads:');

/**
 * Reads only the memory lines of /proc/PID/status, comparing keys as bytes and decoding no
 * strings: this runs for every process on every tick. Missing keys are 0 (kernel threads).
 */
export function parseStatusMemory(bytes: Uint8Array): StatusMemory {
  checkComplete(bytes, 'status');
  const out: StatusMemory = { uid: 0, euid: 0, vmSizeKb: 0, vmRssKb: 0, rssAnonKb: 0, rssFileKb: 0, rssShmemKb: 0, vmSwapKb: 0, threads: 0 };
  let p = 0;
  let line = 0;
  const length = bytes.length;
  while (p < length) {
    line++;
    const lineEnd = findLineEnd(bytes, p);
    const first = bytes[p];
    // Dispatch on the first letter first: most of status's ~57 lines are rejected with one compare.
    if (first === 0x55 /* U */) {
      if (bytesEqualAt(bytes, p, KEY_UID)) {
        out.uid = readFirstNumber(bytes, p + KEY_UID.length, lineEnd, line);
        out.euid = readFirstNumber(bytes, skipNumber(bytes, p + KEY_UID.length, lineEnd), lineEnd, line);
      }
    } else if (first === 0x56 /* V */) {
      if (bytesEqualAt(bytes, p, KEY_VM_SIZE)) out.vmSizeKb = readFirstNumber(bytes, p + KEY_VM_SIZE.length, lineEnd, line);
      else if (bytesEqualAt(bytes, p, KEY_VM_RSS)) out.vmRssKb = readFirstNumber(bytes, p + KEY_VM_RSS.length, lineEnd, line);
      else if (bytesEqualAt(bytes, p, KEY_VM_SWAP)) out.vmSwapKb = readFirstNumber(bytes, p + KEY_VM_SWAP.length, lineEnd, line);
    } else if (first === 0x52 /* R */) {
      if (bytesEqualAt(bytes, p, KEY_RSS_ANON)) out.rssAnonKb = readFirstNumber(bytes, p + KEY_RSS_ANON.length, lineEnd, line);
      else if (bytesEqualAt(bytes, p, KEY_RSS_FILE)) out.rssFileKb = readFirstNumber(bytes, p + KEY_RSS_FILE.length, lineEnd, line);
      else if (bytesEqualAt(bytes, p, KEY_RSS_SHMEM)) out.rssShmemKb = readFirstNumber(bytes, p + KEY_RSS_SHMEM.length, lineEnd, line);
    } else if (first === 0x54 /* T */) {
      if (bytesEqualAt(bytes, p, KEY_THREADS)) out.threads = readFirstNumber(bytes, p + KEY_THREADS.length, lineEnd, line);
    }
    p = lineEnd + 1;
  }
  return out;
}

/** The first decimal number after the key: "\t    1234 kB" → 1234, "\t0\t0\t0\t0" → 0. */
function readFirstNumber(bytes: Uint8Array, from: number, lineEnd: number, line: number): number {
  let s = from;
  while (s < lineEnd && isBlank(bytes[s]!)) s++;
  let e = s;
  while (e < lineEnd && !isBlank(bytes[e]!)) e++;
  const value = parseDecimalRange(bytes, s, e);
  if (!(value >= 0)) throw new ProcParseError('status', line, 'expected a number after the key', decodeUtf8(bytes, from, lineEnd));
  return value;
}

/** The position just past the first number after `from` (blanks, then digits). */
function skipNumber(bytes: Uint8Array, from: number, lineEnd: number): number {
  let s = from;
  while (s < lineEnd && isBlank(bytes[s]!)) s++;
  while (s < lineEnd && !isBlank(bytes[s]!)) s++;
  return s;
}

function isBlank(byte: number): boolean {
  return byte === CH_SPACE || byte === CH_TAB;
}
