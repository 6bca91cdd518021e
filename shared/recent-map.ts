// A Map used as a small recency-bounded cache: insertion order is recency (the newest entry last), and past a bound
// the oldest entries go. Five caches of the host and the renderer keep entries this way.

/** Sets key to value as the newest entry (a held key moves to the end), then drops the oldest entries past maxSize. */
export function setNewest<K, V>(map: Map<K, V>, key: K, value: V, maxSize: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > maxSize) map.delete(map.keys().next().value as K);
}
