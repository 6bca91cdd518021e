// WeakMemo: the per-object cache the renderer derives per-chunk and per-sample state through.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WeakMemo } from '../../shared/weak-memo.js';

test('a key is computed once, at its first get, and its value is the same object after', () => {
  const computed: object[] = [];
  const memo = new WeakMemo<object, { of: object }>((key) => {
    computed.push(key);
    return { of: key };
  });
  const a = {};
  const b = {};
  assert.equal(memo.has(a), false);
  const first = memo.get(a);
  assert.equal(memo.has(a), true);
  assert.equal(memo.has(b), false, 'another key is not computed by the first');
  assert.equal(memo.get(a), first);
  assert.equal(memo.get(b).of, b);
  assert.deepEqual(computed, [a, b]);
});
