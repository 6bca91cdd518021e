// shared/units.ts: hex ⇄ bigint addresses, kB/pages, formatKb, formatBytes; expectations worked out by hand.
import { execFileSync } from 'node:child_process';
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  bigIntToHex,
  formatBytes,
  formatKb,
  formatSizeBytes,
  hexToBigInt,
  kbToBytes,
  mappingSizeKb,
  PAGE_SHIFT,
  PAGE_SIZE,
  PAGE_SIZE_KB,
  pagesToKb,
  parseSizeBytes,
  type FormatBytesOptions,
} from '../../shared/units.js';

describe('hex ⇄ bigint addresses', () => {
  test('the [vsyscall] address, above 2^53, survives exactly both ways', () => {
    const n = hexToBigInt('ffffffffff600000');
    assert.equal(n, 2n ** 64n - 2n ** 23n - 2n ** 21n); // 0xffffffffff600000 = 2^64 - 0xa00000
    assert.ok(n > BigInt(Number.MAX_SAFE_INTEGER));
    assert.equal(bigIntToHex(n), 'ffffffffff600000');
  });

  test('the kernel pads addresses to 8 digits; bigIntToHex(minDigits) does the same', () => {
    assert.equal(bigIntToHex(0x400000n, 8), '00400000');
    assert.equal(hexToBigInt('00400000'), 4194304n);
    assert.equal(bigIntToHex(0n), '0');
  });

  test('garbage is refused instead of becoming a wrong number', () => {
    for (const bad of ['', '0x10', '12g4', ' 12', '-1', '12 ']) {
      assert.throws(() => hexToBigInt(bad), RangeError, bad);
    }
    assert.throws(() => bigIntToHex(-1n), RangeError);
  });
});

describe('sizes', () => {
  test('mappingSizeKb of [vsyscall] is one page; of a 47-bit user range, exact', () => {
    assert.equal(mappingSizeKb('ffffffffff600000', 'ffffffffff601000'), 4);
    // 0x7fff00000000 − 0x555500000000 bytes = 0x2aaa00000000 bytes = 0x2aaa00000000 / 1024 kB.
    assert.equal(mappingSizeKb('555500000000', '7fff00000000'), 0x2aaa00000000 / 1024);
    assert.throws(() => mappingSizeKb('2000', '1000'), RangeError);
  });

  test('pages and bytes', () => {
    assert.equal(pagesToKb(10083), 40332);
    assert.equal(pagesToKb(3, 64), 192);
    assert.equal(kbToBytes(4), 4096);
  });

  test("the one page size is this machine's (getconf PAGESIZE), in bytes, as a shift and in kB", () => {
    const real = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim());
    assert.equal(PAGE_SIZE, real);
    assert.equal(2 ** PAGE_SHIFT, real);
    assert.equal(kbToBytes(PAGE_SIZE_KB), real);
  });
});

describe('formatKb', () => {
  const cases: [number, string][] = [
    [0, '0 KiB'],
    [4, '4 KiB'],
    [1023, '1023 KiB'],
    [1024, '1.0 MiB'],
    [1536, '1.5 MiB'],
    [99 * 1024 + 921, '99.9 MiB'], // 99.899…
    [99 * 1024 + 973, '100 MiB'], // 99.950… rounds to 100.0: from 100 on, no decimal
    [100 * 1024, '100 MiB'],
    [1023 * 1024, '1023 MiB'],
    [1024 * 1024 - 1, '1.0 GiB'], // 1023.999 MiB rounds to 1024: shown in the next unit
    [3 * 1024 * 1024 * 1024, '3.0 TiB'],
    [-1536, '-1.5 MiB'],
    [0.5, '0.5 KiB'],
  ];
  for (const [kb, text] of cases) {
    test(`${kb} kB → ${text}`, () => assert.equal(formatKb(kb), text));
  }
});

describe('parseSizeBytes: sizes as sysfs and people write them', () => {
  test('sysfs "32K", "1024K", people "32M", "48KiB", plain bytes', () => {
    assert.deepEqual(['32K', '1024K', '32M', '48KiB', '65536', '1g'].map(parseSizeBytes), [32768, 1048576, 33554432, 49152, 65536, 1073741824]);
    assert.ok(Number.isNaN(parseSizeBytes('12x')));
  });

  test('reads back what formatSizeBytes writes', () => {
    for (const bytes of [64, 1536, 32768, 2097152, 3 * 1024 ** 3]) assert.equal(parseSizeBytes(formatSizeBytes(bytes).replace(' ', '')), bytes);
  });
});

describe('formatSizeBytes: the largest unit that divides exactly', () => {
  const cases: [number, string][] = [
    [0, '0 B'],
    [64, '64 B'],
    [1536, '1536 B'],
    [32 * 1024, '32 KiB'],
    [1536 * 1024, '1536 KiB'],
    [2 * 1024 ** 2, '2 MiB'],
    [1024 ** 3, '1 GiB'],
  ];
  for (const [bytes, text] of cases) {
    test(`${bytes} → ${text}`, () => assert.equal(formatSizeBytes(bytes), text));
  }
});

describe('formatBytes: one rule, the variants as options', () => {
  const MIB = 1024 ** 2;
  const cases: [number, FormatBytesOptions, string][] = [
    // Plain (the allocator lab): bytes below a KiB, formatKb above.
    [0, {}, '0 B'],
    [1023, {}, '1023 B'],
    [1024, {}, '1 KiB'],
    [1536, {}, '1.5 KiB'],
    [3 * MIB, {}, '3.0 MiB'],
    [-500, {}, '-500 B'],
    [-2048, {}, '-2 KiB'],
    // wholeUnits (the cache and TLB labs, sizes of mappings): exact units kept without a decimal.
    [24, { wholeUnits: true }, '24 B'],
    [1536, { wholeUnits: true }, '1.5 KiB'],
    [32 * 1024, { wholeUnits: true }, '32 KiB'],
    [1.5 * MIB, { wholeUnits: true }, '1536 KiB'],
    [3 * MIB, { wholeUnits: true }, '3 MiB'],
    [3 * MIB + 100, { wholeUnits: true }, '3.0 MiB'],
    // exactFirst (the CLI's malloc summary): the count, then the human size.
    [40, { exactFirst: true }, '40 bytes'],
    [1024, { exactFirst: true }, '1024 bytes (1 KiB)'],
    [12345, { exactFirst: true }, '12345 bytes (12.1 KiB)'],
    [123456, { exactFirst: true }, '123456 bytes (121 KiB)'],
    [3 * MIB, { exactFirst: true, wholeUnits: true }, '3145728 bytes (3 MiB)'],
  ];
  for (const [bytes, options, text] of cases) {
    test(`${bytes} ${JSON.stringify(options)} → ${text}`, () => assert.equal(formatBytes(bytes, options), text));
  }
});
