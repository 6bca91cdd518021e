// Heap size against live bytes over a replayed trace (the gap is fragmentation: free memory the allocator
// holds), plus mmapped or released bytes, with a line at the current op; clicking the chart jumps to an op.
import { useMemo, useRef } from 'react';
import { Area, CartesianGrid, ComposedChart, Line, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { LabSeries } from '../../../shared/sim/lab/malloc-session.js';
import { formatBytes } from '../../../shared/units.js';
import { formatCount } from '../../format.js';
import { useElementWidth } from '../../hooks/use-element-width.js';
import { onChartClickX } from '../chart-click.js';
import { useChartTheme } from '../../hooks/use-prefers-dark.js';

/** Props of HeapChart. */
export interface HeapChartProps {
  series: LabSeries;
  cursor: number;
  onSeek: (cursor: number) => void;
  /** Name of the heap-size series ("heap (brk)", "heap_size"). */
  heapLabel: string;
  /** The third series: mmapped chunks (glibc) or pages released to the OS (TCMalloc). */
  extra: 'mmapped' | 'released';
  heightPx?: number;
  testId?: string;
}

interface Point {
  cursor: number;
  heap: number;
  live: number;
  extra: number;
}

/** The chart (recharts). */
export function HeapChart({ series, cursor, onSeek, heapLabel, extra, heightPx = 170, testId }: HeapChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const width = useElementWidth(ref, 500);
  const theme = useChartTheme();
  const data = useMemo<Point[]>(
    () =>
      series.cursor.map((c, i) => ({
        cursor: c,
        heap: series.heapBytes[i]!,
        live: series.liveBytes[i]!,
        extra: extra === 'mmapped' ? series.mmappedBytes[i]! : series.releasedBytes[i]!,
      })),
    [series, extra],
  );
  const showExtra = data.some((d) => d.extra > 0);
  const opCount = series.cursor[series.cursor.length - 1] ?? 0;
  const extraLabel = extra === 'mmapped' ? 'mmapped' : 'released to the OS';
  const chart = useMemo(
    () => (
      <ComposedChart
        width={width}
        height={heightPx}
        data={data}
        margin={{ top: 6, right: 8, bottom: 0, left: 0 }}
        onClick={onChartClickX(onSeek)}
      >
        <CartesianGrid stroke={theme.grid} strokeDasharray="3 3" />
        <XAxis dataKey="cursor" type="number" domain={[0, opCount]} tickFormatter={(v: number) => formatCount(v)} stroke={theme.text} tick={{ fill: theme.text, fontSize: 11 }} />
        <YAxis width={64} tickFormatter={(v: number) => formatBytes(v)} stroke={theme.text} tick={{ fill: theme.text, fontSize: 11 }} />
        <Tooltip
          isAnimationActive={false}
          labelFormatter={(v) => `after ${formatCount(Number(v))} ops`}
          formatter={(v, name) => [formatBytes(Number(v)), String(name)]}
          contentStyle={{ background: theme.background, borderColor: theme.grid, color: theme.text, fontSize: 12 }}
        />
        <Area type="stepAfter" dataKey="heap" name={heapLabel} stroke={theme.virt} fill={theme.virt} fillOpacity={0.15} isAnimationActive={false} dot={false} />
        <Area type="stepAfter" dataKey="live" name="live bytes" stroke={theme.res} fill={theme.res} fillOpacity={0.35} isAnimationActive={false} dot={false} />
        {showExtra ? <Line type="stepAfter" dataKey="extra" name={extraLabel} stroke={theme.swap} strokeWidth={1.5} isAnimationActive={false} dot={false} /> : null}
        <ReferenceLine x={cursor} stroke={theme.text} strokeDasharray="4 2" />
      </ComposedChart>
    ),
    [width, heightPx, data, theme, opCount, heapLabel, showExtra, extraLabel, cursor, onSeek],
  );
  return (
    <div ref={ref} className="heap-chart" data-testid={testId} data-point-count={data.length}>
      {chart}
      <div className="legend static">
        <span className="legend-item">
          <i className="dot" style={{ background: theme.virt }} />
          {heapLabel}
        </span>
        <span className="legend-item">
          <i className="dot" style={{ background: theme.res }} />
          live bytes
        </span>
        {showExtra ? (
          <span className="legend-item">
            <i className="dot" style={{ background: theme.swap }} />
            {extraLabel}
          </span>
        ) : null}
        <span className="muted">the gap between heap and live is free memory the allocator keeps (fragmentation)</span>
      </div>
    </div>
  );
}
