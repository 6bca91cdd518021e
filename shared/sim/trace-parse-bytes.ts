// Reads trace text straight from its bytes, chunk by chunk (a file never has to fit in one string): op
// lines are read in one pass into the builder's typed arrays with no per-line string, regex or object;
// header lines and anything unusual go to the reference line reader (trace-parse-line.ts), which also
// words every error. JSON traces (first non-blank byte '[') are collected and handed to trace-json.ts.

import { decodeUtf8, encodeAscii } from '../proc/bytes.js';
import { TraceBuilder } from './trace-builder.js';
import { parseJsonTrace } from './trace-json.js';
import { TRACE_V2_MAGIC, isTraceHeader, parseTraceHeader, parseTraceLine } from './trace-parse-line.js';
import { OP_ALLOC, OP_CALLOC, OP_FREE, OP_MEMALIGN, OP_REALLOC, OP_THREAD_EXIT, OP_TRIM, type Trace, TraceParseError } from './trace-types.js';

const CH_NL = 0x0a;
const CH_HASH = 0x23;
const CH_EQ = 0x3d;
const CH_LBRACKET = 0x5b;
const CH_AT = 0x40;
const CH_A = 0x61;
const CH_C = 0x63;
const CH_F = 0x66;
const CH_M = 0x6d;
const CH_R = 0x72;
const CH_T = 0x74;
const CH_X = 0x78;
/** "# memscope-trace" as bytes. */
const MAGIC_BYTES = encodeAscii(TRACE_V2_MAGIC);
/** readUint/readAddress result for a token they cannot read (the line reader then names the problem). */
const BAD = -1;

/** Space, \t, \v, \f, \r (and \n, which never occurs inside a line): the blanks that separate fields. */
function isBlank(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** Reads a trace fed as byte chunks; `finish` returns it. */
export class TraceTextReader {
  private readonly b = new TraceBuilder();
  /** 1-based number of the line read last. */
  private line = 0;
  /** Read cursor inside the current line. */
  private p = 0;
  /** 'text' or 'json' once the first non-blank byte is seen. */
  private mode: 'undecided' | 'text' | 'json';
  /** Chunks held until the mode is known, and every chunk of a JSON trace. */
  private held: Uint8Array[] = [];
  /** The start of a line that continues in the next chunk. */
  private carry = new Uint8Array(256);
  private carryLength = 0;

  /** @param forms 'any': JSON when the first non-blank byte is '[', else text; 'text': text only. */
  constructor(forms: 'any' | 'text' = 'any') {
    this.mode = forms === 'text' ? 'text' : 'undecided';
  }

  /** Reads the next bytes of the trace. @throws TraceParseError naming the line. */
  feed(chunk: Uint8Array): void {
    if (this.mode === 'text') return this.feedText(chunk);
    if (this.mode === 'json') {
      this.held.push(new Uint8Array(chunk)); // a copy (Buffer#slice would be a view)
      return;
    }
    let k = 0;
    while (k < chunk.length && isBlank(chunk[k]!)) k++;
    if (k === chunk.length) {
      this.held.push(new Uint8Array(chunk)); // a copy (Buffer#slice would be a view)
      return;
    }
    this.mode = chunk[k] === CH_LBRACKET ? 'json' : 'text';
    if (this.mode === 'json') {
      this.held.push(new Uint8Array(chunk)); // a copy (Buffer#slice would be a view)
      return;
    }
    for (const h of this.held) this.feedText(h);
    this.held = [];
    this.feedText(chunk);
  }

  /** The trace read. @throws TraceParseError naming the line. */
  finish(): Trace {
    if (this.mode === 'json') {
      const all = new Uint8Array(this.held.reduce((n, h) => n + h.length, 0));
      let at = 0;
      for (const h of this.held) {
        all.set(h, at);
        at += h.length;
      }
      return parseJsonTrace(decodeUtf8(all, 0, all.length));
    }
    for (const h of this.held) this.feedText(h);
    this.held = [];
    this.readLine(this.carry, 0, this.carryLength);
    this.carryLength = 0;
    return this.b.finish();
  }

  private feedText(chunk: Uint8Array): void {
    let pos = 0;
    if (this.carryLength > 0) {
      const nl = chunk.indexOf(CH_NL);
      if (nl < 0) return this.keep(chunk, 0, chunk.length);
      this.keep(chunk, 0, nl);
      this.readLine(this.carry, 0, this.carryLength);
      this.carryLength = 0;
      pos = nl + 1;
    }
    for (;;) {
      const nl = chunk.indexOf(CH_NL, pos);
      if (nl < 0) break;
      this.readLine(chunk, pos, nl);
      pos = nl + 1;
    }
    this.keep(chunk, pos, chunk.length);
  }

  /** Appends chunk[start, end) to the carried partial line. */
  private keep(chunk: Uint8Array, start: number, end: number): void {
    const need = this.carryLength + end - start;
    if (need > this.carry.length) {
      const grown = new Uint8Array(Math.max(need, this.carry.length * 2));
      grown.set(this.carry.subarray(0, this.carryLength));
      this.carry = grown;
    }
    this.carry.set(chunk.subarray(start, end), this.carryLength);
    this.carryLength = need;
  }

  /** Reads line bytes[s, e) (no '\n'). */
  private readLine(bytes: Uint8Array, s: number, e: number): void {
    this.line++;
    while (s < e && isBlank(bytes[s]!)) s++;
    while (e > s && isBlank(bytes[e - 1]!)) e--;
    if (s === e) return;
    const c = bytes[s]!;
    if (c === CH_HASH) return this.readComment(bytes, s, e);
    // A first token of one letter; anything longer (a header integer, a typo) goes to the line reader.
    if (s + 1 < e && !isBlank(bytes[s + 1]!)) return this.readSlowly(bytes, s, e);
    this.p = s + 1;
    const b = this.b;
    const v2 = b.version === 2;
    let ok = false;
    if (c === CH_A || c === CH_R) {
      const id = this.readUint(bytes, e);
      const size = this.readUint(bytes, e);
      const returned = this.readAddress(bytes, e);
      if ((ok = id !== BAD && size !== BAD && returned !== BAD && this.atEnd(bytes, e))) b.push(c === CH_A ? OP_ALLOC : OP_REALLOC, id, size, 0, returned, this.line);
    } else if (c === CH_F) {
      const id = this.readUint(bytes, e);
      if ((ok = id !== BAD && this.atEnd(bytes, e))) b.push(OP_FREE, id, 0, 0, 0, this.line);
    } else if (v2 && (c === CH_C || c === CH_M)) {
      const id = this.readUint(bytes, e);
      const aux = this.readUint(bytes, e);
      const size = this.readUint(bytes, e);
      const returned = this.readAddress(bytes, e);
      if ((ok = id !== BAD && aux !== BAD && size !== BAD && returned !== BAD && this.atEnd(bytes, e))) {
        b.push(c === CH_C ? OP_CALLOC : OP_MEMALIGN, id, size, aux, returned, this.line);
      }
    } else if (v2 && (c === CH_AT || c === CH_T || c === CH_X)) {
      const v = this.readUint(bytes, e);
      if ((ok = v !== BAD && this.atEnd(bytes, e))) {
        if (c === CH_AT) b.useThread(v, this.line);
        else if (c === CH_T) b.pushIdless(OP_TRIM, b.tid, v, this.line);
        else b.pushIdless(OP_THREAD_EXIT, v, 0, this.line);
      }
    }
    if (!ok) this.readSlowly(bytes, s, e);
  }

  /** A '#' line: the version-2 header on line 1, else a comment (a header anywhere else is refused). */
  private readComment(bytes: Uint8Array, s: number, e: number): void {
    if (!startsWithMagic(bytes, s, e)) return;
    const body = decodeUtf8(bytes, s, e);
    if (!isTraceHeader(body)) return;
    if (this.line !== 1) throw new TraceParseError(this.line, `a '${TRACE_V2_MAGIC}' header must be the first line`);
    parseTraceHeader(this.b, body);
  }

  /** Hands the trimmed line to the reference reader (which reads it or throws naming the problem). */
  private readSlowly(bytes: Uint8Array, s: number, e: number): void {
    parseTraceLine(this.b, decodeUtf8(bytes, s, e), this.line);
  }

  /** Skips blanks, reads a decimal token ending in a blank or the line's end; BAD when it is not one (or ≥ 2^53). */
  private readUint(bytes: Uint8Array, e: number): number {
    let p = this.p;
    while (p < e && isBlank(bytes[p]!)) p++;
    const start = p;
    let v = 0;
    for (; p < e; p++) {
      const d = bytes[p]! - 0x30;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (p === start || (p < e && !isBlank(bytes[p]!)) || v > Number.MAX_SAFE_INTEGER) return BAD;
    this.p = p;
    return v;
  }

  /** With `addresses`: skips blanks and reads `=HEX`; BAD when it is not one. Without: 0, nothing read. */
  private readAddress(bytes: Uint8Array, e: number): number {
    if (this.b.returned === null) return 0;
    let p = this.p;
    while (p < e && isBlank(bytes[p]!)) p++;
    if (p === e || bytes[p] !== CH_EQ) return BAD;
    const start = ++p;
    let v = 0;
    for (; p < e; p++) {
      const c = bytes[p]!;
      const d = c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10;
      if (d < 0 || d > 15 || (c > 0x39 && (c | 0x20) < 0x61)) break;
      v = v * 16 + d;
    }
    if (p === start || (p < e && !isBlank(bytes[p]!)) || v > Number.MAX_SAFE_INTEGER) return BAD;
    this.p = p;
    return v;
  }

  /** True when only blanks are left on the line. */
  private atEnd(bytes: Uint8Array, e: number): boolean {
    let p = this.p;
    while (p < e && isBlank(bytes[p]!)) p++;
    return p === e;
  }
}

/** True when bytes[s, e) starts with "# memscope-trace". */
function startsWithMagic(bytes: Uint8Array, s: number, e: number): boolean {
  if (e - s < MAGIC_BYTES.length) return false;
  for (let k = 0; k < MAGIC_BYTES.length; k++) if (bytes[s + k] !== MAGIC_BYTES[k]) return false;
  return true;
}

/**
 * Parses trace bytes: `.rep` text (malloclab, or `# memscope-trace 2`) or, when the first non-blank byte
 * is '[', the JSON form. @throws TraceParseError naming the line and what is wrong.
 */
export function parseTraceBytes(bytes: Uint8Array): Trace {
  const reader = new TraceTextReader();
  reader.feed(bytes);
  return reader.finish();
}
