// shared/proc/meminfo.ts: the byte parser gives exactly what the text parser gives, on the live /proc/meminfo and odd text.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseMeminfo, parseMeminfoBytes } from '../../../shared/proc/meminfo.js';

function latin1Bytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

describe('parseMeminfoBytes', () => {
  test('the live /proc/meminfo: every field as parseMeminfo reads the same bytes, MemTotal as awk reads it', () => {
    const bytes = new Uint8Array(readFileSync('/proc/meminfo'));
    const parsed = parseMeminfoBytes(bytes);
    assert.deepEqual(parsed, parseMeminfo(Buffer.from(bytes).toString('latin1')));
    assert.ok(Object.keys(parsed).length >= 40, `${Object.keys(parsed).length} fields`);
    const awk = Number(execFileSync('awk', ['/^MemTotal:/ { print $2 }', '/proc/meminfo'], { encoding: 'utf8' }));
    assert.equal(parsed['MemTotal'], awk);
    assert.equal(parsed['Active(anon)'] !== undefined, true);
  });

  test('odd text: no final newline, lines without a colon or number, blanks, signs, digits run into units', () => {
    const text = 'MemTotal:  16 kB\nnot a field\n:5\nEmpty:\nUnit:\t 7kB\nNeg: -3 kB\nPlus: +4\nWord: kB 9\n\nLast: 12';
    assert.deepEqual(parseMeminfoBytes(latin1Bytes(text)), parseMeminfo(text));
    assert.deepEqual(parseMeminfoBytes(latin1Bytes(text)), { MemTotal: 16, Unit: 7, Neg: -3, Plus: 4, Last: 12 });
    assert.deepEqual(parseMeminfoBytes(new Uint8Array(0)), {});
  });
});
