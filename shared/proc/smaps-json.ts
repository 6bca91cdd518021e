// Writes /proc/PID/smaps straight into the UTF-8 JSON text of its mapping list (byte for byte what
// JSON.stringify(parseSmaps(bytes, exe)) prints) with the field totals and VmSize sums, in one pass
// and without building each mapping's fields object. Source of truth: parseSmaps (shared/proc/smaps.ts)
// for what the bytes mean, with its keys (smaps-keys.ts), header parser, classifier, word splitter,
// sum rule (smaps-fields.ts) and VmSize rule (vmsize.ts); JSON.stringify for every JSON value that is
// not an address or a number's digits copied as printed.

import { mappingSizeKb } from '../units.js';
import { CH_COLON, CH_DASH, CH_NL, CH_SPACE, bytesEqualWordsAt, decodeLatin1, encodeAscii, encodeUtf8, findLineEnd, hexDigitValue, packBigEndianWords } from './bytes.js';
import { classifyMapping, type MappingHeaderFields } from './classify.js';
import { parseMappingHeader } from './maps.js';
import { checkEndsWithNewline } from './parse-error.js';
import { parseSmaps, splitSmapsWords } from './smaps.js';
import { SmapsKeyTable, type SmapsKey } from './smaps-keys.js';
import type { Mapping, MappingKind } from './types.js';
import { addVmSizeMapping, type VmSizeSums } from './vmsize.js';

/** What writeSmapsJson made of one smaps text; its VmSizeSums are checkVmSize's for the parsed list (vmsize.ts). */
export interface SmapsJson extends VmSizeSums {
  /** UTF-8 JSON text of the mapping list ("[{…},…]"): the bytes of JSON.stringify(parseSmaps(bytes, exePath)). */
  json: Uint8Array;
  /** Number of mappings in `json`. */
  mappingCount: number;
  /** sumSmapsAmounts of the parsed list (smaps-fields.ts): values and key order. */
  totals: Record<string, number>;
}

/** How writeSmapsJson may use memory. */
export interface SmapsJsonOptions {
  /**
   * Write the JSON over the input bytes already read (the text is shorter than the smaps it comes
   * from) once the reading is 8 KiB ahead, instead of into a buffer of its own: for a 14 MB smaps
   * that spares ~2,500 fresh pages, each a page fault. The input is then lost and `json` aliases
   * it; bytes that turn out to need parseSmaps after that (malformed or irregular: what otherwise
   * throws or returns null) give null, and the file must be read again.
   */
  overwriteInput?: boolean;
}

/** One smaps key, with the JSON text written for it. */
interface JsonKey extends SmapsKey {
  /** `"Name":` as UTF-8. */
  readonly json: Uint8Array;
  /** `"Name":` as big-endian 32-bit words, the last one padded: written 4 bytes at a time. */
  readonly jsonWords: Uint32Array;
  /** `,"Name":` the same way. */
  readonly commaJsonWords: Uint32Array;
  /** jsonWords.length, commaJsonWords.length and `,"Name":`.length, as plain numbers. */
  readonly jsonWordCount: number;
  readonly commaJsonWordCount: number;
  readonly commaJsonLength: number;
}

/** "    " read as one big-endian 32-bit word. */
const FOUR_SPACES = 0x20202020;
const CH_K = 0x6b;
const CH_B = 0x42;
const CH_ZERO = 0x30;
const CH_COMMA = 0x2c;
const CH_LBRACKET = 0x5b;
const CH_RBRACKET = 0x5d;
const CH_RBRACE = 0x7d;
/** The most digits copied as they are: up to 15 every digit string is exactly the number parseSmaps reads. */
const MAX_COPIED_DIGITS = 15;
/** Room for a field's value and separators beyond its key's JSON: a number's text is at most 24 bytes. */
const FIELD_ROOM_BYTES = 40;
/** Room for `,{"start":"` and `","end":"` beyond the addresses' digits. */
const HEADER_ROOM_BYTES = 32;

/**
 * A mapping's JSON starts with its addresses, copied from the bytes (parseMappingHeader's `start` and
 * `end` are the hex digits as printed), and ends with its fields; what lies between is JSON.stringify's
 * text of the rest of the header (headerTailJson).
 */
const HEAD_START = encodeAscii('{"start":"');
const HEAD_END = encodeAscii('","end":"');
const EMPTY = new Uint8Array(0);
const HEAD_START_WORDS = packBigEndianWords(HEAD_START);
const HEAD_END_WORDS = packBigEndianWords(HEAD_END);
/** Value of each lowercase hex digit byte, -1 for every other byte (as hexDigitValue, without a call per byte). */
const HEX_VALUE = Int8Array.from({ length: 256 }, (_, b) => hexDigitValue(b));
/**
 * With overwriteInput, how far the reading must be ahead of the text before the text moves over
 * the input: room for a mapping's fields (~2 KB) and more. Small, so that the move comes within
 * the first few dozen mappings, before V8 compiles the hot code (code compiled before the move
 * has never seen it, and V8 would throw it away when it comes).
 */
const OVERWRITE_LAG_BYTES = 8 * 1024;
/** What SmapsJsonWriter.startMapping did with a line. */
const WRITTEN = 0;
const NOT_A_HEADER = 1;
const REFUSED = 2;
/** Header tails kept for reuse (a process's mappings repeat a handful of them). */
const HEADER_TAIL_CACHE_SIZE = 8;

/**
 * Writes the mapping list of /proc/PID/smaps as JSON, reading the bytes once: each mapping's
 * header (parsed and classified exactly as parseSmaps does), its `kind`, and its fields under the
 * kernel's names, numbers copied as their digits and word lists (VmFlags) as arrays of strings;
 * the rest of a header and each word list is JSON.stringify's text of what parseMappingHeader and
 * splitSmapsWords make of the bytes, kept and reused while the same bytes repeat. The totals and
 * the VmSize sums are taken in the same pass.
 *
 * Returns null when the bytes are valid smaps whose parsed object this writer does not reproduce
 * (one mapping printing a key twice, a key made of digits only, which a JS object would move first,
 * or an end address below its start): the caller then uses parseSmaps. Malformed bytes throw the
 * ProcParseError parseSmaps throws for them, naming the same line (see options.overwriteInput).
 * @param exePath readlink(/proc/PID/exe), for text/data/bss; null when unknown
 */
export function writeSmapsJson(input: Uint8Array, exePath: string | null = null, options: SmapsJsonOptions = {}): SmapsJson | null {
  // A plain Uint8Array view: a Node Buffer's own indexOf/subarray are much slower per call.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  checkEndsWithNewline(bytes, 'smaps');
  const writer = new SmapsJsonWriter(bytes, exePath, options.overwriteInput === true);
  // Most lines are "Key:   N kB" with the key the previous mapping had at the same place, or a
  // VmFlags line like one already met: a small loop takes runs of those. Headers take a short path
  // when their tail was met before; writeLine takes every other line. In a one-shot CLI run most of
  // the time goes by before V8 has compiled the hot code, so the hot functions are kept small.
  while (writer.p < bytes.length) {
    writeKnownFields(writer);
    const p = writer.p;
    if (p >= bytes.length) break;
    // A header starts with a lower-case hex digit; field keys start with a letter, most upper-case.
    const header = HEX_VALUE[bytes[p]!]! >= 0 ? writer.startMapping() : NOT_A_HEADER;
    if (header === NOT_A_HEADER ? !writer.writeLine() : header === REFUSED) return writer.inputLost ? null : delegate(bytes, exePath);
  }
  return writer.finish() ?? (writer.inputLost ? null : delegate(bytes, exePath));
}

/**
 * For bytes the fast path leaves to parseSmaps: parseSmaps throws its ProcParseError when they are
 * malformed; otherwise they are valid and null tells the caller to use parseSmaps' objects.
 */
function delegate(bytes: Uint8Array, exePath: string | null): null {
  parseSmaps(bytes, exePath);
  return null;
}

/**
 * Writes the run of field lines at writer.p whose key is the one keyOrder predicts at that
 * position and whose value is either "N kB", "N" or "N " (N at most 15 digits without a leading
 * zero: the digits are copied, as writeLine would) or a word list byte for byte one kept for that
 * position (its JSON is copied). Stops, having written nothing for it, at the first other line.
 * (Kept small: in a one-shot CLI run, how soon V8 has compiled this loop decides most of the time.)
 */
function writeKnownFields(writer: SmapsJsonWriter): void {
  const keyOrder = writer.keyOrder;
  let fieldCount = writer.fieldCount;
  if (writer.mappingIndex < 0 || fieldCount >= keyOrder.length) return;
  writer.makeFieldRoom(keyOrder.length - fieldCount);
  const bytes = writer.bytes;
  const view = writer.view;
  const length = bytes.length;
  const out = writer.out;
  const outView = writer.outView;
  const numbers = writer.numbers;
  const isNumber = writer.isNumber;
  const keptWords = writer.wordsByPosition;
  let p = writer.p;
  let pos = writer.pos;
  while (fieldCount < keyOrder.length) {
    const key = keyOrder[fieldCount]!;
    const keyLength = key.length;
    if (bytes[p + keyLength] !== CH_COLON) break;
    // bytesEqualWordsAt, written out: until V8 has compiled this loop, each call is dear.
    const keyWords = key.words;
    const fullWords = keyLength >> 2;
    let i = 0;
    while (i < fullWords && view.getUint32(p + 4 * i) === keyWords[i]) i++;
    if (i < fullWords) break;
    const keyBytes = key.bytes;
    i <<= 2;
    while (i < keyLength && bytes[p + i] === keyBytes[i]) i++;
    if (i < keyLength) break;
    // The kernel pads keys to 16 columns and numbers to 8, so most of a line is spaces: skip 4 at a time.
    let v = p + keyLength + 1;
    while (v + 4 <= length && view.getUint32(v) === FOUR_SPACES) v += 4;
    while (v < length && bytes[v] === CH_SPACE) v++;
    let q = v;
    let n = 0;
    for (; q < length; q++) {
      const d = bytes[q]! - CH_ZERO;
      if (d < 0 || d > 9) break;
      n = n * 10 + d;
    }
    const digitCount = q - v;
    let words: WordsText | undefined;
    let next: number;
    if (digitCount === 0) {
      // A word list (VmFlags) byte for byte one of the two last kept for this position: its JSON is copied.
      words = keptWords[2 * fieldCount];
      if (words === undefined) break;
      if (!bytesEqualWordsAt(view, v, words.raw, words.rawWords)) {
        words = keptWords[2 * fieldCount + 1];
        if (words === undefined || !bytesEqualWordsAt(view, v, words.raw, words.rawWords)) break;
      }
      next = v + words.raw.length;
    } else {
      if (digitCount > MAX_COPIED_DIGITS || (bytes[v] === CH_ZERO && digitCount > 1)) break;
      if (bytes[q] === CH_NL) next = q + 1; // bare number: "THPeligible:    0"
      else if (bytes[q] !== CH_SPACE) break;
      else if (bytes[q + 1] === CH_K && bytes[q + 2] === CH_B && bytes[q + 3] === CH_NL) next = q + 4; // "N kB"
      else if (bytes[q + 1] === CH_NL) next = q + 2; // "N "
      else break;
    }
    // `,"Key":` 4 bytes at a time; the padding after it is overwritten by the digits. (Lengths are
    // plain numbers on the key: a typed array's length is dearer to read in V8.)
    if (fieldCount > 0) {
      const keyJson = key.commaJsonWords;
      for (let w = 0; w < key.commaJsonWordCount; w++) outView.setUint32(pos + 4 * w, keyJson[w]!);
      pos += key.commaJsonLength;
    } else {
      const keyJson = key.jsonWords;
      for (let w = 0; w < key.jsonWordCount; w++) outView.setUint32(pos + 4 * w, keyJson[w]!);
      pos += key.commaJsonLength - 1;
    }
    if (words === undefined) {
      while (v < q) out[pos++] = bytes[v++]!;
      numbers[fieldCount] = n;
      isNumber[fieldCount] = 1;
    } else {
      out.set(words.json, pos);
      pos += words.jsonLength;
      isNumber[fieldCount] = 0;
    }
    fieldCount++;
    p = next;
  }
  writer.p = p;
  writer.pos = pos;
  writer.fieldCount = fieldCount;
}

/** A word-list value as printed (from its first word to its '\n' included) and the JSON written for it. */
interface WordsText {
  readonly raw: Uint8Array;
  readonly rawWords: Uint32Array;
  readonly json: Uint8Array;
  /** json.length, as a plain number. */
  readonly jsonLength: number;
}

/**
 * A header's bytes after the end address (to its '\n' included) at a given column, the Mapping
 * parseMappingHeader made of the line they were first met in, and headerTailJson's text for `kind`.
 * The same bytes at the same column always parse to the same fields but the addresses (the path's
 * padding is counted from the start of the line).
 */
interface HeaderTail {
  readonly column: number;
  readonly raw: Uint8Array;
  readonly rawWords: Uint32Array;
  readonly mapping: Mapping;
  /** The kind `json` was written for; '' before the first use. */
  kind: MappingKind | '';
  json: Uint8Array;
}

/**
 * What classifyMapping reads of a header whose bytes after the end address are a kept HeaderTail's:
 * start and end are made into strings, from the JSON text they were copied to, only when read
 * (classifyMapping reads them only next to the executable's mappings).
 */
class LazyHeader implements MappingHeaderFields {
  perms = '';
  path = '';
  private readonly writer: SmapsJsonWriter;
  private startAt = 0;
  private startLength = 0;
  private endAt = 0;
  private endLength = 0;

  /** @param writer whose text holds the addresses (where they were written in the JSON) */
  constructor(writer: SmapsJsonWriter) {
    this.writer = writer;
  }

  get start(): string {
    return decodeLatin1(this.writer.out, this.startAt, this.startAt + this.startLength);
  }

  get end(): string {
    return decodeLatin1(this.writer.out, this.endAt, this.endAt + this.endLength);
  }

  /** Becomes the header whose addresses are the writer's out[startAt, +startLength) and out[endAt, +endLength), then `tail`. */
  set(startAt: number, startLength: number, endAt: number, endLength: number, tail: HeaderTail): void {
    this.startAt = startAt;
    this.startLength = startLength;
    this.endAt = endAt;
    this.endLength = endLength;
    this.perms = tail.mapping.perms;
    this.path = tail.mapping.path;
  }
}

/**
 * The state of one writeSmapsJson call, and every line writeKnownFields leaves: mapping headers,
 * keys met for the first time, new word lists, and numbers it does not copy. Also the totals, by
 * addSmapsAmounts' rule (smaps-fields.ts) on each mapping's fields as printed: every number of an
 * additive key, keys in the order they were first added.
 *
 * Invariants: out[0, pos) is the JSON written so far; fields [0, fieldCount) of the current
 * mapping are written and their values are in numbers/isNumber; keyOrder[0, verifiedLength)
 * holds no key twice (by id, so by name); sumsById[id] is the total of keys.nameOf(id), in
 * totalsOrder when summedById[id] is 1.
 */
class SmapsJsonWriter {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** Start of the next line to read. */
  p = 0;
  out: Uint8Array;
  /** A DataView of out, for 4-byte writes. */
  outView: DataView;
  pos = 0;
  /** -1 before the first header. */
  mappingIndex = -1;
  /** True once JSON has been written over input bytes (parseSmaps can no longer be given them). */
  inputLost = false;
  /** Fields written for the current mapping. */
  fieldCount = 0;
  /** The keys of the mapping being read, by position; they stay as the prediction for the next mapping. */
  readonly keyOrder: JsonKey[] = [];
  /** Per field position of the current mapping: its number, and 1 when it is a number (0: a word list). */
  numbers = new Float64Array(64);
  isNumber = new Uint8Array(64);
  private readonly exePath: string | null;
  private readonly overwriteInput: boolean;
  /** out is the input itself: out[0, pos) lies in bytes already read (pos ≤ p). */
  private overInput = false;
  /** How far the text may run past p: 0 over the input (p is where its unread bytes start), else Infinity. */
  private readSlackBytes = Infinity;
  /** The longest `,"Key":` of any key in `keys`. */
  private jsonMaxBytes = 0;
  /** The field table's keys and those met in this text, with their JSON. */
  private readonly keys: SmapsKeyTable<JsonKey>;
  /** The last two word lists written at each field position (VmFlags alternates between a few): [2i], [2i + 1]. */
  readonly wordsByPosition: (WordsText | undefined)[] = [];
  /** The longest JSON in wordsByPosition. */
  private wordsJsonMaxBytes = 0;
  /** Header tails, most recently used first. */
  private readonly tails: HeaderTail[] = [];
  private readonly headers: [LazyHeader, LazyHeader];
  /** The mapping before the current one, for classifyMapping. */
  private prev: MappingHeaderFields | undefined = undefined;
  private firstFieldCount = -1;
  private readonly sizes: VmSizeSums = { sumKb: 0, vsyscallKb: 0 };
  private verifiedLength = 0;
  private stampById = new Int32Array(64);
  private stamp = 0;
  private sumsById = new Float64Array(64);
  private summedById = new Uint8Array(64);
  private readonly totalsOrder: number[] = [];

  constructor(bytes: Uint8Array, exePath: string | null, overwriteInput: boolean) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.exePath = exePath;
    this.keys = new SmapsKeyTable((key) => {
      const jsonKey = makeJsonKey(key);
      this.jsonMaxBytes = Math.max(this.jsonMaxBytes, jsonKey.commaJsonLength);
      return jsonKey;
    });
    this.headers = [new LazyHeader(this), new LazyHeader(this)];
    this.overwriteInput = overwriteInput;
    // The JSON is smaller than the smaps text for every process seen (the kernel pads with spaces);
    // pages of a large buffer that are never written cost nothing, and growth covers the rest.
    // Over the input, only the text written before the reading is far enough ahead needs a place.
    this.out = new Uint8Array(overwriteInput ? 4 * OVERWRITE_LAG_BYTES : bytes.length + 4096);
    this.outView = new DataView(this.out.buffer);
    this.out[this.pos++] = CH_LBRACKET;
    this.storeEveryKindOfValue();
  }

  /**
   * Gives every field that changes later a second kind of value now. V8 compiles code that reads
   * a field on the assumption that it keeps the value (or kind of value) it has had so far, and
   * throws that code away when a store breaks the assumption; a store in the middle of the run
   * (the text moving over the input, `prev` first holding a Mapping) came while the hot loop was
   * being compiled and cost that whole compilation. Made here, such stores cost nothing.
   */
  private storeEveryKindOfValue(): void {
    const out = this.out;
    const outView = this.outView;
    this.out = this.bytes;
    this.outView = this.view;
    this.out = out;
    this.outView = outView;
    this.overInput = !this.overInput;
    this.overInput = false;
    this.readSlackBytes = 0;
    this.readSlackBytes = Infinity;
    this.inputLost = !this.inputLost;
    this.inputLost = false;
    this.prev = this.headers[0];
    this.prev = undefined;
    this.numbers = new Float64Array(this.numbers.length);
    this.isNumber = new Uint8Array(this.isNumber.length);
  }

  /** Makes room in out and in the per-field arrays for `count` more fields written by writeKnownFields. */
  makeFieldRoom(count: number): void {
    this.ensureRoom(count * (this.jsonMaxBytes + Math.max(FIELD_ROOM_BYTES, this.wordsJsonMaxBytes)));
    while (this.numbers.length < this.fieldCount + count) this.growFields();
  }

  /** Writes the field line at p, whatever it holds; false when the bytes must go to parseSmaps. */
  writeLine(): boolean {
    const bytes = this.bytes;
    const p = this.p;
    if (this.mappingIndex < 0) return false; // a field line before any header

    // Key: first the key the previous mapping had at this position.
    let key = this.keyOrder[this.fieldCount];
    if (key === undefined || bytes[p + key.length] !== CH_COLON || !bytesEqualWordsAt(this.view, p, key.bytes, key.words)) {
      const found = this.lookUpKeyAt(p);
      if (found === null) return false;
      key = found;
    }
    if (this.fieldCount === this.numbers.length) this.growFields();
    const out = this.ensureRoom(key.json.length + 1 + FIELD_ROOM_BYTES);
    if (this.fieldCount > 0) out[this.pos++] = CH_COMMA;
    this.pos = writeBytes(out, this.pos, key.json);

    // Value: "   N kB\n" and "   N\n" are numbers; anything else is its words, as parseSmaps reads them.
    // (Tabs are not skipped: the kernel pads smaps with spaces; a tab sends the value to its words.)
    const length = bytes.length;
    let v = p + key.length + 1;
    while (v < length && bytes[v] === CH_SPACE) v++;
    let q = v;
    let n = 0;
    for (; q < length; q++) {
      const d = bytes[q]! - CH_ZERO;
      if (d < 0 || d > 9) break;
      n = n * 10 + d;
    }
    let next = -1;
    if (q > v && q < length) {
      const after = bytes[q];
      if (after === CH_NL) {
        next = q + 1;
      } else if (after === CH_SPACE) {
        if (bytes[q + 1] === CH_K && bytes[q + 2] === CH_B && bytes[q + 3] === CH_NL) next = q + 4;
        else if (bytes[q + 1] === CH_NL) next = q + 2;
      }
    }
    if (next >= 0) {
      if (q - v <= MAX_COPIED_DIGITS && (bytes[v] !== CH_ZERO || q - v === 1)) {
        while (v < q) out[this.pos++] = bytes[v++]!;
      } else {
        this.pos = writeAscii(out, this.pos, JSON.stringify(n)); // "007" is 7; from 16 digits on, what the parser's double holds
      }
      this.numbers[this.fieldCount] = n;
      this.isNumber[this.fieldCount] = 1;
      this.p = next;
    } else {
      const lineEnd = findLineEnd(bytes, v);
      const json = encodeUtf8(JSON.stringify(splitSmapsWords(bytes, v, lineEnd)));
      this.ensureRoom(json.length).set(json, this.pos);
      this.pos += json.length;
      this.keepWords(v, lineEnd, json);
      this.isNumber[this.fieldCount] = 0;
      this.p = lineEnd + 1;
    }
    this.fieldCount++;
    return true;
  }

  /** Ends the last mapping and returns the result, or null when the bytes must go to parseSmaps. */
  finish(): SmapsJson | null {
    if (this.mappingIndex >= 0) {
      // parseSmaps: the last mapping printing fewer fields than the first is a cut file.
      if (this.mappingIndex > 0 && this.fieldCount < this.firstFieldCount) return null;
      if (!this.endMapping()) return null;
    }
    const out = this.ensureRoom(1);
    out[this.pos++] = CH_RBRACKET;
    const totals: Record<string, number> = {};
    for (const id of this.totalsOrder) totals[this.keys.nameOf(id)] = this.sumsById[id]!;
    const { sumKb, vsyscallKb } = this.sizes;
    return { json: out.subarray(0, this.pos), mappingCount: this.mappingIndex + 1, totals, sumKb, vsyscallKb };
  }

  /** Keeps the word list bytes[v, lineEnd] and its JSON as the newest of the two for field position fieldCount. */
  private keepWords(v: number, lineEnd: number, json: Uint8Array): void {
    const raw = this.bytes.slice(v, lineEnd + 1);
    const k = 2 * this.fieldCount;
    this.wordsByPosition[k + 1] = this.wordsByPosition[k];
    this.wordsByPosition[k] = { raw, rawWords: packBigEndianWords(raw), json, jsonLength: json.length };
    this.wordsJsonMaxBytes = Math.max(this.wordsJsonMaxBytes, json.length);
  }

  /**
   * When the line at p is a mapping header ("start-end …": hex digits, '-', as isHeaderLine in
   * parseSmaps), ends the previous mapping and writes the header: WRITTEN; NOT_A_HEADER (nothing
   * done) for a field line that starts with a hex digit; REFUSED when the bytes must go to parseSmaps.
   */
  startMapping(): number {
    const bytes = this.bytes;
    const lineStart = this.p;
    // "start-end", each address's value kept in two parts (the last 6 digits, and the others) that
    // V8 keeps as small integers even before it compiles this; exact up to 13 digits.
    let q = lineStart;
    let startHigh = 0;
    let startLow = 0;
    for (let d = HEX_VALUE[bytes[q]!]!; d >= 0; d = HEX_VALUE[bytes[++q]!]!) {
      startHigh = startHigh * 16 + (startLow >>> 20);
      startLow = ((startLow & 0xfffff) << 4) | d;
    }
    const startEnd = q;
    if (startEnd === lineStart || bytes[q] !== CH_DASH) return NOT_A_HEADER;
    const endStart = ++q;
    let endHigh = 0;
    let endLow = 0;
    for (let d = q < bytes.length ? HEX_VALUE[bytes[q]!]! : -1; d >= 0; d = ++q < bytes.length ? HEX_VALUE[bytes[q]!]! : -1) {
      endHigh = endHigh * 16 + (endLow >>> 20);
      endLow = ((endLow & 0xfffff) << 4) | d;
    }
    const endEnd = q;
    if (this.mappingIndex >= 0) {
      if (!this.endMapping()) return REFUSED;
      if (this.mappingIndex === 0) this.firstFieldCount = this.fieldCount;
    }
    const column = endEnd - lineStart;

    // `{"start":"…","end":"…` does not depend on the kind: written first, it is also where a
    // LazyHeader reads its addresses from (the line itself may soon be overwritten).
    this.moveOverInput();
    const out = this.ensureRoom(1 + HEADER_ROOM_BYTES + column);
    const outView = this.outView;
    let pos = this.pos;
    if (this.mappingIndex >= 0) out[pos++] = CH_COMMA;
    writeWordsAt(outView, pos, HEAD_START_WORDS);
    pos += HEAD_START.length;
    const startAt = pos;
    for (let i = lineStart; i < startEnd; i++) out[pos++] = bytes[i]!;
    writeWordsAt(outView, pos, HEAD_END_WORDS);
    pos += HEAD_END.length;
    const endAt = pos;
    for (let i = endStart; i < endEnd; i++) out[pos++] = bytes[i]!;
    this.pos = pos;

    let tail = endEnd > endStart ? this.findTail(endEnd, column) : null;
    let m: MappingHeaderFields;
    if (tail !== null) {
      // No object and no strings per mapping: a header seen before is one of two reused LazyHeaders
      // (two, because classifyMapping compares a mapping with the one before it).
      const lazy = this.prev === this.headers[0] ? this.headers[1] : this.headers[0];
      lazy.set(startAt, startEnd - lineStart, endAt, endEnd - endStart, tail);
      m = lazy;
    } else {
      tail = this.readNewTail(lineStart, endEnd);
      if (tail === null) return REFUSED;
      m = tail.mapping; // parsed from this very line: its own addresses
    }
    const kind = classifyMapping(m, this.exePath, this.prev);
    this.prev = m;
    this.mappingIndex++;
    let sizeKb: number;
    if (startEnd - lineStart <= 13 && endEnd - endStart <= 13) {
      const below = endHigh < startHigh || (endHigh === startHigh && endLow < startLow);
      sizeKb = below ? -1 : ((endHigh - startHigh) * 0x1000000 + (endLow - startLow)) / 1024;
    } else {
      sizeKb = sizeKbOf(m);
    }
    if (sizeKb < 0) return REFUSED; // end below start: mappingSizeKb throws, where the object path always did
    addVmSizeMapping(this.sizes, m.path, sizeKb);

    // `","perms":"…",…,"smaps":{`, kept with the tail for the kind it was written for.
    if (tail.kind !== kind) {
      const json = headerTailJson(tail.mapping, kind);
      if (json === null) return REFUSED;
      tail.kind = kind;
      tail.json = json;
    }
    this.ensureRoom(tail.json.length).set(tail.json, this.pos);
    this.pos += tail.json.length;
    this.fieldCount = 0;
    this.p = endEnd + tail.raw.length;
    return WRITTEN;
  }

  /**
   * Parses a header whose tail (the bytes from `at` to its '\n') is not kept yet and keeps it, with
   * the Mapping; null when parseMappingHeader refuses the line.
   */
  private readNewTail(lineStart: number, at: number): HeaderTail | null {
    const lineEnd = findLineEnd(this.bytes, lineStart);
    let parsed: Mapping;
    try {
      parsed = parseMappingHeader(this.bytes, lineStart, lineEnd, 0, 'smaps');
    } catch {
      return null; // parseSmaps throws the same error, with the line number
    }
    return this.keepTail(at, lineEnd, at - lineStart, parsed);
  }

  /** The kept tail whose bytes are at `at` (to the line's end) at the same column, moved to the front; or null. */
  private findTail(at: number, column: number): HeaderTail | null {
    const tails = this.tails;
    for (let i = 0; i < tails.length; i++) {
      const tail = tails[i]!;
      if (tail.column !== column || !bytesEqualWordsAt(this.view, at, tail.raw, tail.rawWords)) continue;
      for (let j = i; j > 0; j--) tails[j] = tails[j - 1]!;
      tails[0] = tail;
      return tail;
    }
    return null;
  }

  /** Keeps the tail bytes[at, lineEnd] that parseMappingHeader read as m. */
  private keepTail(at: number, lineEnd: number, column: number, m: Mapping): HeaderTail {
    const raw = this.bytes.slice(at, lineEnd + 1);
    const tail: HeaderTail = { column, raw, rawWords: packBigEndianWords(raw), mapping: m, kind: '', json: EMPTY };
    if (this.tails.length === HEADER_TAIL_CACHE_SIZE) this.tails.pop();
    this.tails.unshift(tail);
    return tail;
  }

  /** The key at lineStart (up to the first ':'), now keyOrder[fieldCount]; null when the bytes must go to parseSmaps. */
  private lookUpKeyAt(lineStart: number): JsonKey | null {
    const bytes = this.bytes;
    let colon = lineStart;
    while (colon < bytes.length && bytes[colon] !== CH_COLON && bytes[colon] !== CH_NL) colon++;
    if (colon >= bytes.length || bytes[colon] !== CH_COLON || colon === lineStart) return null; // not "Key: value"
    const key = this.keys.lookUp(bytes, this.view, lineStart, colon - lineStart);
    // parseSmaps refuses "__proto__"; a canonical array index ("123") would be enumerated before the other keys.
    if (key.name === '__proto__' || /^[0-9]+$/.test(key.name)) return null;
    if (key.id >= this.stampById.length) this.growIds(key.id);
    this.keyOrder[this.fieldCount] = key;
    if (this.fieldCount < this.verifiedLength) this.verifiedLength = this.fieldCount;
    // Word lists kept for this position belong to the key that was there.
    this.wordsByPosition[2 * this.fieldCount] = undefined;
    this.wordsByPosition[2 * this.fieldCount + 1] = undefined;
    return key;
  }

  /** Closes the current mapping's JSON and adds it to the totals; false when it printed a key twice. */
  private endMapping(): boolean {
    const fieldCount = this.fieldCount;
    if (fieldCount > this.verifiedLength && !this.checkDistinctKeys(fieldCount)) return false;
    const out = this.ensureRoom(2);
    out[this.pos++] = CH_RBRACE;
    out[this.pos++] = CH_RBRACE;
    // addSmapsAmounts on the fields as the parsed object holds them (its keys in print order, each once).
    const keyOrder = this.keyOrder;
    const numbers = this.numbers;
    const isNumber = this.isNumber;
    const sums = this.sumsById;
    for (let i = 0; i < fieldCount; i++) {
      const key = keyOrder[i]!;
      if (isNumber[i] !== 1 || !key.additive) continue;
      const id = key.id;
      if (this.summedById[id] === 0) {
        this.summedById[id] = 1;
        this.totalsOrder.push(id);
      }
      sums[id] = sums[id]! + numbers[i]!;
    }
    return true;
  }

  /**
   * False when keyOrder[0, fieldCount) holds a key twice (the same property twice in one object
   * keeps its first place and last value: not reproduced here).
   */
  private checkDistinctKeys(fieldCount: number): boolean {
    const stamp = ++this.stamp;
    for (let i = 0; i < fieldCount; i++) {
      const id = this.keyOrder[i]!.id;
      if (this.stampById[id] === stamp) return false;
      this.stampById[id] = stamp;
    }
    this.verifiedLength = fieldCount;
    return true;
  }

  /**
   * Makes room for `need` more bytes after pos; returns the (maybe new) buffer. Over the input,
   * room is what lies before the line being read (p); when the text would overtake it, the text
   * moves to a buffer of its own.
   */
  private ensureRoom(need: number): Uint8Array {
    // One test for both places, so its reads have run from the first call on: code V8 compiled before the
    // text moved over the input had never run a test of its own for that place, and was thrown away there.
    if (this.pos + need <= Math.min(this.out.length, this.p + this.readSlackBytes)) return this.out;
    if (this.overInput) {
      this.overInput = false;
      this.readSlackBytes = Infinity;
      this.moveText(new Uint8Array(Math.max(2 * (this.pos + need), 64 * 1024)));
    } else if (this.pos + need > this.out.length) {
      let size = this.out.length * 2;
      while (size < this.pos + need) size *= 2;
      this.moveText(new Uint8Array(size));
    }
    return this.out;
  }

  /**
   * With overwriteInput, moves the text written so far over the input once the input read is
   * OVERWRITE_LAG_BYTES ahead of it (the text then stays behind: each mapping's text is shorter
   * than its smaps, and should it catch up, ensureRoom moves it away again).
   */
  private moveOverInput(): void {
    if (!this.overwriteInput || this.inputLost || this.pos + OVERWRITE_LAG_BYTES > this.p) return;
    this.bytes.set(this.out.subarray(0, this.pos));
    this.out = this.bytes;
    this.outView = this.view;
    this.overInput = true;
    this.readSlackBytes = 0;
    this.inputLost = true;
  }

  /** Continues the text in `to`. */
  private moveText(to: Uint8Array): void {
    to.set(this.out.subarray(0, this.pos));
    this.out = to;
    this.outView = new DataView(to.buffer, to.byteOffset, to.byteLength);
  }

  /** Doubles the per-field arrays (a mapping printing more than 64 fields). */
  private growFields(): void {
    const numbers = new Float64Array(this.numbers.length * 2);
    numbers.set(this.numbers);
    const isNumber = new Uint8Array(this.isNumber.length * 2);
    isNumber.set(this.isNumber);
    this.numbers = numbers;
    this.isNumber = isNumber;
  }

  private growIds(id: number): void {
    const size = Math.max(id + 1, this.stampById.length * 2);
    const stamps = new Int32Array(size);
    stamps.set(this.stampById);
    this.stampById = stamps;
    const sums = new Float64Array(size);
    sums.set(this.sumsById);
    this.sumsById = sums;
    const summed = new Uint8Array(size);
    summed.set(this.summedById);
    this.summedById = summed;
  }
}

/** mappingSizeKb(m.start, m.end), or -1 where it throws (end below start). */
function sizeKbOf(m: MappingHeaderFields): number {
  try {
    return mappingSizeKb(m.start, m.end);
  } catch {
    return -1;
  }
}

/**
 * `","perms":"…",…,"kind":"KIND","smaps":{`: what JSON.stringify writes for m between its end address
 * and its fields, with `kind` for its kind; null when m's first keys are not start and end (the text
 * written from the bytes would not be JSON.stringify's).
 */
function headerTailJson(m: Mapping, kind: MappingKind): Uint8Array | null {
  const names = Object.keys(m);
  if (names[0] !== 'start' || names[1] !== 'end' || names.includes('smaps')) return null;
  const { start: _start, end: _end, ...rest } = m;
  const text = JSON.stringify({ ...rest, kind });
  // `{"perms":…}` → `","perms":…,"smaps":{`: closes the end address's string, opens the fields.
  return encodeUtf8(`",${text.slice(1, -1)},"smaps":{`);
}

/** Writes words big-endian from `pos` (the padding of the last one is overwritten by what follows). */
function writeWordsAt(view: DataView, pos: number, words: Uint32Array): void {
  for (let i = 0; i < words.length; i++) view.setUint32(pos + 4 * i, words[i]!);
}

function writeBytes(out: Uint8Array, pos: number, text: Uint8Array): number {
  for (let i = 0; i < text.length; i++) out[pos++] = text[i]!;
  return pos;
}

/** Copies an ASCII string (JSON.stringify's text of a number). */
function writeAscii(out: Uint8Array, pos: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[pos++] = text.charCodeAt(i);
  return pos;
}

/**
 * A key's entry with its JSON, `"name":` as JSON.stringify writes the name. Written out property by
 * property: V8 gives the fields of an object made by spreading ({ ...key }) no known type, and
 * writeKnownFields' reads of key.words and key.commaJsonWords then took twice as long.
 */
function makeJsonKey(key: SmapsKey): JsonKey {
  const commaJson = encodeUtf8(`,${JSON.stringify(key.name)}:`);
  const json = commaJson.slice(1);
  const jsonWords = packBigEndianWords(json);
  const commaJsonWords = packBigEndianWords(commaJson);
  return {
    name: key.name,
    bytes: key.bytes,
    length: key.length,
    words: key.words,
    id: key.id,
    additive: key.additive,
    json,
    jsonWords,
    commaJsonWords,
    jsonWordCount: jsonWords.length,
    commaJsonWordCount: commaJsonWords.length,
    commaJsonLength: commaJson.length,
  };
}
