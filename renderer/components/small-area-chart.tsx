// A small single-series area chart over time (host used memory, one mapping's Rss), down-sampled
// with LTTB to about one point per pixel.
import { useMemo, useRef } from 'react';
import { Area, AreaChart, Tooltip, XAxis, YAxis } from 'recharts';
import { downsampleLttbPoints } from '../../shared/history/lttb.js';
import { formatClock, formatKbBoth } from '../format.js';
import { useElementWidth } from '../hooks/use-element-width.js';
import { useChartTheme } from '../hooks/use-prefers-dark.js';

/** One point: time (epoch ms) and a value in kB. */
export interface KbPoint {
  tMs: number;
  kb: number;
}

/** Props of SmallAreaChart. */
export interface SmallAreaChartProps {
  points: readonly KbPoint[];
  heightPx: number;
  /** Series name in the tooltip ("used", "Rss"). */
  name: string;
  color?: string;
  /** Upper bound of the y axis in kB (e.g. MemTotal); auto when omitted. */
  maxKb?: number;
  /** false: the y axis hugs the data (shows small changes); default true (starts at 0). */
  zeroBased?: boolean;
  testId?: string;
}

/** A compact area chart; tooltips show exact kB. */
export function SmallAreaChart({ points, heightPx, name, color, maxKb, zeroBased = true, testId }: SmallAreaChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const width = useElementWidth(ref, 300);
  const theme = useChartTheme();
  const data = useMemo(() => {
    const xy = points.map((p) => ({ x: p.tMs, y: p.kb }));
    return downsampleLttbPoints(xy, Math.max(3, Math.floor(width / 2))).map((p) => ({ tMs: p.x, kb: p.y }));
  }, [points, width]);
  const stroke = color ?? theme.accent;
  return (
    <div ref={ref} className="small-chart" data-testid={testId} data-sample-count={points.length}>
      {data.length < 2 ? (
        <div className="chart-empty" style={{ height: heightPx }}>
          collecting samples…
        </div>
      ) : (
        <AreaChart width={width} height={heightPx} data={data} margin={{ top: 4, right: 2, bottom: 0, left: 2 }}>
          <XAxis dataKey="tMs" type="number" domain={['dataMin', 'dataMax']} hide />
          <YAxis
            type="number"
            domain={zeroBased ? [0, maxKb ?? 'auto'] : [(min: number) => Math.floor(min * 0.98), (max: number) => Math.ceil(max * 1.02)]}
            hide
          />
          <Tooltip
            isAnimationActive={false}
            labelFormatter={(t) => formatClock(Number(t))}
            formatter={(v) => [formatKbBoth(Number(v)), name]}
            contentStyle={{ background: theme.background, borderColor: theme.grid, color: theme.text, fontSize: 12 }}
          />
          <Area type="linear" baseValue={zeroBased ? 0 : 'dataMin'} dataKey="kb" name={name} stroke={stroke} fill={stroke} fillOpacity={0.25} isAnimationActive={false} dot={false} />
        </AreaChart>
      )}
    </div>
  );
}
