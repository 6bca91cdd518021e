// Set-associative arrays with true LRU replacement: what a CPU cache level (keys: line numbers) and a TLB
// (keys: virtual page numbers) share. Key k lives in set k mod sets; each set holds its keys by recency.
// Replacement as valgrind cachegrind's cg_sim.c and the TLB model assume: on a miss the LRU key falls off.

/** Key of an empty way (keys are >= 0). */
export const INVALID_KEY = -1;

/**
 * The sets and their keys.
 *
 * Invariants (checkLruSets):
 * - keys[s × ways + w] is INVALID_KEY or a key k >= 0 with k mod sets = s
 * - in a set, valid keys are distinct and precede the invalid ones; w is the recency rank (w = 0 most recent)
 */
export class LruSets {
  readonly sets: number;
  readonly ways: number;
  /** Recency-ordered keys per set (see the invariants). */
  readonly keys: Float64Array;
  /** The key looked up last: the most recent of its set, so a repeat is a hit that changes nothing. */
  private lastKey = INVALID_KEY;
  /** sets − 1 when sets is a power of two (a mask instead of a division), else −1. */
  private readonly setMask: number;

  /** Empty sets (every way invalid); the caller validates the geometry. */
  constructor(sets: number, ways: number) {
    this.sets = sets;
    this.ways = ways;
    this.keys = new Float64Array(sets * ways).fill(INVALID_KEY);
    this.setMask = (sets & (sets - 1)) === 0 ? sets - 1 : -1;
  }

  /** The set a key lives in. */
  setOf(key: number): number {
    // `key & setMask` takes the key modulo 2^32 first: exact, since sets <= 2^30.
    return this.setMask >= 0 ? key & this.setMask : key % this.sets;
  }

  /**
   * Looks a key up, making it the most recent of its set; on a miss installs it when allocate (the LRU key
   * falls off), else leaves the set as it was. Returns true on a miss.
   */
  lookup(key: number, allocate: boolean): boolean {
    if (key === this.lastKey) return false;
    const keys = this.keys;
    const base = this.setOf(key) * this.ways;
    const end = base + this.ways;
    this.lastKey = key;
    if (keys[base] === key) return false;
    if (!allocate) {
      for (let i = base + 1; i < end; i++) if (keys[i] === key) return this.moveToFront(base, i, key);
      this.lastKey = INVALID_KEY; // not installed: it is not the most recent key of its set
      return true;
    }
    // One pass: each way takes the key of the way before it (the key itself goes to way 0) until the key is
    // found (a hit: the ways above it moved down one rank) or the set ends (a miss: the LRU key falls off).
    let carried = keys[base]!;
    keys[base] = key;
    for (let i = base + 1; i < end; i++) {
      const k = keys[i]!;
      keys[i] = carried;
      if (k === key) return false;
      carried = k;
    }
    return true;
  }

  /** Makes way i of the set at base the most recent (a hit). */
  private moveToFront(base: number, i: number, key: number): boolean {
    const keys = this.keys;
    for (let j = i; j > base; j--) keys[j] = keys[j - 1]!;
    keys[base] = key;
    return false;
  }
}

/**
 * Checks the invariants of LruSets by brute force; returns violations naming keys as keyNoun ("line", "page"),
 * empty when sound.
 */
export function checkLruSets(lru: LruSets, keyNoun: string): string[] {
  const out: string[] = [];
  for (let s = 0; s < lru.sets; s++) {
    const seen = new Set<number>();
    let invalidSeen = false;
    for (let w = 0; w < lru.ways; w++) {
      const key = lru.keys[s * lru.ways + w]!;
      if (key === INVALID_KEY) {
        invalidSeen = true;
        continue;
      }
      if (invalidSeen) out.push(`set ${s}: valid ${keyNoun} after an invalid way (recency order broken)`);
      if (!Number.isInteger(key) || key < 0) out.push(`set ${s} way ${w}: ${key} is not a ${keyNoun} number`);
      else if (key % lru.sets !== s) out.push(`set ${s} way ${w}: ${keyNoun} ${key} belongs to set ${key % lru.sets}`);
      if (seen.has(key)) out.push(`set ${s}: ${keyNoun} ${key} held twice`);
      seen.add(key);
    }
  }
  return out;
}

/** Valid keys held, over all sets. */
export function countValidKeys(lru: LruSets): number {
  let valid = 0;
  for (let i = 0; i < lru.keys.length; i++) if (lru.keys[i] !== INVALID_KEY) valid++;
  return valid;
}
