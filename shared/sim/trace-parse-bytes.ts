// Reads trace text from its bytes, chunk by chunk, op lines in one pass into typed arrays (no per-line string,
// regex or object); headers and anything unusual go to the line reader (trace-parse-line.ts), which words every
// error; JSON traces (first non-blank byte '[') go to trace-json.ts. Format: shared/sim/TRACE-FORMAT.md.

import { CH_NL, CH_SPACE, decodeUtf8, encodeAscii } from '../proc/bytes.js';
import { TraceBuilder } from './trace-builder.js';
import { parseJsonTrace } from './trace-json.js';
import { TRACE_V2_MAGIC, isTraceHeader, parseTraceHeader, parseTraceLine } from './trace-parse-line.js';
import { OP_ALLOC, OP_CALLOC, OP_FREE, OP_MEMALIGN, OP_REALLOC, OP_THREAD_EXIT, OP_TRIM, type Trace, TraceParseError } from './trace-types.js';

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
/** readPlainOps reads numbers of at most this many digits (below 2^53); longer ones go to readOpLine. */
const MAX_PLAIN_DIGITS = 15;
/** "# memscope-trace" as bytes. */
const MAGIC_BYTES = encodeAscii(TRACE_V2_MAGIC);
/** PLAIN_OP_KINDS entry of a byte that starts no line readPlainOps takes. */
const NOT_PLAIN = -1;
/**
 * The op kind of a plain line by its first byte (a, f, r), NOT_PLAIN for any other byte: one load instead of a
 * chain of compares, whose compare first reached by a trace's first `r` line (after TurboFan compiled the loop)
 * threw the compiled loop away.
 */
const PLAIN_OP_KINDS = new Int8Array(256).fill(NOT_PLAIN);
PLAIN_OP_KINDS[CH_A] = OP_ALLOC;
PLAIN_OP_KINDS[CH_F] = OP_FREE;
PLAIN_OP_KINDS[CH_R] = OP_REALLOC;
/** readUint/readAddress result for a token they cannot read (the line reader then names the problem). */
const BAD = -1;

/** Space, \t, \n, \v, \f, \r: a field ends at any of them. */
function isBlank(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/**
 * The longest line a text trace may have: its lines are a few dozen bytes, so a longer one is not a trace (a binary
 * file, /dev/zero), refused before it is held whole.
 */
export const MAX_TRACE_LINE_BYTES = 64 * 1024;
/** The error of a line past MAX_TRACE_LINE_BYTES, wherever the chunks cut it. */
function longLineError(line: number): TraceParseError {
  return new TraceParseError(line, `longer than ${MAX_TRACE_LINE_BYTES / 1024} KiB: not a trace line`);
}

/** The most a JSON trace (read whole, then parsed as one document) or the blank text before a trace's first byte may hold. */
export const MAX_TRACE_DOCUMENT_BYTES = 256 * 1024 * 1024;

/** The blanks between fields of one line: isBlank without '\n'. */
function isFieldBlank(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d && c !== CH_NL);
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
  /** Bytes of the text before the current chunk. */
  private chunkStart = 0;
  /** Bytes in `held`. */
  private heldBytes = 0;

  /**
   * @param forms 'any': JSON when the first non-blank byte is '[', else text; 'text': text only.
   * @param sizeBytes the whole text's size when known (a file's): the op arrays are sized from it once the
   * first ops show the bytes per op, instead of doubling all the way.
   * @param takesChunks true when a malloclab text's ops will be taken as they are read (takeOps): sizeBytes then
   * serves only a trace that turns out to be read whole (JSON, memscope-trace 2).
   */
  constructor(forms: 'any' | 'text' = 'any', sizeBytes = 0, takesChunks = false) {
    this.mode = forms === 'text' ? 'text' : 'undecided';
    this.b.sizeHintBytes = sizeBytes;
    this.b.takesChunks = takesChunks;
  }

  /** Reads the next bytes of the trace. @throws TraceParseError naming the line. */
  feed(chunk: Uint8Array): void {
    if (this.mode === 'text') return this.feedText(chunk);
    if (this.mode === 'json') return this.hold(chunk);
    let k = 0;
    while (k < chunk.length && isBlank(chunk[k]!)) k++;
    if (k === chunk.length) return this.hold(chunk);
    this.mode = chunk[k] === CH_LBRACKET ? 'json' : 'text';
    if (this.mode === 'json') return this.hold(chunk);
    for (const h of this.held) this.feedText(h);
    this.held = [];
    this.heldBytes = 0;
    this.feedText(chunk);
  }

  /** Keeps a copy of chunk (Buffer#slice would be a view) for finish, within MAX_TRACE_DOCUMENT_BYTES. */
  private hold(chunk: Uint8Array): void {
    this.heldBytes += chunk.length;
    if (this.heldBytes > MAX_TRACE_DOCUMENT_BYTES) {
      throw new TraceParseError(0, `${this.mode === 'json' ? 'a JSON trace' : 'blank text'} of more than ${MAX_TRACE_DOCUMENT_BYTES / 1024 / 1024} MiB (a JSON trace is read whole: use the text form for larger traces)`);
    }
    this.held.push(new Uint8Array(chunk));
  }

  /**
   * Whether the ops may be taken as they are read (takeOps): true for text in the malloclab form (version 1),
   * once its first line is read; false for JSON and memscope-trace 2 (read whole); null while it cannot tell yet.
   */
  get streamable(): boolean | null {
    if (this.mode === 'json') return false;
    if (this.mode === 'undecided' || this.line === 0) return null;
    return this.b.version === 1;
  }

  /**
   * Streaming: the ops read since the last call, as a trace of their own (TraceBuilder.takeOps: op i of it is op
   * opBase + i of the whole); a line cut by a chunk's end comes with a later call. Read it before feeding again.
   */
  takeOps(): Trace {
    return this.b.takeOps();
  }

  /** Ops taken by takeOps so far: the index in the whole trace of the next op it hands out. */
  get opBase(): number {
    return this.b.opBase;
  }

  /** The trace read (streaming: the ops not taken yet; takeOps hands them over too). @throws TraceParseError naming the line. */
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
    const n = chunk.length;
    while (pos < n) {
      pos = this.readPlainOps(chunk, pos, n);
      if (pos >= n) break;
      const next = this.readOpLine(chunk, pos, n);
      if (next >= 0) {
        pos = next;
        this.b.bytesDone = this.chunkStart + pos;
        continue;
      }
      const nl = chunk.indexOf(CH_NL, pos);
      if (nl < 0) break;
      this.readLine(chunk, pos, nl);
      pos = nl + 1;
    }
    this.chunkStart += n;
    this.keep(chunk, pos, n);
  }

  /** Appends chunk[start, end) to the carried partial line. */
  private keep(chunk: Uint8Array, start: number, end: number): void {
    const need = this.carryLength + end - start;
    if (need > MAX_TRACE_LINE_BYTES) throw longLineError(this.line + 1);
    if (need > this.carry.length) {
      const grown = new Uint8Array(Math.max(need, this.carry.length * 2));
      grown.set(this.carry.subarray(0, this.carryLength));
      this.carry = grown;
    }
    this.carry.set(chunk.subarray(start, end), this.carryLength);
    this.carryLength = need;
  }

  /** Reads line bytes[s, e) (no '\n'): blank, comment, header, or any line readOpLine left (the line reader takes it). */
  private readLine(bytes: Uint8Array, s: number, e: number): void {
    this.line++;
    if (e - s > MAX_TRACE_LINE_BYTES) throw longLineError(this.line);
    while (s < e && isBlank(bytes[s]!)) s++;
    while (e > s && isBlank(bytes[e - 1]!)) e--;
    if (s === e) return;
    if (bytes[s] === CH_HASH) return this.readComment(bytes, s, e);
    parseTraceLine(this.b, decodeUtf8(bytes, s, e), this.line);
  }

  /**
   * The commonest lines, in one tight loop with the cursor in a local: `a|r ID SIZE\n` and `f ID\n`, one space
   * between fields, at most 15 digits per number (so below 2^53), no addresses recorded. Returns the index of the
   * first line it does not take (readOpLine or readLine reads it, with the same result for these lines).
   */
  private readPlainOps(bytes: Uint8Array, pos: number, end: number): number {
    const b = this.b;
    if (b.returned !== null) return pos;
    const base = this.chunkStart;
    let line = this.line;
    while (pos + 1 < end) {
      const c = bytes[pos]!;
      let p = pos + 1;
      if (bytes[p] !== CH_SPACE) break;
      p++;
      const idStart = p;
      let id = 0;
      let d = 0;
      while (p < end && (d = bytes[p]! - 0x30) >= 0 && d <= 9) {
        id = id * 10 + d;
        p++;
      }
      if (p === idStart || p - idStart > MAX_PLAIN_DIGITS || p >= end) break;
      const kind = PLAIN_OP_KINDS[c]!;
      let size = 0;
      if (kind !== OP_FREE) {
        if (kind === NOT_PLAIN) break;
        if (bytes[p] !== CH_SPACE) break;
        const sizeStart = ++p;
        while (p < end && (d = bytes[p]! - 0x30) >= 0 && d <= 9) {
          size = size * 10 + d;
          p++;
        }
        if (p === sizeStart || p - sizeStart > MAX_PLAIN_DIGITS || p >= end) break;
      }
      if (bytes[p] !== CH_NL) break;
      line++;
      this.line = line;
      b.pushPlain(kind, id, size, line);
      pos = p + 1;
      b.bytesDone = base + pos;
    }
    return pos;
  }

  /**
   * The common case in one pass: an op line starting at s and ending in '\n' before `end`, read straight into
   * the builder. Returns the index after its '\n', or −1 (nothing read) for anything else: a blank line, a
   * comment, a line cut by the chunk's end, or one with a problem, which readLine then reads or words.
   */
  private readOpLine(bytes: Uint8Array, s: number, end: number): number {
    let p = s;
    while (p < end && isFieldBlank(bytes[p]!)) p++;
    if (p + 1 >= end || !isFieldBlank(bytes[p + 1]!)) return -1;
    const c = bytes[p]!;
    this.p = p + 1;
    const b = this.b;
    const v2 = b.version === 2;
    if (c === CH_A || c === CH_R) {
      const id = this.readUint(bytes, end);
      const size = this.readUint(bytes, end);
      const returned = this.readAddress(bytes, end);
      const next = this.readLineEnd(bytes, end);
      if (id === BAD || size === BAD || returned === BAD || next < 0) return -1;
      this.line++;
      b.push(c === CH_A ? OP_ALLOC : OP_REALLOC, id, size, 0, returned, this.line);
      return next;
    }
    if (c === CH_F) {
      const id = this.readUint(bytes, end);
      const next = this.readLineEnd(bytes, end);
      if (id === BAD || next < 0) return -1;
      this.line++;
      b.push(OP_FREE, id, 0, 0, 0, this.line);
      return next;
    }
    if (v2 && (c === CH_C || c === CH_M)) {
      const id = this.readUint(bytes, end);
      const aux = this.readUint(bytes, end);
      const size = this.readUint(bytes, end);
      const returned = this.readAddress(bytes, end);
      const next = this.readLineEnd(bytes, end);
      if (id === BAD || aux === BAD || size === BAD || returned === BAD || next < 0) return -1;
      this.line++;
      b.push(c === CH_C ? OP_CALLOC : OP_MEMALIGN, id, size, aux, returned, this.line);
      return next;
    }
    if (v2 && (c === CH_AT || c === CH_T || c === CH_X)) {
      const v = this.readUint(bytes, end);
      const next = this.readLineEnd(bytes, end);
      if (v === BAD || next < 0) return -1;
      this.line++;
      if (c === CH_AT) b.useThread(v, this.line);
      else if (c === CH_T) b.pushIdless(OP_TRIM, b.tid, v, this.line);
      else b.pushIdless(OP_THREAD_EXIT, v, 0, this.line);
      return next;
    }
    return -1;
  }

  /** A '#' line: the version-2 header on line 1, else a comment (a header anywhere else is refused). */
  private readComment(bytes: Uint8Array, s: number, e: number): void {
    if (!startsWithMagic(bytes, s, e)) return;
    const body = decodeUtf8(bytes, s, e);
    if (!isTraceHeader(body)) return;
    if (this.line !== 1) throw new TraceParseError(this.line, `a '${TRACE_V2_MAGIC}' header must be the first line`);
    parseTraceHeader(this.b, body);
  }

  /** Skips field blanks, reads a decimal token ending in a blank or '\n' before `end`; BAD when it is not one (or ≥ 2^53). */
  private readUint(bytes: Uint8Array, end: number): number {
    let p = this.p;
    while (p < end && isFieldBlank(bytes[p]!)) p++;
    const start = p;
    let v = 0;
    for (; p < end; p++) {
      const d = bytes[p]! - 0x30;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (p === start || p === end || !isBlank(bytes[p]!) || v > Number.MAX_SAFE_INTEGER) return BAD;
    this.p = p;
    return v;
  }

  /** With `addresses`: skips field blanks and reads `=HEX` (as readUint reads decimal); BAD when it is not one. Without: 0, nothing read. */
  private readAddress(bytes: Uint8Array, end: number): number {
    if (this.b.returned === null) return 0;
    let p = this.p;
    while (p < end && isFieldBlank(bytes[p]!)) p++;
    if (p === end || bytes[p] !== CH_EQ) return BAD;
    const start = ++p;
    let v = 0;
    for (; p < end; p++) {
      const c = bytes[p]!;
      const d = c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10;
      if (d < 0 || d > 15 || (c > 0x39 && (c | 0x20) < 0x61)) break;
      v = v * 16 + d;
    }
    if (p === start || p === end || !isBlank(bytes[p]!) || v > Number.MAX_SAFE_INTEGER) return BAD;
    this.p = p;
    return v;
  }

  /** Skips field blanks; the index after the line's '\n', or −1 when something else (or the chunk's end) comes first. */
  private readLineEnd(bytes: Uint8Array, end: number): number {
    let p = this.p;
    while (p < end && isFieldBlank(bytes[p]!)) p++;
    return p < end && bytes[p] === CH_NL ? p + 1 : -1;
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
  const reader = new TraceTextReader('any', bytes.length);
  reader.feed(bytes);
  return reader.finish();
}
