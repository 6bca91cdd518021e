// indentArrayElements against JSON.stringify(value, null, 1) itself, on mappings and on awkward values
// (empty containers, strings holding brackets, commas, colons, quotes and escapes, unicode).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseSmaps } from '../../../shared/proc/smaps.js';
import { indentArrayElements } from '../../../shared/snapshot/json-indent.js';
import { PROC_FIXTURES } from '../../helpers/paths.js';

/** What JSON.stringify(…, null, 1) prints for the elements of `list` inside an array at depth 1. */
function expectedElements(list: unknown[]): string {
  const text = JSON.stringify({ list }, null, 1);
  return list.length === 0 ? '' : text.slice(text.indexOf('[') + 1 + '\n  '.length, text.lastIndexOf(']') - '\n '.length);
}

describe('indentArrayElements', () => {
  test('captured smaps mappings: JSON.stringify(…, null, 1) byte for byte', () => {
    const mappings = parseSmaps(readFileSync(join(PROC_FIXTURES, 'odd-paths', 'smaps')), null);
    const got = Buffer.from(indentArrayElements(Buffer.from(JSON.stringify(mappings)), 1)).toString('utf8');
    assert.equal(got, expectedElements(mappings));
  });

  test('empty containers, strings with JSON punctuation and escapes, nesting, an empty array', () => {
    const awkward = [{}, [], { a: [], b: {}, c: [[], [{}]] }, 'x,y:{z}[w]"q"\\', { 'k:"1"': 'é\u0000\n\t💾', n: -1.5e-7, t: true, f: null }, [1, [2, [3]]]];
    for (const list of [awkward, [], [0]]) {
      assert.equal(Buffer.from(indentArrayElements(Buffer.from(JSON.stringify(list)), 1)).toString('utf8'), expectedElements(list));
    }
  });
});
