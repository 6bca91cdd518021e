// Safe-linking as glibc 2.36 defines it (PROTECT_PTR(pos, ptr) = (pos >> 12) ^ ptr), against the same
// formula in bigint, and the version banner found in this machine's real libc.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { revealPointer } from '../../../shared/heap/layout.js';
import { findGlibcVersion } from '../../../shared/heap/libc-version.js';

test('revealPointer undoes PROTECT_PTR for user-space addresses, also above 2^32', () => {
  const cases: [bigint, bigint][] = [
    [0x55d0c2a4b2a0n, 0x55d0c2a4b300n],
    [0x7f3208e041b0n, 0x7f3208e04010n],
    [0x7ffffffff000n, 0n],
    [0x1000n, 0x7f0000000010n],
  ];
  for (const [pos, ptr] of cases) {
    const stored = (pos >> 12n) ^ ptr;
    assert.equal(revealPointer(Number(pos), Number(stored)), Number(ptr), `${pos.toString(16)} ${ptr.toString(16)}`);
  }
  assert.ok(Number.isNaN(revealPointer(0x1000, 2 ** 60)), 'a word beyond 2^53 is no address');
});

test('findGlibcVersion reads "2.36" from this machine\'s libc.so.6, and null from bytes without the banner', () => {
  assert.equal(findGlibcVersion(readFileSync('/lib/x86_64-linux-gnu/libc.so.6')), '2.36');
  assert.equal(findGlibcVersion(new TextEncoder().encode('GNU C Library without a version')), null);
});
