// Parses /proc/PID/smaps (a maps header line followed by "Key:   N kB" lines per mapping) and
// /proc/PID/smaps_rollup (one "[rollup]" header, the same keys summed over all mappings).
// Source of truth: fs/proc/task_mmu.c show_smap(), __show_smap(), show_smaps_rollup() (Linux 6.x)
// and Documentation/filesystems/proc.rst "/proc/PID/smaps"; the keys it knows: SMAPS_FIELDS (smaps-fields.ts).

import { CH_COLON, CH_DASH, CH_NL, CH_SPACE, CH_TAB, bytesEqualWordsAt, decodeLatin1, decodeUtf8, findLineEnd, hexDigitValue } from './bytes.js';
import { classifyMappings } from './classify.js';
import { parseMappingHeader } from './maps.js';
import { ProcParseError, checkEndsWithNewline } from './parse-error.js';
import { SmapsKeyTable, type SmapsKey } from './smaps-keys.js';
import type { Mapping, SmapsFields } from './types.js';

/** /proc/PID/smaps_rollup: the covered address range and the summed fields (plus Pss_Anon/Pss_File/Pss_Shmem). */
export interface SmapsRollup {
  /** Lowest mapped address, hex as printed. */
  start: string;
  /** End of the highest mapping (not counting [vsyscall]), hex as printed. */
  end: string;
  /** Every field under the kernel's name, as in SmapsFields. */
  fields: SmapsFields;
}

/** Interned two-byte words (VmFlags: "rd", "wr", "mr", …), keyed by their two bytes (b0 << 8 | b1). */
const TWO_LETTER_WORDS = new Map<number, string>();

/** "kB" */
const CH_K = 0x6b;
const CH_B = 0x42;
/** "    " read as one big-endian 32-bit word. */
const FOUR_SPACES = 0x20202020;

/**
 * Parses /proc/PID/smaps into one Mapping per header line, each with `smaps` holding every field
 * under the kernel's own key:
 * - "Rss:   12 kB" → Rss: 12 (kB, the kernel's unit; the " kB" is dropped),
 * - "THPeligible:    0" → THPeligible: 0 (a bare number stays a number),
 * - "VmFlags: rd wr mr" → VmFlags: ['rd', 'wr', 'mr'],
 * - any other value that is not "N" or "N kB" (e.g. a future textual field) → the list of its
 *   space-separated words, so nothing the kernel printed is lost. Word lists are frozen and shared
 *   between mappings that printed the same bytes (thousands of mappings have the same VmFlags).
 * One pass over the bytes; key strings are interned (the keys repeat in the same order for
 * every mapping, so each is matched against the key at the same position in the previous mapping
 * first); numbers are read straight from the bytes; only paths, addresses and unknown values are
 * decoded. Throws ProcParseError naming the line on input the kernel would not print.
 * @param exePath readlink(/proc/PID/exe), for text/data/bss; null when unknown
 */
export function parseSmaps(bytes: Uint8Array, exePath: string | null = null): Mapping[] {
  return classifyMappings(parseSmapsText(bytes, 'smaps'), exePath);
}

/**
 * Parses /proc/PID/smaps_rollup: its "start-end ---p 00000000 00:00 0   [rollup]" header and the
 * fields, read like parseSmaps reads one mapping's fields.
 */
export function parseSmapsRollup(bytes: Uint8Array): SmapsRollup {
  const mappings = parseSmapsText(bytes, 'smaps_rollup');
  const rollup = mappings[0];
  if (rollup === undefined) throw new ProcParseError('smaps_rollup', 1, 'empty: no "[rollup]" header');
  if (mappings.length !== 1 || rollup.path !== '[rollup]') {
    throw new ProcParseError('smaps_rollup', 1, 'expected exactly one "[rollup]" header', `${rollup.start}-${rollup.end} ${rollup.path}`);
  }
  return { start: rollup.start, end: rollup.end, fields: rollup.smaps ?? {} };
}

function parseSmapsText(input: Uint8Array, file: string): Mapping[] {
  // A plain Uint8Array view: a Node Buffer's own indexOf/subarray are much slower per call.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  checkEndsWithNewline(bytes, file);
  const length = bytes.length;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const mappings: Mapping[] = [];
  // The keys of the mapping being read, by position; they stay as the prediction for the next mapping.
  const keyOrder: SmapsKey[] = [];
  // The field table's keys, and others met in this parse (each decoded once).
  const keys = new SmapsKeyTable((key) => key);
  // Word lists already made in this parse, by hash of their bytes: most mappings share a few VmFlags lines.
  const wordLists = new Map<number, WordList[]>();
  const shape: FieldsShape = { keys: null, template: null, keyOrderMatches: false };
  // The hot loop's state lives in locals, not in a closure's context, so V8 keeps it in registers.
  let current: Mapping | null = null;
  let fields: SmapsFields = {};
  let fieldsFromTemplate = false;
  let fieldCount = 0;
  let keyOrderChanged = false;
  let p = 0;
  let line = 0;

  while (p < length) {
    line++;
    const first = bytes[p]!;
    // Field keys start with an upper-case letter, never a lower-case hex digit: decide cheaply first.
    if (((first >= 0x30 && first <= 0x39) || (first >= 0x61 && first <= 0x66)) && isHeaderLine(bytes, p)) {
      if (current !== null) current.smaps = finishFields(shape, keyOrder, fields, fieldsFromTemplate, fieldCount, keyOrderChanged);
      const lineEnd = findLineEnd(bytes, p);
      current = parseMappingHeader(bytes, p, lineEnd, line, file);
      mappings.push(current);
      const template = shape.template;
      fieldsFromTemplate = template !== null;
      fields = template === null ? {} : { ...template };
      fieldCount = 0;
      keyOrderChanged = false;
      p = lineEnd + 1;
      continue;
    }
    if (current === null) throw new ProcParseError(file, line, 'field line before any mapping header', decodeUtf8(bytes, p, findLineEnd(bytes, p)));

    // Key: first try the key the previous mapping had at this position.
    let key = keyOrder[fieldCount];
    let v: number;
    if (key !== undefined && bytes[p + key.length] === CH_COLON && bytesEqualWordsAt(view, p, key.bytes, key.words)) {
      v = p + key.length + 1;
    } else {
      let colon = p;
      while (colon < length && bytes[colon] !== CH_COLON && bytes[colon] !== CH_NL) colon++;
      if (colon >= length || bytes[colon] !== CH_COLON || colon === p) {
        throw new ProcParseError(file, line, 'expected "Key: value" or a mapping header', decodeUtf8(bytes, p, findLineEnd(bytes, p)));
      }
      key = keys.lookUp(bytes, view, p, colon - p);
      // "fields[name] = value" with this name would set the object's prototype instead of a field.
      if (key.name === '__proto__') throw new ProcParseError(file, line, 'a key named "__proto__" is not kernel output');
      keyOrder[fieldCount] = key;
      keyOrderChanged = true;
      v = colon + 1;
    }

    // Value: "   N kB\n" and "   N\n" are read in place; anything else becomes its words.
    // The kernel pads keys to 16 columns and numbers to 8, so most of a line is spaces: skip 4 at a time.
    // (Tabs are not skipped: the kernel pads smaps with spaces; a tab sends the value to splitWords.)
    while (v + 4 <= length && view.getUint32(v) === FOUR_SPACES) v += 4;
    while (v < length && bytes[v] === CH_SPACE) v++;
    let q = v;
    let n = 0;
    for (; q < length; q++) {
      const d = bytes[q]! - 0x30;
      if (d < 0 || d > 9) break;
      n = n * 10 + d;
    }
    let next = -1;
    if (q > v && q < length) {
      const after = bytes[q];
      if (after === CH_NL) {
        next = q + 1; // bare number: "THPeligible:    0"
      } else if (after === CH_SPACE) {
        if (bytes[q + 1] === CH_K && bytes[q + 2] === CH_B && bytes[q + 3] === CH_NL) next = q + 4; // "N kB"
        else if (bytes[q + 1] === CH_NL) next = q + 2; // "N "
      }
    }
    if (next >= 0) {
      setField(fields, key.name, n);
      p = next;
    } else {
      const lineEnd = findLineEnd(bytes, v);
      setField(fields, key.name, lookUpWords(wordLists, bytes, v, lineEnd));
      p = lineEnd + 1;
    }
    fieldCount++;
  }
  if (current !== null) {
    if (file === 'smaps' && shape.keys !== null && fieldCount < shape.keys.length) {
      throw new ProcParseError(file, line, `truncated: the last mapping has ${fieldCount} of the ${shape.keys.length} fields the others have`);
    }
    current.smaps = finishFields(shape, keyOrder, fields, fieldsFromTemplate, fieldCount, keyOrderChanged);
  }
  return mappings;
}

/** The key list every mapping is expected to print (the first mapping's), and its template object. */
interface FieldsShape {
  keys: SmapsKey[] | null;
  template: SmapsFields | null;
  /** keyOrder[0, keys.length) === keys, entry by entry; recomputed only when keyOrder changed. */
  keyOrderMatches: boolean;
}

/**
 * Ends one mapping's fields: the first mapping defines the shape; a later mapping whose keys
 * differ from it had its fields written into a template clone holding keys it never printed,
 * so those fields are rebuilt with exactly its own keys.
 */
function finishFields(
  shape: FieldsShape,
  keyOrder: readonly SmapsKey[],
  fields: SmapsFields,
  fieldsFromTemplate: boolean,
  fieldCount: number,
  keyOrderChanged: boolean,
): SmapsFields {
  const keys = shape.keys;
  if (keys === null) {
    shape.keys = keyOrder.slice(0, fieldCount);
    shape.template = makeTemplate(shape.keys);
    shape.keyOrderMatches = true;
    return fields;
  }
  if (keyOrderChanged) {
    let same = true;
    for (let i = 0; i < keys.length; i++) {
      if (keyOrder[i] !== keys[i]) {
        same = false;
        break;
      }
    }
    shape.keyOrderMatches = same;
  }
  if (!fieldsFromTemplate || (shape.keyOrderMatches && fieldCount === keys.length)) return fields;
  const exact: SmapsFields = {};
  for (let i = 0; i < fieldCount; i++) {
    const name = keyOrder[i]!.name;
    exact[name] = fields[name]!;
  }
  return exact;
}

/**
 * Objects filled key by key with computed names fall into V8's slow dictionary mode after about a
 * dozen keys; an object made by JSON.parse is in fast mode, and spreading it ({ ...template }) clones
 * that fast shape, so each mapping's 25-odd fields are stored into existing slots. Null when the
 * keys repeat (no single shape).
 */
function makeTemplate(keys: readonly SmapsKey[]): SmapsFields | null {
  const names = keys.map((k) => k.name);
  if (new Set(names).size !== names.length) return null;
  return JSON.parse(`{${names.map((name) => `${JSON.stringify(name)}:0`).join(',')}}`) as SmapsFields;
}

/**
 * Stores one field. A store with a literal name compiles to a direct slot write on the template's
 * shape; one store `fields[name] = value` for every field sees some 28 names, falls back to V8's global
 * lookup cache and made parsing a 20,000-mapping smaps about a third slower. So the keys of SMAPS_FIELDS
 * get a literal store each: a speed-only mirror of the table, not a second list of what a key is (a
 * key without its case here, such as a row added to the table, is stored by the default, correctly).
 */
function setField(fields: SmapsFields, name: string, value: number | string[]): void {
  switch (name) {
    case 'Size':
      fields['Size'] = value;
      return;
    case 'KernelPageSize':
      fields['KernelPageSize'] = value;
      return;
    case 'MMUPageSize':
      fields['MMUPageSize'] = value;
      return;
    case 'Rss':
      fields['Rss'] = value;
      return;
    case 'Pss':
      fields['Pss'] = value;
      return;
    case 'Pss_Dirty':
      fields['Pss_Dirty'] = value;
      return;
    case 'Pss_Anon':
      fields['Pss_Anon'] = value;
      return;
    case 'Pss_File':
      fields['Pss_File'] = value;
      return;
    case 'Pss_Shmem':
      fields['Pss_Shmem'] = value;
      return;
    case 'Shared_Clean':
      fields['Shared_Clean'] = value;
      return;
    case 'Shared_Dirty':
      fields['Shared_Dirty'] = value;
      return;
    case 'Private_Clean':
      fields['Private_Clean'] = value;
      return;
    case 'Private_Dirty':
      fields['Private_Dirty'] = value;
      return;
    case 'Referenced':
      fields['Referenced'] = value;
      return;
    case 'Anonymous':
      fields['Anonymous'] = value;
      return;
    case 'KSM':
      fields['KSM'] = value;
      return;
    case 'LazyFree':
      fields['LazyFree'] = value;
      return;
    case 'AnonHugePages':
      fields['AnonHugePages'] = value;
      return;
    case 'ShmemPmdMapped':
      fields['ShmemPmdMapped'] = value;
      return;
    case 'FilePmdMapped':
      fields['FilePmdMapped'] = value;
      return;
    case 'Shared_Hugetlb':
      fields['Shared_Hugetlb'] = value;
      return;
    case 'Private_Hugetlb':
      fields['Private_Hugetlb'] = value;
      return;
    case 'Swap':
      fields['Swap'] = value;
      return;
    case 'SwapPss':
      fields['SwapPss'] = value;
      return;
    case 'Locked':
      fields['Locked'] = value;
      return;
    case 'THPeligible':
      fields['THPeligible'] = value;
      return;
    case 'ProtectionKey':
      fields['ProtectionKey'] = value;
      return;
    case 'VmFlags':
      fields['VmFlags'] = value;
      return;
    default:
      fields[name] = value;
  }
}

/**
 * A mapping header starts with a lowercase hex address followed by '-'; a field line starts with a
 * key (letters, digits, '_') followed by ':'. Keys never contain '-', so the first non-hex byte decides.
 */
function isHeaderLine(bytes: Uint8Array, lineStart: number): boolean {
  let p = lineStart;
  while (p < bytes.length && hexDigitValue(bytes[p]!) >= 0) p++;
  return p > lineStart && bytes[p] === CH_DASH;
}

/** A value line's bytes and the frozen word list made from them. */
interface WordList {
  readonly bytes: Uint8Array;
  readonly words: string[];
}

/**
 * The words of bytes[start, end), shared between mappings whose value bytes are identical (a
 * process has a handful of distinct VmFlags lines across thousands of mappings). Shared lists
 * are frozen, so a consumer cannot change one mapping's flags through another.
 */
function lookUpWords(lists: Map<number, WordList[]>, bytes: Uint8Array, start: number, end: number): string[] {
  // FNV-1a, 32-bit.
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  const candidates = lists.get(hash);
  if (candidates !== undefined) {
    for (const candidate of candidates) {
      const known = candidate.bytes;
      if (known.length !== end - start) continue;
      let same = true;
      for (let i = 0; i < known.length; i++) {
        if (known[i] !== bytes[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return candidate.words;
    }
  }
  const entry: WordList = { bytes: bytes.slice(start, end), words: Object.freeze(splitSmapsWords(bytes, start, end)) as string[] };
  if (candidates === undefined) lists.set(hash, [entry]);
  else candidates.push(entry);
  return entry.words;
}

/**
 * The words of a value that is not a number, bytes[start, end): separated by spaces or tabs,
 * decoded as UTF-8 ("rd wr mr " → ['rd', 'wr', 'mr']).
 */
export function splitSmapsWords(bytes: Uint8Array, start: number, end: number): string[] {
  const words: string[] = [];
  let p = start;
  while (p < end) {
    while (p < end && (bytes[p] === CH_SPACE || bytes[p] === CH_TAB)) p++;
    if (p >= end) break;
    let e = p;
    while (e < end && bytes[e] !== CH_SPACE && bytes[e] !== CH_TAB) e++;
    if (e - p === 2 && bytes[p]! < 0x80 && bytes[p + 1]! < 0x80) {
      const code = (bytes[p]! << 8) | bytes[p + 1]!;
      let word = TWO_LETTER_WORDS.get(code);
      if (word === undefined) {
        word = decodeLatin1(bytes, p, e);
        TWO_LETTER_WORDS.set(code, word);
      }
      words.push(word);
    } else {
      words.push(decodeUtf8(bytes, p, e));
    }
    p = e;
  }
  return words;
}
