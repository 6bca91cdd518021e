// SmapsArrayWriter against JSON.stringify(parseSmaps(whole text), null, 1): captured smaps (tests/fixtures/proc)
// cut into pieces of every awkward size give the same array text, kinds (a bss right after a cut) and totals.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseSmaps } from '../../../shared/proc/smaps.js';
import { sumSmapsAmounts } from '../../../shared/proc/smaps-fields.js';
import type { Mapping } from '../../../shared/proc/types.js';
import { SmapsArrayWriter } from '../../../shared/snapshot/smaps-chunks.js';
import { PROC_FIXTURES } from '../../helpers/paths.js';

/** The "mappings" array as JSON.stringify(snapshot, null, 1) prints it (at depth 1). */
function expectedArray(mappings: Mapping[]): string {
  const text = JSON.stringify({ mappings }, null, 1);
  return text.slice(text.indexOf('['), text.lastIndexOf(']') + 1);
}

function writeInPieces(bytes: Uint8Array, exe: string | null, cuts: number[]): { text: string; writer: SmapsArrayWriter } {
  const writer = new SmapsArrayWriter(exe);
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    parts.push(...writer.push(bytes.subarray(at, cut)).map((b) => b.slice())); // each push's text is valid until the next
    at = cut;
  }
  parts.push(...writer.finish().map((b) => b.slice()));
  return { text: Buffer.concat(parts).toString('utf8'), writer };
}

function readFixture(name: string): { bytes: Buffer; exe: string } {
  return { bytes: readFileSync(join(PROC_FIXTURES, name, 'smaps')), exe: readFileSync(join(PROC_FIXTURES, name, 'exe'), 'utf8').trim() };
}

describe('SmapsArrayWriter', () => {
  for (const fixture of ['node-idle', 'odd-paths']) {
    test(`${fixture}: pieces of 1 byte to the whole file give JSON.stringify's text of parseSmaps' mappings`, () => {
      const { bytes, exe } = readFixture(fixture);
      const whole = parseSmaps(bytes, exe);
      for (const size of [1, 7, 100, 1021, 4096, 65536, bytes.length]) {
        const cuts: number[] = [];
        for (let at = size; at < bytes.length; at += size) cuts.push(at);
        const { text, writer } = writeInPieces(bytes, exe, cuts);
        assert.equal(text, expectedArray(whole), `pieces of ${size} bytes`);
        assert.equal(writer.mappingCount, whole.length);
        assert.deepEqual(writer.totals, sumSmapsAmounts(whole));
        assert.deepEqual(Object.keys(writer.totals), Object.keys(sumSmapsAmounts(whole)), 'keys in the same order');
      }
    });
  }

  test('a cut right before the bss keeps its kind (classified after the executable, not alone)', () => {
    const { bytes, exe } = readFixture('node-idle');
    const whole = parseSmaps(bytes, exe);
    const bss = whole.find((m) => m.kind === 'bss');
    assert.ok(bss !== undefined, 'node-idle has a bss');
    const { text } = writeInPieces(bytes, exe, [bytes.indexOf(`${bss.start}-`)]);
    assert.equal(text, expectedArray(whole));
  });

  test('no mappings: "[]"; maps-only mappings (smaps denied) written as they are', () => {
    const empty = new SmapsArrayWriter(null);
    assert.equal(Buffer.concat(empty.finish()).toString(), '[]');
    const { bytes } = readFixture('node-idle');
    const mappings = parseSmaps(bytes, null).map(({ smaps: _smaps, ...m }) => m);
    const writer = new SmapsArrayWriter(null);
    const text = Buffer.concat([...writer.writeMappings(mappings).map((b) => b.slice()), ...writer.finish()]).toString();
    assert.equal(text, expectedArray(mappings));
    assert.deepEqual(writer.totals, {});
  });

  test('a text cut mid-line at its end is an error, as parseSmaps says', () => {
    const writer = new SmapsArrayWriter(null);
    writer.push(new TextEncoder().encode('7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \nRss:   4 kB\nPss:   4'));
    assert.throws(() => writer.finish(), /smaps/);
  });
});
