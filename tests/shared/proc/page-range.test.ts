// Resolving "START[-END]" against real mappings (this test process's own /proc/self/maps): defaults, rounding,
// adjacent mappings, and one-line bad-arg errors for bad hex, unmapped addresses and holes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { isApiError } from '../../../shared/errors.js';
import { parseMaps } from '../../../shared/proc/maps.js';
import { parseAddress, parseAddressRange, resolvePageRange } from '../../../shared/proc/page-range.js';
import type { Mapping } from '../../../shared/proc/types.js';
import { hexToBigInt } from '../../../shared/units.js';

const PID = process.pid;
const mappings: Mapping[] = parseMaps(new TextEncoder().encode(readFileSync('/proc/self/maps', 'latin1')));
const at = (hex: string) => hexToBigInt(hex);

function badArg(pattern: RegExp): (err: unknown) => boolean {
  return (err) => isApiError(err) && err.code === 'bad-arg' && pattern.test(err.message) && !err.message.includes('\n');
}

/** Two mappings where the first ends exactly where the second starts ([vvar] … [vdso] are laid out so). */
function findAdjacentPair(): [Mapping, Mapping] {
  for (let i = 0; i + 1 < mappings.length; i++) if (mappings[i]!.end === mappings[i + 1]!.start) return [mappings[i]!, mappings[i + 1]!];
  throw new Error('no adjacent mappings in /proc/self/maps');
}

/** Two mappings with unmapped space between them. */
function findHole(): [Mapping, Mapping] {
  for (let i = 0; i + 1 < mappings.length; i++) if (at(mappings[i]!.end) < at(mappings[i + 1]!.start)) return [mappings[i]!, mappings[i + 1]!];
  throw new Error('no hole in /proc/self/maps');
}

describe('parseAddress / parseAddressRange', () => {
  test('hex with or without 0x, any case', () => {
    assert.equal(parseAddress('7f3dd9bf4000', 'START'), 0x7f3dd9bf4000n);
    assert.equal(parseAddress('0x7F3DD9BF4000', 'START'), 0x7f3dd9bf4000n);
    assert.equal(parseAddress('ffffffffff600000', 'START'), 0xffffffffff600000n);
    assert.deepEqual(parseAddressRange('0x1000-2000'), { start: 0x1000n, end: 0x2000n });
    assert.deepEqual(parseAddressRange('1000'), { start: 0x1000n, end: null });
  });

  test('bad hex, empty parts and empty ranges are one-line bad-arg errors', () => {
    for (const text of ['', 'xyz', '0x', '-', '1000-', '-2000', '12345678901234567', '1000-zz', '10 00', '+1000']) {
      assert.throws(() => parseAddressRange(text), badArg(/bad (START|END) address/), JSON.stringify(text));
    }
    assert.throws(() => parseAddressRange('2000-1000'), badArg(/END must be above START/));
    assert.throws(() => parseAddressRange('2000-2000'), badArg(/END must be above START/));
  });
});

describe('resolvePageRange on /proc/self/maps', () => {
  test('START alone covers the rest of its mapping; START rounds down to its page', () => {
    const m = mappings[0]!;
    const r = resolvePageRange(mappings, { start: at(m.start) + 5000n, end: null }, PID);
    assert.equal(r.startAddress, at(m.start) + 4096n);
    assert.equal(r.endAddress, at(m.end));
    assert.equal(r.pageCount, Number((at(m.end) - at(m.start)) / 4096n) - 1);
    assert.deepEqual(r.mappings, [m]);
  });

  test('END rounds up to a page boundary', () => {
    const m = mappings[0]!;
    const r = resolvePageRange(mappings, { start: at(m.start), end: at(m.start) + 1n }, PID);
    assert.deepEqual([r.endAddress - r.startAddress, r.pageCount], [4096n, 1]);
  });

  test('a range may span adjacent mappings', () => {
    const [a, b] = findAdjacentPair();
    const r = resolvePageRange(mappings, { start: at(a.start), end: at(b.end) }, PID);
    assert.deepEqual(r.mappings, [a, b]);
    assert.equal(r.pageCount, Number((at(b.end) - at(a.start)) / 4096n));
  });

  test('an unmapped START, or a range over a hole, is refused naming the address', () => {
    const [before, after] = findHole();
    const hole = at(before.end);
    assert.throws(() => resolvePageRange(mappings, { start: hole, end: null }, PID), badArg(new RegExp(`address ${before.end.replace(/^0+/, '')} is not mapped in process ${PID} \\(next mapping ${after.start}-`)));
    assert.throws(
      () => resolvePageRange(mappings, { start: at(before.start), end: at(after.end) }, PID),
      badArg(new RegExp(`crosses unmapped space ${before.end.replace(/^0+/, '')}-${after.start.replace(/^0+/, '')}`)),
    );
    const last = mappings.at(-1)!;
    assert.throws(() => resolvePageRange(mappings, { start: at(last.start), end: at(last.end) + 4096n }, PID), badArg(/crosses unmapped space from/));
    assert.throws(() => resolvePageRange(mappings, { start: 0n, end: null }, PID), badArg(/address 0 is not mapped/));
  });
});
