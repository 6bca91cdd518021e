// /proc/PID/smaps arriving in pieces (memscope snapshot streams a 70 MB smaps instead of holding it) turned into
// the snapshot's "mappings" array text: each piece is cut after its last whole mapping, the rest carried to the
// next; the whole mappings go through writeSmapsJson (the --json byte path, no objects) and are re-indented as
// JSON.stringify(snapshot, null, 1) prints them. Same bytes, kinds and totals as parseSmaps over the whole text.
import { CH_NL, encodeUtf8 } from '../proc/bytes.js';
import { classifyMapping } from '../proc/classify.js';
import { parseMappingHeader } from '../proc/maps.js';
import { parseSmaps } from '../proc/smaps.js';
import { addSmapsAmounts } from '../proc/smaps-fields.js';
import { writeSmapsJson } from '../proc/smaps-json.js';
import type { Mapping } from '../proc/types.js';
import { indentArrayElements } from './json-indent.js';

/** The mappings array at depth 1 of the snapshot document: its elements' lines are indented 2 spaces. */
const ARRAY_DEPTH = 1;
const OPEN_FIRST = encodeUtf8('[\n  ');
const SEPARATOR = encodeUtf8(',\n  ');
const CLOSE = encodeUtf8('\n ]');
const EMPTY_ARRAY = encodeUtf8('[]');

/** Cuts smaps pieces after their last whole mapping and carries the rest, in one reused buffer. */
export class SmapsChunker {
  private buffer = new Uint8Array(0);
  /** buffer[carryAt, carryEnd) is the part of a mapping the last piece ended in. */
  private carryAt = 0;
  private carryEnd = 0;

  /**
   * Takes the next piece (copied: the caller may reuse its buffer); returns the whole mappings it completed
   * (maybe none), a view valid until the next call.
   */
  push(piece: Uint8Array): Uint8Array {
    const carried = this.carryEnd - this.carryAt;
    if (carried + piece.length > this.buffer.length) {
      const bigger = new Uint8Array(Math.max(2 * this.buffer.length, carried + piece.length));
      bigger.set(this.buffer.subarray(this.carryAt, this.carryEnd), 0);
      this.buffer = bigger;
    } else {
      this.buffer.copyWithin(0, this.carryAt, this.carryEnd);
    }
    this.buffer.set(piece, carried);
    const bytes = this.buffer.subarray(0, carried + piece.length);
    const cut = findLastHeaderLine(bytes);
    this.carryAt = cut;
    this.carryEnd = bytes.length;
    return bytes.subarray(0, cut);
  }

  /** What is left after the last piece. */
  finish(): Uint8Array {
    const rest = this.buffer.subarray(this.carryAt, this.carryEnd);
    this.carryAt = this.carryEnd = 0;
    return rest;
  }
}

/** Writes the "mappings" array of a snapshot from smaps pieces; also counts the mappings and sums their fields. */
export class SmapsArrayWriter {
  /** Mappings written so far. */
  mappingCount = 0;
  /** addSmapsAmounts over every mapping written, keys in the order first met (sumSmapsAmounts'). */
  readonly totals: Record<string, number> = {};
  private readonly chunker = new SmapsChunker();
  private last: Mapping | undefined;
  /** Where the indented text is written, reused (see push). */
  private readonly scratch = { bytes: new Uint8Array(0) };

  /** @param exePath readlink(/proc/PID/exe), as parseSmaps takes it */
  constructor(private readonly exePath: string | null) {}

  /**
   * The array text the piece completes (maybe none), valid until the next call: copy or write it first.
   * Throws parseSmaps' ProcParseError on bytes the kernel never prints.
   */
  push(piece: Uint8Array): Uint8Array[] {
    return this.write(this.chunker.push(piece));
  }

  /** The rest of the array text, closing bracket included. */
  finish(): Uint8Array[] {
    const out = this.write(this.chunker.finish());
    out.push(this.mappingCount === 0 ? EMPTY_ARRAY : CLOSE);
    return out;
  }

  /** Whole mappings given as they come: every other mapping as it would be in the array (tests: the same with parseSmaps). */
  writeMappings(list: readonly Mapping[]): Uint8Array[] {
    return list.length === 0 ? [] : this.writeJson(encodeUtf8(JSON.stringify(list)), list.length);
  }

  private write(block: Uint8Array): Uint8Array[] {
    if (block.length === 0) return [];
    const first = parseMappingHeader(block, 0, block.indexOf(CH_NL), 1, 'smaps');
    const lastStart = findLastHeaderLine(block);
    const last = parseMappingHeader(block, lastStart, block.indexOf(CH_NL, lastStart), 1, 'smaps');
    // writeSmapsJson classifies the block's first mapping without its predecessor: when that changes its kind
    // (a bss right after the executable, cut apart), the block goes through objects.
    const cutMatters = this.last !== undefined && classifyMapping(first, this.exePath, this.last) !== classifyMapping(first, this.exePath);
    const fast = cutMatters ? null : writeSmapsJson(block, this.exePath);
    let out: Uint8Array[];
    if (fast !== null) {
      for (const key in fast.totals) this.totals[key] = (Object.hasOwn(this.totals, key) ? this.totals[key]! : 0) + fast.totals[key]!;
      out = this.writeJson(fast.json, fast.mappingCount);
    } else {
      const mappings = parseSmaps(block, this.exePath);
      const head = mappings[0];
      if (head !== undefined && this.last !== undefined) head.kind = classifyMapping(head, this.exePath, this.last);
      for (const m of mappings) if (m.smaps !== undefined) addSmapsAmounts(this.totals, m.smaps);
      out = this.writeJson(encodeUtf8(JSON.stringify(mappings)), mappings.length);
    }
    this.last = last;
    return out;
  }

  private writeJson(compact: Uint8Array, count: number): Uint8Array[] {
    const out = [this.mappingCount === 0 ? OPEN_FIRST : SEPARATOR, indentArrayElements(compact, ARRAY_DEPTH, this.scratch)];
    this.mappingCount += count;
    return out;
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

