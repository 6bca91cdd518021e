// The free chunks found on the lists (tcache, fastbins, bins), sorted by address so the chunk walk, which goes
// up through each heap, meets them in order: one comparison per chunk instead of a hash lookup (1 M chunks).
import { TornReadError } from './memory.js';
import type { FreeTotals } from './report.js';

/** The list a free chunk is on. */
export type FreeKind = keyof FreeTotals;

/** Index order of the kinds, stored in an entry's low 4 bits (chunks are 16-aligned). */
export const FREE_KINDS: readonly FreeKind[] = ['tcache', 'fastbins', 'unsorted', 'smallbins', 'largebins'];

/** A set of (chunk address, kind), sorted on demand. */
export class FreeChunks {
  private entries: number[] = [];
  private sorted: Float64Array | null = null;

  /** Records `chunk` (16-aligned) as free on `kind`. */
  add(chunk: number, kind: FreeKind): void {
    this.entries.push(chunk + FREE_KINDS.indexOf(kind));
    this.sorted = null;
  }

  /** The entries sorted by address; a chunk on two lists is a torn read (it moved while we looked). */
  sortedEntries(): Float64Array {
    if (this.sorted === null) {
      const s = Float64Array.from(this.entries).sort();
      for (let i = 1; i < s.length; i++) {
        const a = s[i - 1] ?? 0;
        const b = s[i] ?? 0;
        if (b - (b % 16) === a - (a % 16)) throw new TornReadError(`chunk ${(b - (b % 16)).toString(16)} is on two free lists`);
      }
      this.sorted = s;
    }
    return this.sorted;
  }

  /** Index of the first entry at or above `address`. */
  lowerBound(address: number): number {
    const s = this.sortedEntries();
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((s[mid] ?? 0) < address) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The kind `chunk` is listed as, or undefined. */
  kindOf(chunk: number): FreeKind | undefined {
    const s = this.sortedEntries();
    const e = s[this.lowerBound(chunk)];
    return e !== undefined && e - (e % 16) === chunk ? FREE_KINDS[e % 16] : undefined;
  }
}
