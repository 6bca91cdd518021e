// `sim malloc --format jsonl` written straight into bytes: the same text as JSON.stringify(formatOpRecord(…))
// per op, or of formatThreadedRecord(…) for threaded replays (replay-results.ts defines the records;
// tests/shared/sim/malloc/replay-jsonl.test.ts holds them equal), without an object and a string per op, which
// cost more than the replay itself on 2 M ops.

import { OP_ALLOC, OP_FREE, OP_REALLOC, type Trace } from '../trace.js';
import { OP_CALLOC, OP_MEMALIGN, OP_THREAD_EXIT, OP_TRIM, TRACE_OP_LETTERS } from '../trace-types.js';
import { REGION_ARENA, REGION_HEAP, REGION_MMAP, type ReplayResults } from './replay-results.js';

/**
 * A fixed piece of record text as little-endian 32-bit words: putPiece stores 4 bytes at a time (a byte loop
 * over the ~95 fixed bytes of a record cost as much as the replay). The last word's spare bytes are junk the
 * next piece or number overwrites, or that lie past the record (MAX_RECORD_BYTES leaves room for them).
 */
interface Piece {
  /** Bytes of text. */
  length: number;
  /** The text, 4 bytes per word, zero-padded. */
  words: Uint32Array;
}

/** An ASCII text as a Piece. */
function encodePiece(text: string): Piece {
  const words = new Uint32Array(Math.ceil(text.length / 4));
  for (let k = 0; k < text.length; k++) words[k >> 2]! |= text.charCodeAt(k) << (8 * (k & 3));
  return { length: text.length, words };
}

/** Rewrites a piece made by createTextPiece to hold `text` (at most its capacity). */
function setPieceText(piece: Piece, text: string): void {
  piece.words.fill(0);
  for (let k = 0; k < text.length; k++) piece.words[k >> 2]! |= text.charCodeAt(k) << (8 * (k & 3));
  piece.length = text.length;
}

/** An empty piece with room for capacityChars characters, for text setPieceText changes. */
function createTextPiece(capacityChars: number): Piece {
  return { length: 0, words: new Uint32Array(Math.ceil(capacityChars / 4)) };
}

/**
 * Record text that changes seldom from one record to the next, kept as pieces: `{"i":` with the op number's
 * digits but its last two (the op number grows by 1 a record: the head changes every 100th), and the tail
 * `,"brk":N}\n` (brk changes on a few hundred of 2 M ops). Each replaces a number's digit loop per record
 * (with four digits per store, the writer took ~25 % less CPU over the 2 M-op malloclab trace's records).
 */
interface RecordCache {
  /** The op number / 100 that iHead holds, or −1. */
  iHundreds: number;
  /** `{"i":` and the digits of iHundreds (op numbers ≥ 100). */
  iHead: Piece;
  /** The brk that brkTail holds (NaN: none yet). */
  brk: number;
  /** `,"brk":BRK}\n`. */
  brkTail: Piece;
}

/** A cache holding nothing yet. */
function createRecordCache(): RecordCache {
  // A number's JSON text is at most 24 characters (-1.2345678901234567e-300).
  return { iHundreds: -1, iHead: createTextPiece(5 + 24), brk: NaN, brkTail: createTextPiece(7 + 24 + 2) };
}

/** Writes `{"i":N` at b[p…] (N = opNumber, a non-negative integer); returns the position after it. */
function putRecordHead(b: DataView, p: number, cache: RecordCache, opNumber: number): number {
  if (opNumber < 100 || !Number.isSafeInteger(opNumber)) return putNumber(b, putPiece(b, p, P_I), opNumber);
  const lastTwo = opNumber % 100;
  const hundreds = (opNumber - lastTwo) / 100;
  if (hundreds !== cache.iHundreds) {
    setPieceText(cache.iHead, `{"i":${hundreds}`);
    cache.iHundreds = hundreds;
  }
  p = putPiece(b, p, cache.iHead);
  b.setUint16(p, DIGIT_PAIRS[lastTwo]!, true);
  return p + 2;
}

/** Writes `,"brk":BRK}\n` at b[p…]; returns the position after it. */
function putRecordTail(b: DataView, p: number, cache: RecordCache, brk: number): number {
  // Object.is: NaN, the cache's empty mark, is never a brk that matches.
  if (!Object.is(brk, cache.brk)) {
    setPieceText(cache.brkTail, `,"brk":${JSON.stringify(brk)}}\n`);
    cache.brk = brk;
  }
  return putPiece(b, p, cache.brkTail);
}

const P_I = encodePiece('{"i":');
const P_OP_A = encodePiece(',"op":"a","id":');
const P_OP_R = encodePiece(',"op":"r","id":');
const P_OP_F = encodePiece(',"op":"f","id":');
/**
 * P_OP_A at OP_ALLOC, P_OP_R at OP_REALLOC, nothing at other kinds: one load for both (a second compare for
 * realloc deoptimized putOpRecord when a trace's first realloc came after it was compiled).
 */
const P_OP_ALLOC_REALLOC: readonly (Piece | undefined)[] = TRACE_OP_LETTERS.map((_, kind) => (kind === OP_ALLOC ? P_OP_A : kind === OP_REALLOC ? P_OP_R : undefined));
const P_SIZE = encodePiece(',"size":');
const P_HEAP = encodePiece(',"region":"heap","offset":');
const P_HEAP_USABLE = encodePiece(',"mmap_size":null,"usable":');
const P_MMAP = encodePiece(',"region":"mmap","offset":null,"mmap_size":');
const P_USABLE = encodePiece(',"usable":');
const P_NONE_USABLE = encodePiece(',"region":null,"offset":null,"mmap_size":null,"usable":');
const P_BRK = encodePiece(',"brk":');
const P_END = encodePiece('}\n');
/** ',"op":"X","tid":' per op kind (TRACE_OP_LETTERS order), for threaded records. */
const P_OP_TID = TRACE_OP_LETTERS.map((l) => encodePiece(`,"op":"${l}","tid":`));
const P_ID = encodePiece(',"id":');
const P_NMEMB = encodePiece(',"nmemb":');
const P_ALIGN = encodePiece(',"align":');
const P_T_HEAP = encodePiece(',"region":"heap","arena":0,"heap":null,"offset":');
const P_T_ARENA = encodePiece(',"region":"arena","arena":');
const P_T_HEAP_INDEX = encodePiece(',"heap":');
const P_T_OFFSET = encodePiece(',"offset":');
const P_T_MMAP = encodePiece(',"region":"mmap","arena":null,"heap":null,"offset":null,"mmap_size":');
const P_T_NONE_USABLE = encodePiece(',"region":null,"arena":null,"heap":null,"offset":null,"mmap_size":null,"usable":');
/** The longest record: its fixed text, 9 numbers of at most 24 characters and the 3 junk bytes of its last piece word. */
const MAX_RECORD_BYTES = 128 + 9 * 24 + 4;

/** Writes jsonl records into a byte buffer; `take` hands the bytes written so far over and starts a new buffer. */
export class OpRecordWriter {
  private buf: Uint8Array;
  /** A view of buf, for the word and digit-pair stores. */
  private view: DataView;
  private pos = 0;
  /** A buffer given back by recycle, for the next take. */
  private spare: Uint8Array | null = null;
  /** The text the previous record shares with the next. */
  private readonly cache = createRecordCache();

  /** @param chunkBytes buffer size; a record never straddles two buffers. */
  constructor(chunkBytes = 1 << 20) {
    this.buf = new Uint8Array(Math.max(chunkBytes, MAX_RECORD_BYTES));
    this.view = new DataView(this.buf.buffer);
  }

  /** Bytes written and not taken yet. */
  get length(): number {
    return this.pos;
  }

  /** True when the next record may not fit: take() first. */
  get full(): boolean {
    return this.pos + MAX_RECORD_BYTES > this.buf.length;
  }

  /**
   * Appends op i's record and '\n', exactly as JSON.stringify(formatOpRecord(trace, results, i)) + '\n';
   * opNumber is its "i" (a streamed chunk's op i is op opBase + i of the whole trace).
   * @throws RangeError for op kinds formatOpRecord has no record for (c, m, t, x).
   */
  write(trace: Trace, results: ReplayResults, i: number, opNumber = i): void {
    if (this.full) throw new RangeError('OpRecordWriter: take() the buffer first');
    this.pos = putOpRecord(this.view, this.pos, this.cache, trace, results, i, opNumber);
  }

  /**
   * Appends the records of ops start, start + 1, … before end (as write, op i numbered opBase + i) until the
   * buffer is full; returns the op to write next (end when all fit). One call per buffer keeps the position
   * in a local instead of a field written per piece, which made the writer cost more than the replay.
   */
  writeRange(trace: Trace, results: ReplayResults, start: number, end: number, opBase = 0): number {
    const b = this.view;
    const cache = this.cache;
    const last = this.buf.length - MAX_RECORD_BYTES;
    let p = this.pos;
    let i = start;
    while (i < end && p <= last) {
      p = putOpRecord(b, p, cache, trace, results, i, opBase + i);
      i++;
    }
    this.pos = p;
    return i;
  }

  /**
   * Appends op i's record of a threaded replay (results with arena and heap columns) and '\n', exactly as
   * JSON.stringify(formatThreadedRecord(trace, results, i)) + '\n'.
   */
  writeThreaded(trace: Trace, results: ReplayResults, i: number): void {
    if (this.full) throw new RangeError('OpRecordWriter: take() the buffer first');
    const b = this.view;
    const kind = trace.kinds[i]!;
    const row = i & results.rowMask;
    let p = putPiece(b, this.pos, P_I);
    p = putNumber(b, p, i);
    p = putPiece(b, p, P_OP_TID[kind]!);
    p = putNumber(b, p, trace.tids[i]!);
    if (kind !== OP_TRIM && kind !== OP_THREAD_EXIT) {
      p = putPiece(b, p, P_ID);
      p = putNumber(b, p, trace.ids[i]!);
    }
    if (kind !== OP_FREE && kind !== OP_TRIM && kind !== OP_THREAD_EXIT) {
      p = putPiece(b, p, P_SIZE);
      p = putNumber(b, p, trace.sizes[i]!);
      if (kind === OP_CALLOC || kind === OP_MEMALIGN) {
        p = putPiece(b, p, kind === OP_CALLOC ? P_NMEMB : P_ALIGN);
        p = putNumber(b, p, trace.aux[i]!);
      }
      const region = results.region[row];
      if (region === REGION_HEAP) {
        p = putPiece(b, p, P_T_HEAP);
        p = putNumber(b, p, results.offset[row]!);
        p = putPiece(b, p, P_HEAP_USABLE);
      } else if (region === REGION_ARENA) {
        p = putPiece(b, p, P_T_ARENA);
        p = putNumber(b, p, results.arena![row]!);
        p = putPiece(b, p, P_T_HEAP_INDEX);
        p = putNumber(b, p, results.heap![row]!);
        p = putPiece(b, p, P_T_OFFSET);
        p = putNumber(b, p, results.offset[row]!);
        p = putPiece(b, p, P_HEAP_USABLE);
      } else if (region === REGION_MMAP) {
        p = putPiece(b, p, P_T_MMAP);
        p = putNumber(b, p, results.mmapSize[row]!);
        p = putPiece(b, p, P_USABLE);
      } else {
        p = putPiece(b, p, P_T_NONE_USABLE);
      }
      p = putNumber(b, p, results.usable[row]!);
    }
    p = putPiece(b, p, P_BRK);
    p = putNumber(b, p, results.brk[row]!);
    this.pos = putPiece(b, p, P_END);
  }

  /** The bytes written since the last take (a fresh or recycled buffer is used from now on, so the caller may keep them). */
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.pos);
    this.buf = this.spare ?? new Uint8Array(this.buf.length);
    this.view = new DataView(this.buf.buffer);
    this.spare = null;
    this.pos = 0;
    return out;
  }

  /**
   * Gives back bytes take() handed out, once the caller is done with them (written out): the next take reuses
   * their buffer, so a long output does not leave a buffer of garbage per chunk.
   */
  recycle(taken: Uint8Array): void {
    if (taken.byteOffset === 0 && taken.buffer.byteLength === this.buf.length && taken.buffer instanceof ArrayBuffer) this.spare = new Uint8Array(taken.buffer);
  }
}

/**
 * Writes op i's record (see OpRecordWriter.write) at b[p…] and returns the position after it. The writing
 * functions pass the position along instead of keeping it in a field, so V8 keeps it in a register.
 */
function putOpRecord(b: DataView, p: number, cache: RecordCache, trace: Trace, results: ReplayResults, i: number, opNumber: number): number {
  const kind = trace.kinds[i]!;
  const row = i & results.rowMask;
  p = putRecordHead(b, p, cache, opNumber);
  if (kind === OP_FREE) {
    p = putPiece(b, p, P_OP_F);
    p = putNumber(b, p, trace.ids[i]!);
  } else {
    const opPiece = P_OP_ALLOC_REALLOC[kind];
    if (opPiece === undefined) throw new RangeError(`op ${i}: no jsonl record for this op kind yet`);
    p = putPiece(b, p, opPiece);
    p = putNumber(b, p, trace.ids[i]!);
    p = putPiece(b, p, P_SIZE);
    p = putNumber(b, p, trace.sizes[i]!);
    const region = results.region[row];
    if (region === REGION_HEAP) {
      p = putPiece(b, p, P_HEAP);
      p = putNumber(b, p, results.offset[row]!);
      p = putPiece(b, p, P_HEAP_USABLE);
    } else if (region === REGION_MMAP) {
      p = putPiece(b, p, P_MMAP);
      p = putNumber(b, p, results.mmapSize[row]!);
      p = putPiece(b, p, P_USABLE);
    } else {
      p = putPiece(b, p, P_NONE_USABLE);
    }
    p = putNumber(b, p, results.usable[row]!);
  }
  return putRecordTail(b, p, cache, results.brk[row]!);
}

/** Stores a fixed piece at b[p…]; returns the position after it. */
function putPiece(b: DataView, p: number, piece: Piece): number {
  const words = piece.words;
  // The words the text fills: a changing piece's words past them (room for longer text) are not stored.
  const wordCount = (piece.length + 3) >> 2;
  for (let k = 0; k < wordCount; k++) b.setUint32(p + 4 * k, words[k]!, true);
  return p + piece.length;
}

/**
 * A number as JSON.stringify prints it, at b[p…]: integers digit by digit, anything else through JSON.stringify.
 * 0 ≤ v < 2^31 is written here, not by a further call: sim malloc's inlining budget (node-flags.ts) leaves the
 * record writer's calls uninlined, so each call is paid per number.
 */
function putNumber(b: DataView, p: number, v: number): number {
  if (!(v >= 0 && v <= 0x7fffffff && (v | 0) === v)) return putOtherNumber(b, p, v);
  const after = p + countDigits(v);
  p = after;
  while (v >= 10000) {
    const q = (v / 10000) | 0;
    p -= 4;
    b.setUint32(p, DIGIT_QUADS[v - q * 10000]!, true);
    v = q;
  }
  if (v >= 1000) b.setUint32(p - 4, DIGIT_QUADS[v]!, true);
  else if (v >= 100) {
    const q = (v / 100) | 0;
    b.setUint8(p - 3, 0x30 + q);
    b.setUint16(p - 2, DIGIT_PAIRS[v - q * 100]!, true);
  } else if (v >= 10) b.setUint16(p - 2, DIGIT_PAIRS[v]!, true);
  else b.setUint8(p - 1, 0x30 + v);
  return after;
}

/** putNumber's rare cases: integers from 2^31 to 2^53 − 1 as two parts, anything else through JSON.stringify. */
function putOtherNumber(b: DataView, p: number, v: number): number {
  if (v > 0 && Number.isSafeInteger(v)) {
    const hi = Math.floor(v / 1e9);
    let rest = v - hi * 1e9;
    p = putNumber(b, p, hi);
    for (let q = p + 8; q >= p; q--) {
      b.setUint8(q, 0x30 + (rest % 10));
      rest = Math.floor(rest / 10);
    }
    return p + 9;
  }
  const text = JSON.stringify(v);
  for (let k = 0; k < text.length; k++) b.setUint8(p++, text.charCodeAt(k));
  return p;
}

/** "00" "01" … "99" as little-endian 16-bit pairs (tens digit in the low byte): pair n at n. */
const DIGIT_PAIRS = new Uint16Array(100).map((_, n) => (0x30 + Math.floor(n / 10)) | ((0x30 + (n % 10)) << 8));
/** "0000" … "9999" as little-endian 32-bit words (first digit in the low byte): quad n at n (40 KB). */
const DIGIT_QUADS = new Uint32Array(10000).map((_, n) => DIGIT_PAIRS[Math.floor(n / 100)]! | (DIGIT_PAIRS[n % 100]! << 16));

/** 10^k at k for k ≥ 1, and 0 at 0 (so that 0 and 1 take one digit): the bound countDigits compares v with. */
const DIGIT_BOUNDS = new Float64Array([0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9]);

/**
 * Decimal digits of 0 ≤ v < 2^31: k = ⌊bit length × log10 2⌋ (× 1233 / 4096), the digits or one less, and one
 * more when v reaches 10^k. One compare for every number: a chain of compares deoptimized putNumber each time
 * the first number of more digits than any before came after it was compiled (twice on every real trace).
 */
function countDigits(v: number): number {
  const k = ((32 - Math.clz32(v)) * 1233) >> 12;
  return v >= DIGIT_BOUNDS[k]! ? k + 1 : k;
}
