// The pure parts of address translation: index splitting checked against an independent reading of the
// address's bits (a 64-character binary string), canonical-address rules, paging-mode and page-size decisions.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  decidePageSize,
  decidePagingLevels,
  explainNonCanonical,
  parseVirtualAddress,
  splitVirtualAddress,
  type PagingLevels,
} from '../../../shared/mm/translate.js';
import { createRng } from '../../../shared/sim/rng.js';

/** Bits hi..lo of a 64-bit address, read off its binary digits (no shifts or masks). */
function bitsOf(address: bigint, hi: number, lo: number): number {
  const binary = address.toString(2).padStart(64, '0');
  return parseInt(binary.slice(63 - hi, 64 - lo), 2);
}

function randomAddress(rng: ReturnType<typeof createRng>, widthBits: number): bigint {
  const hi = BigInt(rng.nextUint32()) << 32n;
  return (hi | BigInt(rng.nextUint32())) & ((1n << BigInt(widthBits - 1)) - 1n);
}

describe('splitVirtualAddress', () => {
  const rng = createRng(7);
  const layouts: { levels: PagingLevels; names: string[]; highs: number[] }[] = [
    { levels: 4, names: ['PGD', 'PUD', 'PMD', 'PTE'], highs: [47, 38, 29, 20] },
    { levels: 5, names: ['PGD', 'P4D', 'PUD', 'PMD', 'PTE'], highs: [56, 47, 38, 29, 20] },
  ];
  for (const { levels, names, highs } of layouts) {
    for (const [pageBytes, leafLevels, offsetHigh] of [
      [4096, names.length, 11],
      [2 ** 21, names.length - 1, 20],
      [2 ** 30, names.length - 2, 29],
    ] as const) {
      test(`${levels}-level, ${pageBytes}-byte pages: every index is 9 address bits, the rest the offset`, () => {
        for (let n = 0; n < 200; n++) {
          const address = randomAddress(rng, levels === 5 ? 57 : 48);
          const split = splitVirtualAddress(address, levels, pageBytes);
          assert.deepEqual(split.steps.map((s) => s.level), names.slice(0, leafLevels));
          split.steps.forEach((step, i) => {
            assert.equal(step.highBit, highs[i]);
            assert.equal(step.index, bitsOf(address, highs[i]!, highs[i]! - 8));
            assert.equal(step.entryOffsetBytes, step.index * 8);
          });
          assert.equal(split.offsetHighBit, offsetHigh);
          assert.equal(split.offsetBytes, bitsOf(address, offsetHigh, 0));
          assert.match(split.steps.at(-1)!.selects, /page/);
        }
      });
    }
  }

  test('rejects page sizes the MMU cannot map', () => {
    assert.throws(() => splitVirtualAddress(0x1000n, 4, 8192), RangeError);
  });
});

describe('canonical addresses', () => {
  test('4-level: bits 63..47 equal; 5-level: bits 63..56 equal', () => {
    const cases: [bigint, PagingLevels, boolean][] = [
      [(1n << 47n) - 1n, 4, true], // top of user space
      [1n << 47n, 4, false], // first non-canonical address
      [0xffff800000000000n, 4, true], // bottom of the kernel half
      [0xffff000000000000n, 4, false],
      [1n << 47n, 5, true],
      [(1n << 56n) - 1n, 5, true],
      [1n << 56n, 5, false],
      [0xff00000000000000n, 5, true],
      [0xffffffffff600000n, 4, true], // [vsyscall]
    ];
    for (const [address, levels, canonical] of cases) {
      const why = explainNonCanonical(address, levels);
      const topBits = address.toString(2).padStart(64, '0').slice(0, 64 - (levels === 5 ? 56 : 47));
      assert.equal(/^(0+|1+)$/.test(topBits), canonical, address.toString(16));
      assert.equal(why === null, canonical, `${address.toString(16)} ${levels}: ${why}`);
    }
  });
});

describe('parseVirtualAddress', () => {
  test('hex with or without 0x, any case', () => {
    assert.equal(parseVirtualAddress('0x7F3dd9bf4000'), 0x7f3dd9bf4000n);
    assert.equal(parseVirtualAddress('ffffffffffffffff'), (1n << 64n) - 1n);
  });
  test('one-line errors for not-hex and more than 64 bits', () => {
    assert.throws(() => parseVirtualAddress('0xg1'), /not a hex address/);
    assert.throws(() => parseVirtualAddress(''), /not a hex address/);
    assert.throws(() => parseVirtualAddress('-1'), /not a hex address/);
    assert.throws(() => parseVirtualAddress('10000000000000000'), /out of range: more than 64 bits/);
  });
});

describe('decidePagingLevels', () => {
  test('la57 in cpuinfo or user space above 2^47 means 5 levels', () => {
    assert.equal(decidePagingLevels(false, 0x7ffd00000000n).levels, 4);
    assert.equal(decidePagingLevels(true, 0x7ffd00000000n).levels, 5);
    assert.equal(decidePagingLevels(false, (1n << 47n) + 0x1000n).levels, 5);
    assert.equal(decidePagingLevels(false, null).levels, 4);
    assert.match(decidePagingLevels(true, null).reason, /la57/);
  });
});

describe('decidePageSize', () => {
  const mib = 1n << 20n;
  const base = { address: 0x7f0000200000n + 0x1234n, mappingStart: 0x7f0000000000n, mappingEnd: 0x7f0000000000n + 8n * mib };
  test('hugetlb mappings take smaps KernelPageSize', () => {
    assert.equal(decidePageSize({ ...base, kernelPageSizeKb: 2048, pmdMappedKb: 0, thpRegion: null }).pageSizeBytes, 2 ** 21);
    assert.equal(decidePageSize({ ...base, kernelPageSizeKb: 1048576, pmdMappedKb: 0, thpRegion: null }).pageSizeBytes, 2 ** 30);
  });
  test('no PMD-mapped memory in smaps: 4 KiB', () => {
    assert.equal(decidePageSize({ ...base, kernelPageSizeKb: 4, pmdMappedKb: 0, thpRegion: null }).pageSizeBytes, 4096);
  });
  test('a 2 MiB region crossing the mapping cannot be PMD-mapped', () => {
    const d = decidePageSize({ ...base, mappingStart: 0x7f0000201000n, kernelPageSizeKb: 4, pmdMappedKb: 2048, thpRegion: null });
    assert.equal(d.pageSizeBytes, 4096);
  });
  test('without root smaps makes 2 MiB likely; as root kpageflags and the PFN run decide', () => {
    assert.match(decidePageSize({ ...base, kernelPageSizeKb: 4, pmdMappedKb: 2048, thpRegion: null }).evidence, /^likely/);
    assert.equal(decidePageSize({ ...base, kernelPageSizeKb: 4, pmdMappedKb: 2048, thpRegion: { thpFlag: true, contiguousAligned: true } }).pageSizeBytes, 2 ** 21);
    assert.equal(decidePageSize({ ...base, kernelPageSizeKb: 4, pmdMappedKb: 2048, thpRegion: { thpFlag: true, contiguousAligned: false } }).pageSizeBytes, 4096);
    assert.equal(decidePageSize({ ...base, kernelPageSizeKb: 4, pmdMappedKb: 2048, thpRegion: { thpFlag: false, contiguousAligned: false } }).pageSizeBytes, 4096);
  });
});
