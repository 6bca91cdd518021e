// Writes /proc/PID/smaps straight into the UTF-8 JSON text of its mapping list (byte for byte what
// JSON.stringify(parseSmaps(bytes, exe)) prints) with the field totals and VmSize sums, in one pass
// and without building each mapping's fields object. Source of truth: parseSmaps (shared/proc/smaps.ts)
// for what the bytes mean; ECMA-262 JSON.stringify (QuoteJSONString) and RFC 8259 §7 for the text.

import { mappingSizeKb } from '../units.js';
import {
  CH_COLON,
  CH_DASH,
  CH_NL,
  CH_SPACE,
  CH_TAB,
  bytesEqualWordsAt,
  decodeLatin1,
  decodeUtf8,
  encodeAscii,
  findLineEnd,
  hexDigitValue,
  packBigEndianWords,
} from './bytes.js';
import { classifyMapping } from './classify.js';
import { NON_ADDITIVE_SMAPS_FIELDS } from './group.js';
import { parseMappingHeader } from './maps.js';
import { checkEndsWithNewline } from './parse-error.js';
import { KNOWN_SMAPS_KEYS, parseSmaps } from './smaps.js';
import type { Mapping, MappingKind } from './types.js';

/** What writeSmapsJson made of one smaps text. */
export interface SmapsJson {
  /** UTF-8 JSON text of the mapping list ("[{…},…]"): the bytes of JSON.stringify(parseSmaps(bytes, exePath)). */
  json: Uint8Array;
  /** Number of mappings in `json`. */
  mappingCount: number;
  /**
   * Every additive numeric field summed over the mappings, under the kernel's names and in the
   * order sumSmapsFields (electron/host/mappings-reader.ts) gives for the parsed list: fields in
   * NON_ADDITIVE_SMAPS_FIELDS and word lists (VmFlags) are left out.
   */
  totals: Record<string, number>;
  /** Σ (end − start) over the mappings except [vsyscall], kB: checkVmSize's sumKb (shared/proc/vmsize.ts). */
  sumKb: number;
  /** Size of [vsyscall] (0 when absent), kB: checkVmSize's vsyscallKb. */
  vsyscallKb: number;
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
interface JsonKey {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** bytes.length */
  readonly length: number;
  /** The key's bytes as big-endian 32-bit words, the last one zero-padded: compared 4 bytes at a time. */
  readonly words: Uint32Array;
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
  /** Same id ⇔ same name (so ⇔ the same property of the parsed object): 0… for KNOWN_SMAPS_KEYS, then per call. */
  readonly id: number;
  /** Summed into the totals when its value is a number (not in NON_ADDITIVE_SMAPS_FIELDS). */
  readonly additive: boolean;
}

/** "    " read as one big-endian 32-bit word. */
const FOUR_SPACES = 0x20202020;
const CH_K = 0x6b;
const CH_B = 0x42;
const CH_ZERO = 0x30;
const CH_QUOTE = 0x22;
const CH_BACKSLASH = 0x5c;
const CH_COMMA = 0x2c;
const CH_LBRACKET = 0x5b;
const CH_RBRACKET = 0x5d;
const CH_RBRACE = 0x7d;
/** The most digits copied as they are: up to 15 every digit string is exactly the number parseSmaps reads. */
const MAX_COPIED_DIGITS = 15;
/** Room for a field's value and separators beyond its key's JSON: a number's text is at most 24 bytes. */
const FIELD_ROOM_BYTES = 40;
/** Room for a header line beyond 6 output bytes per input byte (the worst JSON escape, \u00XX). */
const HEADER_ROOM_BYTES = 256;

const HEAD_START = encodeAscii('{"start":"');
const HEAD_END = encodeAscii('","end":"');
const HEAD_PERMS = encodeAscii('","perms":"');
const HEAD_OFFSET = encodeAscii('","offset":"');
const HEAD_DEV = encodeAscii('","dev":"');
const HEAD_INODE = encodeAscii('","inode":');
const HEAD_PATH = encodeAscii(',"path":');
const NULL_TEXT = encodeAscii('null');
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
/** `,"kind":"KIND","smaps":{` for each kind, filled on first use. */
const KIND_TEXT = new Map<MappingKind, Uint8Array>();

/** Known keys by byte length, ids 0 … KNOWN_SMAPS_KEYS.length − 1. */
const KNOWN_KEYS_BY_LENGTH = new Map<number, JsonKey[]>();
/** The longest `,"Key":` of a known key. */
let knownJsonMaxBytes = 0;
for (const [id, name] of KNOWN_SMAPS_KEYS.entries()) {
  const key = makeJsonKey(name, encodeAscii(name), id);
  const list = KNOWN_KEYS_BY_LENGTH.get(key.length);
  if (list === undefined) KNOWN_KEYS_BY_LENGTH.set(key.length, [key]);
  else list.push(key);
  knownJsonMaxBytes = Math.max(knownJsonMaxBytes, key.json.length + 1);
}

/**
 * Writes the mapping list of /proc/PID/smaps as JSON, reading the bytes once: each mapping's
 * header (parsed and classified exactly as parseSmaps does), its `kind`, and its fields under the
 * kernel's names, numbers copied as their digits and word lists (VmFlags) as arrays of strings;
 * paths and words are escaped as JSON.stringify escapes them, and bytes that are not UTF-8 become
 * U+FFFD as decodeUtf8 makes them. The totals and the VmSize sums are taken in the same pass.
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
 * A header's bytes after the end address (to its '\n' included) at a given column, the Mapping fields
 * parseMappingHeader read from them, and the JSON written from `","perms":"` to `"smaps":{` for `kind`.
 * The same bytes at the same column always parse to the same fields (the path's padding is counted
 * from the start of the line).
 */
interface HeaderTail {
  readonly column: number;
  readonly raw: Uint8Array;
  readonly rawWords: Uint32Array;
  readonly perms: string;
  readonly offset: string;
  readonly dev: string;
  readonly inode: number;
  readonly path: string;
  /** The kind `json` was written for; '' before the first use. */
  kind: MappingKind | '';
  json: Uint8Array;
}

/**
 * The Mapping parseMappingHeader would make of a header whose bytes after the end address are a
 * kept HeaderTail's: start and end are made into strings, from the JSON text they were copied to,
 * only when read (classifyMapping reads them only next to the executable's mappings).
 */
class LazyHeader implements Mapping {
  perms = '';
  offset = '';
  dev = '';
  inode = 0;
  path = '';
  kind: MappingKind = 'anon';
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
    this.perms = tail.perms;
    this.offset = tail.offset;
    this.dev = tail.dev;
    this.inode = tail.inode;
    this.path = tail.path;
    this.kind = 'anon';
  }
}

/**
 * The state of one writeSmapsJson call, and every line writeKnownFields leaves: mapping headers,
 * keys met for the first time, new word lists, and numbers it does not copy. Also the totals, summed
 * exactly as sumSmapsFields sums the parsed objects: the list of additive numeric keys is taken
 * from a mapping whenever its field count differs from the previous mapping's, and each later
 * mapping adds its numeric value of each listed key that it printed; totals keep the order in
 * which keys were first added.
 *
 * Invariants: out[0, pos) is the JSON written so far; fields [0, fieldCount) of the current
 * mapping are written and their values are in numbers/isNumber; keyOrder[0, verifiedLength)
 * holds no key twice; listPositions[j] is the position of listIds[j] in keyOrder (or -1) whenever
 * listVersion === keyVersion.
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
  /** Keys not in KNOWN_SMAPS_KEYS, by byte length. */
  private readonly extraKeys = new Map<number, JsonKey[]>();
  /** Ids of the extra keys by name: different bytes decoding to one name (U+FFFD) are one property. */
  private readonly idsByName = new Map<string, number>();
  /** Key names by id. */
  private readonly names: string[] = [...KNOWN_SMAPS_KEYS];
  /** The longest `,"Key":` of any key met. */
  private jsonMaxBytes = knownJsonMaxBytes;
  /** The last two word lists written at each field position (VmFlags alternates between a few): [2i], [2i + 1]. */
  readonly wordsByPosition: (WordsText | undefined)[] = [];
  /** The longest JSON in wordsByPosition. */
  private wordsJsonMaxBytes = 0;
  /** Header tails, most recently used first. */
  private readonly tails: HeaderTail[] = [];
  private readonly headers: [LazyHeader, LazyHeader];
  /** The Mapping readNewTail parsed last. */
  private parsed: Mapping | null = null;
  private prev: Mapping | undefined = undefined;
  private firstFieldCount = -1;
  private sumKb = 0;
  private vsyscallKb = 0;
  private verifiedLength = 0;
  /** Bumped whenever keyOrder changes. */
  private keyVersion = 0;
  private listIds: number[] = [];
  private listPositions: number[] = [];
  private listFieldCount = -1;
  private listVersion = -1;
  private stampById = new Int32Array(64);
  private stamp = 0;
  private sumsById = new Float64Array(64);
  private summedById = new Uint8Array(64);
  private readonly totalsOrder: number[] = [];

  constructor(bytes: Uint8Array, exePath: string | null, overwriteInput: boolean) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.exePath = exePath;
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
    this.inputLost = !this.inputLost;
    this.inputLost = false;
    this.prev = this.headers[0];
    this.prev = undefined;
    this.parsed = this.headers[0];
    this.parsed = null;
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
        this.pos = writeNumberText(out, this.pos, n); // "007" is 7; from 16 digits on, what the parser's double holds
      }
      this.numbers[this.fieldCount] = n;
      this.isNumber[this.fieldCount] = 1;
      this.p = next;
    } else {
      const lineEnd = findLineEnd(bytes, v);
      const room = this.ensureRoom((lineEnd - v) * 6 + FIELD_ROOM_BYTES);
      const start = this.pos;
      this.pos = writeWords(room, start, bytes, v, lineEnd);
      this.keepWords(v, lineEnd, start);
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
    for (const id of this.totalsOrder) totals[this.names[id]!] = this.sumsById[id]!;
    return { json: out.subarray(0, this.pos), mappingCount: this.mappingIndex + 1, totals, sumKb: this.sumKb, vsyscallKb: this.vsyscallKb };
  }

  /** Keeps the word list bytes[v, lineEnd] (JSON at out[jsonStart, pos)) as the newest of the two for field position fieldCount. */
  private keepWords(v: number, lineEnd: number, jsonStart: number): void {
    const raw = this.bytes.slice(v, lineEnd + 1);
    const json = this.out.subarray(jsonStart, this.pos);
    const k = 2 * this.fieldCount;
    this.wordsByPosition[k + 1] = this.wordsByPosition[k];
    this.wordsByPosition[k] = { raw, rawWords: packBigEndianWords(raw), json: json.slice(), jsonLength: json.length };
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
    let m: Mapping;
    if (tail !== null) {
      // No object and no strings per mapping: a header seen before is one of two reused LazyHeaders
      // (two, because classifyMapping compares a mapping with the one before it).
      const lazy = this.prev === this.headers[0] ? this.headers[1] : this.headers[0];
      lazy.set(startAt, startEnd - lineStart, endAt, endEnd - endStart, tail);
      m = lazy;
    } else {
      tail = this.readNewTail(lineStart, endEnd);
      if (tail === null) return REFUSED;
      m = this.parsed!;
    }
    m.kind = classifyMapping(m, this.exePath, this.prev);
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
    if (m.path === '[vsyscall]') this.vsyscallKb += sizeKb;
    else this.sumKb += sizeKb;

    // `","perms":"…",…,"smaps":{`, kept with the tail for the kind it was written for.
    if (tail.kind !== m.kind) {
      tail.kind = m.kind;
      tail.json = this.writeTailText(m);
    }
    this.ensureRoom(tail.json.length).set(tail.json, this.pos);
    this.pos += tail.json.length;
    this.fieldCount = 0;
    this.p = endEnd + tail.raw.length;
    return WRITTEN;
  }

  /**
   * Parses a header whose tail (the bytes from `at` to its '\n') is not kept yet, keeps it, and
   * leaves the Mapping in `parsed`; null when parseMappingHeader refuses the line.
   */
  private readNewTail(lineStart: number, at: number): HeaderTail | null {
    const lineEnd = findLineEnd(this.bytes, lineStart);
    try {
      this.parsed = parseMappingHeader(this.bytes, lineStart, lineEnd, 0, 'smaps');
    } catch {
      return null; // parseSmaps throws the same error, with the line number
    }
    return this.keepTail(at, lineEnd, at - lineStart, this.parsed);
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
    const tail: HeaderTail = {
      column,
      raw,
      rawWords: packBigEndianWords(raw),
      perms: m.perms,
      offset: m.offset,
      dev: m.dev,
      inode: m.inode,
      path: m.path,
      kind: '',
      json: EMPTY,
    };
    if (this.tails.length === HEADER_TAIL_CACHE_SIZE) this.tails.pop();
    this.tails.unshift(tail);
    return tail;
  }

  /** `","perms":"…",…,"kind":"…","smaps":{` for m, written as scratch after out's text and returned (a copy). */
  private writeTailText(m: Mapping): Uint8Array {
    const out = this.ensureRoom(m.path.length * 6 + HEADER_ROOM_BYTES);
    const end = writeHeaderTail(out, this.pos, m);
    return out.slice(this.pos, end);
  }

  /** The key at lineStart (up to the first ':'), now keyOrder[fieldCount]; null when the bytes must go to parseSmaps. */
  private lookUpKeyAt(lineStart: number): JsonKey | null {
    const bytes = this.bytes;
    let colon = lineStart;
    while (colon < bytes.length && bytes[colon] !== CH_COLON && bytes[colon] !== CH_NL) colon++;
    if (colon >= bytes.length || bytes[colon] !== CH_COLON || colon === lineStart) return null; // not "Key: value"
    const key = this.lookUpKey(lineStart, colon - lineStart);
    if (key === null) return null;
    this.keyOrder[this.fieldCount] = key;
    this.keyVersion++;
    if (this.fieldCount < this.verifiedLength) this.verifiedLength = this.fieldCount;
    // Word lists kept for this position belong to the key that was there.
    this.wordsByPosition[2 * this.fieldCount] = undefined;
    this.wordsByPosition[2 * this.fieldCount + 1] = undefined;
    return key;
  }

  /** The key of bytes[at, at + keyLength): a known one, one met before, or a new one; null for "__proto__" and digits-only keys. */
  private lookUpKey(at: number, keyLength: number): JsonKey | null {
    for (const table of [KNOWN_KEYS_BY_LENGTH, this.extraKeys]) {
      const candidates = table.get(keyLength);
      if (candidates === undefined) continue;
      for (const key of candidates) if (bytesEqualWordsAt(this.view, at, key.bytes, key.words)) return key;
    }
    const name = decodeUtf8(this.bytes, at, at + keyLength);
    // parseSmaps refuses "__proto__"; a canonical array index ("123") would be enumerated before the other keys.
    if (name === '__proto__' || /^[0-9]+$/.test(name)) return null;
    let id = this.idsByName.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.idsByName.set(name, id);
      if (id >= this.stampById.length) this.growIds(id);
    }
    const key = makeJsonKey(name, this.bytes.slice(at, at + keyLength), id);
    const list = this.extraKeys.get(keyLength);
    if (list === undefined) this.extraKeys.set(keyLength, [key]);
    else list.push(key);
    this.jsonMaxBytes = Math.max(this.jsonMaxBytes, key.json.length + 1);
    return key;
  }

  /** Closes the current mapping's JSON and adds it to the totals; false when it printed a key twice. */
  private endMapping(): boolean {
    const fieldCount = this.fieldCount;
    if (fieldCount > this.verifiedLength && !this.checkDistinctKeys(fieldCount)) return false;
    const out = this.ensureRoom(2);
    out[this.pos++] = CH_RBRACE;
    out[this.pos++] = CH_RBRACE;
    if (fieldCount !== this.listFieldCount || this.listVersion !== this.keyVersion) this.updateList(fieldCount);
    const ids = this.listIds;
    const positions = this.listPositions;
    const numbers = this.numbers;
    const isNumber = this.isNumber;
    const sums = this.sumsById;
    for (let j = 0; j < ids.length; j++) {
      const position = positions[j]!;
      if (position < 0 || isNumber[position] !== 1) continue;
      const id = ids[j]!;
      if (this.summedById[id] === 0) {
        this.summedById[id] = 1;
        this.totalsOrder.push(id);
      }
      sums[id] = sums[id]! + numbers[position]!;
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

  /** sumSmapsFields' key list: taken anew when the field count changes, else the same keys found again by name. */
  private updateList(fieldCount: number): void {
    const keyOrder = this.keyOrder;
    if (fieldCount !== this.listFieldCount) {
      this.listFieldCount = fieldCount;
      this.listIds = [];
      this.listPositions = [];
      for (let i = 0; i < fieldCount; i++) {
        const key = keyOrder[i]!;
        if (this.isNumber[i] === 1 && key.additive) {
          this.listIds.push(key.id);
          this.listPositions.push(i);
        }
      }
    } else {
      this.listPositions = this.listIds.map((id) => {
        for (let i = 0; i < fieldCount; i++) if (keyOrder[i]!.id === id) return i;
        return -1;
      });
    }
    this.listVersion = this.keyVersion;
  }

  /**
   * Makes room for `need` more bytes after pos; returns the (maybe new) buffer. Over the input,
   * room is what lies before the line being read (p); when the text would overtake it, the text
   * moves to a buffer of its own.
   */
  private ensureRoom(need: number): Uint8Array {
    if (this.overInput) {
      if (this.pos + need <= this.p) return this.out;
      this.overInput = false;
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
function sizeKbOf(m: Mapping): number {
  try {
    return mappingSizeKb(m.start, m.end);
  } catch {
    return -1;
  }
}

/** `","perms":"…",…,"kind":"…","smaps":{`: the rest of a mapping's header. */
function writeHeaderTail(out: Uint8Array, pos: number, m: Mapping): number {
  pos = writeBytes(out, pos, HEAD_PERMS);
  pos = writeAscii(out, pos, m.perms);
  pos = writeBytes(out, pos, HEAD_OFFSET);
  pos = writeAscii(out, pos, m.offset);
  pos = writeBytes(out, pos, HEAD_DEV);
  pos = writeAscii(out, pos, m.dev);
  pos = writeBytes(out, pos, HEAD_INODE);
  pos = writeNumberText(out, pos, m.inode);
  pos = writeBytes(out, pos, HEAD_PATH);
  pos = m.path === '' ? writeAscii(out, pos, '""') : writeJsonString(out, pos, m.path);
  let kind = KIND_TEXT.get(m.kind);
  if (kind === undefined) {
    kind = encodeAscii(`,"kind":"${m.kind}","smaps":{`);
    KIND_TEXT.set(m.kind, kind);
  }
  return writeBytes(out, pos, kind);
}

/** Writes words big-endian from `pos` (the padding of the last one is overwritten by what follows). */
function writeWordsAt(view: DataView, pos: number, words: Uint32Array): void {
  for (let i = 0; i < words.length; i++) view.setUint32(pos + 4 * i, words[i]!);
}

function writeBytes(out: Uint8Array, pos: number, text: Uint8Array): number {
  for (let i = 0; i < text.length; i++) out[pos++] = text[i]!;
  return pos;
}

/** Copies a string parseMappingHeader made of hex digits, ':' and perms letters (nothing to escape). */
function writeAscii(out: Uint8Array, pos: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[pos++] = text.charCodeAt(i);
  return pos;
}

/** A number as JSON.stringify prints it: String(n) ("4", "1e+21"), or null when not finite. */
function writeNumberText(out: Uint8Array, pos: number, n: number): number {
  if (n >= 0 && n < 10) {
    out[pos++] = 0x30 + n; // every inode of an anonymous mapping: 0
    return pos;
  }
  return Number.isFinite(n) ? writeAscii(out, pos, String(n)) : writeBytes(out, pos, NULL_TEXT);
}

/** `["w1","w2"]`: the space- or tab-separated words of bytes[start, end), as parseSmaps splits them. */
function writeWords(out: Uint8Array, pos: number, bytes: Uint8Array, start: number, end: number): number {
  out[pos++] = CH_LBRACKET;
  let p = start;
  let first = true;
  while (p < end) {
    while (p < end && (bytes[p] === CH_SPACE || bytes[p] === CH_TAB)) p++;
    if (p >= end) break;
    let e = p;
    while (e < end && bytes[e] !== CH_SPACE && bytes[e] !== CH_TAB) e++;
    if (!first) out[pos++] = CH_COMMA;
    first = false;
    pos = writeJsonStringBytes(out, pos, bytes, p, e);
    p = e;
  }
  out[pos++] = CH_RBRACKET;
  return pos;
}

/**
 * The JSON string of bytes[start, end) read as UTF-8: what JSON.stringify(decodeUtf8(bytes, start, end))
 * encodes to. Valid UTF-8 is copied through; each ill-formed subsequence becomes U+FFFD exactly where
 * decodeUtf8 puts one (WHATWG "maximal subpart"); '"', '\' and control characters are escaped.
 * Writes at most 6 bytes per input byte, plus 2.
 */
export function writeJsonStringBytes(out: Uint8Array, pos: number, bytes: Uint8Array, start: number, end: number): number {
  out[pos++] = CH_QUOTE;
  let i = start;
  while (i < end) {
    const b0 = bytes[i]!;
    if (b0 < 0x80) {
      if (b0 >= 0x20 && b0 !== CH_QUOTE && b0 !== CH_BACKSLASH) out[pos++] = b0;
      else pos = writeEscape(out, pos, b0);
      i++;
      continue;
    }
    let need: number;
    // Bounds on the second byte exclude overlongs, surrogates and values above U+10FFFF (RFC 3629 table).
    let lower = 0x80;
    let upper = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      need = 1;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      need = 2;
      if (b0 === 0xe0) lower = 0xa0;
      if (b0 === 0xed) upper = 0x9f;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      need = 3;
      if (b0 === 0xf0) lower = 0x90;
      if (b0 === 0xf4) upper = 0x8f;
    } else {
      pos = writeReplacement(out, pos);
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
      j++;
    }
    // On failure the offending byte is not consumed: it starts the next sequence.
    if (ok) for (let k = i; k < j; k++) out[pos++] = bytes[k]!;
    else pos = writeReplacement(out, pos);
    i = j;
  }
  out[pos++] = CH_QUOTE;
  return pos;
}

/**
 * The JSON string of a JS string as UTF-8, as JSON.stringify writes it: '"', '\' and control
 * characters escaped, a lone surrogate as \uXXXX (lowercase), everything else as UTF-8.
 * Writes at most 6 bytes per UTF-16 unit, plus 2.
 */
export function writeJsonString(out: Uint8Array, pos: number, text: string): number {
  out[pos++] = CH_QUOTE;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 0x20 && c !== CH_QUOTE && c !== CH_BACKSLASH) out[pos++] = c;
      else pos = writeEscape(out, pos, c);
    } else if (c < 0x800) {
      out[pos++] = 0xc0 | (c >> 6);
      out[pos++] = 0x80 | (c & 0x3f);
    } else if (c < 0xd800 || c > 0xdfff) {
      out[pos++] = 0xe0 | (c >> 12);
      out[pos++] = 0x80 | ((c >> 6) & 0x3f);
      out[pos++] = 0x80 | (c & 0x3f);
    } else {
      const low = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
        out[pos++] = 0xf0 | (cp >> 18);
        out[pos++] = 0x80 | ((cp >> 12) & 0x3f);
        out[pos++] = 0x80 | ((cp >> 6) & 0x3f);
        out[pos++] = 0x80 | (cp & 0x3f);
        i++;
      } else {
        pos = writeUnicodeEscape(out, pos, c);
      }
    }
  }
  out[pos++] = CH_QUOTE;
  return pos;
}

/** JSON.stringify's escape of an ASCII character below 0x20, '"' or '\'. */
function writeEscape(out: Uint8Array, pos: number, c: number): number {
  let short = 0;
  switch (c) {
    case 0x08:
      short = 0x62; // \b
      break;
    case 0x09:
      short = 0x74; // \t
      break;
    case 0x0a:
      short = 0x6e; // \n
      break;
    case 0x0c:
      short = 0x66; // \f
      break;
    case 0x0d:
      short = 0x72; // \r
      break;
    case CH_QUOTE:
    case CH_BACKSLASH:
      short = c;
      break;
  }
  if (short === 0) return writeUnicodeEscape(out, pos, c);
  out[pos++] = CH_BACKSLASH;
  out[pos++] = short;
  return pos;
}

/** \uXXXX with lowercase hex digits, as JSON.stringify writes it. */
function writeUnicodeEscape(out: Uint8Array, pos: number, c: number): number {
  out[pos++] = CH_BACKSLASH;
  out[pos++] = 0x75; // u
  for (let shift = 12; shift >= 0; shift -= 4) {
    const d = (c >> shift) & 0xf;
    out[pos++] = d < 10 ? 0x30 + d : 0x61 + d - 10;
  }
  return pos;
}

/** U+FFFD as UTF-8. */
function writeReplacement(out: Uint8Array, pos: number): number {
  out[pos++] = 0xef;
  out[pos++] = 0xbf;
  out[pos++] = 0xbd;
  return pos;
}

/** A key entry; its JSON is `"name":` written as JSON.stringify(name) would. */
function makeJsonKey(name: string, bytes: Uint8Array, id: number): JsonKey {
  const words = packBigEndianWords(bytes);
  const scratch = new Uint8Array(name.length * 6 + 4);
  scratch[0] = CH_COMMA;
  let end = writeJsonString(scratch, 1, name);
  scratch[end++] = CH_COLON;
  const json = scratch.slice(1, end);
  const jsonWords = packBigEndianWords(json);
  const commaJsonWords = packBigEndianWords(scratch.subarray(0, end));
  return {
    name,
    bytes,
    length: bytes.length,
    words,
    json,
    jsonWords,
    commaJsonWords,
    jsonWordCount: jsonWords.length,
    commaJsonWordCount: commaJsonWords.length,
    commaJsonLength: end,
    id,
    additive: !NON_ADDITIVE_SMAPS_FIELDS.has(name),
  };
}

