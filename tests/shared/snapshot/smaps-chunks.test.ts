// SmapsChunkParser against parseSmaps over the whole text: captured smaps (tests/fixtures/proc) cut into
// pieces of every awkward size give the same mappings, kinds included (a bss right after a cut).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseSmaps } from '../../../shared/proc/smaps.js';
import type { Mapping } from '../../../shared/proc/types.js';
import { SmapsChunkParser } from '../../../shared/snapshot/smaps-chunks.js';
import { PROC_FIXTURES } from '../../helpers/paths.js';

function parseInPieces(bytes: Uint8Array, exe: string | null, pieceBytes: number): Mapping[] {
  const parser = new SmapsChunkParser(exe);
  const out: Mapping[] = [];
  for (let at = 0; at < bytes.length; at += pieceBytes) out.push(...parser.push(bytes.subarray(at, at + pieceBytes)));
  out.push(...parser.finish());
  return out;
}

describe('SmapsChunkParser', () => {
  for (const fixture of ['node-idle', 'odd-paths']) {
    test(`${fixture}: pieces of 1 byte to the whole file give parseSmaps's mappings`, () => {
      const bytes = readFileSync(join(PROC_FIXTURES, fixture, 'smaps'));
      const exe = readFileSync(join(PROC_FIXTURES, fixture, 'exe'), 'utf8').trim();
      const whole = parseSmaps(bytes, exe);
      assert.ok(whole.some((m) => m.kind === 'bss' || m.kind === 'data'), 'the fixture has the executable-relative kinds');
      for (const size of [1, 7, 100, 1021, 4096, 65536, bytes.length]) {
        assert.deepEqual(parseInPieces(bytes, exe, size), whole, `pieces of ${size} bytes`);
      }
    });
  }

  test('every cut between two mappings keeps the second one\'s kind (bss after the executable)', () => {
    const text = readFileSync(join(PROC_FIXTURES, 'node-idle', 'smaps'));
    const exe = readFileSync(join(PROC_FIXTURES, 'node-idle', 'exe'), 'utf8').trim();
    const whole = parseSmaps(text, exe);
    const bssIndex = whole.findIndex((m) => m.kind === 'bss');
    assert.ok(bssIndex > 0, 'node-idle has a bss');
    const cut = Buffer.from(text).indexOf(`${whole[bssIndex]!.start}-`);
    const parser = new SmapsChunkParser(exe);
    const got = [...parser.push(text.subarray(0, cut)), ...parser.push(text.subarray(cut)), ...parser.finish()];
    assert.equal(got[bssIndex]?.kind, 'bss');
  });

  test('a text cut mid-line at its end is an error, as parseSmaps says', () => {
    const parser = new SmapsChunkParser(null);
    parser.push(new TextEncoder().encode('7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \nRss:   4 kB\nPss:   4'));
    assert.throws(() => parser.finish(), /smaps/);
  });
});
