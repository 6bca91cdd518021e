// countNoun: one thing is singular, any other count (0 included) plural — record said "1 calls passed through".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countNoun } from '../../../shared/text/count-noun.js';

test('countNoun: singular for 1 only', () => {
  assert.equal(countNoun(1, 'call'), '1 call');
  assert.equal(countNoun(0, 'op'), '0 ops');
  assert.equal(countNoun(2, 'unsorted chunk'), '2 unsorted chunks');
  assert.equal(countNoun(1, 'more trace write'), '1 more trace write');
});
