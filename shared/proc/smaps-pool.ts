// Equal smaps held once. A page showing 20,000 mappings held 20,000 smaps objects and 20,000 VmFlags arrays (with
// their element stores), most of them equal (every guard page alike, every untouched page of one kind alike), and V8's
// full GC (the memory reducer's, ~25 s after the page opens) marks, sweeps around and moves every one of them: 24-34 ms
// of the main thread in one tick. Pooled, a mapping points at the one object of its contents: what a reader sees is
// unchanged (same keys in the same order, same values), only fewer objects survive. Readers must not mutate smaps
// (none does: a changed mapping is a new object, shared/proc/mapping-patch.ts).
import type { Mapping, SmapsFields } from './types.js';

/** A pooled smaps and its keys in order (listed once, so that a comparison allocates nothing). */
interface Pooled {
  fields: SmapsFields;
  keys: readonly string[];
}

/** The pool's entries by hash of their values: the candidates a new smaps is compared with. */
type Buckets = Map<number, Pooled[]>;

/** Distinct smaps and VmFlags lists seen, to hand out the one object of each content. */
export class SmapsPool {
  private readonly smaps: Buckets = new Map();
  private readonly wordLists = new Map<string, readonly string[]>();
  /** Distinct objects held (smaps and word lists): what the pool costs, for its owner to start a new one. */
  size = 0;

  /** The pooled word list equal to `words` (same words, same order), pooling `words` when new. */
  private shareWords(words: readonly string[]): readonly string[] {
    // Flags are two-letter words: the key is short, and a string dies young where the array would have lived on.
    const key = words.join(' ');
    const held = this.wordLists.get(key);
    if (held !== undefined) return held;
    this.wordLists.set(key, words);
    this.size++;
    return words;
  }

  /** The pooled smaps equal to `fields` (same keys in the same order, same values), pooling `fields` when new. */
  share(fields: SmapsFields): SmapsFields {
    let hash = 0;
    let keys = 0;
    for (const key in fields) {
      const value = fields[key];
      if (typeof value === 'number') hash = (Math.imul(hash, 31) + value) | 0;
      else if (Array.isArray(value)) {
        const words = this.shareWords(value);
        // The list itself (JSON's fresh array) turns into the pooled one, so that equal smaps compare lists by identity.
        if (words !== value) fields[key] = words as string[];
      }
      keys++;
    }
    hash = (Math.imul(hash, 31) + keys) | 0;
    const bucket = this.smaps.get(hash);
    if (bucket !== undefined) for (const held of bucket) if (held.fields === fields || isSameSmaps(held, fields, keys)) return held.fields;
    const pooled = { fields, keys: Object.keys(fields) };
    if (bucket === undefined) this.smaps.set(hash, [pooled]);
    else bucket.push(pooled);
    this.size++;
    return fields;
  }

  /** Points each mapping's smaps at the pooled equal one: the mappings must be the caller's own (fresh from JSON). */
  shareAll(mappings: readonly Mapping[]): void {
    for (const m of mappings) if (m.smaps !== undefined) m.smaps = this.share(m.smaps);
  }
}

/**
 * Whether `fields` (with `keys` keys) has the pooled one's keys in the same order and the same values: numbers equal,
 * word lists the same pooled object. Key order counts: the table lists fields in the order the kernel printed them.
 */
function isSameSmaps(pooled: Pooled, fields: SmapsFields, keys: number): boolean {
  if (pooled.keys.length !== keys) return false;
  let i = 0;
  for (const key in fields) {
    if (pooled.keys[i] !== key || pooled.fields[key] !== fields[key]) return false;
    i++;
  }
  return true;
}

/** Stale entries a pool may hold beyond one per mapping before it starts again (a change of smaps leaves one behind). */
const STALE_SLACK = 1024;

/**
 * The pool to keep beside `mappings` (all pooled by `pool`): `pool` itself, or, once the entries left behind by changed
 * smaps outnumber what `mappings` can hold by STALE_SLACK, a new pool of what they hold (stale entries would live on).
 */
export function keepPool(pool: SmapsPool, mappings: readonly Mapping[]): SmapsPool {
  if (pool.size <= mappings.length + STALE_SLACK) return pool;
  const fresh = new SmapsPool();
  fresh.shareAll(mappings);
  return fresh;
}
