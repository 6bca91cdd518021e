import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setNewest } from '../../shared/recent-map.js';

test('setNewest: a new key goes last, a held key moves last with its new value, the oldest go past the bound', () => {
  const map = new Map<string, number>();
  for (const [i, key] of ['a', 'b', 'c'].entries()) setNewest(map, key, i, 3);
  assert.deepEqual([...map], [['a', 0], ['b', 1], ['c', 2]]);
  setNewest(map, 'a', 10, 3);
  assert.deepEqual([...map], [['b', 1], ['c', 2], ['a', 10]]);
  setNewest(map, 'd', 3, 3);
  assert.deepEqual([...map], [['c', 2], ['a', 10], ['d', 3]]);
  setNewest(map, 'e', 4, 1);
  assert.deepEqual([...map], [['e', 4]]);
});
