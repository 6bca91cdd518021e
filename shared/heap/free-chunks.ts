// The free chunks found on the lists (tcache, fastbins, bins), in a hash table keyed by address: the chunk walk looks
// each chunk up in O(1) (1 M chunks, no sort, no object per chunk; memory follows the listed chunks, not the heap).
import { TornReadError } from './memory.js';
import type { FreeTotals } from './report.js';

/** The list a free chunk is on. */
export type FreeKind = keyof FreeTotals;

/** Index order of the kinds (codeOf answers 1 + this index). */
export const FREE_KINDS: readonly FreeKind[] = ['tcache', 'fastbins', 'unsorted', 'smallbins', 'largebins'];

const INITIAL_SLOTS_LOG2 = 10;

/** A set of (chunk address, kind): open addressing, linear probing, at most half full. */
export class FreeChunks {
  private bits = INITIAL_SLOTS_LOG2;
  /** Chunk addresses (0: empty slot; no chunk lives at 0). */
  private keys = new Float64Array(1 << INITIAL_SLOTS_LOG2);
  /** 1 + FREE_KINDS index of each key. */
  private codes = new Uint8Array(1 << INITIAL_SLOTS_LOG2);
  /** Chunks recorded. */
  size = 0;

  /** Records `chunk` (16-aligned) as free on `kind`; a chunk on two lists is a torn read (it moved while we looked). */
  add(chunk: number, kind: FreeKind): void {
    if (2 * (this.size + 1) > this.keys.length) this.grow();
    const at = this.slotOf(chunk);
    if (this.keys[at] === chunk) throw new TornReadError(`chunk ${chunk.toString(16)} is on two free lists`);
    this.keys[at] = chunk;
    this.codes[at] = 1 + FREE_KINDS.indexOf(kind);
    this.size++;
  }

  /** 1 + the FREE_KINDS index of the list `chunk` is on, 0 when it is on none. */
  codeOf(chunk: number): number {
    const at = this.slotOf(chunk);
    return this.keys[at] === chunk ? this.codes[at]! : 0;
  }

  /** The kind `chunk` is listed as, or undefined. */
  kindOf(chunk: number): FreeKind | undefined {
    const code = this.codeOf(chunk);
    return code === 0 ? undefined : FREE_KINDS[code - 1];
  }

  /** The slot holding `chunk`, or the empty one where it would go. */
  private slotOf(chunk: number): number {
    const mask = this.keys.length - 1;
    // The granule number itself, modulo the table (>>> keeps the low bits of any address below 2^53): the walk goes
    // up through the heap, so its lookups go up through the table (cache lines, not a miss per chunk).
    let at = (chunk >>> 4) & mask;
    for (;;) {
      const key = this.keys[at]!;
      if (key === chunk || key === 0) return at;
      at = (at + 1) & mask;
    }
  }

  private grow(): void {
    const { keys, codes } = this;
    this.bits++;
    this.keys = new Float64Array(1 << this.bits);
    this.codes = new Uint8Array(1 << this.bits);
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === 0) continue;
      const at = this.slotOf(keys[i]!);
      this.keys[at] = keys[i]!;
      this.codes[at] = codes[i]!;
    }
  }
}
