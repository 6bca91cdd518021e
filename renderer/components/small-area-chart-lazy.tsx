// SmallAreaChart from a chunk of its own (it draws with recharts): the process table's host chart is on the first
// page, and evaluating recharts with the app's first chunk was most of a load's long task (issue 13). Until the chunk
// is in, a box of the chart's height holds its place; if it cannot come, the box says why.
import { Suspense, useState } from 'react';
import { ChunkBoundary } from '../chunks/chunk-boundary.js';
import { lazyChunk } from '../chunks/chunk-load-error.js';
import type { SmallAreaChartProps } from './small-area-chart.js';

const SmallAreaChartChunk = lazyChunk('the chart (recharts)', () => import('./small-area-chart.js').then((m) => m.SmallAreaChart));

/** SmallAreaChart, loaded on first use. */
export function LazySmallAreaChart(props: SmallAreaChartProps) {
  const [error, setError] = useState<string | null>(null);
  const box = (
    <div className="small-chart chart-empty" style={{ height: props.heightPx }} data-testid={error === null ? 'chart-loading' : 'chart-live-failed'}>
      {error ?? ''}
    </div>
  );
  return (
    <ChunkBoundary fallback={box} onError={(err) => setError(err.message)}>
      <Suspense fallback={box}>
        <SmallAreaChartChunk {...props} />
      </Suspense>
    </ChunkBoundary>
  );
}
