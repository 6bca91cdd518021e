// Finds where and why a text stops being JSON, so error messages can say "truncated at line 40"
// instead of echoing the JS engine's message (whose wording and position reporting vary by V8 version).
// Source of truth: RFC 8259 grammar. Only run after JSON.parse failed: it checks syntax, builds nothing.

/** Where a text stops being JSON. */
export interface JsonErrorLocation {
  /** Index of the offending character (UTF-16 code units), or text.length when the text ended too early. */
  offset: number;
  /** 1-based line of offset. */
  line: number;
  /** 1-based column of offset (UTF-16 code units). */
  column: number;
  /** True when the text ended in the middle of a value: a cut-off file rather than a wrong one. */
  truncated: boolean;
  /** What the grammar wanted at offset, e.g. "',' or '}'". */
  expected: string;
}

type State = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'afterValue';

/** Thrown inside the scanner only, to unwind to locateJsonError. */
class SyntaxStop {
  constructor(
    readonly offset: number,
    readonly truncated: boolean,
    readonly expected: string,
  ) {}
}

/**
 * Returns the first syntax error of `text` as JSON, or undefined when it is valid JSON.
 * Iterative (an explicit stack), so deeply nested input cannot overflow the call stack.
 */
export function locateJsonError(text: string): JsonErrorLocation | undefined {
  try {
    scanJson(text);
    return undefined;
  } catch (e) {
    if (!(e instanceof SyntaxStop)) throw e;
    const { line, column } = findLineColumn(text, e.offset);
    return { offset: e.offset, line, column, truncated: e.truncated, expected: e.expected };
  }
}

function scanJson(text: string): void {
  const n = text.length;
  const stack: string[] = [];
  let state: State = 'value';
  let i = 0;
  for (;;) {
    i = skipWhitespace(text, i);
    if (i >= n) {
      if (state === 'afterValue' && stack.length === 0) return;
      throw new SyntaxStop(n, true, describeExpected(state, stack));
    }
    const c = text[i] as string;
    switch (state) {
      case 'value':
      case 'valueOrClose':
        if (state === 'valueOrClose' && c === ']') {
          stack.pop();
          i++;
          state = 'afterValue';
        } else if (c === '{') {
          stack.push('}');
          i++;
          state = 'keyOrClose';
        } else if (c === '[') {
          stack.push(']');
          i++;
          state = 'valueOrClose';
        } else {
          i = scanScalar(text, i, describeExpected(state, stack));
          state = 'afterValue';
        }
        break;
      case 'key':
      case 'keyOrClose':
        if (state === 'keyOrClose' && c === '}') {
          stack.pop();
          i++;
          state = 'afterValue';
        } else if (c === '"') {
          i = scanString(text, i);
          state = 'colon';
        } else {
          throw new SyntaxStop(i, false, describeExpected(state, stack));
        }
        break;
      case 'colon':
        if (c !== ':') throw new SyntaxStop(i, false, "':'");
        i++;
        state = 'value';
        break;
      case 'afterValue': {
        const close = stack[stack.length - 1];
        if (close === undefined) throw new SyntaxStop(i, false, 'end of input');
        if (c === ',') {
          i++;
          state = close === '}' ? 'key' : 'value';
        } else if (c === close) {
          stack.pop();
          i++;
        } else {
          throw new SyntaxStop(i, false, `',' or '${close}'`);
        }
        break;
      }
    }
  }
}

function describeExpected(state: State, stack: readonly string[]): string {
  switch (state) {
    case 'value':
      return 'a value';
    case 'valueOrClose':
      return "a value or ']'";
    case 'key':
      return 'a property name in double quotes';
    case 'keyOrClose':
      return "a property name in double quotes or '}'";
    case 'colon':
      return "':'";
    case 'afterValue': {
      const close = stack[stack.length - 1];
      return close === undefined ? 'end of input' : `',' or '${close}'`;
    }
  }
}

function skipWhitespace(text: string, from: number): number {
  let i = from;
  for (;;) {
    const c = text.charCodeAt(i);
    // RFC 8259 §2: space, tab, line feed, carriage return; nothing else.
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
    else return i;
  }
}

/** A string, number or literal starting at i; returns the index after it. */
function scanScalar(text: string, i: number, expected: string): number {
  const c = text[i] as string;
  if (c === '"') return scanString(text, i);
  if (c === '-' || (c >= '0' && c <= '9')) return scanNumber(text, i);
  for (const literal of ['true', 'false', 'null']) {
    if (c !== literal[0]) continue;
    for (let k = 1; k < literal.length; k++) {
      if (i + k >= text.length) throw new SyntaxStop(text.length, true, `'${literal}'`);
      if (text[i + k] !== literal[k]) throw new SyntaxStop(i + k, false, `'${literal}'`);
    }
    return i + literal.length;
  }
  throw new SyntaxStop(i, false, expected);
}

function scanString(text: string, start: number): number {
  const n = text.length;
  let i = start + 1;
  for (;;) {
    if (i >= n) throw new SyntaxStop(n, true, "'\"' closing the string");
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) throw new SyntaxStop(i, false, 'no control character inside a string (escape it)');
    if (c === 0x5c) {
      i++;
      if (i >= n) throw new SyntaxStop(n, true, 'an escape sequence');
      const e = text[i] as string;
      if (e === 'u') {
        for (let k = 1; k <= 4; k++) {
          if (i + k >= n) throw new SyntaxStop(n, true, 'four hex digits after \\u');
          if (!/[0-9a-fA-F]/.test(text[i + k] as string)) throw new SyntaxStop(i + k, false, 'four hex digits after \\u');
        }
        i += 4;
      } else if (!'"\\/bfnrt'.includes(e)) {
        throw new SyntaxStop(i, false, 'one of " \\ / b f n r t u after a backslash');
      }
    }
    i++;
  }
}

/** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
function scanNumber(text: string, start: number): number {
  const n = text.length;
  let i = start;
  const isDigit = (k: number): boolean => k < n && text.charCodeAt(k) >= 0x30 && text.charCodeAt(k) <= 0x39;
  const needDigit = (k: number): void => {
    if (k >= n) throw new SyntaxStop(n, true, 'a digit');
    if (!isDigit(k)) throw new SyntaxStop(k, false, 'a digit');
  };
  if (text[i] === '-') i++;
  needDigit(i);
  if (text[i] === '0') i++;
  else while (isDigit(i)) i++;
  if (text[i] === '.') {
    i++;
    needDigit(i);
    while (isDigit(i)) i++;
  }
  if (text[i] === 'e' || text[i] === 'E') {
    i++;
    if (text[i] === '+' || text[i] === '-') i++;
    needDigit(i);
    while (isDigit(i)) i++;
  }
  return i;
}

function findLineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
