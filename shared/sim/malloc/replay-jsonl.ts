// `sim malloc --format jsonl` written straight into bytes: the same text as JSON.stringify(formatOpRecord(…))
// per op, or of formatThreadedRecord(…) for threaded replays (replay-results.ts defines the records;
// tests/shared/sim/malloc/replay-jsonl.test.ts holds them equal), without an object and a string per op, which
// cost more than the replay itself on 2 M ops.

import { encodeAscii } from '../../proc/bytes.js';
import { OP_ALLOC, OP_FREE, OP_REALLOC, type Trace } from '../trace.js';
import { OP_CALLOC, OP_MEMALIGN, OP_THREAD_EXIT, OP_TRIM, TRACE_OP_LETTERS } from '../trace-types.js';
import { REGION_ARENA, REGION_HEAP, REGION_MMAP, type ReplayResults } from './replay-results.js';

const P_I = encodeAscii('{"i":');
const P_OP_A = encodeAscii(',"op":"a","id":');
const P_OP_R = encodeAscii(',"op":"r","id":');
const P_OP_F = encodeAscii(',"op":"f","id":');
const P_SIZE = encodeAscii(',"size":');
const P_HEAP = encodeAscii(',"region":"heap","offset":');
const P_HEAP_USABLE = encodeAscii(',"mmap_size":null,"usable":');
const P_MMAP = encodeAscii(',"region":"mmap","offset":null,"mmap_size":');
const P_USABLE = encodeAscii(',"usable":');
const P_NONE_USABLE = encodeAscii(',"region":null,"offset":null,"mmap_size":null,"usable":');
const P_BRK = encodeAscii(',"brk":');
const P_END = encodeAscii('}\n');
/** ',"op":"X","tid":' per op kind (TRACE_OP_LETTERS order), for threaded records. */
const P_OP_TID = TRACE_OP_LETTERS.map((l) => encodeAscii(`,"op":"${l}","tid":`));
const P_ID = encodeAscii(',"id":');
const P_NMEMB = encodeAscii(',"nmemb":');
const P_ALIGN = encodeAscii(',"align":');
const P_T_HEAP = encodeAscii(',"region":"heap","arena":0,"heap":null,"offset":');
const P_T_ARENA = encodeAscii(',"region":"arena","arena":');
const P_T_HEAP_INDEX = encodeAscii(',"heap":');
const P_T_OFFSET = encodeAscii(',"offset":');
const P_T_MMAP = encodeAscii(',"region":"mmap","arena":null,"heap":null,"offset":null,"mmap_size":');
const P_T_NONE_USABLE = encodeAscii(',"region":null,"arena":null,"heap":null,"offset":null,"mmap_size":null,"usable":');
/** The longest record: its fixed text and 9 numbers of at most 24 characters. */
const MAX_RECORD_BYTES = 128 + 9 * 24;

/** Writes jsonl records into a byte buffer; `take` hands the bytes written so far over and starts a new buffer. */
export class OpRecordWriter {
  private buf: Uint8Array;
  private pos = 0;
  /** A buffer given back by recycle, for the next take. */
  private spare: Uint8Array | null = null;

  /** @param chunkBytes buffer size; a record never straddles two buffers. */
  constructor(chunkBytes = 1 << 20) {
    this.buf = new Uint8Array(Math.max(chunkBytes, MAX_RECORD_BYTES));
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
    const kind = trace.kinds[i]!;
    const row = i & results.rowMask;
    this.put(P_I);
    this.putNumber(opNumber);
    if (kind === OP_FREE) {
      this.put(P_OP_F);
      this.putNumber(trace.ids[i]!);
    } else {
      if (kind !== OP_ALLOC && kind !== OP_REALLOC) throw new RangeError(`op ${i}: no jsonl record for this op kind yet`);
      this.put(kind === OP_ALLOC ? P_OP_A : P_OP_R);
      this.putNumber(trace.ids[i]!);
      this.put(P_SIZE);
      this.putNumber(trace.sizes[i]!);
      const region = results.region[row];
      if (region === REGION_HEAP) {
        this.put(P_HEAP);
        this.putNumber(results.offset[row]!);
        this.put(P_HEAP_USABLE);
      } else if (region === REGION_MMAP) {
        this.put(P_MMAP);
        this.putNumber(results.mmapSize[row]!);
        this.put(P_USABLE);
      } else {
        this.put(P_NONE_USABLE);
      }
      this.putNumber(results.usable[row]!);
    }
    this.put(P_BRK);
    this.putNumber(results.brk[row]!);
    this.put(P_END);
  }

  /**
   * Appends op i's record of a threaded replay (results with arena and heap columns) and '\n', exactly as
   * JSON.stringify(formatThreadedRecord(trace, results, i)) + '\n'.
   */
  writeThreaded(trace: Trace, results: ReplayResults, i: number): void {
    if (this.full) throw new RangeError('OpRecordWriter: take() the buffer first');
    const kind = trace.kinds[i]!;
    const row = i & results.rowMask;
    this.put(P_I);
    this.putNumber(i);
    this.put(P_OP_TID[kind]!);
    this.putNumber(trace.tids[i]!);
    if (kind !== OP_TRIM && kind !== OP_THREAD_EXIT) {
      this.put(P_ID);
      this.putNumber(trace.ids[i]!);
    }
    if (kind !== OP_FREE && kind !== OP_TRIM && kind !== OP_THREAD_EXIT) {
      this.put(P_SIZE);
      this.putNumber(trace.sizes[i]!);
      if (kind === OP_CALLOC || kind === OP_MEMALIGN) {
        this.put(kind === OP_CALLOC ? P_NMEMB : P_ALIGN);
        this.putNumber(trace.aux[i]!);
      }
      const region = results.region[row];
      if (region === REGION_HEAP) {
        this.put(P_T_HEAP);
        this.putNumber(results.offset[row]!);
        this.put(P_HEAP_USABLE);
      } else if (region === REGION_ARENA) {
        this.put(P_T_ARENA);
        this.putNumber(results.arena![row]!);
        this.put(P_T_HEAP_INDEX);
        this.putNumber(results.heap![row]!);
        this.put(P_T_OFFSET);
        this.putNumber(results.offset[row]!);
        this.put(P_HEAP_USABLE);
      } else if (region === REGION_MMAP) {
        this.put(P_T_MMAP);
        this.putNumber(results.mmapSize[row]!);
        this.put(P_USABLE);
      } else {
        this.put(P_T_NONE_USABLE);
      }
      this.putNumber(results.usable[row]!);
    }
    this.put(P_BRK);
    this.putNumber(results.brk[row]!);
    this.put(P_END);
  }

  /** The bytes written since the last take (a fresh or recycled buffer is used from now on, so the caller may keep them). */
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.pos);
    this.buf = this.spare ?? new Uint8Array(this.buf.length);
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

  /** Copies a fixed piece (set() is several times faster than a byte loop for pieces of 8–60 bytes). */
  private put(piece: Uint8Array): void {
    this.buf.set(piece, this.pos);
    this.pos += piece.length;
  }

  /** A number as JSON.stringify prints it: integers digit by digit, anything else through JSON.stringify. */
  private putNumber(v: number): void {
    if (v >= 0 && v <= 0x7fffffff && (v | 0) === v) {
      this.putSmall(v);
    } else if (v > 0 && Number.isSafeInteger(v)) {
      const hi = Math.floor(v / 1e9);
      const lo = v - hi * 1e9;
      this.putNumber(hi);
      const b = this.buf;
      let rest = lo;
      for (let p = this.pos + 8; p >= this.pos; p--) {
        b[p] = 0x30 + (rest % 10);
        rest = Math.floor(rest / 10);
      }
      this.pos += 9;
    } else {
      const text = JSON.stringify(v);
      for (let k = 0; k < text.length; k++) this.buf[this.pos++] = text.charCodeAt(k);
    }
  }

  /** 0 ≤ v < 2^31, in decimal, two digits at a time. */
  private putSmall(v: number): void {
    const b = this.buf;
    let p = this.pos + countDigits(v);
    this.pos = p;
    while (v >= 100) {
      const q = (v / 100) | 0;
      const r = (v - q * 100) << 1;
      b[--p] = DIGIT_PAIRS[r + 1]!;
      b[--p] = DIGIT_PAIRS[r]!;
      v = q;
    }
    if (v >= 10) {
      b[--p] = DIGIT_PAIRS[(v << 1) + 1]!;
      b[--p] = DIGIT_PAIRS[v << 1]!;
    } else {
      b[--p] = 0x30 + v;
    }
  }
}

/** "00" "01" … "99" as bytes: pair n at 2n. */
const DIGIT_PAIRS = new Uint8Array(200).map((_, k) => 0x30 + (k % 2 === 0 ? Math.floor(k / 20) : (k >> 1) % 10));

/** Decimal digits of 0 ≤ v < 2^31. */
function countDigits(v: number): number {
  if (v < 1e5) return v < 10 ? 1 : v < 100 ? 2 : v < 1e3 ? 3 : v < 1e4 ? 4 : 5;
  return v < 1e6 ? 6 : v < 1e7 ? 7 : v < 1e8 ? 8 : v < 1e9 ? 9 : 10;
}
