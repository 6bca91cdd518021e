// `sim malloc --format jsonl` written straight into bytes: the same text as JSON.stringify(formatOpRecord(…))
// per op, or of formatThreadedRecord(…) for threaded replays (replay-results.ts defines the records;
// tests/shared/sim/malloc/replay-jsonl.test.ts holds them equal), without an object and a string per op, which
// cost more than the replay itself on 2 M ops.

import { OP_ALLOC, OP_FREE, OP_REALLOC, type Trace } from '../trace.js';
import { OP_CALLOC, OP_MEMALIGN, OP_THREAD_EXIT, OP_TRIM, TRACE_OP_LETTERS } from '../trace-types.js';
import { REGION_ARENA, REGION_HEAP, REGION_MMAP, type ReplayResults } from './replay-results.js';

/*
 * A record is written as segments, each a piece of text and a number after it, then a last piece, all by one
 * loop (putSegments): under sim malloc's inlining budget (node-flags.ts) a call per piece and per number stayed
 * a call, ten per record. With the 8-byte stores below, the writer took ~82 ns an op over the 2 M-op malloclab
 * trace's records, not ~120 (in isolation, best of 8 passes), and the whole `sim malloc --format jsonl` run
 * 7.56 G instructions, not 8.53 G (callgrind).
 *
 * A piece is a handle (first word << 8 | byte length) into a writer's text words: its text from an 8-byte
 * boundary, zero-padded to whole words. Its first 32 bytes are stored whatever its length, 8 bytes per store, as
 * float64s: the stores, not the branches, were the cost (4-byte stores of the pieces were ~35 % of the writer's
 * time over the 2 M-op malloclab trace; 8-byte ones halve their count). Bytes stored past a piece's text are junk
 * the next number or piece overwrites, or that lie past the record (MAX_RECORD_BYTES leaves room for them).
 * A float64 load and store keep the bits of any value but a NaN, and 8 bytes of ASCII text (below 0x7f) are never
 * a NaN's bits: its top byte would be 0x7f or 0xff.
 */

/** Bytes of a piece stored whatever its length (4 float64 stores). */
const PIECE_HEAD_BYTES = 32;
/** Bytes per text word (a float64). */
const WORD_BYTES = 8;

/** The fixed pieces' text, back to back in words (each writer's text words start with a copy), as character codes. */
const FIXED_CHARS: number[] = [];

/** Appends `text` to `chars` from a word boundary, zero-padded to whole words; returns its piece. */
function appendPiece(chars: number[], text: string): number {
  const first = chars.length / WORD_BYTES;
  for (let k = 0; k < text.length; k++) {
    const code = text.charCodeAt(k);
    if (code >= 0x7f || text.length > 0xff) throw new RangeError(`record text ${JSON.stringify(text)}: not a short ASCII text`);
    chars.push(code);
  }
  while (chars.length % WORD_BYTES !== 0) chars.push(0);
  return (first << 8) | text.length;
}

/** A fixed piece of record text, as a handle. */
function definePiece(text: string): number {
  return appendPiece(FIXED_CHARS, text);
}

/** `,"op":"X","id":` of the op kinds with a single-threaded record (a, f, r), '' for the others. */
const OP_ID_TEXT: readonly string[] = TRACE_OP_LETTERS.map((l, kind) => (kind === OP_ALLOC || kind === OP_FREE || kind === OP_REALLOC ? `,"op":"${l}","id":` : ''));
const P_SIZE = definePiece(',"size":');
const P_HEAP = definePiece(',"region":"heap","offset":');
const P_HEAP_USABLE = definePiece(',"mmap_size":null,"usable":');
const P_MMAP = definePiece(',"region":"mmap","offset":null,"mmap_size":');
const P_USABLE = definePiece(',"usable":');
const P_NONE_USABLE = definePiece(',"region":null,"offset":null,"mmap_size":null,"usable":');
const P_I = definePiece('{"i":');
/** ',"op":"X","tid":' per op kind (TRACE_OP_LETTERS order), for threaded records. */
const P_OP_TID = TRACE_OP_LETTERS.map((l) => definePiece(`,"op":"${l}","tid":`));
const P_ID = definePiece(',"id":');
const P_NMEMB = definePiece(',"nmemb":');
const P_ALIGN = definePiece(',"align":');
const P_T_HEAP = definePiece(',"region":"heap","arena":0,"heap":null,"offset":');
const P_T_ARENA = definePiece(',"region":"arena","arena":');
const P_T_HEAP_INDEX = definePiece(',"heap":');
const P_T_OFFSET = definePiece(',"offset":');
const P_T_MMAP = definePiece(',"region":"mmap","arena":null,"heap":null,"offset":null,"mmap_size":');
const P_T_NONE_USABLE = definePiece(',"region":null,"arena":null,"heap":null,"offset":null,"mmap_size":null,"usable":');
const P_BRK = definePiece(',"brk":');
const P_END = definePiece('}\n');

/** A number's JSON text is at most 24 characters (-1.2345678901234567e-300). */
const MAX_NUMBER_CHARS = 24;
/** Words of a head slot: `{"i":N`, N of at most MAX_NUMBER_CHARS, and the longest `,"op":"X","id":`. */
const HEAD_SLOT_WORDS = Math.ceil((5 + MAX_NUMBER_CHARS + Math.max(...OP_ID_TEXT.map((t) => t.length))) / WORD_BYTES);
/** Words of the tail slot: `,"brk":N}\n`. */
const TAIL_SLOT_WORDS = Math.ceil((7 + MAX_NUMBER_CHARS + 2) / WORD_BYTES);
/** Words of the fixed pieces. */
const FIXED_WORD_COUNT = FIXED_CHARS.length / WORD_BYTES;
/** First word of the head slot of op kind k (a, f, r: 0, 1, 2) at k, −1 for kinds with no single-threaded record. */
const HEAD_SLOT_FIRST = Int32Array.from(OP_ID_TEXT, (t, kind) => (t === '' ? -1 : FIXED_WORD_COUNT + kind * HEAD_SLOT_WORDS));
/** First word of the tail slot. */
const TAIL_SLOT_FIRST = FIXED_WORD_COUNT + OP_ID_TEXT.length * HEAD_SLOT_WORDS;
/** Segments of the longest record (threaded: i, tid, id, size, nmemb, arena, heap, offset, usable, brk). */
const MAX_SEGMENTS = 10;
/** The longest record: its fixed text, a number of at most MAX_NUMBER_CHARS per segment and the junk stored past its last piece. */
const MAX_RECORD_BYTES = 128 + MAX_SEGMENTS * MAX_NUMBER_CHARS + PIECE_HEAD_BYTES;

/**
 * One writer's record text: the fixed pieces, and slots for the text that changes seldom from one record to the
 * next: per op kind the head `{"i":N,"op":"X","id":` (N grows by 1 a record: the head's text but N's last two
 * digits changes every 100th), and the tail `,"brk":N}\n` (brk changes on a few hundred of 2 M ops). Each
 * replaces a number's digit loop and a piece per record. Also the segments of the record being written.
 */
interface RecordText {
  /** The fixed pieces, the head slots and the tail slot, then PIECE_HEAD_BYTES of zeros (read by a last piece's stores). */
  words: Float64Array;
  /** words as bytes, where the slots' text is written. */
  bytes: Uint8Array;
  /** A view of words, for a head's last two digits. */
  wordsView: DataView;
  /** Per head slot: the op number / 100 its text holds (−1: none, or a head rebuilt whole, of an op number < 100). */
  headHundreds: Float64Array;
  /** Per head slot: its piece. */
  headPiece: Int32Array;
  /** Per head slot: byte offset in words of its last two digits. */
  headLastTwoAt: Int32Array;
  /** The brk that the tail holds (NaN: none yet). */
  brk: number;
  /** The tail's piece. */
  tailPiece: number;
  /** The pieces of the record being written, a number after each. */
  pieces: Int32Array;
  /** The numbers after its pieces. */
  numbers: Float64Array;
}

/** A writer's record text, holding no changing text yet. */
function createRecordText(): RecordText {
  const words = new Float64Array(TAIL_SLOT_FIRST + TAIL_SLOT_WORDS + PIECE_HEAD_BYTES / WORD_BYTES);
  const bytes = new Uint8Array(words.buffer);
  bytes.set(FIXED_CHARS);
  return {
    words,
    bytes,
    wordsView: new DataView(words.buffer),
    headHundreds: new Float64Array(OP_ID_TEXT.length).fill(-1),
    headPiece: new Int32Array(OP_ID_TEXT.length),
    headLastTwoAt: new Int32Array(OP_ID_TEXT.length),
    brk: NaN,
    tailPiece: 0,
    pieces: new Int32Array(MAX_SEGMENTS),
    numbers: new Float64Array(MAX_SEGMENTS),
  };
}

/** Writes `text` (ASCII, room for it checked by the slot sizes) into the slot of words from `first`; returns its piece. */
function setSlotText(bytes: Uint8Array, first: number, slotWords: number, text: string): number {
  const at = first * WORD_BYTES;
  bytes.fill(0, at, at + slotWords * WORD_BYTES);
  for (let k = 0; k < text.length; k++) bytes[at + k] = text.charCodeAt(k);
  return (first << 8) | text.length;
}

/**
 * The piece `{"i":N,"op":"X","id":` of op kind `kind` (a, f or r), whose head slot starts at word `first`, and
 * op number N (a non-negative integer).
 */
function readHeadPiece(t: RecordText, kind: number, first: number, opNumber: number): number {
  if (opNumber < 100 || !Number.isSafeInteger(opNumber)) {
    t.headHundreds[kind] = -1;
    return (t.headPiece[kind] = setSlotText(t.bytes, first, HEAD_SLOT_WORDS, `{"i":${opNumber}${OP_ID_TEXT[kind]!}`));
  }
  const lastTwo = opNumber % 100;
  const hundreds = (opNumber - lastTwo) / 100;
  if (hundreds !== t.headHundreds[kind]) {
    const head = `{"i":${hundreds}`;
    t.headPiece[kind] = setSlotText(t.bytes, first, HEAD_SLOT_WORDS, `${head}00${OP_ID_TEXT[kind]!}`);
    t.headLastTwoAt[kind] = first * WORD_BYTES + head.length;
    t.headHundreds[kind] = hundreds;
  }
  t.wordsView.setUint16(t.headLastTwoAt[kind]!, DIGIT_PAIRS[lastTwo]!, true);
  return t.headPiece[kind]!;
}

/** The piece `,"brk":BRK}\n`. */
function readTailPiece(t: RecordText, brk: number): number {
  // Object.is: NaN, the empty mark, is never a brk that matches.
  if (!Object.is(brk, t.brk)) {
    t.tailPiece = setSlotText(t.bytes, TAIL_SLOT_FIRST, TAIL_SLOT_WORDS, `,"brk":${JSON.stringify(brk)}}\n`);
    t.brk = brk;
  }
  return t.tailPiece;
}

/** Writes jsonl records into a byte buffer; `take` hands the bytes written so far over and starts a new buffer. */
export class OpRecordWriter {
  private buf: Uint8Array;
  /** A view of buf, for the word and digit stores. */
  private view: DataView;
  private pos = 0;
  /** A buffer given back by recycle, for the next take. */
  private spare: Uint8Array | null = null;
  private readonly text = createRecordText();

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
    this.pos = putOpRecord(this.view, this.pos, this.text, trace, results, i, opNumber);
  }

  /**
   * Appends the records of ops start, start + 1, … before end (as write, op i numbered opBase + i) until the
   * buffer is full; returns the op to write next (end when all fit). One call per buffer keeps the position
   * in a local instead of a field written per piece, which made the writer cost more than the replay.
   */
  writeRange(trace: Trace, results: ReplayResults, start: number, end: number, opBase = 0): number {
    const b = this.view;
    const text = this.text;
    const last = this.buf.length - MAX_RECORD_BYTES;
    let p = this.pos;
    let i = start;
    while (i < end && p <= last) {
      p = putOpRecord(b, p, text, trace, results, i, opBase + i);
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
    const { pieces, numbers } = this.text;
    const kind = trace.kinds[i]!;
    const row = i & results.rowMask;
    pieces[0] = P_I;
    numbers[0] = i;
    pieces[1] = P_OP_TID[kind]!;
    numbers[1] = trace.tids[i]!;
    let n = 2;
    if (kind !== OP_TRIM && kind !== OP_THREAD_EXIT) {
      pieces[n] = P_ID;
      numbers[n++] = trace.ids[i]!;
    }
    if (kind !== OP_FREE && kind !== OP_TRIM && kind !== OP_THREAD_EXIT) {
      pieces[n] = P_SIZE;
      numbers[n++] = trace.sizes[i]!;
      if (kind === OP_CALLOC || kind === OP_MEMALIGN) {
        pieces[n] = kind === OP_CALLOC ? P_NMEMB : P_ALIGN;
        numbers[n++] = trace.aux[i]!;
      }
      const region = results.region[row];
      if (region === REGION_HEAP) {
        pieces[n] = P_T_HEAP;
        numbers[n++] = results.offset[row]!;
        pieces[n] = P_HEAP_USABLE;
      } else if (region === REGION_ARENA) {
        pieces[n] = P_T_ARENA;
        numbers[n++] = results.arena![row]!;
        pieces[n] = P_T_HEAP_INDEX;
        numbers[n++] = results.heap![row]!;
        pieces[n] = P_T_OFFSET;
        numbers[n++] = results.offset[row]!;
        pieces[n] = P_HEAP_USABLE;
      } else if (region === REGION_MMAP) {
        pieces[n] = P_T_MMAP;
        numbers[n++] = results.mmapSize[row]!;
        pieces[n] = P_USABLE;
      } else {
        pieces[n] = P_T_NONE_USABLE;
      }
      numbers[n++] = results.usable[row]!;
    }
    pieces[n] = P_BRK;
    numbers[n++] = results.brk[row]!;
    this.pos = putSegments(this.view, this.pos, this.text.words, pieces, numbers, n, P_END);
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
 * Writes op i's record (see OpRecordWriter.write) at b[p…] and returns the position after it: its segments are
 * the head `{"i":N,"op":"X","id":` and the id, then for a and r the size, the region's text with the offset or
 * mapping length, and the usable size; the tail holds brk.
 */
function putOpRecord(b: DataView, p: number, t: RecordText, trace: Trace, results: ReplayResults, i: number, opNumber: number): number {
  const kind = trace.kinds[i]!;
  // One load for the kind's check: a second compare for realloc deoptimized the writer when a trace's first
  // realloc came after it was compiled.
  const headFirst = HEAD_SLOT_FIRST[kind]!;
  if (headFirst < 0) throw new RangeError(`op ${i}: no jsonl record for this op kind yet`);
  const row = i & results.rowMask;
  const { pieces, numbers } = t;
  pieces[0] = readHeadPiece(t, kind, headFirst, opNumber);
  numbers[0] = trace.ids[i]!;
  let n = 1;
  if (kind !== OP_FREE) {
    pieces[1] = P_SIZE;
    numbers[1] = trace.sizes[i]!;
    const region = results.region[row];
    if (region === REGION_HEAP) {
      pieces[2] = P_HEAP;
      numbers[2] = results.offset[row]!;
      pieces[3] = P_HEAP_USABLE;
      n = 3;
    } else if (region === REGION_MMAP) {
      pieces[2] = P_MMAP;
      numbers[2] = results.mmapSize[row]!;
      pieces[3] = P_USABLE;
      n = 3;
    } else {
      pieces[2] = P_NONE_USABLE;
      n = 2;
    }
    numbers[n++] = results.usable[row]!;
  }
  return putSegments(b, p, t.words, pieces, numbers, n, readTailPiece(t, results.brk[row]!));
}

/**
 * Writes at b[p…] segment 0 … count − 1 (pieces[s] of words, then numbers[s] as JSON.stringify prints it), then
 * `last`; returns the position after it. Integers 0 ≤ v < 2^31 are written here, up to 4 digits per store; others
 * by putOtherNumber.
 */
function putSegments(b: DataView, p: number, words: Float64Array, pieces: Int32Array, numbers: Float64Array, count: number, last: number): number {
  for (let s = 0; s < count; s++) {
    p = putPiece(b, p, words, pieces[s]!);
    const number = numbers[s]!;
    // As an int32, the divisions by constants below are multiplies, not float divisions; v equals number exactly
    // when number is an integer from −2^31 to 2^31 − 1 (or −0, printed 0 as JSON.stringify prints it).
    const v = number | 0;
    if (v !== number || v < 0) {
      p = putOtherNumber(b, p, number);
      continue;
    }
    // The first digits are stored left-aligned, with junk after them that the next store overwrites: no digit count first.
    if (v < 10000) {
      b.setUint32(p, DIGITS_LEFT[v]!, true);
      p += DIGIT_COUNTS[v]!;
    } else if (v < 100000000) {
      const hi = (v / 10000) | 0;
      b.setUint32(p, DIGITS_LEFT[hi]!, true);
      p += DIGIT_COUNTS[hi]!;
      b.setUint32(p, DIGIT_QUADS[v - hi * 10000]!, true);
      p += 4;
    } else {
      const hi = (v / 100000000) | 0;
      const rest = v - hi * 100000000;
      const mid = (rest / 10000) | 0;
      b.setUint32(p, DIGITS_LEFT[hi]!, true);
      p += DIGIT_COUNTS[hi]!;
      b.setUint32(p, DIGIT_QUADS[mid]!, true);
      b.setUint32(p + 4, DIGIT_QUADS[rest - mid * 10000]!, true);
      p += 8;
    }
  }
  return putPiece(b, p, words, last);
}

/** Stores a piece at b[p…], with junk after it up to PIECE_HEAD_BYTES; returns the position after its text. */
function putPiece(b: DataView, p: number, words: Float64Array, piece: number): number {
  const first = piece >> 8;
  const length = piece & 0xff;
  b.setFloat64(p, words[first]!, true);
  b.setFloat64(p + 8, words[first + 1]!, true);
  b.setFloat64(p + 16, words[first + 2]!, true);
  b.setFloat64(p + 24, words[first + 3]!, true);
  for (let k = PIECE_HEAD_BYTES; k < length; k += WORD_BYTES) b.setFloat64(p + k, words[first + k / WORD_BYTES]!, true);
  return p + length;
}

/** A number putSegments does not write itself (below 0, from 2^31, not an integer), as JSON.stringify prints it. */
function putOtherNumber(b: DataView, p: number, v: number): number {
  const text = JSON.stringify(v);
  for (let k = 0; k < text.length; k++) b.setUint8(p++, text.charCodeAt(k));
  return p;
}

/** "00" "01" … "99" as little-endian 16-bit pairs (tens digit in the low byte): pair n at n. */
const DIGIT_PAIRS = new Uint16Array(100).map((_, n) => (0x30 + Math.floor(n / 10)) | ((0x30 + (n % 10)) << 8));
/** "0000" … "9999" as little-endian 32-bit words (first digit in the low byte): quad n at n (40 KB). */
const DIGIT_QUADS = new Uint32Array(10000).map((_, n) => DIGIT_PAIRS[Math.floor(n / 100)]! | (DIGIT_PAIRS[n % 100]! << 16));

/** The digits of n < 10000, left-aligned in a little-endian 32-bit word (first digit in the low byte), at n (40 KB). */
const DIGITS_LEFT = new Uint32Array(10000).map((_, n) => {
  const text = String(n);
  let word = 0;
  for (let k = 0; k < text.length; k++) word |= text.charCodeAt(k) << (8 * k);
  return word;
});
/** The digit count of n < 10000 at n. */
const DIGIT_COUNTS = new Uint8Array(10000).map((_, n) => String(n).length);
