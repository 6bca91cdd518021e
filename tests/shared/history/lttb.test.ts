// downsampleLttb against a reference written from Steinarsson 2013 §4.2, plus its properties.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { downsampleLttb, downsampleLttbPoints } from '../../../shared/history/lttb.js';
import { drawInt, makeSeededRandom } from './seeded-random.js';

/**
 * Bucket b (1..threshold-2) of the n-2 inner points, per Steinarsson 2013 §4.2: "split the data into
 * the same number of buckets as the threshold, the first and last bucket holding only the first and
 * last point", the inner points divided as evenly as possible. Bounds in exact integer arithmetic (BigInt).
 */
function listBucket(n: number, threshold: number, b: number): number[] {
  const bound = (k: number): number => Number((BigInt(k) * BigInt(n - 2)) / BigInt(threshold - 2)) + 1;
  const out: number[] = [];
  for (let i = bound(b - 1); i < bound(b); i++) out.push(i);
  return out;
}

/** Triangle area by the shoelace formula (a different algebraic form from the implementation's). */
function computeTriangleArea(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return 0.5 * Math.abs(ax * (by - cy) + bx * (cy - ay) + cx * (ay - by));
}

/** 2·|C|·area of the triangle (a, i, centroid of C) by the shoelace formula, exactly, for integer data. */
function computeScaledAreaExact(xs: number[], ys: number[], a: number, i: number, c: number[]): bigint {
  const k = BigInt(c.length);
  const sx = c.reduce((s, j) => s + BigInt(xs[j] as number), 0n);
  const sy = c.reduce((s, j) => s + BigInt(ys[j] as number), 0n);
  const [xa, ya, xb, yb] = [BigInt(xs[a] as number), BigInt(ys[a] as number), BigInt(xs[i] as number), BigInt(ys[i] as number)];
  const twice = xa * (yb * k - sy) + xb * (sy - ya * k) + sx * (ya - yb);
  return twice < 0n ? -twice : twice;
}

/**
 * Reference LTTB written from the paper's description: explicit bucket lists, then one pass.
 * With `exact`, areas are compared times 2·|next bucket| in integer arithmetic (BigInt), so
 * ties on integer data are real ties and the first point must win them.
 */
function referenceLttb(xs: number[], ys: number[], threshold: number, exact = false): number[] {
  const n = xs.length;
  if (threshold >= n || threshold < 3) return xs.map((_, i) => i);
  const buckets: number[][] = [[0]];
  for (let b = 1; b <= threshold - 2; b++) buckets.push(listBucket(n, threshold, b));
  buckets.push([n - 1]);
  const chosen = [0];
  for (let b = 1; b <= threshold - 2; b++) {
    const a = chosen[chosen.length - 1] as number;
    const next = buckets[b + 1] as number[];
    const cx = next.reduce((s, i) => s + (xs[i] as number), 0) / next.length;
    const cy = next.reduce((s, i) => s + (ys[i] as number), 0) / next.length;
    let best = -1;
    let bestArea: number | bigint = -Infinity;
    for (const i of buckets[b] as number[]) {
      const area = exact
        ? computeScaledAreaExact(xs, ys, a, i, next)
        : computeTriangleArea(xs[a] as number, ys[a] as number, xs[i] as number, ys[i] as number, cx, cy);
      if (best === -1 || area > bestArea) {
        bestArea = area;
        best = i;
      }
    }
    chosen.push(best);
  }
  chosen.push(n - 1);
  return chosen;
}

function makeSeries(random: () => number, n: number, integer: boolean): { xs: number[]; ys: number[] } {
  const xs: number[] = [];
  const ys: number[] = [];
  let x = 1_700_000_000_000;
  for (let i = 0; i < n; i++) {
    x += integer ? drawInt(random, 1, 3) * 1000 : 500 + random() * 1000;
    xs.push(x);
    ys.push(integer ? drawInt(random, 0, 50) : random() * 1e6);
  }
  return { xs, ys };
}

describe('downsampleLttb', () => {
  test('agrees with the reference on seeded random integer series (exact arithmetic, ties included)', () => {
    const random = makeSeededRandom(2013);
    for (let round = 0; round < 300; round++) {
      const n = drawInt(random, 3, 400);
      const threshold = drawInt(random, 3, n + 2);
      // Small integers from 0: the implementation's float arithmetic is exact on them too.
      const { xs, ys } = makeSeries(random, n, true);
      const x0 = xs[0] as number;
      const xsSmall = xs.map((x) => (x - x0) / 1000);
      assert.deepEqual(downsampleLttb(xsSmall, ys, threshold), referenceLttb(xsSmall, ys, threshold, true), `n=${n} threshold=${threshold}`);
    }
  });

  test('agrees with the reference on seeded random float series', () => {
    const random = makeSeededRandom(99);
    for (let round = 0; round < 200; round++) {
      const n = drawInt(random, 3, 3000);
      const threshold = drawInt(random, 3, Math.min(n + 1, 600));
      const { xs, ys } = makeSeries(random, n, false);
      assert.deepEqual(downsampleLttb(xs, ys, threshold), referenceLttb(xs, ys, threshold), `n=${n} threshold=${threshold}`);
    }
  });

  test('properties: exactly threshold indices, strictly increasing, first and last kept, one per bucket', () => {
    const random = makeSeededRandom(5);
    for (let round = 0; round < 200; round++) {
      const n = drawInt(random, 4, 2000);
      const threshold = drawInt(random, 3, n - 1);
      const { xs, ys } = makeSeries(random, n, false);
      const idx = downsampleLttb(Float64Array.from(xs), Float64Array.from(ys), threshold);
      assert.equal(idx.length, threshold);
      assert.equal(idx[0], 0);
      assert.equal(idx[idx.length - 1], n - 1);
      for (let k = 1; k < idx.length; k++) assert.ok((idx[k] as number) > (idx[k - 1] as number));
      for (let b = 1; b <= threshold - 2; b++) {
        assert.ok(listBucket(n, threshold, b).includes(idx[b] as number), `bucket ${b} of n=${n} t=${threshold}`);
      }
    }
  });

  test('a single spike (up or down) in flat data is always kept', () => {
    const random = makeSeededRandom(11);
    for (let round = 0; round < 200; round++) {
      const n = drawInt(random, 5, 1000);
      const threshold = drawInt(random, 3, n - 1);
      const spikeAt = drawInt(random, 1, n - 2);
      const xs = Array.from({ length: n }, (_, i) => i * 1000);
      const ys = Array.from({ length: n }, () => 4096);
      ys[spikeAt] = random() < 0.5 ? 1e6 : 0;
      assert.ok(downsampleLttb(xs, ys, threshold).includes(spikeAt), `n=${n} t=${threshold} spike=${spikeAt}`);
    }
  });

  test('threshold >= length or < 3 returns every index', () => {
    const xs = [1, 2, 3, 4, 5];
    const ys = [5, 1, 4, 1, 5];
    const all = [0, 1, 2, 3, 4];
    for (const t of [5, 6, 100, 2, 1, 0, -3, Number.NaN]) assert.deepEqual(downsampleLttb(xs, ys, t), all, `threshold ${t}`);
    assert.deepEqual(downsampleLttb([], [], 3), []);
    assert.deepEqual(downsampleLttb([1], [1], 3), [0]);
    assert.deepEqual(downsampleLttb([1, 2], [1, 2], 3), [0, 1]);
  });

  test('small hand-computed case: 5 points to 3 keeps the highest peak of the middle bucket', () => {
    // Middle bucket holds indices 1..3; a = (0,0), next bucket average = (4,0): the area is
    // proportional to |y|, so the point with the largest |y| wins.
    assert.deepEqual(downsampleLttb([0, 1, 2, 3, 4], [0, 3, -7, 5, 0], 3), [0, 2, 4]);
  });

  test('downsampleLttbPoints returns the chosen point objects themselves', () => {
    const points = Array.from({ length: 50 }, (_, i) => ({ x: i, y: i === 20 ? 100 : 0, label: `p${i}` }));
    const kept = downsampleLttbPoints(points, 10);
    assert.equal(kept.length, 10);
    assert.equal(kept[0], points[0]);
    assert.equal(kept[9], points[49]);
    assert.ok(kept.includes(points[20] as (typeof points)[number]));
  });
});
