// /proc/meminfo: "Key:   N kB" lines (fs/proc/meminfo.c). top's %MEM divides by MemTotal.

import { CH_0, CH_COLON, CH_DASH, CH_NL, CH_SPACE, decodeLatin1 } from './bytes.js';

/** '+' */
const CH_PLUS = 0x2b;

/** Every numeric /proc/meminfo field in its own unit (kB for most, pages for HugePages_*). */
export type Meminfo = Record<string, number>;

/** Parses /proc/meminfo text; unknown future fields pass through. */
export function parseMeminfo(text: string): Meminfo {
  const out: Meminfo = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const value = Number.parseInt(line.slice(colon + 1).trim(), 10);
    if (Number.isFinite(value)) out[line.slice(0, colon)] = value;
  }
  return out;
}

/**
 * parseMeminfo over the bytes as read (latin1, as readProcText reads the text), with no line strings: the
 * service records the host's memory every tick, and splitting the text cost more than reading it.
 */
export function parseMeminfoBytes(bytes: Uint8Array): Meminfo {
  const out: Meminfo = {};
  const length = bytes.length;
  for (let start = 0; start < length; ) {
    let end = bytes.indexOf(CH_NL, start);
    if (end < 0) end = length;
    const colon = bytes.indexOf(CH_COLON, start);
    if (colon > start && colon < end) {
      const value = parseLeadingInt(bytes, colon + 1, end);
      if (Number.isFinite(value)) out[decodeLatin1(bytes, start, colon)] = value;
    }
    start = end + 1;
  }
  return out;
}

/** Number.parseInt(text.trim(), 10) of bytes[start, end): blanks, an optional sign, then decimal digits up to the first other byte. */
function parseLeadingInt(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end && isBlank(bytes[i]!)) i++;
  let sign = 1;
  if (i < end && (bytes[i] === CH_DASH || bytes[i] === CH_PLUS)) {
    if (bytes[i] === CH_DASH) sign = -1;
    i++;
  }
  const digitsStart = i;
  let value = 0;
  for (; i < end; i++) {
    const d = bytes[i]! - CH_0;
    if (d < 0 || d > 9) break;
    value = value * 10 + d;
  }
  return i === digitsStart ? NaN : sign * value;
}

/** The whitespace String.prototype.trim removes that a latin1 byte can be: \t \n \v \f \r, space, NBSP. */
function isBlank(byte: number): boolean {
  return (byte >= 0x09 && byte <= 0x0d) || byte === CH_SPACE || byte === 0xa0;
}
