// One line of trace text read as a string, field by field: the reference reader that names every problem.
// The byte reader (trace-parse-bytes.ts) takes the common lines itself and hands this one the rest (header
// lines, errors), so both accept the same lines with the same values. Format: shared/sim/TRACE-FORMAT.md.

import { type TraceBuilder } from './trace-builder.js';
import { OP_ALLOC, OP_CALLOC, OP_FREE, OP_MEMALIGN, OP_REALLOC, OP_THREAD_EXIT, OP_TRIM, TraceParseError } from './trace-types.js';

/** The first line of a version-2 trace starts with this. */
export const TRACE_V2_MAGIC = '# memscope-trace';

/** Fields an op line takes after its letter, as the format names them; kind −1 is `@`. */
interface LineSpec {
  kind: number;
  fields: readonly string[];
  /** Takes `=HEX` (what the allocator returned) when the header says `addresses`. */
  returns: boolean;
  /** Only in version-2 traces. */
  v2: boolean;
}

const LINE_SPECS: Readonly<Record<string, LineSpec>> = {
  a: { kind: OP_ALLOC, fields: ['ID', 'SIZE'], returns: true, v2: false },
  f: { kind: OP_FREE, fields: ['ID'], returns: false, v2: false },
  r: { kind: OP_REALLOC, fields: ['ID', 'SIZE'], returns: true, v2: false },
  c: { kind: OP_CALLOC, fields: ['ID', 'NMEMB', 'SIZE'], returns: true, v2: true },
  m: { kind: OP_MEMALIGN, fields: ['ID', 'ALIGN', 'SIZE'], returns: true, v2: true },
  t: { kind: OP_TRIM, fields: ['PAD'], returns: false, v2: true },
  x: { kind: OP_THREAD_EXIT, fields: ['TID'], returns: false, v2: true },
  '@': { kind: -1, fields: ['TID'], returns: false, v2: true },
};

const BLANKS = /[ \t\r\v\f]+/;
const DIGITS = /^[0-9]+$/;
const HEX_DIGITS = /^[0-9a-fA-F]+$/;

/** "an ID", "a SIZE", … */
function withArticle(field: string): string {
  return (/^[AEIOUN]/.test(field) ? 'an ' : 'a ') + field;
}

/** "an ID", "an ID and a SIZE", "an ID, an NMEMB and a SIZE". */
function listFields(fields: readonly string[]): string {
  const words = fields.map(withArticle);
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** Parses a decimal field; throws naming the field and the line. */
export function parseTraceCount(token: string, what: string, line: number): number {
  if (!DIGITS.test(token)) throw new TraceParseError(line, `${what} '${token}' is not a non-negative integer`);
  const v = Number(token);
  if (!Number.isSafeInteger(v)) throw new TraceParseError(line, `${what} ${token} is too large`);
  return v;
}

/** Parses hex digits (no 0x); throws naming the field and the line. */
function parseHex(digits: string, what: string, line: number): number {
  if (!HEX_DIGITS.test(digits)) throw new TraceParseError(line, `${what} '${digits}' is not hex (digits 0-9 a-f, no 0x)`);
  const v = parseInt(digits, 16);
  if (!Number.isSafeInteger(v)) throw new TraceParseError(line, `${what} ${digits} is too large`);
  return v;
}

/** True when body (a trimmed line) is a `# memscope-trace …` header rather than a plain comment. */
export function isTraceHeader(body: string): boolean {
  return body.startsWith(TRACE_V2_MAGIC) && (body.length === TRACE_V2_MAGIC.length || BLANKS.test(body[TRACE_V2_MAGIC.length] ?? ''));
}

/**
 * Reads the first line `# memscope-trace 2 cpus=N [brk0=HEX] [stdcxx=0|1] [addresses]` into the builder (version 2).
 * @throws TraceParseError on line 1 naming the field.
 */
export function parseTraceHeader(b: TraceBuilder, body: string): void {
  const tokens = body.slice(TRACE_V2_MAGIC.length).trim().split(BLANKS);
  const version = tokens[0] ?? '';
  if (version === '') throw new TraceParseError(1, `'${TRACE_V2_MAGIC}' needs a version (2)`);
  if (version !== '2') throw new TraceParseError(1, `memscope-trace version '${version}' is not supported (this memscope reads version 2)`);
  b.version = 2;
  const seen = new Set<string>();
  for (const token of tokens.slice(1)) {
    const eq = token.indexOf('=');
    const key = eq < 0 ? token : token.slice(0, eq);
    if (seen.has(key)) throw new TraceParseError(1, `header field '${key}' is given twice`);
    seen.add(key);
    if (key === 'cpus' && eq > 0) {
      const cpus = parseTraceCount(token.slice(eq + 1), 'cpus', 1);
      if (cpus < 1) throw new TraceParseError(1, 'cpus=0: a machine has at least 1 CPU');
      b.cpus = cpus;
    } else if (key === 'brk0' && eq > 0) {
      b.brk0 = parseHex(token.slice(eq + 1), 'brk0', 1);
    } else if (key === 'stdcxx' && eq > 0) {
      const value = token.slice(eq + 1);
      if (value !== '0' && value !== '1') throw new TraceParseError(1, `stdcxx '${value}' is not 0 or 1`);
      b.stdcxx = value === '1';
    } else if (token === 'addresses') {
      b.enableAddresses();
    } else {
      throw new TraceParseError(1, `unknown header field '${token}' (expected cpus=N, brk0=HEX, stdcxx=0|1 or addresses)`);
    }
  }
  if (b.cpus === null) throw new TraceParseError(1, 'the memscope-trace 2 header needs cpus=N (the recording machine\'s online CPUs)');
}

/**
 * Reads one trimmed, non-blank, non-comment line: a bare header integer (malloclab), or an op line.
 * @throws TraceParseError naming the line and what is wrong.
 */
export function parseTraceLine(b: TraceBuilder, body: string, line: number): void {
  const tokens = body.split(BLANKS);
  const first = tokens[0] ?? '';
  if (DIGITS.test(first)) {
    if (b.version === 2) throw new TraceParseError(line, `bare number '${body}' in a memscope-trace 2 trace (its header is the '${TRACE_V2_MAGIC}' line)`);
    if (b.opBase + b.length > 0) throw new TraceParseError(line, `bare number '${body}' after the first op (header lines come first)`);
    if (tokens.length !== 1) throw new TraceParseError(line, `header line '${body}' must hold one integer`);
    b.header.push(parseTraceCount(first, 'header value', line));
    return;
  }
  const spec = LINE_SPECS[first];
  if (spec === undefined || (spec.v2 && b.version !== 2)) {
    const hint = spec === undefined ? '' : `; '${first}' lines need the '${TRACE_V2_MAGIC} 2' header`;
    throw new TraceParseError(line, `unknown op '${first}' (expected ${b.version === 2 ? 'a, c, m, r, f, t, x or @' : 'a, f or r'}${hint})`);
  }
  const want = 1 + spec.fields.length;
  if (tokens.length < want) throw new TraceParseError(line, `'${first}' needs ${listFields(spec.fields)}`);
  const takesAddress = spec.returns && b.returned !== null;
  const extra = tokens[want];
  if (takesAddress && (extra === undefined || !extra.startsWith('='))) {
    throw new TraceParseError(line, `'${first}' needs '=HEX' after '${tokens.slice(0, want).join(' ')}' (the header says addresses)`);
  }
  if (!takesAddress && spec.returns && b.version === 2 && extra !== undefined && extra.startsWith('=')) {
    throw new TraceParseError(line, `'${extra}' after '${tokens.slice(0, want).join(' ')}' needs 'addresses' in the '${TRACE_V2_MAGIC}' header`);
  }
  const end = want + (takesAddress ? 1 : 0);
  if (tokens.length > end) {
    throw new TraceParseError(line, `unexpected '${tokens.slice(end).join(' ')}' after '${tokens.slice(0, end).join(' ')}'`);
  }
  const values = spec.fields.map((field, k) => parseTraceCount(tokens[k + 1] ?? '', field.toLowerCase(), line));
  const returned = takesAddress ? parseHex((extra ?? '').slice(1), 'address', line) : 0;
  const [v1 = 0, v2 = 0, v3 = 0] = values;
  if (spec.kind === -1) b.useThread(v1, line);
  else if (spec.kind === OP_TRIM) b.pushIdless(OP_TRIM, b.tid, v1, line);
  else if (spec.kind === OP_THREAD_EXIT) b.pushIdless(OP_THREAD_EXIT, v1, 0, line);
  else if (spec.kind === OP_FREE) b.push(OP_FREE, v1, 0, 0, 0, line);
  else if (spec.fields.length === 3) b.push(spec.kind, v1, v3, v2, returned, line);
  else b.push(spec.kind, v1, v2, 0, returned, line);
}
