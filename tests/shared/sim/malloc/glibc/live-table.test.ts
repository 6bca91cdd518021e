// The live-allocation hash table against a Map holding the same pointers: random inserts and deletes with
// pointers that collide in the table (same low bits, brk heap and thread-arena heaps), growth, and lookups
// of pointers the program does not own.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../../../shared/sim/rng.js';
import { createLiveTable, deleteLiveTable, listLiveTable, readLiveTable, writeLiveTable } from '../../../../../shared/sim/malloc/glibc/live-table.js';
import { ARENA_HEAP_REGION_START } from '../../../../../shared/sim/malloc/glibc/arena-state.js';

describe('live table', () => {
  test('agrees with a Map over 200,000 random inserts and deletes, through growth and back-shifted deletions', () => {
    const rng = createRng(7);
    const table = createLiveTable();
    const oracle = new Map<number, number>();
    const keys: number[] = [];
    // Pointers 16 bytes apart in a few narrow ranges, so probe runs are long and deletions shift entries back.
    const pick = (): number => {
      const base = [0, 1 << 20, ARENA_HEAP_REGION_START, ARENA_HEAP_REGION_START + 64 * 1024 * 1024][rng.nextInt(0, 3)]!;
      return base + 16 * rng.nextInt(1, 6000);
    };
    for (let step = 0; step < 200_000; step++) {
      if (keys.length > 0 && rng.nextFloat() < 0.45) {
        const k = rng.nextInt(0, keys.length - 1);
        const mem = keys[k]!;
        keys[k] = keys[keys.length - 1]!;
        keys.pop();
        assert.equal(deleteLiveTable(table, mem), oracle.get(mem));
        oracle.delete(mem);
        assert.equal(deleteLiveTable(table, mem), -1);
      } else {
        const mem = pick();
        const slot = rng.nextInt(0, 1 << 30);
        assert.equal(writeLiveTable(table, mem, slot), !oracle.has(mem));
        if (!oracle.has(mem)) keys.push(mem);
        oracle.set(mem, slot);
      }
      if (step % 997 === 0) {
        for (const [mem, slot] of oracle) assert.equal(readLiveTable(table, mem), slot);
        assert.equal(readLiveTable(table, pick() + 8), -1);
      }
    }
    assert.equal(table.count, oracle.size);
    assert.ok(table.mask + 1 >= 2 * table.count);
    assert.deepEqual(listLiveTable(table), [...oracle].sort((a, b) => a[0] - b[0]).map(([mem, slot]) => ({ mem, slot })));
  });

  test('pointers the program cannot own are absent, not errors', () => {
    const table = createLiveTable();
    writeLiveTable(table, 16, 3);
    for (const mem of [0, 8, -16, 24, NaN, Infinity, -Infinity, 2 ** 53, 2 ** 60, 17.5, 16 + 2 ** -48]) {
      assert.equal(readLiveTable(table, mem), -1, String(mem));
      assert.equal(deleteLiveTable(table, mem), -1, String(mem));
    }
    assert.equal(readLiveTable(table, 16), 3);
    writeLiveTable(table, 2 ** 53 - 16, 4); // the largest key
    assert.equal(readLiveTable(table, 2 ** 53 - 16), 4);
    assert.equal(deleteLiveTable(table, 2 ** 53 - 16), 4);
  });
});
