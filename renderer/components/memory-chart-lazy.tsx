// The memory chart's recharts parts, each loaded on first use from the recharts chunk (memory-chart-live.tsx): a
// page's first load evaluates no recharts (issue 13). The chart asks for the chunk in idle time after its first
// render (the warm-up), so the first hover finds it loaded; a hover before that shows the picture without recharts
// until it comes.
import { Suspense, useEffect, useState } from 'react';
import { lazyChunk } from '../chunks/chunk-load-error.js';
import { whenIdle } from '../when-idle.js';
import type { LiveChartProps } from './memory-chart-live.js';

/** What the chunk failure names. */
const WHAT = 'the memory chart’s tooltip (recharts)';

/** One panel's recharts; the caller's Suspense shows the picture without recharts while its chunk comes. */
export const LiveChart = lazyChunk(WHAT, () => import('./memory-chart-live.js').then((m) => m.LiveChart));

const LazyWarmUp = lazyChunk(WHAT, () => import('./memory-chart-warm-up.js').then((m) => m.RechartsWarmUp));

/** RechartsWarmUp, its chunk asked for once the page is idle (not in the task of the page's first render). */
export function IdleWarmUp(props: LiveChartProps) {
  const [idle, setIdle] = useState(false);
  useEffect(() => whenIdle(() => setIdle(true)), []);
  return idle ? (
    <Suspense fallback={null}>
      <LazyWarmUp {...props} />
    </Suspense>
  ) : null;
}
