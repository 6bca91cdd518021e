// The JSON form of a trace: an array of `{"op":"a"|"f"|"r","id":N,"size":N}`, the malloclab ops only
// (version 1), with errors naming the line of the offending element. Format: shared/sim/TRACE-FORMAT.md.

import { TraceBuilder } from './trace-builder.js';
import { OP_ALLOC, OP_FREE, OP_REALLOC, type Trace, TraceParseError } from './trace-types.js';

const JSON_KINDS = { a: OP_ALLOC, f: OP_FREE, r: OP_REALLOC } as const;

function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\v' || c === '\f';
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
    const kind = op as 'a' | 'f' | 'r';
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
    const line = kind === 'f' && !b.hasId(id as number) ? ((lines ??= locateJsonElements(text))[i] ?? 0) : 0;
    b.push(JSON_KINDS[kind], id as number, kind === 'f' ? 0 : (size as number), 0, 0, line);
  }
  return b.finish();
}
