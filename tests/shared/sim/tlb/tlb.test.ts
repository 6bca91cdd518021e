// The TLB model against hand-derivable counts (a sweep misses once per page; a strided working set that fits
// misses only on its first pass, one that does not fit misses on every access under LRU) and against a
// brute-force reference LRU written here (arrays of page numbers per set) on seeded random patterns.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PMD_SIZE } from '../../../../shared/mm/translate.js';
import { createRng } from '../../../../shared/sim/rng.js';
import { PAGE_SIZE } from '../../../../shared/units.js';
import { checkTlb } from '../../../../shared/sim/tlb/check.js';
import {
  computeReachBytes,
  DEFAULT_TLB_2M,
  DEFAULT_TLB_4K,
  MAX_TLB_ENTRIES,
  MAX_TLB_WAYS,
  validateTlbGeometry,
  type TlbGeometry,
} from '../../../../shared/sim/tlb/params.js';
import { createRandomPattern, createStridedPattern } from '../../../../shared/sim/access/sweep-patterns.js';
import { compareTlbPageSizes, simulateTlb } from '../../../../shared/sim/tlb/simulate.js';
import { Tlb } from '../../../../shared/sim/tlb/tlb.js';

/** Reference: per set, page numbers most recent first. */
function referenceMisses(g: TlbGeometry, accesses: readonly [number, number][]): { lookups: number; misses: number } {
  const sets: number[][] = Array.from({ length: g.entries / g.ways }, () => []);
  let lookups = 0;
  let misses = 0;
  for (const [address, size] of accesses) {
    for (let page = Math.floor(address / g.pageBytes); page <= Math.floor((address + size - 1) / g.pageBytes); page++) {
      lookups++;
      const set = sets[page % sets.length]!;
      const at = set.indexOf(page);
      if (at < 0) misses++;
      else set.splice(at, 1);
      set.unshift(page);
      if (set.length > g.ways) set.pop();
    }
  }
  return { lookups, misses };
}

describe('TLB: hand-derivable counts', () => {
  test('a sequential sweep over N pages misses exactly N times, whatever the TLB size', () => {
    for (const entries of [4, 64, 1024]) {
      const pages = 300;
      const r = simulateTlb({ entries, ways: 4, pageBytes: PAGE_SIZE }, createStridedPattern({ bytes: pages * PAGE_SIZE, strideBytes: 8, passes: 1 }));
      assert.equal(r.misses, pages);
      assert.equal(r.hits, r.lookups - pages);
    }
  });

  test('strided: a working set within the TLB misses once per page; one page more than a set holds thrashes', () => {
    const g: TlbGeometry = { entries: 64, ways: 4, pageBytes: PAGE_SIZE };
    // 64 consecutive pages spread evenly over the 16 sets, 4 per set: they fit.
    const fits = simulateTlb(g, createStridedPattern({ bytes: 64 * PAGE_SIZE, strideBytes: PAGE_SIZE, passes: 5 }));
    assert.equal(fits.misses, 64);
    // 65 pages: one set gets 5 pages cycled in order and LRU always evicts the next one needed, so after the
    // first pass (65 compulsory misses) each of the 4 later passes misses those 5; the other sets still fit.
    const over = simulateTlb(g, createStridedPattern({ bytes: 65 * PAGE_SIZE, strideBytes: PAGE_SIZE, passes: 5 }));
    assert.equal(over.misses, 65 + 4 * 5);
    // Pages a set-span apart all map to one set: ways + 1 of them miss on every access.
    const span = (g.entries / g.ways) * PAGE_SIZE;
    const oneSet = simulateTlb(g, createStridedPattern({ bytes: (g.ways + 1) * span, strideBytes: span, passes: 5 }));
    assert.equal(oneSet.misses, oneSet.lookups);
  });

  test('reach = entries × page size; 2 MiB pages cover a 64 MiB sweep with 32 misses where 4 KiB pages need 16384', () => {
    assert.equal(computeReachBytes(DEFAULT_TLB_4K), DEFAULT_TLB_4K.entries * 4096);
    const [small, huge] = compareTlbPageSizes(createStridedPattern({ bytes: 64 << 20, strideBytes: 4096, passes: 2 }));
    assert.equal(small!.misses, 2 * (64 << 20) / PAGE_SIZE); // 16384 pages > 64 entries: every pass misses all
    assert.equal(huge!.misses, (64 << 20) / PMD_SIZE); // 32 pages = 32 entries: only the first pass
    assert.equal(huge!.reachBytes, DEFAULT_TLB_2M.entries * PMD_SIZE);
  });

  test('an access spanning a page boundary translates both pages', () => {
    const tlb = new Tlb({ entries: 8, ways: 8, pageBytes: PAGE_SIZE });
    tlb.access(0x10000ffc, 8, false);
    assert.deepEqual([tlb.accesses, tlb.lookups, tlb.misses], [1, 2, 2]);
    assert.deepEqual(checkTlb(tlb), []);
  });

  test('invalid geometries are refused', () => {
    assert.throws(() => new Tlb({ entries: 10, ways: 4, pageBytes: 4096 }), /multiple of ways/);
    assert.throws(() => new Tlb({ entries: 8, ways: 4, pageBytes: 3000 }), /power of two/);
  });
});

describe('TLB against a brute-force reference LRU', () => {
  const geometries: TlbGeometry[] = [
    DEFAULT_TLB_4K,
    DEFAULT_TLB_2M,
    { entries: 1536, ways: 12, pageBytes: PAGE_SIZE }, // 128 sets: an STLB-sized table
    { entries: 48, ways: 48, pageBytes: PAGE_SIZE }, // fully associative
    { entries: 24, ways: 1, pageBytes: PAGE_SIZE }, // direct-mapped, 24 sets
  ];
  for (const g of geometries) {
    test(`${g.entries} entries, ${g.ways}-way, ${g.pageBytes}-byte pages: identical lookups and misses`, () => {
      for (const seed of [11, 12]) {
        const rng = createRng(seed);
        const accesses: [number, number][] = [];
        for (let i = 0; i < 50000; i++) {
          const far = rng.nextInt(0, 8) === 0;
          const address = (far ? 0x7ffd00000000 : 0x10000000) + rng.nextInt(0, far ? 1 << 30 : 1 << 24);
          accesses.push([address, [1, 8, 64][rng.nextInt(0, 3)]!]);
        }
        const tlb = new Tlb(g);
        for (const [a, s] of accesses) tlb.access(a, s, false);
        assert.deepEqual({ lookups: tlb.lookups, misses: tlb.misses }, referenceMisses(g, accesses), `seed ${seed}`);
        assert.deepEqual(checkTlb(tlb), []);
      }
    });
  }

  test('random pattern: the same seed gives the same addresses, another seed other ones', () => {
    const record = (seed: number) => {
      const out: number[] = [];
      createRandomPattern({ bytes: 1 << 20, count: 1000, seed }).run({ access: (a) => out.push(a) });
      return out;
    };
    assert.deepEqual(record(5), record(5));
    assert.notDeepEqual(record(5), record(6));
  });
});

describe('TLB geometry bounds', () => {
  test(`${MAX_TLB_ENTRIES} entries and ${MAX_TLB_WAYS} ways build; one past either is refused naming the bound`, () => {
    assert.equal(new Tlb({ entries: MAX_TLB_ENTRIES, ways: MAX_TLB_WAYS, pageBytes: PAGE_SIZE }).pages.sets, MAX_TLB_ENTRIES / MAX_TLB_WAYS);
    assert.deepEqual(validateTlbGeometry({ entries: 99999999996, ways: 4, pageBytes: PAGE_SIZE }), ["entries 99999999996 is more than 16384 (the simulator's bound)"]);
    assert.deepEqual(validateTlbGeometry({ entries: 512, ways: 512, pageBytes: PAGE_SIZE }), ["ways 512 is more than 256 (the simulator's bound)"]);
    assert.throws(() => new Tlb({ entries: MAX_TLB_ENTRIES + 4, ways: 4, pageBytes: PAGE_SIZE }), /more than 16384/);
  });
});
