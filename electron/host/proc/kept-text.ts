// The bytes of one per-tick /proc file (stat, statm, status) as the sampler read it last, so the next tick can tell
// an unchanged file (most processes, most ticks) without parsing it. Held in a word-aligned buffer reused from tick to
// tick: the comparison is a loop over 8-byte words against the reader's buffer (issue 13, measured per call: stat
// ~90 ns with 4-byte words against ~170 ns for Buffer#compare, statm ~20 against ~160; 8-byte words halve the
// loop, which was a third of the sampler's JS per idle process), and a changed text is copied into place.
// The 8-byte words are compared as doubles (JS has no cheap 64-bit integer): two different bit patterns are equal
// doubles only as +0 and -0, seven NUL bytes each, which these files never hold (the kernel prints numbers and the
// NUL-terminated comm); a NaN, never equal to itself, is compared again as two 32-bit words.
// A text may be compared on its first bytes only (compareOnly): stat's row fields end at (22) starttime, and the 30
// fields after it (signal masks, the last CPU it ran on, scheduling policy…) are two thirds of its bytes and change
// while those the row shows do not.

/** Bytes a buffer grows by: a stat line gaining a digit does not reallocate it every time. */
const GROWTH_BYTES = 64;

/** The last text read of one kept file; length -1 until the first copyFrom (it then equals no read). */
export class KeptText {
  private bytes = new Uint8Array(0);
  private words = new Int32Array(0);
  /** The same memory as 8-byte words. */
  private doubles = new Float64Array(0);
  /** Bytes of the text held; -1 before the first copy and after forget(). */
  private length = -1;
  /** Bytes equalsRead compares: length (the whole text: a read equals it only at the same length), or a prefix (compareOnly). */
  private compared = -1;

  /**
   * True when readBytes[0, length) equals the text held (a text with no NUL byte, as every /proc file read per tick),
   * or after compareOnly(n) when its first n bytes equal the text's and it has as many. readWords and readDoubles are
   * readBytes's buffer as 32- and 64-bit words (offset 0: ProcReader's readWords and readDoubles), so whole 8-byte words
   * are compared and then the last compared % 8 bytes.
   */
  equalsRead(readBytes: Uint8Array, readWords: Int32Array, readDoubles: Float64Array, length: number): boolean {
    const compared = this.compared;
    if (compared === this.length ? length !== compared : length < compared) return false;
    const doubleCount = compared >> 3;
    const doubles = this.doubles;
    // No call in the loop: V8 then keeps both arrays' bounds and data pointers out of it. A NaN word (never equal to
    // itself) stops it too, and the rest is compared by equalsFrom.
    let i = 0;
    while (i < doubleCount && doubles[i] === readDoubles[i]) i++;
    if (i < doubleCount) return this.equalsFrom(readWords, readDoubles, i, doubleCount) && this.equalsTail(readBytes, doubleCount << 3, compared);
    return this.equalsTail(readBytes, doubleCount << 3, compared);
  }

  /** True when the 8-byte words [from, doubleCount) equal readDoubles's, words unequal as doubles compared as two 32-bit words. */
  private equalsFrom(readWords: Int32Array, readDoubles: Float64Array, from: number, doubleCount: number): boolean {
    for (let i = from; i < doubleCount; i++) {
      if (this.doubles[i] !== readDoubles[i] && !this.equalsAsWords(readWords, i)) return false;
    }
    return true;
  }

  /** True when bytes [from, end) equal readBytes's. */
  private equalsTail(readBytes: Uint8Array, from: number, end: number): boolean {
    const bytes = this.bytes;
    for (let i = from; i < end; i++) if (bytes[i] !== readBytes[i]) return false;
    return true;
  }

  /** True when 8-byte word i equals readWords's as two 32-bit words (a NaN's bits, unequal to themselves as a double). */
  private equalsAsWords(readWords: Int32Array, i: number): boolean {
    return this.words[2 * i] === readWords[2 * i] && this.words[2 * i + 1] === readWords[2 * i + 1];
  }

  /** Keeps readBytes[0, length) (readWords as in equalsRead), in place when it fits. */
  copyFrom(readWords: Int32Array, length: number): void {
    const wordCount = (length + 3) >> 2;
    if (wordCount > this.words.length) {
      const buffer = new ArrayBuffer((wordCount * 4 + GROWTH_BYTES - 1) & ~(GROWTH_BYTES - 1)); // a multiple of 8
      this.words = new Int32Array(buffer);
      this.doubles = new Float64Array(buffer);
      this.bytes = new Uint8Array(buffer);
    }
    // Whole words: the up to 3 bytes past length are whatever the read buffer held there, never compared or parsed.
    const words = this.words;
    for (let i = 0; i < wordCount; i++) words[i] = readWords[i]!;
    this.length = length;
    this.compared = length;
  }

  /**
   * From now until the next copyFrom, a read equals the text when its first `bytes` bytes do (and it has as many): the
   * caller parses nothing past them, and they end with a separator, so the fields in them are the same fields. Rounded
   * up to whole 8-byte words (a few bytes more compared cost less than a loop over the last ones).
   */
  compareOnly(bytes: number): void {
    this.compared = Math.min((bytes + 7) & ~7, this.length);
  }

  /** The text held, as a view (valid until the next copyFrom); empty before the first. */
  view(): Uint8Array {
    return this.bytes.subarray(0, Math.max(this.length, 0));
  }

  /** Makes the text equal no read, so the next one counts as changed (the columns it fills changed). */
  forget(): void {
    this.length = -1;
    this.compared = -1;
  }
}
