// Re-indents compact JSON bytes (JSON.stringify(value) or writeSmapsJson's text) into exactly what
// JSON.stringify(value, null, 1) prints, byte by byte: strings and numbers copied, one space per level,
// ": " after keys, "[]" and "{}" for empty containers. memscope snapshot writes its mappings this way.

const CH_QUOTE = 0x22;
const CH_BACKSLASH = 0x5c;
const CH_COMMA = 0x2c;
const CH_COLON = 0x3a;
const CH_LBRACE = 0x7b;
const CH_RBRACE = 0x7d;
const CH_LBRACKET = 0x5b;
const CH_RBRACKET = 0x5d;
const CH_NL = 0x0a;
const CH_SPACE = 0x20;

/**
 * The elements of a compact JSON array (`[a,b,…]`, no whitespace outside strings) as they appear inside an
 * array printed by JSON.stringify(…, null, 1) at `depth` levels down (the elements' own lines indented
 * depth + 1 spaces), separated by ",\n" and that indent; without the brackets and the first indent.
 * An empty array gives no bytes. With `scratch`, the text is written into scratch.bytes (grown and kept
 * there as needed) and the result is a view of it, valid until the next call with the same scratch.
 */
export function indentArrayElements(compact: Uint8Array, depth: number, scratch?: { bytes: Uint8Array }): Uint8Array {
  const last = compact.length - 1;
  if (compact[0] !== CH_LBRACKET || compact[last] !== CH_RBRACKET) throw new Error('indentArrayElements: not a JSON array');
  // Mappings grow ~1.8x (`"Rss":4,` → `"Rss": 4,\n   `); the check before each newline grows the rest.
  const wanted = compact.length * 2 + 64;
  let out: Uint8Array = scratch !== undefined && scratch.bytes.length >= wanted ? scratch.bytes : new Uint8Array(wanted);
  let pos = 0;
  let level = depth + 1;
  for (let i = 1; i < last; i++) {
    const c = compact[i]!;
    const role = ROLE[c]!;
    if (role === PLAIN) {
      out[pos++] = c;
      continue;
    }
    if (pos + level + 8 > out.length) out = grow(out, pos + level + 8 + (last - i) * 2);
    if (role === QUOTE) {
      // A string, copied to its closing quote (escapes included).
      out[pos++] = c;
      for (i++; i < last; i++) {
        const s = compact[i]!;
        if (pos + 2 > out.length) out = grow(out, pos + 2 + (last - i) * 2);
        out[pos++] = s;
        if (s === CH_BACKSLASH) out[pos++] = compact[++i]!;
        else if (s === CH_QUOTE) break;
      }
    } else if (role === OPEN) {
      out[pos++] = c;
      const next = compact[i + 1];
      if (next === c + 2) {
        out[pos++] = next; // "{}" and "[]": JSON.stringify prints empty containers on one line
        i++;
      } else {
        level++;
        out[pos++] = CH_NL;
        out.fill(CH_SPACE, pos, pos + level);
        pos += level;
      }
    } else if (role === CLOSE) {
      level--;
      out[pos++] = CH_NL;
      out.fill(CH_SPACE, pos, pos + level);
      pos += level;
      out[pos++] = c;
    } else if (role === COMMA) {
      out[pos++] = c;
      out[pos++] = CH_NL;
      out.fill(CH_SPACE, pos, pos + level);
      pos += level;
    } else {
      out[pos++] = c;
      out[pos++] = CH_SPACE; // after a key's colon
    }
  }
  if (scratch !== undefined) scratch.bytes = out;
  return out.subarray(0, pos);
}

const PLAIN = 0;
const QUOTE = 1;
const OPEN = 2;
const CLOSE = 3;
const COMMA = 4;
const COLON = 5;
/** What each byte does to the layout outside strings (one table look-up per byte). */
const ROLE = new Uint8Array(256);
ROLE[CH_QUOTE] = QUOTE;
ROLE[CH_LBRACE] = OPEN;
ROLE[CH_LBRACKET] = OPEN;
ROLE[CH_RBRACE] = CLOSE;
ROLE[CH_RBRACKET] = CLOSE;
ROLE[CH_COMMA] = COMMA;
ROLE[CH_COLON] = COLON;

function grow(out: Uint8Array, atLeast: number): Uint8Array {
  const bigger = new Uint8Array(Math.max(atLeast, out.length * 2));
  bigger.set(out);
  return bigger;
}
