// Allocation traces: CMU malloclab `.rep` text and the same ops as JSON, packed for fast replay.
// Source of truth: CS:APP malloclab mdriver.c read_trace (a/f/r lines after a bare-integer header)
// and issue 4 (optional header of 2 or 4 integers, `#` comments, C-replay semantics).

/** Op kind as the trace spells it: a = malloc, f = free, r = realloc. */
export type TraceOpKind = 'a' | 'f' | 'r';

/** One op in the JSON form: `{"op":"a","id":3,"size":40}`; `size` is absent (or 0) for `f`. */
export interface TraceOp {
  op: TraceOpKind;
  id: number;
  size?: number;
}

/** Packed op kinds. */
export const OP_ALLOC = 0;
/** Packed op kinds. */
export const OP_FREE = 1;
/** Packed op kinds. */
export const OP_REALLOC = 2;

/**
 * A trace packed into typed arrays (no per-op objects, so replays create no garbage).
 * Semantics, as a C replay `ptr[id] = malloc(size)` … has them (`void *ptr[]`, NULL at first):
 * `a` on a live id leaks the old block; `f ID` frees ptr[ID], which keeps the freed pointer, so a
 * second `f ID` (or `r ID n`) is a double free (a use after free) as in C; `f`/`r` on an id holding
 * NULL (a failed call, `r ID 0`) are free(NULL)/realloc(NULL, size); `r ID 0` frees and stores NULL;
 * an `r` on an id no earlier op used is realloc(NULL, size), an `f` on one is refused (TraceParseError).
 *
 * Invariants: kinds/ids/slots/sizes all have `length` entries; slots[i] < slotCount;
 * ids[i] === ids[j] ⇔ slots[i] === slots[j]; sizes[i] === 0 when kinds[i] === OP_FREE.
 */
export interface Trace {
  /** Number of ops. */
  length: number;
  /** OP_ALLOC, OP_FREE or OP_REALLOC per op. */
  kinds: Uint8Array;
  /** The id as written in the trace. */
  ids: Float64Array;
  /** Dense index of the id (0 … slotCount-1), for pointer tables. */
  slots: Uint32Array;
  /** Requested bytes (0 for OP_FREE). */
  sizes: Float64Array;
  /** Number of distinct ids. */
  slotCount: number;
  /** The bare integers before the first op (malloclab header), as written. */
  header: number[];
}

/** A trace that cannot be read; `line` is 1-based (0 when the input has no lines, e.g. bad JSON). */
export class TraceParseError extends Error {
  /** 1-based line of the problem. */
  readonly line: number;
  constructor(line: number, message: string) {
    super(line > 0 ? `line ${line}: ${message}` : message);
    this.name = 'TraceParseError';
    this.line = line;
  }
}

const KIND_CODES: Record<TraceOpKind, number> = { a: OP_ALLOC, f: OP_FREE, r: OP_REALLOC };
const KIND_NAMES: readonly TraceOpKind[] = ['a', 'f', 'r'];

/** Grows a trace under construction. */
class TraceBuilder {
  length = 0;
  kinds = new Uint8Array(1024);
  ids = new Float64Array(1024);
  slots = new Uint32Array(1024);
  sizes = new Float64Array(1024);
  slotOf = new Map<number, number>();
  header: number[] = [];

  /** Appends an op; `line` (0: none) names it in errors. */
  push(kind: number, id: number, size: number, line: number): void {
    let slot = this.slotOf.get(id);
    if (slot === undefined && kind === OP_FREE) {
      // It frees a pointer the trace never had: no real program does that with a pointer it holds.
      throw new TraceParseError(line, `free of unknown id ${id} at op ${this.length} (no earlier op allocated it)`);
    }
    if (this.length === this.kinds.length) this.grow();
    const i = this.length++;
    this.kinds[i] = kind;
    this.ids[i] = id;
    this.sizes[i] = size;
    if (slot === undefined) {
      slot = this.slotOf.size;
      this.slotOf.set(id, slot);
    }
    this.slots[i] = slot;
  }

  private grow(): void {
    const n = this.kinds.length * 2;
    const kinds = new Uint8Array(n);
    kinds.set(this.kinds);
    const ids = new Float64Array(n);
    ids.set(this.ids);
    const slots = new Uint32Array(n);
    slots.set(this.slots);
    const sizes = new Float64Array(n);
    sizes.set(this.sizes);
    this.kinds = kinds;
    this.ids = ids;
    this.slots = slots;
    this.sizes = sizes;
  }

  finish(): Trace {
    const n = this.length;
    return {
      length: n,
      kinds: this.kinds.slice(0, n),
      ids: this.ids.slice(0, n),
      slots: this.slots.slice(0, n),
      sizes: this.sizes.slice(0, n),
      slotCount: this.slotOf.size,
      header: this.header,
    };
  }
}

function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\v' || c === '\f';
}

/** Parses a decimal field; throws naming the field and the line. */
function parseCount(token: string, what: string, line: number): number {
  if (!/^[0-9]+$/.test(token)) {
    throw new TraceParseError(line, `${what} '${token}' is not a non-negative integer`);
  }
  const v = Number(token);
  if (!Number.isSafeInteger(v)) throw new TraceParseError(line, `${what} ${token} is too large`);
  return v;
}

/**
 * Parses malloclab `.rep` text: leading lines holding one bare integer are the header (2 or 4 of
 * them in the wild, any number accepted), then one op per line: `a ID SIZE`, `f ID`, `r ID SIZE`.
 * Lines starting with `#` and blank lines are skipped anywhere.
 * @throws TraceParseError naming the line and what is wrong.
 */
export function parseRepTrace(text: string): Trace {
  const b = new TraceBuilder();
  let line = 0;
  let pos = 0;
  const n = text.length;
  while (pos <= n) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = n;
    line++;
    let s = pos;
    let e = eol;
    pos = eol + 1;
    while (s < e && isBlank(text[s])) s++;
    while (e > s && isBlank(text[e - 1])) e--;
    if (s === e || text[s] === '#') continue;
    const body = text.slice(s, e);
    const tokens = body.split(/[ \t\r\v\f]+/);
    const first = tokens[0] ?? '';
    if (/^[0-9]+$/.test(first)) {
      if (b.length > 0) throw new TraceParseError(line, `bare number '${body}' after the first op (header lines come first)`);
      if (tokens.length !== 1) throw new TraceParseError(line, `header line '${body}' must hold one integer`);
      b.header.push(parseCount(first, 'header value', line));
      continue;
    }
    if (first !== 'a' && first !== 'f' && first !== 'r') {
      throw new TraceParseError(line, `unknown op '${first}' (expected a, f or r)`);
    }
    const want = first === 'f' ? 2 : 3;
    if (tokens.length < want) {
      throw new TraceParseError(line, first === 'f' ? `'f' needs an ID` : `'${first}' needs an ID and a SIZE`);
    }
    if (tokens.length > want) {
      throw new TraceParseError(line, `unexpected '${tokens.slice(want).join(' ')}' after '${tokens.slice(0, want).join(' ')}'`);
    }
    const id = parseCount(tokens[1] ?? '', 'id', line);
    const size = first === 'f' ? 0 : parseCount(tokens[2] ?? '', 'size', line);
    b.push(KIND_CODES[first], id, size, line);
  }
  return b.finish();
}

/** 1-based line on which each top-level array element of a JSON text starts (for error messages). */
function locateJsonElements(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectElement = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (depth === 1 && expectElement && c !== undefined && !isBlank(c) && c !== '\n' && c !== ',' && c !== ']') {
      lines.push(line);
      expectElement = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1) expectElement = true;
    } else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expectElement = true;
  }
  return lines;
}

/**
 * Parses the JSON form: an array of `{"op":"a"|"f"|"r","id":N,"size":N}` (size omitted or 0 for f).
 * @throws TraceParseError naming the element's line and what is wrong.
 */
export function parseJsonTrace(text: string): Trace {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new TraceParseError(0, `not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(data)) throw new TraceParseError(1, 'a JSON trace must be an array of ops');
  const b = new TraceBuilder();
  let lines: number[] | null = null;
  const fail = (i: number, message: string): never => {
    lines ??= locateJsonElements(text);
    throw new TraceParseError(lines[i] ?? 0, `op ${i}: ${message}`);
  };
  for (let i = 0; i < data.length; i++) {
    const o: unknown = data[i];
    if (typeof o !== 'object' || o === null || Array.isArray(o)) fail(i, 'must be an object like {"op":"a","id":0,"size":8}');
    const rec = o as Record<string, unknown>;
    const op = rec['op'];
    if (op !== 'a' && op !== 'f' && op !== 'r') fail(i, `unknown op ${JSON.stringify(op)} (expected "a", "f" or "r")`);
    const kind = op as TraceOpKind;
    const id = rec['id'];
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) fail(i, `id ${JSON.stringify(id)} is not a non-negative integer`);
    const size = rec['size'];
    if (kind === 'f') {
      if (size !== undefined && size !== 0) fail(i, `'f' takes no size (got ${JSON.stringify(size)})`);
    } else if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      fail(i, `size ${JSON.stringify(size)} is not a non-negative integer`);
    }
    for (const key of Object.keys(rec)) {
      if (key !== 'op' && key !== 'id' && key !== 'size') fail(i, `unexpected key ${JSON.stringify(key)}`);
    }
    // The line is needed only when push refuses the op (a free of an unknown id).
    const line = kind === 'f' && !b.slotOf.has(id as number) ? ((lines ??= locateJsonElements(text))[i] ?? 0) : 0;
    b.push(KIND_CODES[kind], id as number, kind === 'f' ? 0 : (size as number), line);
  }
  return b.finish();
}

/** Parses either form: JSON when the first non-blank character is '[', malloclab `.rep` otherwise. */
export function parseTrace(text: string): Trace {
  const m = /\S/.exec(text);
  return m !== null && m[0] === '[' ? parseJsonTrace(text) : parseRepTrace(text);
}

/** Packs ops given as objects (e.g. from a workload generator) without a text round trip. @throws TraceParseError as the parsers do. */
export function packTraceOps(ops: readonly TraceOp[]): Trace {
  const b = new TraceBuilder();
  for (const o of ops) b.push(KIND_CODES[o.op], o.id, o.op === 'f' ? 0 : (o.size ?? 0), 0);
  return b.finish();
}

/** The op kind letter of op i. */
export function readTraceOpKind(trace: Trace, i: number): TraceOpKind {
  return KIND_NAMES[trace.kinds[i] ?? 0] ?? 'a';
}

/** Writes a trace as malloclab `.rep` text with the 2-integer header (ids, ops). */
export function formatRepTrace(trace: Trace): string {
  const out: string[] = [String(trace.slotCount), String(trace.length)];
  for (let i = 0; i < trace.length; i++) {
    const k = readTraceOpKind(trace, i);
    out.push(k === 'f' ? `f ${trace.ids[i]}` : `${k} ${trace.ids[i]} ${trace.sizes[i]}`);
  }
  return out.join('\n') + '\n';
}

/** Writes a trace in the JSON form, one op per line. */
export function formatJsonTrace(trace: Trace): string {
  const out: string[] = [];
  for (let i = 0; i < trace.length; i++) {
    const k = readTraceOpKind(trace, i);
    out.push(k === 'f' ? `{"op":"f","id":${trace.ids[i]}}` : `{"op":"${k}","id":${trace.ids[i]},"size":${trace.sizes[i]}}`);
  }
  return '[\n' + out.join(',\n') + '\n]\n';
}
