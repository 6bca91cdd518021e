// The seeded PRNG: reproducible streams, distinct seeds, ranges respected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../shared/sim/rng.js';

test('same seed, same stream; different seeds, different streams', () => {
  const take = (seed: number): number[] => { const r = createRng(seed); return Array.from({ length: 64 }, () => r.nextUint32()); };
  assert.deepEqual(take(42), take(42));
  assert.notDeepEqual(take(42), take(43));
});

test('nextInt stays in range and covers it; nextFloat is in [0, 1)', () => {
  const r = createRng(7);
  const seen = new Set<number>();
  for (let i = 0; i < 10000; i++) {
    const v = r.nextInt(-3, 5);
    assert.ok(Number.isInteger(v) && v >= -3 && v < 5, String(v));
    seen.add(v);
    const f = r.nextFloat();
    assert.ok(f >= 0 && f < 1);
  }
  assert.equal(seen.size, 8);
});
