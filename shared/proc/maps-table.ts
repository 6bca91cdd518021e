// `memscope maps PID`'s text table (pmap -X's layout) in one place: from Mapping objects (formatMapsTable,
// for maps without smaps) and straight from smaps bytes (writeSmapsTable: the --json byte path's way, no
// object per mapping). Both give the same bytes. Header parsing and kinds are parseSmaps'/classifyMapping's.
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

/** A header's bytes after its end address, the parse of the line it was first met in, and its text pieces. */
interface HeaderTail {
  column: number;
  raw: Uint8Array;
  mapping: Mapping;
  /** " perms offset dev inode " as UTF-8. */
  middle: Uint8Array;
  /** The escaped path and '\n' as UTF-8. */
  path: Uint8Array;
}

const KINDS: readonly MappingKind[] = ['text', 'data', 'bss', 'heap', 'stack', 'lib', 'file', 'anon', 'shm', 'vdso', 'vvar', 'vsyscall', 'guard'];
const KIND_TEXT = KINDS.map((k) => encodeUtf8(` ${k.padEnd(8)} `));
const KIND_CODE = new Map(KINDS.map((k, i) => [k, i]));
const TAIL_CACHE_SIZE = 8;
const CH_K = 0x6b;
const CH_NL = 0x0a;
/** "    " read as one big-endian 32-bit word. */
const FOUR_SPACES = 0x20202020;
const CH_B = 0x42;
/** Hex digits whose value is exact in a double (13 digits: < 2^52). */
const EXACT_HEX_DIGITS = 13;

/** classifyMapping's view of a header, its addresses decoded only when read (next to the executable). */
class HeaderView implements MappingHeaderFields {
  perms = '';
  path = '';
  at = 0;
  dash = 0;
  endAt = 0;
  constructor(private readonly bytes: Uint8Array) {}
  get start(): string {
    return decodeLatin1(this.bytes, this.at, this.dash);
  }
  get end(): string {
    return decodeLatin1(this.bytes, this.dash + 1, this.endAt);
  }
}

/** What writeSmapsTable has read so far; the per-mapping columns are typed arrays, grown by doubling. */
class TableScan {
  /** Start of the next line to read. */
  p = 0;
  /** Index of the current mapping, -1 before the first header. */
  n = -1;
  /** Position of the next field line within the current mapping. */
  fieldLine = 0;
  capacity = 1024;
  lineStarts = new Int32Array(this.capacity);
  tailOf = new Int32Array(this.capacity);
  kinds = new Uint8Array(this.capacity);
  /** Per mapping and table field: where its digits are in the bytes, and how many (0: not printed). */
  digitAt = new Int32Array(this.capacity * TABLE_FIELDS.length);
  digitCount = new Uint8Array(this.capacity * TABLE_FIELDS.length);
  readonly totals = new Float64Array(TABLE_FIELDS.length);
  readonly present = new Uint8Array(TABLE_FIELDS.length);
  /** The key met at each line position of a mapping (the kernel prints them in one order). */
  readonly keyAt: FieldKey[] = [];
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Makes room for mapping index n. */
  reserve(n: number): void {
    if (n < this.capacity) return;
    this.capacity *= 2;
    this.lineStarts = grow(this.lineStarts, this.capacity);
    this.tailOf = grow(this.tailOf, this.capacity);
    this.kinds = grow(this.kinds, this.capacity);
    this.digitAt = grow(this.digitAt, this.capacity * TABLE_FIELDS.length);
    this.digitCount = grow(this.digitCount, this.capacity * TABLE_FIELDS.length);
  }
}

/** Outcome of readKnownFields. */
const FIELDS_OK = 0;
const FIELDS_ODD = 1;

/**
 * Reads the run of field lines at s.p whose key is the one met at that position before ("Key:   N kB",
 * "Key:   N", or a word list such as VmFlags, skipped), storing the table fields' digits. Stops at anything
 * else. FIELDS_ODD: a table field printed otherwise, or twice (parseSmaps must read the bytes).
 * Kept small: in a one-shot CLI run, how soon V8 compiles this loop decides most of the time.
 */
function readKnownFields(s: TableScan): number {
  const bytes = s.bytes;
  const view = s.view;
  const length = bytes.length;
  const keyAt = s.keyAt;
  const base = s.n * TABLE_FIELDS.length;
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
      if (next < 0 || s.digitCount[slot] !== 0) {
        s.p = p;
        return FIELDS_ODD;
      }
      s.digitAt[slot] = v;
      s.digitCount[slot] = q - v;
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
 * Reads /proc/PID/smaps once, keeping per mapping only numbers in typed arrays (where its line starts,
 * which of the few distinct header tails it has, its kind, where its table fields' digits are): no Mapping
 * per line. Returns null for bytes whose headers or fields it does not read plainly (the caller uses
 * parseSmaps and formatTableRow); malformed bytes throw parseSmaps' ProcParseError.
 */
export function writeSmapsTable(input: Uint8Array, exePath: string | null): SmapsTable | null {
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  checkEndsWithNewline(bytes, 'smaps');
  const s = new TableScan(bytes);
  const tails: HeaderTail[] = [];
  const recent: number[] = [];
  const sums: VmSizeSums = { sumKb: 0, vsyscallKb: 0 };
  let current = new HeaderView(bytes);
  let previous: HeaderView | undefined;
  const length = bytes.length;
  let line = 0;
  while (s.p < length) {
    if (s.n >= 0 && readKnownFields(s) === FIELDS_ODD) return delegate(bytes, exePath);
    const p = s.p;
    if (p >= length) break;
    line++;
    if (hexDigitValue(bytes[p]!) >= 0) {
      const lineEnd = lineEndOf(bytes, p);
      let dash = p;
      while (dash < lineEnd && hexDigitValue(bytes[dash]!) >= 0) dash++;
      if (bytes[dash] === CH_DASH) {
        let endAt = dash + 1;
        while (endAt < lineEnd && hexDigitValue(bytes[endAt]!) >= 0) endAt++;
        if (bytes[endAt] !== CH_SPACE) return delegate(bytes, exePath);
        const n = ++s.n;
        s.reserve(n);
        const tail = findTail(bytes, p, endAt, lineEnd, line, tails, recent);
        const t = tails[tail]!;
        s.lineStarts[n] = p;
        s.tailOf[n] = tail;
        const header = previous ?? new HeaderView(bytes);
        header.at = p;
        header.dash = dash;
        header.endAt = endAt;
        header.perms = t.mapping.perms;
        header.path = t.mapping.path;
        previous = current;
        current = header;
        s.kinds[n] = KIND_CODE.get(classifyMapping(current, exePath, n === 0 ? undefined : previous)) ?? 0;
        const sizeKb =
          dash - p <= EXACT_HEX_DIGITS && endAt - dash - 1 <= EXACT_HEX_DIGITS
            ? (parseHex(bytes, dash + 1, endAt) - parseHex(bytes, p, dash)) / 1024
            : mappingSizeKb(current.start, current.end);
        addVmSizeMapping(sums, t.mapping.path, sizeKb);
        s.fieldLine = 0;
        s.p = lineEnd + 1;
        continue;
      }
    }
    if (s.n < 0) return delegate(bytes, exePath);
    // A key not met at this position before: learnt here, read by readKnownFields next.
    const lineEnd = lineEndOf(bytes, p);
    const colon = bytes.indexOf(CH_COLON, p);
    if (colon < 0 || colon >= lineEnd || colon === p) return delegate(bytes, exePath);
    const raw = bytes.slice(p, colon);
    s.keyAt[s.fieldLine] = { raw, length: raw.length, words: packWords(raw), column: (TABLE_FIELDS as readonly string[]).indexOf(decodeLatin1(bytes, p, colon)) };
  }
  const mappingCount = s.n + 1;
  const tableTotals: TableTotals = {};
  TABLE_FIELDS.forEach((f, i) => {
    if (s.present[i] === 1) tableTotals[f] = s.totals[i]!;
  });
  return {
    mappingCount,
    totals: tableTotals,
    sumKb: sums.sumKb,
    vsyscallKb: sums.vsyscallKb,
    renderRows: (widths) => renderRows(s, tails, widths),
  };
}

function renderRows(s: TableScan, tails: readonly HeaderTail[], widths: readonly number[]): Uint8Array {
  const bytes = s.bytes;
  const count = s.n + 1;
  const fieldCount = TABLE_FIELDS.length;
  let fieldsWidth = 0;
  for (const w of widths) fieldsWidth += w + 1;
  let size = 0;
  for (let i = 0; i < count; i++) {
    const t = tails[s.tailOf[i]!]!;
    size += 16 + t.middle.length + fieldsWidth + 10 + t.path.length + 16;
  }
  const out = new Uint8Array(size);
  const digitAt = s.digitAt;
  const digitCount = s.digitCount;
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const at = s.lineStarts[i]!;
    let dash = at;
    while (bytes[dash] !== CH_DASH) dash++;
    for (let k = dash - at; k < 16; k++) out[pos++] = CH_SPACE;
    out.set(bytes.subarray(at, dash), pos);
    pos += dash - at;
    const t = tails[s.tailOf[i]!]!;
    out.set(t.middle, pos);
    pos += t.middle.length;
    // Each field right-aligned in its column: spaces, then its digits as the kernel printed them.
    for (let f = 0; f < fieldCount; f++) {
      if (f > 0) out[pos++] = CH_SPACE;
      const slot = i * fieldCount + f;
      const digits = digitCount[slot]!;
      const end = pos + widths[f]!;
      out.fill(CH_SPACE, pos, end - digits);
      for (let k = 0, from = digitAt[slot]!; k < digits; k++) out[end - digits + k] = bytes[from + k]!;
      pos = end;
    }
    const kind = KIND_TEXT[s.kinds[i]!]!;
    out.set(kind, pos);
    pos += kind.length;
    out.set(t.path, pos);
    pos += t.path.length;
  }
  return out.subarray(0, pos);
}

/** Index in `tails` of the header tail of the line at lineStart, parsed and added when new. */
function findTail(bytes: Uint8Array, lineStart: number, endAt: number, lineEnd: number, line: number, tails: HeaderTail[], recent: number[]): number {
  const column = endAt - lineStart;
  for (const i of recent) {
    const t = tails[i]!;
    if (t.column === column && t.raw.length === lineEnd - endAt && bytesEqual(bytes, endAt, t.raw)) return i;
  }
  const mapping = parseMappingHeader(bytes, lineStart, lineEnd, line, 'smaps');
  const tail: HeaderTail = {
    column,
    raw: bytes.slice(endAt, lineEnd),
    mapping,
    middle: encodeUtf8(` ${formatHeaderMiddle(mapping)} `),
    path: encodeUtf8(`${escapeControlChars(mapping.path)}\n`),
  };
  tails.push(tail);
  recent.unshift(tails.length - 1);
  if (recent.length > TAIL_CACHE_SIZE) recent.pop();
  return tails.length - 1;
}

/** A field key met at a line position: its bytes, their length, as big-endian words, and its table column (-1: not shown). */
interface FieldKey {
  raw: Uint8Array;
  length: number;
  words: Uint32Array;
  column: number;
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

function parseHex(bytes: Uint8Array, start: number, end: number): number {
  let x = 0;
  for (let i = start; i < end; i++) x = x * 16 + hexDigitValue(bytes[i]!);
  return x;
}

function grow<T extends Int32Array | Uint8Array>(a: T, capacity: number): T {
  const b = new (a.constructor as new (n: number) => T)(capacity);
  b.set(a);
  return b;
}

/** For bytes this reader leaves to parseSmaps: throws parseSmaps' error when malformed, else null. */
function delegate(bytes: Uint8Array, exePath: string | null): null {
  parseSmaps(bytes, exePath);
  return null;
}
