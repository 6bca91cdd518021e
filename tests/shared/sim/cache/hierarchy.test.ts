// The cache model against hand-derivable counts (compulsory misses of a sweep, a working set that fits or
// thrashes a set, write-allocate off) and against a brute-force reference LRU written here independently
// (arrays of line numbers per set, splice and unshift) on seeded random access streams.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkCacheHierarchy } from '../../../../shared/sim/cache/check.js';
import type { CacheGeometry, CacheLevelGeometry } from '../../../../shared/sim/cache/geometry.js';
import { CacheHierarchy } from '../../../../shared/sim/cache/hierarchy.js';
import { createRng } from '../../../../shared/sim/rng.js';

const L1: CacheLevelGeometry = { name: 'L1d', sizeBytes: 32768, ways: 8, lineBytes: 64, writeAllocate: true };
const L2: CacheLevelGeometry = { name: 'L2', sizeBytes: 262144, ways: 8, lineBytes: 64, writeAllocate: true };

/** The reference: per level, per set, line numbers most recent first. */
class ReferenceCaches {
  readonly sets: number[][][];
  readonly misses: { read: number; write: number }[];
  readonly accesses: { read: number; write: number }[];
  constructor(readonly geometry: CacheGeometry) {
    this.sets = geometry.map((g) => Array.from({ length: g.sizeBytes / g.lineBytes / g.ways }, () => []));
    this.misses = geometry.map(() => ({ read: 0, write: 0 }));
    this.accesses = geometry.map(() => ({ read: 0, write: 0 }));
  }
  access(address: number, size: number, write: boolean): void {
    for (let l = 0; l < this.geometry.length; l++) {
      const g = this.geometry[l]!;
      const sets = this.sets[l]!;
      let missed = false;
      for (let line = Math.floor(address / g.lineBytes); line <= Math.floor((address + size - 1) / g.lineBytes); line++) {
        const set = sets[line % sets.length]!;
        const at = set.indexOf(line);
        if (at >= 0) set.splice(at, 1);
        else missed = true;
        if (at >= 0 || !write || g.writeAllocate) {
          set.unshift(line);
          if (set.length > g.ways) set.pop();
        }
      }
      this.accesses[l]![write ? 'write' : 'read']++;
      if (!missed) return;
      this.misses[l]![write ? 'write' : 'read']++;
    }
  }
}

function sweep(h: CacheHierarchy, startAddress: number, bytes: number, step = 8, write = false): void {
  for (let a = startAddress; a < startAddress + bytes; a += step) h.access(a, 8, write);
}

describe('cache hierarchy: hand-derivable counts', () => {
  test('a sweep misses once per line (compulsory), at every level it reaches', () => {
    const h = new CacheHierarchy([L1, L2]);
    sweep(h, 0x10000000, 1 << 20);
    const [l1, l2] = h.levels;
    assert.equal(l1!.reads, (1 << 20) / 8);
    assert.equal(l1!.readMisses, (1 << 20) / 64);
    assert.equal(l2!.reads, l1!.readMisses);
    assert.equal(l2!.readMisses, (1 << 20) / 64);
    assert.deepEqual(checkCacheHierarchy(h), []);
  });

  test('a working set that fits misses only on the first pass; one line too many per set thrashes under LRU', () => {
    const fits = new CacheHierarchy([L1]);
    for (let pass = 0; pass < 3; pass++) sweep(fits, 0x20000000, L1.sizeBytes, 64);
    assert.equal(fits.levels[0]!.readMisses, L1.sizeBytes / 64);
    // ways + 1 lines one set-span apart all land in set 0: each access evicts the line needed next.
    const thrash = new CacheHierarchy([L1]);
    const span = L1.sizeBytes / L1.ways;
    for (let pass = 0; pass < 3; pass++) for (let w = 0; w <= L1.ways; w++) thrash.access(0x30000000 + w * span, 8, false);
    assert.equal(thrash.levels[0]!.readMisses, 3 * (L1.ways + 1));
    assert.deepEqual(checkCacheHierarchy(thrash), []);
  });

  test('an access spanning two lines is one access, one miss, and installs both lines', () => {
    const h = new CacheHierarchy([L1]);
    h.access(0x40000000 + 60, 8, false);
    h.access(0x40000000, 8, false);
    h.access(0x40000000 + 64, 8, false);
    assert.equal(h.levels[0]!.reads, 3);
    assert.equal(h.levels[0]!.readMisses, 1);
  });

  test('without write-allocate a write miss installs nothing', () => {
    const h = new CacheHierarchy([{ ...L1, writeAllocate: false }]);
    sweep(h, 0x50000000, 4096, 64, true);
    sweep(h, 0x50000000, 4096, 64, true);
    sweep(h, 0x50000000, 4096, 64, false);
    const l1 = h.levels[0]!;
    assert.equal(l1.writeMisses, 2 * 64);
    assert.equal(l1.readMisses, 64);
    assert.deepEqual(checkCacheHierarchy(h), []);
  });

  test('invalid geometries are refused', () => {
    assert.throws(() => new CacheHierarchy([{ ...L1, lineBytes: 48 }]), /power of two/);
    assert.throws(() => new CacheHierarchy([{ ...L1, sizeBytes: 1000 }]), /multiple/);
    assert.throws(() => new CacheHierarchy([]), /no cache levels/);
  });
});

describe('cache hierarchy against a brute-force reference LRU', () => {
  const geometries: [string, CacheGeometry][] = [
    ['two levels, power-of-two sets', [L1, L2]],
    ['three levels, L2 with 768 sets (not a power of two), direct-mapped L1', [{ ...L1, ways: 1, sizeBytes: 4096 }, { ...L2, sizeBytes: 786432, ways: 16 }, { name: 'L3', sizeBytes: 2 ** 21, ways: 16, lineBytes: 64, writeAllocate: true }]],
    ['no write-allocate, 32-byte lines, fully associative L1', [{ name: 'L1d', sizeBytes: 1024, ways: 32, lineBytes: 32, writeAllocate: false }, { ...L2, writeAllocate: false, lineBytes: 128, ways: 4 }]],
  ];
  for (const [name, geometry] of geometries) {
    test(`${name}: identical counts on random streams`, () => {
      for (const seed of [1, 2, 3]) {
        const rng = createRng(seed);
        const h = new CacheHierarchy(geometry, seed === 1); // seed 1 also counts line misses per set
        const ref = new ReferenceCaches(geometry);
        const hot = 0x7ffd00000000; // high addresses too: line numbers beyond 2^32
        for (let i = 0; i < 100000; i++) {
          const region = rng.nextInt(0, 3);
          const address = region === 0 ? rng.nextInt(0, 1 << 16) * 8 : region === 1 ? hot + rng.nextInt(0, 1 << 18) : 0x10000000 + rng.nextInt(0, 1 << 22);
          const size = [1, 2, 4, 8, 16, 32][rng.nextInt(0, 6)]!;
          const write = rng.nextInt(0, 4) === 0;
          h.access(address, size, write);
          ref.access(address, size, write);
        }
        h.levels.forEach((l, i) => {
          assert.deepEqual(
            { reads: l.reads, writes: l.writes, readMisses: l.readMisses, writeMisses: l.writeMisses },
            { reads: ref.accesses[i]!.read, writes: ref.accesses[i]!.write, readMisses: ref.misses[i]!.read, writeMisses: ref.misses[i]!.write },
            `${l.geometry.name} seed ${seed}`,
          );
        });
        assert.deepEqual(checkCacheHierarchy(h, 2), []);
        if (seed === 1) {
          const lineMisses = h.levels.map((l) => l.setLineMisses.reduce((a, b) => a + b, 0));
          h.levels.forEach((l, i) => assert.ok(lineMisses[i]! >= l.readMisses + l.writeMisses && lineMisses[i]! <= 2 * (l.readMisses + l.writeMisses)));
        }
      }
    });
  }
});
