// shared/proc/smaps-keys.ts: keys found again by their bytes, ids by name, the table's keys first.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SMAPS_FIELDS } from '../../../shared/proc/smaps-fields.js';
import { SmapsKeyTable, type SmapsKey } from '../../../shared/proc/smaps-keys.js';

/** Looks up the key at the start of `bytes`, up to their first ':'. */
function lookUpIn(table: SmapsKeyTable<SmapsKey>, bytes: Uint8Array): SmapsKey {
  return table.lookUp(bytes, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0, bytes.indexOf(0x3a));
}

describe('SmapsKeyTable', () => {
  test('the field table\'s keys have its ids, additive as the table says; each made once through extend', () => {
    let made = 0;
    const table = new SmapsKeyTable((key) => {
      made++;
      return key;
    });
    assert.equal(made, SMAPS_FIELDS.length);
    SMAPS_FIELDS.forEach((field, id) => {
      const key = lookUpIn(table, new Uint8Array(Buffer.from(`${field.key}:   4 kB\n`)));
      assert.deepEqual([key.name, key.id, key.additive], [field.key, id, field.additive]);
      assert.equal(table.nameOf(id), field.key);
    });
    assert.equal(made, SMAPS_FIELDS.length, 'no key made twice');
  });

  test('a new key is decoded once and found again, at any offset; bytes that decode to one name share an id', () => {
    const table = new SmapsKeyTable((key) => key);
    const future = lookUpIn(table, new Uint8Array(Buffer.from('FutureThing: 1\n')));
    assert.deepEqual([future.name, future.id, future.additive], ['FutureThing', SMAPS_FIELDS.length, true]);
    const padded = new Uint8Array(Buffer.from('xxFutureThing: 2\n'));
    assert.equal(table.lookUp(padded, new DataView(padded.buffer), 2, 11), future, 'the same entry');
    // 0xff and 0xfe are not UTF-8: both keys decode to "a\ufffd", one property of the parsed object.
    const a = lookUpIn(table, new Uint8Array([0x61, 0xff, 0x3a]));
    const b = lookUpIn(table, new Uint8Array([0x61, 0xfe, 0x3a]));
    assert.notEqual(a, b);
    assert.deepEqual([a.name, b.name, a.id === b.id], ['a\ufffd', 'a\ufffd', true]);
  });
});
