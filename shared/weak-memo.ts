// A value computed once per object and kept while the object lives: the renderer derives per-chunk state (kind sums,
// group index, field list) and per-sample chart points this way, so that what a re-read or a redraw keeps (the same
// array, the same sample) is not derived again.

/** compute(key), computed at the first get of each key and kept as long as the key is (a WeakMap). */
export class WeakMemo<K extends object, V> {
  private readonly kept = new WeakMap<K, V>();

  constructor(private readonly compute: (key: K) => V) {}

  /** The value of key, computed now if it was not yet. */
  get(key: K): V {
    let value = this.kept.get(key);
    if (value === undefined) {
      value = this.compute(key);
      this.kept.set(key, value);
    }
    return value;
  }

  /** Whether key's value was computed (and is kept). */
  has(key: K): boolean {
    return this.kept.has(key);
  }
}
