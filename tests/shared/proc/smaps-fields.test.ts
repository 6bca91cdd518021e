// shared/proc/smaps-fields.ts: the field table against the kernel's own text (captured and live), and
// the sum rule against hand sums (a snapshot fixture, odd keys).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SMAPS_FIELDS, isAdditiveSmapsField, sumSmapsAmounts, type SmapsUnit } from '../../../shared/proc/smaps-fields.js';
import type { Mapping } from '../../../shared/proc/types.js';
import { parseSnapshotText } from '../../../shared/snapshot/parse-snapshot-text.js';
import { REPO_ROOT } from '../../helpers/paths.js';
import { readFixtureText } from '../../helpers/proc-reference.js';
import { makeMapping } from '../snapshot/build-snapshot.js';

/** "Key:   value" lines of smaps text (header lines left out), as a regular expression reads them. */
function readFieldLines(text: string): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_]+):\s*(.*)$/.exec(line);
    if (match !== null) out.push({ key: match[1]!, value: match[2]! });
  }
  return out;
}

/** How a value is printed, in the table's terms. */
function unitOfValue(value: string): SmapsUnit | 'other' {
  if (/^\d+ kB$/.test(value)) return 'kB';
  if (/^\d+$/.test(value)) return 'number';
  return /^([a-z]{2} ?)+$/.test(value) ? 'words' : 'other';
}

/** A mapping with the given smaps fields. */
function withFields(start: bigint, smaps: Mapping['smaps']): Mapping {
  return { ...makeMapping(start, 4, {}), smaps };
}

describe('SMAPS_FIELDS against the kernel', () => {
  const unitByKey = new Map(SMAPS_FIELDS.map((f) => [f.key, f.unit]));

  for (const [fixture, file] of [['node-idle', 'smaps'], ['odd-paths', 'smaps'], ['node-idle', 'smaps_rollup'], ['odd-paths', 'smaps_rollup']] as const) {
    test(`${fixture}/${file}: every key printed is in the table, printed as its unit says, in the table's order`, () => {
      const lines = readFieldLines(readFixtureText(fixture, file));
      assert.ok(lines.length > 20, `${lines.length} lines`);
      for (const { key, value } of lines) {
        assert.ok(unitByKey.has(key), `${key} is in SMAPS_FIELDS`);
        assert.equal(unitOfValue(value), unitByKey.get(key), `${key}: ${value}`);
      }
      const order = SMAPS_FIELDS.map((f) => f.key);
      // smaps: the first mapping's keys (up to its VmFlags); smaps_rollup: all of them.
      const firstMapping = lines.slice(0, lines.findIndex((l) => l.key === 'VmFlags') + 1 || lines.length).map((l) => l.key);
      const positions = firstMapping.map((key) => order.indexOf(key));
      assert.deepEqual(positions, [...positions].sort((a, b) => a - b), 'printed in the table\'s order');
    });
  }

  test('this machine\'s /proc/self/smaps: each field of the table printed as its unit says', () => {
    let checked = 0;
    for (const { key, value } of readFieldLines(readFileSync('/proc/self/smaps', 'latin1'))) {
      const unit = unitByKey.get(key);
      if (unit === undefined) continue; // a newer kernel's field: kept and summed as any number
      assert.equal(unitOfValue(value), unit, `${key}: ${value}`);
      checked++;
    }
    assert.ok(checked > 100, `${checked} lines`);
  });

  test('additive: amounts in kB but the page sizes; never a bare number or a word list', () => {
    for (const f of SMAPS_FIELDS) {
      const pageSize = f.key === 'KernelPageSize' || f.key === 'MMUPageSize';
      assert.equal(f.additive, f.unit === 'kB' && !pageSize, f.key);
      assert.equal(isAdditiveSmapsField(f.key), f.additive, f.key);
    }
    assert.equal(new Set(SMAPS_FIELDS.map((f) => f.key)).size, SMAPS_FIELDS.length, 'each key once');
    assert.equal(isAdditiveSmapsField('FutureAmount'), true, 'a key the table does not know is summed');
  });
});

describe('sumSmapsAmounts', () => {
  test('reproduces the hand-summed totals of the valid.json snapshot fixture', () => {
    const s = parseSnapshotText(readFileSync(resolve(REPO_ROOT, 'tests/fixtures/snapshots/valid.json'), 'utf8'));
    assert.deepEqual(sumSmapsAmounts(s.mappings), { Size: 448, Rss: 200, Pss: 45, Private_Clean: 24, Private_Dirty: 16, Swap: 0 });
    assert.deepEqual(sumSmapsAmounts(s.mappings), s.totals);
  });

  test('leaves out per-mapping properties and VmFlags; mappings without smaps add nothing', () => {
    const a = makeMapping(0x1000n, 8, {}, { Rss: 8, Pss: 4 });
    const b = makeMapping(0x3000n, 4, {}, { Rss: 4, Pss: 4, Swap: 4 });
    const c = makeMapping(0x9000n, 4, {});
    delete c.smaps;
    const totals = sumSmapsAmounts([a, b, c]);
    assert.deepEqual([totals.Size, totals.Rss, totals.Pss, totals.Swap], [12, 12, 8, 4]);
    for (const absent of ['KernelPageSize', 'MMUPageSize', 'THPeligible', 'VmFlags']) assert.equal(totals[absent], undefined, absent);
    assert.deepEqual(sumSmapsAmounts([]), {});
  });

  test('every number of an additive key, whatever the other mappings print; keys in the order first met', () => {
    const totals = sumSmapsAmounts([
      withFields(0x1000n, { Size: 4, Rss: 4, Extra: ['a', 'b'] }),
      withFields(0x2000n, { Size: 4, Rss: 4, Extra: 5 }),
      withFields(0x3000n, { Size: 4, Xss: 4, Extra: 1, THPeligible: 1 }),
    ]);
    assert.equal(JSON.stringify(totals), JSON.stringify({ Size: 12, Rss: 8, Extra: 6, Xss: 4 }));
  });

  test('keys that Object.prototype also has are summed as numbers', () => {
    const fields = { constructor: 4, toString: 8, hasOwnProperty: 1, valueOf: 2 };
    const totals = sumSmapsAmounts([withFields(0x1000n, fields), withFields(0x2000n, fields)]);
    assert.deepEqual(totals, { constructor: 8, toString: 16, hasOwnProperty: 2, valueOf: 4 });
  });
});
