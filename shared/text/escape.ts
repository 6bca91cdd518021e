// Makes untrusted text safe to print on a terminal: a process's argv is chosen by any user, file names
// (from /proc or a snapshot file) and arguments can hold ESC sequences, newlines and C1 controls. The one
// rule for text output and error messages (JSON output needs none: JSON escapes C0 itself).

/**
 * What a terminal acts on or that hides text: C0 controls, DEL, C1 controls (U+0080–U+009F, e.g. U+009B,
 * the one-character CSI), line/paragraph separators, bidirectional overrides ("Trojan Source") and lone
 * surrogates (a snapshot's JSON can carry "\ud800"; they are not text).
 */
const UNSAFE_CHAR = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Most characters of user input an error message quotes (escapes included); the rest is counted, not shown. */
export const MAX_QUOTED_CHARS = 200;

const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** The visible escape of one unsafe character: \n, \r, \t, \xHH up to U+00FF, \uHHHH beyond. */
function escapeChar(c: string): string {
  const short = SHORT_ESCAPES[c];
  if (short !== undefined) return short;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * text with every terminal control character replaced by a visible escape (ESC → `\x1b`, LF → `\n`,
 * U+009B → `\x9b`); everything printable, including non-ASCII, is kept. Not reversible (a backslash
 * stays as is): it is for people reading a terminal, like ps's `?`, but says which character it was.
 */
export function escapeControlChars(text: string): string {
  return text.replace(UNSAFE_CHAR, escapeChar);
}

/**
 * User input quoted for a one-line error message: in double quotes, `"` and `\` escaped, control characters
 * escaped as {@link escapeControlChars} does, and at most MAX_QUOTED_CHARS characters shown, the rest counted
 * (`"aaaa…" (9800 more characters)`). Invalid UTF-8 in argv has already become U+FFFD in Node, which is shown.
 */
export function quoteUserInput(text: string): string {
  let shown = '';
  let usedChars = 0;
  for (const c of text) {
    const piece = c === '"' || c === '\\' ? `\\${c}` : escapeControlChars(c);
    if (shown.length + piece.length > MAX_QUOTED_CHARS) return `"${shown}…" (${text.length - usedChars} more characters)`;
    shown += piece;
    usedChars += c.length;
  }
  return `"${shown}"`;
}

/** A whole message made one bounded line: control characters escaped, cut after maxChars with the rest counted. */
export function boundMessage(text: string, maxChars: number): string {
  const line = escapeControlChars(text);
  if (line.length <= maxChars) return line;
  // Never end on half a surrogate pair.
  const cut = /[\ud800-\udbff]/.test(line.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
  return `${line.slice(0, cut)}… (${line.length - cut} more characters)`;
}
