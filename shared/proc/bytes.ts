// Byte-level helpers for parsing /proc text straight from the Uint8Array that was read:
// ASCII constants, latin1 and UTF-8 decoding (ES2022 has no TextDecoder), ASCII and UTF-8 encoding.

/** '\n' */
export const CH_NL = 0x0a;
/** '\t' */
export const CH_TAB = 0x09;
/** ' ' */
export const CH_SPACE = 0x20;
/** ':' */
export const CH_COLON = 0x3a;
/** '-' */
export const CH_DASH = 0x2d;
/** '0' */
export const CH_0 = 0x30;
/** '9' */
export const CH_9 = 0x39;
/** '(' */
export const CH_LPAREN = 0x28;
/** ')' */
export const CH_RPAREN = 0x29;

/** Most arguments one String.fromCharCode call is given; well under every engine's limit. */
const DECODE_CHUNK = 8192;

/**
 * Returns the value of a lowercase hex digit byte (0-9, a-f), or -1. The kernel prints
 * addresses, offsets and devices in /proc/PID/maps with lowercase hex only.
 */
export function hexDigitValue(byte: number): number {
  if (byte >= CH_0 && byte <= CH_9) return byte - CH_0;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x61 + 10;
  return -1;
}

/** Decodes bytes[start, end) one byte per char (latin1). Exact for ASCII, which most /proc text is. */
export function decodeLatin1(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= 16) return decodeShortLatin1(bytes, start, end - start);
  if (end - start <= DECODE_CHUNK) {
    return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  }
  let out = '';
  for (let i = start; i < end; i += DECODE_CHUNK) {
    const stop = Math.min(end, i + DECODE_CHUNK);
    out += String.fromCharCode.apply(null, bytes.subarray(i, stop) as unknown as number[]);
  }
  return out;
}

/**
 * Short strings (addresses, devices, keys) with fromCharCode's arguments spelled out: about five
 * times faster in V8 than apply() over a subarray, which allocates a view per call. b[s + i] is
 * always read below s + length, so the "!" assertions hold.
 */
function decodeShortLatin1(b: Uint8Array, s: number, length: number): string {
  switch (length) {
    case 0:
      return '';
    case 1:
      return String.fromCharCode(b[s]!);
    case 2:
      return String.fromCharCode(b[s]!, b[s + 1]!);
    case 3:
      return String.fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!);
    case 4:
      return String.fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!);
    case 5:
      return String.fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!);
    case 6:
      return String.fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!);
    case 7:
      return String.fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!);
    case 8:
      return String.fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!);
    case 9:
      return String.fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!);
    case 10:
      return String.fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!);
    case 11:
      return String.fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!);
    case 12:
      return String.fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!);
    case 13:
      return String.fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!, b[s + 12]!);
    case 14:
      return String.fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!, b[s + 12]!, b[s + 13]!);
    case 15:
      return String.fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!, b[s + 12]!, b[s + 13]!, b[s + 14]!);
    case 16:
      return String.fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!, b[s + 12]!, b[s + 13]!, b[s + 14]!, b[s + 15]!);
    default:
      throw new RangeError(`decodeShortLatin1: length ${length}`);
  }
}

/**
 * Decodes bytes[start, end) as UTF-8 the way the WHATWG decoder does (TextDecoder is not in ES2022):
 * each ill-formed subsequence becomes one U+FFFD. Linux paths are bytes, not text, so a path that
 * is not valid UTF-8 comes out with U+FFFD in it; every valid UTF-8 path comes out exactly.
 */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  let i = start;
  while (i < end && bytes[i]! < 0x80) i++;
  if (i === end) return decodeLatin1(bytes, start, end);
  const codePoints: number[] = [];
  for (let k = start; k < i; k++) codePoints.push(bytes[k]!);
  while (i < end) {
    const b0 = bytes[i]!;
    if (b0 < 0x80) {
      codePoints.push(b0);
      i++;
      continue;
    }
    let need: number;
    let cp: number;
    // Bounds on the second byte exclude overlongs, surrogates and values above U+10FFFF (RFC 3629 table).
    let lower = 0x80;
    let upper = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      need = 1;
      cp = b0 & 0x1f;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      need = 2;
      cp = b0 & 0x0f;
      if (b0 === 0xe0) lower = 0xa0;
      if (b0 === 0xed) upper = 0x9f;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      need = 3;
      cp = b0 & 0x07;
      if (b0 === 0xf0) lower = 0x90;
      if (b0 === 0xf4) upper = 0x8f;
    } else {
      codePoints.push(0xfffd);
      i++;
      continue;
    }
    let j = i + 1;
    let ok = true;
    for (let k = 0; k < need; k++) {
      const b = j < end ? bytes[j]! : -1;
      if (b < lower || b > upper) {
        ok = false;
        break;
      }
      lower = 0x80;
      upper = 0xbf;
      cp = (cp << 6) | (b & 0x3f);
      j++;
    }
    // On failure the offending byte is not consumed: it starts the next sequence (WHATWG "maximal subpart").
    codePoints.push(ok ? cp : 0xfffd);
    i = j;
  }
  let out = '';
  for (let k = 0; k < codePoints.length; k += DECODE_CHUNK) {
    out += String.fromCodePoint(...codePoints.slice(k, k + DECODE_CHUNK));
  }
  return out;
}

/** Encodes an ASCII string to bytes (for tables of known keys compared byte by byte). */
export function encodeAscii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) throw new RangeError(`not ASCII: ${JSON.stringify(text)}`);
    out[i] = c;
  }
  return out;
}

/** Encodes a string as UTF-8 (TextEncoder is not in ES2022); a lone surrogate becomes U+FFFD, as TextEncoder makes it. */
export function encodeUtf8(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 3);
  let pos = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      out[pos++] = c;
      continue;
    }
    if (c < 0x800) {
      out[pos++] = 0xc0 | (c >> 6);
      out[pos++] = 0x80 | (c & 0x3f);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const low = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
        out[pos++] = 0xf0 | (cp >> 18);
        out[pos++] = 0x80 | ((cp >> 12) & 0x3f);
        out[pos++] = 0x80 | ((cp >> 6) & 0x3f);
        out[pos++] = 0x80 | (cp & 0x3f);
        i++;
        continue;
      }
      c = 0xfffd;
    }
    out[pos++] = 0xe0 | (c >> 12);
    out[pos++] = 0x80 | ((c >> 6) & 0x3f);
    out[pos++] = 0x80 | (c & 0x3f);
  }
  return out.slice(0, pos);
}

/** True when bytes[start, start + expected.length) equals expected. */
export function bytesEqualAt(bytes: Uint8Array, start: number, expected: Uint8Array): boolean {
  if (start + expected.length > bytes.length) return false;
  for (let i = 0; i < expected.length; i++) {
    if (bytes[start + i] !== expected[i]) return false;
  }
  return true;
}

/** Index of the end of the line starting at `from`: the '\n', or bytes.length when the text ends without one. */
export function findLineEnd(bytes: Uint8Array, from: number): number {
  const nl = bytes.indexOf(CH_NL, from);
  return nl < 0 ? bytes.length : nl;
}

/**
 * Parses bytes[start, end) as a decimal integer with an optional leading '-'; NaN when the range
 * is empty or holds anything else. Exact up to 2^53, which every counter a parser keeps stays under.
 */
export function parseDecimalRange(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (i < end && bytes[i] === CH_DASH) {
    negative = true;
    i++;
  }
  if (i >= end) return NaN;
  let value = 0;
  for (; i < end; i++) {
    const d = bytes[i]! - CH_0;
    if (d < 0 || d > 9) return NaN;
    value = value * 10 + d;
  }
  return negative ? -value : value;
}

/** bytes as big-endian 32-bit words, the last one zero-padded: compared 4 bytes at a time with DataView.getUint32. */
export function packBigEndianWords(bytes: Uint8Array): Uint32Array {
  const words = new Uint32Array(Math.ceil(bytes.length / 4));
  for (let i = 0; i < bytes.length; i++) words[i >> 2]! |= bytes[i]! << (24 - 8 * (i & 3));
  return words;
}

/** True when `expected` stands at `at` in view; `words` is packBigEndianWords(expected). */
export function bytesEqualWordsAt(view: DataView, at: number, expected: Uint8Array, words: Uint32Array): boolean {
  if (at + expected.length > view.byteLength) return false;
  const full = expected.length >> 2;
  for (let i = 0; i < full; i++) {
    if (view.getUint32(at + 4 * i) !== words[i]) return false;
  }
  for (let i = full * 4; i < expected.length; i++) {
    if (view.getUint8(at + i) !== expected[i]) return false;
  }
  return true;
}
