// Largest-Triangle-Three-Buckets down-sampling, so a chart of an hour of samples keeps its spikes.
// Source of truth: Sveinn Steinarsson, "Downsampling Time Series for Visual Representation", 2013, §4.2
// (and his reference implementation, github.com/sveinn-steinarsson/flot-downsample).

/**
 * Chooses `threshold` indices of the series (xs[i], ys[i]) that keep its visual shape.
 *
 * The first and last points are always kept. The points in between are split into
 * threshold - 2 buckets of (nearly) equal count; bucket b covers indices
 * [floor((b-1)·(n-2)/(threshold-2)) + 1, floor(b·(n-2)/(threshold-2)) + 1). From each bucket, in order,
 * the point forming the largest triangle with the previously chosen point and the average of the next
 * bucket is kept (the first such point on a tie). Returns indices, strictly increasing, so several
 * series sampled at the same instants can share one choice. When threshold >= n or threshold < 3
 * every index is returned. xs is expected to be non-decreasing (time).
 */
export function downsampleLttb(xs: ArrayLike<number>, ys: ArrayLike<number>, threshold: number): number[] {
  const n = Math.min(xs.length, ys.length);
  if (!(threshold < n) || !(threshold >= 3)) return listIndices(n);
  const bucketCount = Math.floor(threshold) - 2;
  const inner = n - 2;
  // Integer arithmetic for bucket bounds: a float step (inner / bucketCount) can land a hair below an
  // integer and shift a boundary by one point.
  const bucketStart = (b: number): number => Math.floor(((b - 1) * inner) / bucketCount) + 1;

  const chosen: number[] = new Array<number>(bucketCount + 2);
  chosen[0] = 0;
  let a = 0;
  for (let b = 1; b <= bucketCount; b++) {
    const from = bucketStart(b);
    const to = bucketStart(b + 1);
    // The next bucket is the following inner bucket, or the last point after the final inner bucket.
    const nextFrom = to;
    const nextTo = b === bucketCount ? n : bucketStart(b + 2);
    const nextCount = nextTo - nextFrom;
    let sumX = 0;
    let sumY = 0;
    for (let j = nextFrom; j < nextTo; j++) {
      sumX += xs[j] as number;
      sumY += ys[j] as number;
    }

    const ax = xs[a] as number;
    const ay = ys[a] as number;
    // The third vertex is the next bucket's average (sumX/nextCount, sumY/nextCount). Every area is
    // computed times 2·nextCount, which picks the same winner without dividing, so integer data
    // (kB, ms) gives exact areas and exact ties (first point wins).
    const cx = ax * nextCount - sumX;
    const cy = sumY - ay * nextCount;
    let best = from;
    let bestArea = -1;
    for (let j = from; j < to; j++) {
      const area = Math.abs(cx * ((ys[j] as number) - ay) - (ax - (xs[j] as number)) * cy);
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    chosen[b] = best;
    a = best;
  }
  chosen[bucketCount + 1] = n - 1;
  return chosen;
}

/** A point of a series for downsampleLttbPoints. */
export interface XyPoint {
  x: number;
  y: number;
}

/** downsampleLttb for an array of {x, y} points: returns the kept points themselves, in order. */
export function downsampleLttbPoints<P extends XyPoint>(points: readonly P[], threshold: number): P[] {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  return downsampleLttb(xs, ys, threshold).map((i) => points[i] as P);
}

function listIndices(n: number): number[] {
  const out: number[] = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
