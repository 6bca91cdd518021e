// The points MemoryChart draws from a tiered history (shared/history/tiered-history.ts): a bucket is drawn
// across its span at its last value with its min–max band, and LTTB down-sampling (about one point per
// pixel) widens each kept point's band over the points it hides, so no spike is averaged or sampled away.
import { downsampleLttb } from '../../shared/history/lttb.js';
import { WeakMemo } from '../../shared/weak-memo.js';
import { HISTORY_VALUE_FIELDS, type HistorySample, type HistoryValues } from '../../shared/history/sample.js';

/** A [min, max] pair in kB. */
export type KbBand = [number, number];

/** One drawn point: the values at tMs, and for each value the band of what the point stands for. */
export interface ChartPoint {
  tMs: number;
  virtKb: number;
  resKb: number;
  shrKb: number;
  swapKb: number;
  virtBand: KbBand;
  resBand: KbBand;
  shrBand: KbBand;
  swapBand: KbBand;
  /** First tick this point stands for (epoch ms); tMs for a single tick. */
  fromMs: number;
  /** Ticks this point stands for (1: a tick drawn as read; 0: the point opening a bucket's span, whose count is on its closing point). */
  sampleCount: number;
}

/** The band key of each value key. */
export const BAND_OF = { virtKb: 'virtBand', resKb: 'resBand', shrKb: 'shrBand', swapKb: 'swapBand' } as const;

/**
 * The pixel row (from the bottom) of kb on an axis from 0 to topKb drawn heightPx high: two values on the same row
 * draw the same picture. kb itself while no axis is drawn (topKb 0), so every change counts.
 */
export function findPixelRow(kb: number, topKb: number, heightPx: number): number {
  return topKb > 0 ? Math.round((kb / topKb) * heightPx) : kb;
}

/** Index of the first sample with tMs >= t (samples sorted by tMs). */
export function findFirstAtOrAfter(samples: readonly HistorySample[], t: number): number {
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((samples[mid] as HistorySample).tMs < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The largest value of keys among samples[from..] (a bucket's max): the top of what a redraw of them would draw, the
 * kept points' bands included (LTTB widens a band over the samples it hides, never past them).
 */
export function findSamplesMaxKb(samples: readonly HistorySample[], from: number, keys: readonly (keyof HistoryValues)[]): number {
  let max = 0;
  for (let i = from; i < samples.length; i++) {
    const s = samples[i] as HistorySample;
    const top = s.bucket?.max ?? s;
    for (const key of keys) if (top[key] > max) max = top[key];
  }
  return max;
}

/**
 * The points of each sample drawn so far, frozen: recharts' store (Immer) deep-freezes the data it is handed at every
 * redraw, and a frozen point is skipped, so a redraw freezes and allocates only the newest samples' points. A sample
 * is never changed once made (the history replaces objects, never fields), so its points hold for its life.
 */
const POINTS_OF_SAMPLE = new WeakMemo<HistorySample, readonly ChartPoint[]>(makePoints);

/** A sample's points: a tick as one point, a bucket as two (its first and last tick's time). */
function makePoints(s: HistorySample): readonly ChartPoint[] {
  const b = s.bucket;
  const point: ChartPoint = {
    tMs: s.tMs,
    virtKb: s.virtKb,
    resKb: s.resKb,
    shrKb: s.shrKb,
    swapKb: s.swapKb,
    virtBand: b === undefined ? [s.virtKb, s.virtKb] : [b.min.virtKb, b.max.virtKb],
    resBand: b === undefined ? [s.resKb, s.resKb] : [b.min.resKb, b.max.resKb],
    shrBand: b === undefined ? [s.shrKb, s.shrKb] : [b.min.shrKb, b.max.shrKb],
    swapBand: b === undefined ? [s.swapKb, s.swapKb] : [b.min.swapKb, b.max.swapKb],
    fromMs: b?.fromMs ?? s.tMs,
    sampleCount: b?.sampleCount ?? 1,
  };
  const points = b !== undefined && b.fromMs < s.tMs ? [{ ...point, tMs: b.fromMs, sampleCount: 0 }, point] : [point];
  for (const p of points) for (const key of HISTORY_VALUE_FIELDS) Object.freeze(p[BAND_OF[key]]);
  return Object.freeze(points.map((p) => Object.freeze(p)));
}

/** samples[from..] as chart points, each sample's own (the same objects at every redraw). */
function expandSamples(samples: readonly HistorySample[], from: number): ChartPoint[] {
  const out: ChartPoint[] = [];
  for (let i = from; i < samples.length; i++) for (const p of POINTS_OF_SAMPLE.get(samples[i] as HistorySample)) out.push(p);
  return out;
}

/**
 * The points to draw for samples[from..] in a plot widthPx wide: every point when they fit, else the union of
 * LTTB's choices per value, each kept point's bands widened over the points since the previous kept one.
 */
export function buildChartPoints(samples: readonly HistorySample[], from: number, widthPx: number): ChartPoint[] {
  const points = expandSamples(samples, from);
  const n = points.length;
  if (n <= widthPx) return points;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = (points[i] as ChartPoint).tMs;
  const keep = new Uint8Array(n);
  const perSeries = Math.max(3, Math.floor(widthPx / 3));
  for (const key of HISTORY_VALUE_FIELDS) {
    for (let i = 0; i < n; i++) ys[i] = (points[i] as ChartPoint)[key];
    for (const i of downsampleLttb(xs, ys, perSeries)) keep[i] = 1;
  }
  const out: ChartPoint[] = [];
  let hiddenFrom = 0;
  for (let i = 0; i < n; i++) {
    if (keep[i] !== 1) continue;
    const kept = { ...(points[i] as ChartPoint) };
    let count = 0;
    for (let j = hiddenFrom; j <= i; j++) {
      const p = points[j] as ChartPoint;
      count += p.sampleCount;
      for (const key of HISTORY_VALUE_FIELDS) {
        const band = BAND_OF[key];
        kept[band] = [Math.min(kept[band][0], p[band][0]), Math.max(kept[band][1], p[band][1])];
      }
    }
    kept.fromMs = (points[hiddenFrom] as ChartPoint).fromMs;
    kept.sampleCount = count;
    out.push(kept);
    hiddenFrom = i + 1;
  }
  return out;
}
