// Equal smaps held once. A page showing 20,000 mappings held 20,000 smaps objects and 20,000 VmFlags arrays (with
// their element stores), most of them equal (every guard page alike, every untouched page of one kind alike), and V8's
// full GC (the memory reducer's, ~25 s after the page opens) marks, sweeps around and moves every one of them: 24-34 ms
// of the main thread in one tick. Pooled, a mapping points at the one object of its contents: what a reader sees is
// unchanged (same keys in the same order, same values), only fewer objects survive. Readers must not mutate smaps
// (none does: a changed mapping is a new object, shared/proc/mapping-patch.ts).
import type { Mapping, SmapsFields } from './types.js';

/**
 * A pooled smaps and its keys in order (a pooled list: every smaps of a kernel has the same keys), and its values in
 * order once an equal one came (then shared by two mappings or more, it pays for the array that finds it faster).
 */
interface Pooled {
  fields: SmapsFields;
  keys: readonly string[];
  values?: readonly SmapsFields[string][];
  /** The next pooled smaps of the same hash (a chain, not an array per hash: one object per pooled smaps). */
  next: Pooled | undefined;
}

/** Distinct smaps and VmFlags lists seen, to hand out the one object of each content. */
export class SmapsPool {
  /** The pooled smaps by hash of their values: the first of the chain a new smaps is compared with. */
  private readonly smaps = new Map<number, Pooled>();
  /** Word lists (VmFlags values, smaps key lists) by hash of their characters. */
  private readonly wordLists = new Map<number, (readonly string[])[]>();
  /** Distinct objects held (smaps and word lists): what the pool costs, for its owner to start a new one. */
  size = 0;

  /** The pooled word list equal to `words` (same words, same order), pooling `words` when new. */
  private shareWords(words: readonly string[]): readonly string[] {
    // Hashed by character, not joined: 20,000 lists pooled at a first read then build no string.
    let hash = words.length;
    for (const word of words) for (let i = 0; i < word.length; i++) hash = (Math.imul(hash, 31) + word.charCodeAt(i)) | 0;
    const bucket = this.wordLists.get(hash);
    if (bucket !== undefined) for (const held of bucket) if (isSameWords(held, words)) return held;
    if (bucket === undefined) this.wordLists.set(hash, [words]);
    else bucket.push(words);
    this.size++;
    return words;
  }

  /** The pooled smaps equal to `fields` (same keys in the same order, same values), pooling `fields` when new. */
  share(fields: SmapsFields): SmapsFields {
    // One array of the values, not a keyed load per field: 20,000 smaps of ~25 fields at a first read.
    const values = Object.values(fields);
    let hash = values.length;
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (typeof value === 'number') hash = (Math.imul(hash, 31) + value) | 0;
      else if (Array.isArray(value)) values[i] = this.shareWords(value) as string[];
    }
    const first = this.smaps.get(hash);
    for (let held = first; held !== undefined; held = held.next) if (held.fields === fields || isSameSmaps(held, fields, values)) return held.fields;
    // A new one: its word lists become the pooled ones, so that equal smaps compare lists by identity.
    let i = 0;
    for (const key in fields) {
      if (fields[key] !== values[i]) fields[key] = values[i] as string[];
      i++;
    }
    this.smaps.set(hash, { fields, keys: this.shareWords(Object.keys(fields)), next: first });
    this.size++;
    return fields;
  }

  /** Points the mapping's smaps at the pooled equal one: the mapping must be the caller's own (fresh from JSON). */
  shareOne(m: Mapping): void {
    if (m.smaps !== undefined) m.smaps = this.share(m.smaps);
  }

  /** Points each mapping's smaps at the pooled equal one: the mappings must be the caller's own (fresh from JSON). */
  shareAll(mappings: readonly Mapping[]): void {
    for (const m of mappings) this.shareOne(m);
  }
}

/** Whether a and b hold the same words in the same order. */
function isSameWords(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Whether `fields` (its `values` in order, word lists pooled) has the pooled one's keys in the same order and the same
 * values: numbers equal, word lists the same pooled object. Key order counts: the table lists fields in the order the
 * kernel printed them.
 */
function isSameSmaps(pooled: Pooled, fields: SmapsFields, values: readonly SmapsFields[string][]): boolean {
  // Not listed when pooled: an array per pooled smaps would cost the GC what pooling saves on a process whose smaps
  // all differ.
  const pooledValues = (pooled.values ??= Object.values(pooled.fields));
  if (pooledValues.length !== values.length) return false;
  for (let i = 0; i < values.length; i++) if (pooledValues[i] !== values[i]) return false;
  let i = 0;
  for (const key in fields) if (pooled.keys[i++] !== key) return false;
  return true;
}

/** Stale entries a pool may hold beyond two per mapping before it starts again (a change of smaps leaves one behind). */
const STALE_SLACK = 1024;

/**
 * The pool to keep beside `mappings` (all pooled by `pool`): `pool` itself, or, once the entries left behind by changed
 * smaps outnumber what `mappings` can hold, plus STALE_SLACK, a new pool of what they hold (stale entries would live
 * on). Twice: a process whose smaps all move pools them again every few re-reads, not at every one.
 */
export function keepPool(pool: SmapsPool, mappings: readonly Mapping[]): SmapsPool {
  if (pool.size <= 2 * mappings.length + STALE_SLACK) return pool;
  const fresh = new SmapsPool();
  fresh.shareAll(mappings);
  return fresh;
}
