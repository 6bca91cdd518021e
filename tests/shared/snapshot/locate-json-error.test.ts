// locateJsonError cross-checked against JSON.parse (validity, and V8's position where it reports one).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { locateJsonError } from '../../../shared/snapshot/locate-json-error.js';
import { drawInt, makeSeededRandom } from '../history/seeded-random.js';

const BASE = JSON.stringify(
  { a: [1, -2.5e3, 0.125, 1e-7, true, false, null, 'x\\y"z\u0001é\u{1F600}/'], b: { c: {}, d: [], '': [[]] }, e: 0 },
  null,
  1,
);

describe('locateJsonError', () => {
  test('valid JSON of every kind has no error', () => {
    for (const text of [BASE, '0', '-0.5E+2', '"s"', 'true', 'null', ' [ ] ', '{"a":{"b":[1,{"c":"\\u00e9"}]}}', '\n\t{}\r\n']) {
      JSON.parse(text);
      assert.equal(locateJsonError(text), undefined, text);
    }
  });

  test('seeded random corruptions: says "error" exactly when JSON.parse throws, at the position V8 reports when it reports one', () => {
    const random = makeSeededRandom(8259);
    const alphabet = '{}[]":,-+.eE0123456789 \n\\tfnru/x';
    let positionsCompared = 0;
    for (let round = 0; round < 5000; round++) {
      const chars = [...BASE];
      for (let m = drawInt(random, 1, 2); m > 0; m--) {
        const i = drawInt(random, 0, chars.length - 1);
        const c = alphabet[drawInt(random, 0, alphabet.length - 1)] as string;
        const op = random();
        if (op < 0.4) chars[i] = c;
        else if (op < 0.7) chars.splice(i, 1);
        else chars.splice(i, 0, c);
      }
      const text = chars.join('');
      let engineMessage: string | undefined;
      try {
        JSON.parse(text);
      } catch (e) {
        engineMessage = (e as Error).message;
      }
      const loc = locateJsonError(text);
      assert.equal(loc === undefined, engineMessage === undefined, `${JSON.stringify(text)}: ${engineMessage}`);
      const reported = engineMessage === undefined ? null : /at position (\d+)/.exec(engineMessage);
      if (reported !== null && loc !== undefined) {
        positionsCompared++;
        assert.equal(loc.offset, Number(reported[1]), `${JSON.stringify(text)}: ${engineMessage}`);
      }
    }
    // Guard against the comparison silently never running (V8 wording changes).
    assert.ok(positionsCompared > 100 || positionsCompared === 0, `${positionsCompared} positions compared`);
  });

  test('every failing prefix of a valid document is truncated, at its end', () => {
    for (let cut = 0; cut < BASE.length; cut++) {
      const prefix = BASE.slice(0, cut);
      const loc = locateJsonError(prefix);
      let valid = true;
      try {
        JSON.parse(prefix);
      } catch {
        valid = false;
      }
      if (valid) continue;
      assert.ok(loc !== undefined, `cut ${cut}`);
      assert.equal(loc.truncated, true, `cut ${cut}: ${JSON.stringify(prefix.slice(-10))}`);
      assert.equal(loc.offset, cut);
    }
  });

  test('hand-checked cases: offset, line, column, truncated, expected', () => {
    assert.deepEqual(locateJsonError('{"a":}'), { offset: 5, line: 1, column: 6, truncated: false, expected: 'a value' });
    assert.deepEqual(locateJsonError('[1,\n 2\n x]'), { offset: 8, line: 3, column: 2, truncated: false, expected: "',' or ']'" });
    assert.deepEqual(locateJsonError('{"a": tru'), { offset: 9, line: 1, column: 10, truncated: true, expected: "'true'" });
    assert.deepEqual(locateJsonError('{"a": trUe}'), { offset: 8, line: 1, column: 9, truncated: false, expected: "'true'" });
    assert.deepEqual(locateJsonError('{\n'), { offset: 2, line: 2, column: 1, truncated: true, expected: "a property name in double quotes or '}'" });
    assert.deepEqual(locateJsonError("{'a': 1}"), { offset: 1, line: 1, column: 2, truncated: false, expected: "a property name in double quotes or '}'" });
    assert.deepEqual(locateJsonError('"a\nb"'), { offset: 2, line: 1, column: 3, truncated: false, expected: 'no control character inside a string (escape it)' });
    assert.deepEqual(locateJsonError('01'), { offset: 1, line: 1, column: 2, truncated: false, expected: 'end of input' });
    assert.deepEqual(locateJsonError(''), { offset: 0, line: 1, column: 1, truncated: true, expected: 'a value' });
  });

  test('deep nesting does not overflow the stack', () => {
    const deep = '['.repeat(200_000);
    const loc = locateJsonError(deep);
    assert.equal(loc?.truncated, true);
    assert.equal(loc?.offset, 200_000);
  });
});
