// shared/sim/lru-sets.ts: the set-associative LRU arrays under the cache and TLB models, traced by hand.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INVALID_KEY, LruSets, checkLruSets, countValidKeys } from '../../../shared/sim/lru-sets.js';

const setOf = (lru: LruSets, s: number): number[] => [...lru.keys.subarray(s * lru.ways, (s + 1) * lru.ways)];

test('keys go to set key mod sets, most recent first; a miss evicts the least recent', () => {
  const lru = new LruSets(2, 2);
  assert.deepEqual([0, 2, 0, 4].map((k) => lru.lookup(k, true)), [true, true, false, true]);
  assert.deepEqual(setOf(lru, 0), [4, 0], '2 was the least recent of set 0');
  assert.deepEqual(setOf(lru, 1), [INVALID_KEY, INVALID_KEY]);
  assert.equal(lru.lookup(4, true), false, 'a repeat hits');
  assert.equal(lru.lookup(2, true), true, 'the evicted key misses');
  assert.deepEqual(setOf(lru, 0), [2, 4]);
  assert.equal(countValidKeys(lru), 2);
  assert.deepEqual(checkLruSets(lru, 'line'), []);
});

test('without allocate a hit still moves to the front, a miss changes nothing', () => {
  const lru = new LruSets(3, 3); // 3 sets: the set is key % 3, not a mask
  for (const k of [3, 6, 9]) lru.lookup(k, true);
  assert.deepEqual(setOf(lru, 0), [9, 6, 3]);
  assert.equal(lru.lookup(3, false), false);
  assert.deepEqual(setOf(lru, 0), [3, 9, 6]);
  assert.equal(lru.lookup(12, false), true);
  assert.equal(lru.lookup(12, false), true, 'not installed, so not a repeat hit either');
  assert.deepEqual(setOf(lru, 0), [3, 9, 6]);
});

test('checkLruSets names broken recency order, keys in the wrong set and keys held twice', () => {
  const lru = new LruSets(2, 3);
  lru.keys.set([INVALID_KEY, 2, 2, 3, 1, INVALID_KEY]);
  assert.deepEqual(checkLruSets(lru, 'page'), [
    'set 0: valid page after an invalid way (recency order broken)',
    'set 0: valid page after an invalid way (recency order broken)',
    'set 0: page 2 held twice',
  ]);
  lru.keys.set([0, 3, INVALID_KEY, 1, 5, 7]);
  assert.deepEqual(checkLruSets(lru, 'line'), ['set 0 way 1: line 3 belongs to set 1']);
});
