// `memscope maps PID`'s text table (pmap -X's layout) in one place: from Mapping objects (formatMapsTable,
// for maps without smaps) and straight from smaps bytes (writeSmapsTable: no object per mapping; each mapping
// matched whole by one RegExp, else read line by line). All give the same bytes. Header parsing and kinds are
// parseSmaps'/classifyMapping's.
import type { MappingsCore } from '../api.js';
import { escapeControlChars } from '../text/escape.js';
import { mappingSizeKb } from '../units.js';
import { CH_COLON, CH_DASH, CH_SPACE, decodeLatin1, encodeUtf8, hexDigitValue } from './bytes.js';
import { classifyMapping, type MappingHeaderFields } from './classify.js';
import { parseMappingHeader } from './maps.js';
import { checkEndsWithNewline } from './parse-error.js';
import { parseSmaps } from './smaps.js';
import type { Mapping, MappingKind } from './types.js';
import { addVmSizeMapping, type VmSizeCheck, type VmSizeSums } from './vmsize.js';

/** smaps columns printed in the table, in the kernel's order (every field is in --json). */
export const TABLE_FIELDS = ['Size', 'Rss', 'Pss', 'Shared_Clean', 'Shared_Dirty', 'Private_Clean', 'Private_Dirty', 'Anonymous', 'Swap', 'SwapPss', 'Locked'] as const;

/** Width of everything left of the fields: address, perms, offset, device, inode and their spaces. */
const LEFT_WIDTH = 16 + 1 + 4 + 1 + 8 + 1 + 6 + 1 + 9;

/** The table's column totals: each field's sum, or undefined when no mapping printed it. */
export type TableTotals = Partial<Record<(typeof TABLE_FIELDS)[number], number>>;

/** Each field column's width: its title or its total, whichever is wider (a mapping's value is never wider). */
export function computeTableWidths(totals: TableTotals): number[] {
  return TABLE_FIELDS.map((f) => Math.max(f.length, String(totals[f] ?? '').length));
}

/** The first two lines: "PID:   EXE" and the column titles. */
export function formatTableHead(pid: number, exe: string | null, widths: readonly number[]): string {
  const titles = [
    'Address'.padStart(16),
    'Perm',
    'Offset'.padStart(8),
    'Device'.padStart(6),
    'Inode'.padStart(9),
    ...TABLE_FIELDS.map((f, i) => f.padStart(widths[i] ?? 0)),
    'Kind'.padEnd(8),
    'Mapping',
  ].join(' ');
  return `${pid}:   ${escapeControlChars(exe ?? '')}\n${titles}\n`;
}

/** The lines after the mappings: a ruler, the totals, the VmSize check and what could not be read. */
export function formatTableFoot(widths: readonly number[], totals: TableTotals, mappingCount: number, v: VmSizeCheck, restricted: readonly string[]): string {
  const pad = ' '.repeat(LEFT_WIDTH);
  const lines = [
    `${pad} ${TABLE_FIELDS.map((_f, i) => '='.repeat(widths[i] ?? 0)).join(' ')}`,
    `${pad} ${TABLE_FIELDS.map((f, i) => String(totals[f] ?? '').padStart(widths[i] ?? 0)).join(' ')} KB`,
    `${mappingCount} mappings; sizes sum to ${v.sumKb} kB ${v.ok ? '=' : '≠'} VmSize ${v.vmSizeKb} kB` +
      (v.vsyscallKb > 0 ? ` ([vsyscall] ${v.vsyscallKb} kB is outside VmSize)` : ''),
  ];
  for (const r of restricted) lines.push(`not read: ${escapeControlChars(r)}`);
  return `${lines.join('\n')}\n`;
}

/** The whole table of a MappingsCore built from objects (maps when smaps is denied; smaps writeSmapsTable left alone). */
export function formatMapsTable(report: MappingsCore): string {
  const widths = computeTableWidths(report.totals);
  let rows = '';
  for (const m of report.mappings) rows += `${formatTableRow(m, widths)}\n`;
  return formatTableHead(report.pid, report.exe, widths) + rows + formatTableFoot(widths, report.totals, report.mappings.length, report.vmSize, report.restricted);
}

/** One mapping's line (paths are names anyone may choose: control characters shown escaped, `\x1b`). */
export function formatTableRow(m: Mapping, widths: readonly number[]): string {
  return [
    m.start.padStart(16),
    formatHeaderMiddle(m),
    ...TABLE_FIELDS.map((f, i) => {
      const v = m.smaps?.[f];
      return (typeof v === 'number' ? String(v) : '').padStart(widths[i] ?? 0);
    }),
    m.kind.padEnd(8),
    escapeControlChars(m.path),
  ].join(' ');
}

/** "perms offset device inode", padded. */
function formatHeaderMiddle(m: Pick<Mapping, 'perms' | 'offset' | 'dev' | 'inode'>): string {
  return `${m.perms} ${m.offset.padStart(8)} ${m.dev.padStart(6)} ${String(m.inode).padStart(9)}`;
}

/** What writeSmapsTable read: the rows are rendered once the widths (which need every total) are known. */
export interface SmapsTable extends VmSizeSums {
  mappingCount: number;
  totals: TableTotals;
  /** The mapping lines, each ending in '\n', as UTF-8. */
  renderRows(widths: readonly number[]): Uint8Array;
}

/**
 * Decodes bytes[start, end) one char per byte (latin1), natively: Node's Buffer#toString('latin1'). shared/
 * has no such decoder (bytes.ts decodeLatin1 builds strings in JS, too slow for megabytes).
 */
export type Latin1Decoder = (bytes: Uint8Array, start: number, end: number) => string;

/** A header's bytes after its end address, the parse of the line it was first met in, and its text pieces. */
interface HeaderTail {
  column: number;
  raw: Uint8Array;
  mapping: Mapping;
  /** " perms offset dev inode " as UTF-8. */
  middle: Uint8Array;
  /** The escaped path and '\n' as UTF-8. */
  path: Uint8Array;
  /** By kind code: the row with this tail and kind, addresses and fields blank (built when rendering). */
  rows: (Uint8Array | undefined)[];
}

/** A field key met at a line position: its bytes, their length, as big-endian words, its name and its table column (-1: not shown). */
interface FieldKey {
  raw: Uint8Array;
  length: number;
  words: Uint32Array;
  name: string;
  column: number;
}

/** The header fields classifyMapping reads, as strings. */
class HeaderFields implements MappingHeaderFields {
  start = '';
  end = '';
  perms = '';
  path = '';
}

const KINDS: readonly MappingKind[] = ['text', 'data', 'bss', 'heap', 'stack', 'lib', 'file', 'anon', 'shm', 'vdso', 'vvar', 'vsyscall', 'guard'];
const KIND_TEXT = KINDS.map((k) => encodeUtf8(` ${k.padEnd(8)} `));
const KIND_CODE = new Map(KINDS.map((k, i) => [k, i]));
const FIELD_COUNT = TABLE_FIELDS.length;
const TAIL_CACHE_SIZE = 8;
const CH_K = 0x6b;
const CH_NL = 0x0a;
/** "    " read as one big-endian 32-bit word. */
const FOUR_SPACES = 0x20202020;
const CH_B = 0x42;
/** Hex digits whose value is exact in a double (13 digits: < 2^52). */
const EXACT_HEX_DIGITS = 13;
/** The address column's width: a wider address (never on Linux) is left to formatTableRow. */
const ADDRESS_WIDTH = 16;
/** Text decoded at a time for the pattern path: a mapping is ~700 bytes; 64 KiB strings stay in V8's young generation. */
const TEXT_CHUNK_BYTES = 64 * 1024;
/** Past this distance from the text's end, a mapping the pattern refuses is not one the end cut (a mapping is < 20 KiB even with a 4 KiB path). */
const MAX_CUT_MAPPING_BYTES = TEXT_CHUNK_BYTES / 2;
/** Key orders after which the pattern path gives up (each change of the key order compiles a new pattern). */
const MAX_PATTERNS = 8;
/** The header of a mapping in a pattern: start, end, and the rest of the line (from the space after end). */
const HEADER_PATTERN = '([0-9a-f]+)-([0-9a-f]+)( [^\\n]*)\\n';
/** A table field's value in a pattern: digits as String(number) prints them (at most 15, no leading zero), then " kB". */
const TABLE_VALUE_PATTERN = ' *(0|[1-9][0-9]{0,14}) kB\\n';
/** Keys a pattern spells out (nothing a RegExp would read as syntax). */
const PLAIN_KEY = /^[A-Za-z0-9_]+$/;

/** Fewest bytes of one mapping in the kernel's smaps (a header and some 25 field lines), for sizing the arrays. */
const MIN_SMAPS_MAPPING_BYTES = 512;
const MIN_CAPACITY = 64;

/** Outcome of readKnownFields and readHeader. */
const FIELDS_OK = 0;
const FIELDS_ODD = 1;
const NOT_A_HEADER = 2;

/**
 * What writeSmapsTable has read so far; the per-mapping columns are typed arrays, grown by doubling. Invariants:
 * mappings [0, n] are read; values/digitCounts[i * FIELD_COUNT + f] hold mapping i's field f (digitCounts 0:
 * not printed as a number); totals[f] is the sum of values of field f, present[f] 1 once a mapping printed it;
 * keyAt[0, fieldLine) are the keys of mapping n's field lines read so far.
 */
class TableScan {
  readonly view: DataView;
  readonly length: number;
  /** Start of the next line to read. */
  p = 0;
  /** Index of the current mapping, -1 before the first header. */
  n = -1;
  /** Position of the next field line within the current mapping. */
  fieldLine = 0;
  /** The first mapping's field lines, once a second mapping starts (parseSmaps: the last may not print fewer). */
  firstFieldCount = 0;
  /** Mappings the arrays hold: a mapping's smaps is > 512 bytes, so they need not grow for the kernel's text. */
  capacity: number;
  lineStarts: Int32Array;
  addressLengths: Uint8Array;
  tailOf: Int32Array;
  kinds: Uint8Array;
  values: Float64Array;
  digitCounts: Uint8Array;
  readonly totals = new Float64Array(FIELD_COUNT);
  readonly present = new Uint8Array(FIELD_COUNT);
  readonly sums: VmSizeSums = { sumKb: 0, vsyscallKb: 0 };
  /** The key met at each line position of a mapping (the kernel prints them in one order). */
  readonly keyAt: FieldKey[] = [];
  /** A key was learnt since the pattern was made. */
  keysChanged = false;
  readonly tails: HeaderTail[] = [];
  /** Indexes in tails of the last few met by the byte path, most recent first. */
  readonly recentTails: number[] = [];
  /** Index in tails by a header's text after the end address (the pattern path). */
  readonly tailByText = new Map<string, number>();
  /** classifyMapping's views of the current and the previous mapping, by n & 1. */
  readonly headers = [new HeaderFields(), new HeaderFields()];
  /** A whole mapping (header and the field lines of keyAt[0, patternKeyCount)) for the pattern path, or null. */
  pattern: RegExp | null = null;
  /** The table column of each of the pattern's value groups. */
  patternColumns: number[] = [];
  patternKeyCount = -1;
  patternCount = 0;
  /** bytes[textStart, textStart + text.length) decoded, for the pattern. */
  text = '';
  textStart = 0;

  constructor(
    readonly bytes: Uint8Array,
    readonly exePath: string | null,
    readonly decode: Latin1Decoder | null,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.length = bytes.length;
    this.capacity = Math.max(MIN_CAPACITY, Math.ceil(bytes.length / MIN_SMAPS_MAPPING_BYTES));
    this.lineStarts = new Int32Array(this.capacity);
    this.addressLengths = new Uint8Array(this.capacity);
    this.tailOf = new Int32Array(this.capacity);
    this.kinds = new Uint8Array(this.capacity);
    this.values = new Float64Array(this.capacity * FIELD_COUNT);
    this.digitCounts = new Uint8Array(this.capacity * FIELD_COUNT);
  }

  /** Makes room for mapping index n. */
  reserve(n: number): void {
    if (n < this.capacity) return;
    this.capacity *= 2;
    this.lineStarts = grow(this.lineStarts, this.capacity);
    this.addressLengths = grow(this.addressLengths, this.capacity);
    this.tailOf = grow(this.tailOf, this.capacity);
    this.kinds = grow(this.kinds, this.capacity);
    this.values = grow(this.values, this.capacity * FIELD_COUNT);
    this.digitCounts = grow(this.digitCounts, this.capacity * FIELD_COUNT);
  }
}

/**
 * Reads /proc/PID/smaps once, keeping per mapping only numbers in typed arrays (where its line starts, which
 * of the few distinct header tails it has, its kind, its table fields' values): no Mapping per line. Returns
 * null for bytes whose headers or fields it does not read plainly (the caller uses parseSmaps and
 * formatTableRow); malformed bytes throw parseSmaps' ProcParseError.
 *
 * With a decoder, mappings whose key order is the previous mapping's are matched whole by one RegExp (native
 * code from the first mappings on, where JS byte loops run in V8's interpreter for the first ~2,000 mappings of
 * a one-shot run); the others, and all without a decoder, are read line by line from the bytes. Both give
 * the same numbers: the pattern accepts only lines the byte path reads plainly.
 */
export function writeSmapsTable(input: Uint8Array, exePath: string | null, decode: Latin1Decoder | null = null): SmapsTable | null {
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  checkEndsWithNewline(bytes, 'smaps');
  const s = new TableScan(bytes, exePath, decode);
  const length = bytes.length;
  while (s.p < length) {
    const p = s.p;
    if (hexDigitValue(bytes[p]!) >= 0) {
      if (s.n >= 0 && s.decode !== null) {
        if (s.keysChanged || s.fieldLine !== s.patternKeyCount) makePattern(s);
        const read = s.pattern === null ? FIELDS_OK : readByPattern(s);
        if (read === FIELDS_ODD) return delegate(bytes, exePath);
        if (s.p !== p) continue;
      }
      const header = readHeader(s);
      if (header === FIELDS_ODD) return delegate(bytes, exePath);
      if (header === FIELDS_OK) {
        if (readKnownFields(s) === FIELDS_ODD) return delegate(bytes, exePath);
        continue;
      }
    }
    if (s.n < 0) return delegate(bytes, exePath);
    // A key not met at this position before: learnt here, read by readKnownFields next.
    const lineEnd = lineEndOf(bytes, p);
    const colon = bytes.indexOf(CH_COLON, p);
    if (colon < 0 || colon >= lineEnd || colon === p) return delegate(bytes, exePath);
    const raw = bytes.slice(p, colon);
    const name = decodeLatin1(bytes, p, colon);
    s.keyAt[s.fieldLine] = { raw, length: raw.length, words: packWords(raw), name, column: (TABLE_FIELDS as readonly string[]).indexOf(name) };
    s.keysChanged = true;
    if (readKnownFields(s) === FIELDS_ODD) return delegate(bytes, exePath);
  }
  // A last mapping printing fewer fields than the first is a cut file: parseSmaps' error.
  if (s.n > 0 && s.fieldLine < s.firstFieldCount) return delegate(bytes, exePath);
  const tableTotals: TableTotals = {};
  TABLE_FIELDS.forEach((f, i) => {
    if (s.present[i] === 1) tableTotals[f] = s.totals[i]!;
  });
  return {
    mappingCount: s.n + 1,
    totals: tableTotals,
    sumKb: s.sums.sumKb,
    vsyscallKb: s.sums.vsyscallKb,
    renderRows: (widths) => renderRows(s, widths),
  };
}

/**
 * Reads the run of field lines at s.p whose key is the one met at that position before ("Key:   N kB",
 * "Key:   N", or a word list such as VmFlags, skipped), storing the table fields' values. Stops at anything
 * else. FIELDS_ODD: a table field printed otherwise, or twice (parseSmaps must read the bytes).
 * Kept small: in a one-shot CLI run, how soon V8 compiles this loop decides much of the time.
 */
function readKnownFields(s: TableScan): number {
  const bytes = s.bytes;
  const view = s.view;
  const length = bytes.length;
  const keyAt = s.keyAt;
  const base = s.n * FIELD_COUNT;
  let p = s.p;
  let fieldLine = s.fieldLine;
  while (p < length) {
    const key = keyAt[fieldLine];
    if (key === undefined || !keyMatches(view, bytes, p, key)) break;
    // The kernel pads keys to 16 columns and numbers to 8, so most of a line is spaces: skip 4 at a time.
    let v = p + key.length + 1;
    while (v + 4 <= length && view.getUint32(v) === FOUR_SPACES) v += 4;
    while (bytes[v] === CH_SPACE) v++;
    let q = v;
    let x = 0;
    for (; q < length; q++) {
      const d = bytes[q]! - 0x30;
      if (d < 0 || d > 9) break;
      x = x * 10 + d;
    }
    let next = -1;
    // Digits as String(number) prints them: at most 15, no leading zero.
    if (q > v && q - v <= 15 && (bytes[v] !== 0x30 || q - v === 1)) {
      const after = bytes[q];
      if (after === CH_NL) next = q + 1;
      else if (after === CH_SPACE && bytes[q + 1] === CH_K && bytes[q + 2] === CH_B && bytes[q + 3] === CH_NL) next = q + 4;
      else if (after === CH_SPACE && bytes[q + 1] === CH_NL) next = q + 2;
    }
    const column = key.column;
    if (column >= 0) {
      const slot = base + column;
      if (next < 0 || s.digitCounts[slot] !== 0) {
        s.p = p;
        return FIELDS_ODD;
      }
      s.values[slot] = x;
      s.digitCounts[slot] = q - v;
      s.totals[column] = s.totals[column]! + x;
      s.present[column] = 1;
    }
    p = next >= 0 ? next : lineEndOf(bytes, v) + 1; // a word list (VmFlags) runs to the line's end
    fieldLine++;
  }
  s.p = p;
  s.fieldLine = fieldLine;
  return FIELDS_OK;
}

/**
 * Makes the pattern of a mapping whose field lines are keyAt[0, fieldLine) (the mapping just read): its header,
 * then each key in order with a table field's plain value captured, any other value skipped to its line's end
 * (the table never shows it, and parseSmaps reads any). None when a key is not plain, a table key comes twice,
 * or the key order changed too often.
 */
function makePattern(s: TableScan): void {
  s.keysChanged = false;
  s.patternKeyCount = s.fieldLine;
  s.pattern = null;
  if (++s.patternCount > MAX_PATTERNS) return;
  let source = HEADER_PATTERN;
  const columns: number[] = [];
  for (let i = 0; i < s.fieldLine; i++) {
    const key = s.keyAt[i]!;
    if (!PLAIN_KEY.test(key.name)) return;
    if (key.column >= 0) {
      if (columns.includes(key.column)) return;
      columns.push(key.column);
      source += `${key.name}:${TABLE_VALUE_PATTERN}`;
    } else {
      source += `${key.name}:[^\\n]*\\n`;
    }
  }
  s.pattern = new RegExp(source, 'y');
  s.patternColumns = columns;
}

/**
 * Reads whole mappings from s.p (a header) while the pattern matches them. FIELDS_ODD: a mapping the table
 * leaves to parseSmaps (end below start, an address wider than the column); FIELDS_OK otherwise, s.p at the
 * first byte not read (the byte path reads it).
 */
function readByPattern(s: TableScan): number {
  const pattern = s.pattern!;
  const columns = s.patternColumns;
  const decode = s.decode!;
  const length = s.length;
  for (;;) {
    let at = s.p - s.textStart;
    if (at < 0 || at >= s.text.length) {
      if (s.p >= length) return FIELDS_OK;
      s.text = decode(s.bytes, s.p, Math.min(length, s.p + TEXT_CHUNK_BYTES));
      s.textStart = s.p;
      at = 0;
    }
    pattern.lastIndex = at;
    const m = pattern.exec(s.text);
    if (m === null) {
      // A mapping cut by the end of the text (so near it) is tried again in text decoded from its start.
      if (at === 0 || s.text.length - at > MAX_CUT_MAPPING_BYTES || s.textStart + s.text.length >= length) return FIELDS_OK;
      s.textStart = -1;
      s.text = '';
      continue;
    }
    const start = m[1]!;
    const end = m[2]!;
    const tailText = m[3]!;
    const column = start.length + 1 + end.length;
    let tail = s.tailByText.get(tailText);
    if (tail === undefined || s.tails[tail]!.column !== column) {
      tail = addTail(s, s.p, s.p + column, s.p + column + tailText.length);
      if (tail < 0) return FIELDS_OK; // parseMappingHeader refuses it: the byte path hands it to parseSmaps
      s.tailByText.set(tailText, tail);
    }
    if (!startMapping(s, s.p, start, end, tail)) return FIELDS_ODD;
    const base = s.n * FIELD_COUNT;
    for (let i = 0; i < columns.length; i++) {
      const digits = m[4 + i]!;
      const c = columns[i]!;
      const x = +digits;
      s.values[base + c] = x;
      s.digitCounts[base + c] = digits.length;
      s.totals[c] = s.totals[c]! + x;
      s.present[c] = 1;
    }
    s.fieldLine = s.patternKeyCount;
    s.p = s.textStart + pattern.lastIndex;
  }
}

/**
 * Reads the header line at s.p ("start-end …", as isHeaderLine in parseSmaps): FIELDS_OK, NOT_A_HEADER (nothing
 * done) for a field line that starts with a hex digit, FIELDS_ODD for bytes parseSmaps must read.
 */
function readHeader(s: TableScan): number {
  const bytes = s.bytes;
  const p = s.p;
  const lineEnd = lineEndOf(bytes, p);
  let dash = p;
  while (dash < lineEnd && hexDigitValue(bytes[dash]!) >= 0) dash++;
  if (dash === p || bytes[dash] !== CH_DASH) return NOT_A_HEADER;
  let endAt = dash + 1;
  while (endAt < lineEnd && hexDigitValue(bytes[endAt]!) >= 0) endAt++;
  if (bytes[endAt] !== CH_SPACE) return FIELDS_ODD;
  const tail = findTail(s, p, endAt, lineEnd);
  if (tail < 0 || !startMapping(s, p, decodeLatin1(bytes, p, dash), decodeLatin1(bytes, dash + 1, endAt), tail)) return FIELDS_ODD;
  s.fieldLine = 0;
  s.p = lineEnd + 1;
  return FIELDS_OK;
}

/**
 * Adds mapping n + 1 with its header at lineStart: addresses, tail, kind (classifyMapping, beside the mapping
 * before it) and size. False when the table leaves it to formatTableRow (an address wider than its column, or
 * end below start, where mappingSizeKb throws).
 */
function startMapping(s: TableScan, lineStart: number, start: string, end: string, tail: number): boolean {
  if (start.length > ADDRESS_WIDTH) return false;
  const t = s.tails[tail]!;
  if (s.n === 0) s.firstFieldCount = s.fieldLine;
  const n = ++s.n;
  s.reserve(n);
  s.lineStarts[n] = lineStart;
  s.addressLengths[n] = start.length;
  s.tailOf[n] = tail;
  const header = s.headers[n & 1]!;
  header.start = start;
  header.end = end;
  header.perms = t.mapping.perms;
  header.path = t.mapping.path;
  s.kinds[n] = KIND_CODE.get(classifyMapping(header, s.exePath, n === 0 ? undefined : s.headers[(n - 1) & 1])) ?? 0;
  const sizeKb =
    start.length <= EXACT_HEX_DIGITS && end.length <= EXACT_HEX_DIGITS ? (Number.parseInt(end, 16) - Number.parseInt(start, 16)) / 1024 : sizeKbOf(start, end);
  if (!(sizeKb >= 0)) return false;
  addVmSizeMapping(s.sums, t.mapping.path, sizeKb);
  return true;
}

/** mappingSizeKb(start, end), or -1 where it throws (end below start). */
function sizeKbOf(start: string, end: string): number {
  try {
    return mappingSizeKb(start, end);
  } catch {
    return -1;
  }
}

/** Index in s.tails of the header tail of the line at lineStart (one of the recent ones, or parsed and added); -1 when parseMappingHeader refuses the line. */
function findTail(s: TableScan, lineStart: number, endAt: number, lineEnd: number): number {
  const bytes = s.bytes;
  const column = endAt - lineStart;
  for (const i of s.recentTails) {
    const t = s.tails[i]!;
    if (t.column === column && t.raw.length === lineEnd - endAt && bytesEqual(bytes, endAt, t.raw)) return i;
  }
  const tail = addTail(s, lineStart, endAt, lineEnd);
  if (tail < 0) return tail;
  s.recentTails.unshift(tail);
  if (s.recentTails.length > TAIL_CACHE_SIZE) s.recentTails.pop();
  return tail;
}

/** Parses the header line [lineStart, lineEnd) and adds its tail (from endAt); -1 when parseMappingHeader refuses it. */
function addTail(s: TableScan, lineStart: number, endAt: number, lineEnd: number): number {
  let mapping: Mapping;
  try {
    mapping = parseMappingHeader(s.bytes, lineStart, lineEnd, 0, 'smaps');
  } catch {
    return -1; // parseSmaps throws the same error, with the line number
  }
  s.tails.push({
    column: endAt - lineStart,
    raw: s.bytes.slice(endAt, lineEnd),
    mapping,
    middle: encodeUtf8(` ${formatHeaderMiddle(mapping)} `),
    path: encodeUtf8(`${escapeControlChars(mapping.path)}\n`),
    // Every tail's list holds a slot per kind from the start: one array shape for renderRows' loads.
    rows: new Array<Uint8Array | undefined>(KINDS.length).fill(undefined),
  });
  return s.tails.length - 1;
}

/**
 * The rows: per mapping, the blank row of its tail and kind (address column, middle, field columns, kind and
 * path, made once per pair), then its address and its fields' digits written right-aligned into it.
 */
function renderRows(s: TableScan, widths: readonly number[]): Uint8Array {
  const bytes = s.bytes;
  const count = s.n + 1;
  // Where each field column ends, from the start of the field columns (one space between columns).
  const fieldEnds = new Int32Array(FIELD_COUNT);
  let fieldsWidth = 0;
  for (let f = 0; f < FIELD_COUNT; f++) {
    fieldsWidth += (f > 0 ? 1 : 0) + widths[f]!;
    fieldEnds[f] = fieldsWidth;
  }
  const out = new Uint8Array(sizeRows(s, fieldsWidth));
  const values = s.values;
  const digitCounts = s.digitCounts;
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const t = s.tails[s.tailOf[i]!]!;
    const row = t.rows[s.kinds[i]!]!;
    out.set(row, pos);
    const at = s.lineStarts[i]!;
    const addressLength = s.addressLengths[i]!;
    for (let k = 0, to = pos + ADDRESS_WIDTH - addressLength; k < addressLength; k++) out[to + k] = bytes[at + k]!;
    const fieldsAt = pos + ADDRESS_WIDTH + t.middle.length;
    const base = i * FIELD_COUNT;
    for (let f = 0; f < FIELD_COUNT; f++) {
      if (digitCounts[base + f] !== 0) writeDigits(out, fieldsAt + fieldEnds[f]!, values[base + f]!);
    }
    pos += row.length;
  }
  return out;
}

/**
 * The bytes of all rows, making each blank row on the way (a function of its own: V8 compiling renderRows while in
 * this loop would compile its next loop without having seen it run, and throw that away when it does).
 */
function sizeRows(s: TableScan, fieldsWidth: number): number {
  let size = 0;
  for (let i = 0; i <= s.n; i++) size += blankRow(s.tails[s.tailOf[i]!]!, s.kinds[i]!, fieldsWidth).length;
  return size;
}

/** The row of a tail and kind with blank address and field columns, made on first use. */
function blankRow(t: HeaderTail, kind: number, fieldsWidth: number): Uint8Array {
  const known = t.rows[kind];
  if (known !== undefined) return known;
  const kindText = KIND_TEXT[kind]!;
  const row = new Uint8Array(ADDRESS_WIDTH + t.middle.length + fieldsWidth + kindText.length + t.path.length).fill(CH_SPACE);
  row.set(t.middle, ADDRESS_WIDTH);
  row.set(kindText, ADDRESS_WIDTH + t.middle.length + fieldsWidth);
  row.set(t.path, row.length - t.path.length);
  t.rows[kind] = row;
  return row;
}

/** Writes String(x) (a whole number below 10^15) so that it ends at `end`. */
function writeDigits(out: Uint8Array, end: number, x: number): void {
  let e = end;
  while (x >= 0x80000000) {
    const q = Math.floor(x / 10);
    out[--e] = 0x30 + (x - q * 10);
    x = q;
  }
  let small = x | 0;
  do {
    const q = (small / 10) | 0;
    out[--e] = 0x30 + (small - q * 10);
    small = q;
  } while (small > 0);
}

/** Whether the line at p starts with the key and its colon (compared 4 bytes at a time). */
function keyMatches(view: DataView, bytes: Uint8Array, p: number, key: FieldKey): boolean {
  const keyLength = key.length;
  if (p + keyLength >= bytes.length || bytes[p + keyLength] !== CH_COLON) return false;
  const full = keyLength >> 2;
  for (let i = 0; i < full; i++) if (view.getUint32(p + 4 * i) !== key.words[i]) return false;
  for (let i = full << 2; i < keyLength; i++) if (bytes[p + i] !== key.raw[i]) return false;
  return true;
}

function packWords(raw: Uint8Array): Uint32Array {
  const words = new Uint32Array(raw.length >> 2);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let i = 0; i < words.length; i++) words[i] = view.getUint32(4 * i);
  return words;
}

/** Index of the '\n' ending the line at p (smaps ends with one: checkEndsWithNewline). */
function lineEndOf(bytes: Uint8Array, p: number): number {
  return bytes.indexOf(CH_NL, p);
}

function bytesEqual(bytes: Uint8Array, at: number, raw: Uint8Array): boolean {
  if (at + raw.length > bytes.length) return false;
  for (let i = 0; i < raw.length; i++) if (bytes[at + i] !== raw[i]) return false;
  return true;
}

function grow<T extends Int32Array | Uint8Array | Float64Array>(a: T, capacity: number): T {
  const b = new (a.constructor as new (n: number) => T)(capacity);
  b.set(a);
  return b;
}

/** For bytes this reader leaves to parseSmaps: throws parseSmaps' error when malformed, else null. */
function delegate(bytes: Uint8Array, exePath: string | null): null {
  parseSmaps(bytes, exePath);
  return null;
}
