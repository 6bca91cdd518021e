// Parses /proc/PID/maps, and the mapping header line that /proc/PID/smaps repeats.
// Source of truth: fs/proc/task_mmu.c show_vma_header_prefix() + show_map_vma() (Linux 6.x) and
// Documentation/filesystems/proc.rst "/proc/PID/maps".

import { CH_COLON, CH_DASH, CH_SPACE, decodeLatin1, decodeUtf8, findLineEnd, hexDigitValue } from './bytes.js';
import { classifyMappings } from './classify.js';
import { ProcParseError, checkEndsWithNewline } from './parse-error.js';
import type { Mapping } from './types.js';

/**
 * Column where the path starts when the header is shorter: the kernel pads the header to
 * 25 + sizeof(void *) * 6 - 1 = 72 columns (seq_setwidth) and then seq_pad() adds one ' '.
 * A header already 72 columns or wider is followed by exactly one more ' ' instead.
 */
const MAPS_NAME_COLUMN = 73;

// The 16 possible perms strings, indexed by r/w/x/s bits: no string is allocated per mapping.
const PERMS_BY_BITS: readonly string[] = Array.from(
  { length: 16 },
  (_, bits) => `${bits & 8 ? 'r' : '-'}${bits & 4 ? 'w' : '-'}${bits & 2 ? 'x' : '-'}${bits & 1 ? 's' : 'p'}`,
);
/** The offset of every anonymous mapping, "%08llx" of 0. */
const ZERO_OFFSET = '00000000';
/** The device of every anonymous mapping. */
const NO_DEVICE = '00:00';

/**
 * Parses one mapping header line, bytes[lineStart, lineEnd) without the '\n':
 * "start-end perms offset major:minor inode   path". The path is everything after the padding
 * that follows the inode, exactly as printed: spaces, parentheses, " (deleted)" and the kernel's
 * "\012" escape for a newline are kept; bytes are decoded as UTF-8. `kind` is left as 'anon':
 * classifyMappings() sets it once the whole list is known.
 * @param file "maps", "smaps" or "smaps_rollup", for the error message
 * @param line 1-based line number, for the error message
 */
export function parseMappingHeader(bytes: Uint8Array, lineStart: number, lineEnd: number, line: number, file: string): Mapping {
  let p = lineStart;

  const startBegin = p;
  while (p < lineEnd && hexDigitValue(bytes[p]!) >= 0) p++;
  if (p === startBegin || bytes[p] !== CH_DASH || p >= lineEnd) failHeader(bytes, lineStart, lineEnd, line, file, 'expected "start-end" hex addresses');
  const start = decodeLatin1(bytes, startBegin, p);

  const endBegin = ++p;
  while (p < lineEnd && hexDigitValue(bytes[p]!) >= 0) p++;
  if (p === endBegin || bytes[p] !== CH_SPACE || p >= lineEnd) failHeader(bytes, lineStart, lineEnd, line, file, 'expected end address then " "');
  const end = decodeLatin1(bytes, endBegin, p);

  const permsBegin = ++p;
  if (permsBegin + 4 >= lineEnd || bytes[permsBegin + 4] !== CH_SPACE) failHeader(bytes, lineStart, lineEnd, line, file, 'expected 4 permission letters then " "');
  const perms = permsAt(bytes, permsBegin) ?? failHeader(bytes, lineStart, lineEnd, line, file, 'permissions are not [r-][w-][x-][ps]');
  p = permsBegin + 5;

  const offsetBegin = p;
  while (p < lineEnd && hexDigitValue(bytes[p]!) >= 0) p++;
  if (p === offsetBegin || bytes[p] !== CH_SPACE || p >= lineEnd) failHeader(bytes, lineStart, lineEnd, line, file, 'expected hex offset then " "');
  const offset = p - offsetBegin === 8 && isAllZeroDigits(bytes, offsetBegin, p) ? ZERO_OFFSET : decodeLatin1(bytes, offsetBegin, p);

  const devBegin = ++p;
  while (p < lineEnd && hexDigitValue(bytes[p]!) >= 0) p++;
  if (p === devBegin || bytes[p] !== CH_COLON) failHeader(bytes, lineStart, lineEnd, line, file, 'expected "major:minor" device');
  p++;
  const minorBegin = p;
  while (p < lineEnd && hexDigitValue(bytes[p]!) >= 0) p++;
  if (p === minorBegin || bytes[p] !== CH_SPACE || p >= lineEnd) failHeader(bytes, lineStart, lineEnd, line, file, 'expected "major:minor" device then " "');
  const dev = p - devBegin === 5 && isAllZeroDigits(bytes, devBegin, devBegin + 2) && isAllZeroDigits(bytes, minorBegin, p) ? NO_DEVICE : decodeLatin1(bytes, devBegin, p);

  const inodeBegin = ++p;
  let inode = 0;
  while (p < lineEnd) {
    const d = bytes[p]! - 0x30;
    if (d < 0 || d > 9) break;
    inode = inode * 10 + d;
    p++;
  }
  if (p === inodeBegin || (p < lineEnd && bytes[p] !== CH_SPACE)) failHeader(bytes, lineStart, lineEnd, line, file, 'expected decimal inode');

  // The kernel prints "inode " and, only when there is a name, pads to MAPS_NAME_COLUMN.
  // Stopping at the first non-space also reads 32-bit kernels' narrower padding correctly.
  let pathBegin = p + 1;
  const padLimit = Math.max(lineStart + MAPS_NAME_COLUMN, p + 2);
  while (pathBegin < padLimit && pathBegin < lineEnd && bytes[pathBegin] === CH_SPACE) pathBegin++;
  const path = pathBegin < lineEnd ? decodeUtf8(bytes, pathBegin, lineEnd) : '';

  return { start, end, perms, offset, dev, inode, path, kind: 'anon' };
}

/**
 * Parses /proc/PID/maps into one Mapping per line, in address order, and classifies them.
 * An empty input (kernel thread) gives []. Throws ProcParseError naming the line on bad input.
 * @param exePath readlink(/proc/PID/exe), needed to tell the executable's text/data/bss; null when unknown
 */
export function parseMaps(input: Uint8Array, exePath: string | null = null): Mapping[] {
  // A plain Uint8Array view: a Node Buffer's own indexOf is much slower per call.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  checkEndsWithNewline(bytes, 'maps');
  const mappings: Mapping[] = [];
  let p = 0;
  let line = 0;
  const length = bytes.length;
  while (p < length) {
    line++;
    const lineEnd = findLineEnd(bytes, p);
    mappings.push(parseMappingHeader(bytes, p, lineEnd, line, 'maps'));
    p = lineEnd + 1;
  }
  return classifyMappings(mappings, exePath);
}

function failHeader(bytes: Uint8Array, lineStart: number, lineEnd: number, line: number, file: string, reason: string): never {
  throw new ProcParseError(file, line, reason, decodeUtf8(bytes, lineStart, lineEnd));
}

/** Returns the perms string at bytes[at, at+4) from PERMS_BY_BITS, or null when a letter is not the kernel's. */
function permsAt(bytes: Uint8Array, at: number): string | null {
  const r = bytes[at]!;
  const w = bytes[at + 1]!;
  const x = bytes[at + 2]!;
  const s = bytes[at + 3]!;
  const valid =
    (r === 0x72 || r === CH_DASH) && (w === 0x77 || w === CH_DASH) && (x === 0x78 || x === CH_DASH) && (s === 0x70 || s === 0x73);
  if (!valid) return null;
  return PERMS_BY_BITS[(r === 0x72 ? 8 : 0) | (w === 0x77 ? 4 : 0) | (x === 0x78 ? 2 : 0) | (s === 0x73 ? 1 : 0)]!;
}

function isAllZeroDigits(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] !== 0x30) return false;
  return true;
}
