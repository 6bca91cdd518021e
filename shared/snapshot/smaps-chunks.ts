// Parses /proc/PID/smaps arriving in pieces (memscope snapshot streams a 70 MB smaps instead of holding it):
// each piece is cut after its last whole mapping and parsed by parseSmaps (shared/proc/smaps.ts), the rest
// carried to the next piece. Same mappings, kinds included, as parseSmaps over the whole text.
import { classifyMapping } from '../proc/classify.js';
import { parseSmaps } from '../proc/smaps.js';
import type { Mapping } from '../proc/types.js';

const CH_NL = 0x0a;

/** Feeds smaps pieces in order; each push returns the mappings completed so far, finish the last ones. */
export class SmapsChunkParser {
  private carry: Uint8Array = new Uint8Array(0);
  private prev: Mapping | undefined;

  /** @param exePath readlink(/proc/PID/exe), as parseSmaps takes it */
  constructor(private readonly exePath: string | null) {}

  /** Takes the next piece (copied as needed: the caller may reuse its buffer) and returns the mappings it completed. */
  push(piece: Uint8Array): Mapping[] {
    const bytes = concat(this.carry, piece);
    const cut = findLastHeaderLine(bytes);
    this.carry = bytes.slice(cut);
    return cut === 0 ? [] : this.parse(bytes.subarray(0, cut));
  }

  /** The mappings left after the last piece; throws ProcParseError when the text ends mid-line, as parseSmaps does. */
  finish(): Mapping[] {
    const rest = this.carry;
    this.carry = new Uint8Array(0);
    return rest.length === 0 ? [] : this.parse(rest);
  }

  private parse(bytes: Uint8Array): Mapping[] {
    const mappings = parseSmaps(bytes, this.exePath);
    // parseSmaps classified the piece's first mapping without its predecessor (a bss follows the executable).
    const first = mappings[0];
    if (first !== undefined && this.prev !== undefined) first.kind = classifyMapping(first, this.exePath, this.prev);
    this.prev = mappings.at(-1) ?? this.prev;
    return mappings;
  }
}

/**
 * Offset of the last line that starts a mapping ("7f…-7f… rw-p …": a header begins with a lowercase hex
 * digit, a field with an upper-case key), 0 when there is none but the first: everything before it is whole mappings.
 */
function findLastHeaderLine(bytes: Uint8Array): number {
  for (let i = bytes.length - 1; i > 0; i--) {
    if (bytes[i - 1] !== CH_NL) continue;
    const c = bytes[i]!;
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66)) return i;
  }
  return 0;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
