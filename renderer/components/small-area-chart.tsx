// A small single-series area chart over time (host used memory, one mapping's Rss), down-sampled
// with LTTB to about one point per pixel; each kept point's min–max band widens over the points it hides,
// and with `axes` it has a time axis and a kB axis.
import { useMemo, useRef } from 'react';
import { Area, ComposedChart, Tooltip, XAxis, YAxis } from 'recharts';
import { downsampleLttb } from '../../shared/history/lttb.js';
import { formatClock, formatHumanKb, formatKbBoth, niceKbTicks, niceTimeTicks } from '../format.js';
import { useElementWidth } from '../hooks/use-element-width.js';
import { useChartTheme } from '../hooks/use-prefers-dark.js';

/** One point: time (epoch ms) and a value in kB; minKb..maxKb when it stands for several readings. */
export interface KbPoint {
  tMs: number;
  kb: number;
  minKb?: number;
  maxKb?: number;
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
  /** Draw a time axis and a kB axis (default false: a sparkline). */
  axes?: boolean;
  testId?: string;
}

interface DrawnPoint {
  tMs: number;
  kb: number;
  band: [number, number];
}

/** Width of the kB axis when shown. */
const Y_AXIS_WIDTH_PX = 56;

/** LTTB-chosen points, each with the min–max band of the readings since the previous chosen one. */
function buildDrawnPoints(points: readonly KbPoint[], threshold: number): DrawnPoint[] {
  const keep = downsampleLttb(
    points.map((p) => p.tMs),
    points.map((p) => p.kb),
    threshold,
  );
  const out: DrawnPoint[] = [];
  let from = 0;
  for (const i of keep) {
    const p = points[i] as KbPoint;
    let lo = p.minKb ?? p.kb;
    let hi = p.maxKb ?? p.kb;
    for (let j = from; j < i; j++) {
      const q = points[j] as KbPoint;
      lo = Math.min(lo, q.minKb ?? q.kb);
      hi = Math.max(hi, q.maxKb ?? q.kb);
    }
    out.push({ tMs: p.tMs, kb: p.kb, band: [lo, hi] });
    from = i + 1;
  }
  return out;
}

/** A compact area chart; tooltips show exact kB. */
export function SmallAreaChart({ points, heightPx, name, color, maxKb, zeroBased = true, axes = false, testId }: SmallAreaChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const width = useElementWidth(ref, 300);
  const theme = useChartTheme();
  const plotWidth = Math.max(10, width - (axes ? Y_AXIS_WIDTH_PX : 0));
  const data = useMemo(() => buildDrawnPoints(points, Math.max(3, Math.floor(plotWidth / 2))), [points, plotWidth]);
  const hasBands = data.some((d) => d.band[0] !== d.band[1]);
  const yTicks = useMemo(() => (axes ? niceKbTicks(maxKb ?? data.reduce((m, d) => Math.max(m, d.band[1]), 0), 3) : undefined), [axes, maxKb, data]);
  const firstMs = data[0]?.tMs ?? 0;
  const lastMs = data[data.length - 1]?.tMs ?? 0;
  const timeTicks = useMemo(() => (axes ? niceTimeTicks(firstMs, lastMs, Math.max(2, Math.floor(plotWidth / 80))) : undefined), [axes, firstMs, lastMs, plotWidth]);
  const showClockSeconds = timeTicks === undefined || timeTicks.length < 2 || (timeTicks[1] as number) - (timeTicks[0] as number) < 60_000;
  const stroke = color ?? theme.accent;
  const yDomain: [number | 'auto' | ((v: number) => number), number | 'auto' | ((v: number) => number)] =
    yTicks !== undefined ? [0, yTicks[yTicks.length - 1] ?? 'auto'] : zeroBased ? [0, maxKb ?? 'auto'] : [(min: number) => Math.floor(min * 0.98), (max: number) => Math.ceil(max * 1.02)];
  return (
    <div ref={ref} className="small-chart" data-testid={testId} data-sample-count={points.length} data-first-ms={data[0]?.tMs ?? ''}>
      {data.length < 2 ? (
        <div className="chart-empty" style={{ height: heightPx }}>
          collecting samples…
        </div>
      ) : (
        <ComposedChart width={width} height={heightPx} data={data} margin={{ top: 4, right: axes ? 8 : 2, bottom: 0, left: 2 }}>
          <XAxis
            dataKey="tMs"
            type="number"
            domain={['dataMin', 'dataMax']}
            hide={!axes}
            {...(timeTicks === undefined ? {} : { ticks: timeTicks, interval: 0 })}
            tickFormatter={(t: number) => (showClockSeconds ? formatClock(t) : formatClock(t).slice(0, 5))}
            stroke={theme.text}
            tick={{ fill: theme.text, fontSize: 10 }}
            height={axes ? 18 : 0}
          />
          <YAxis
            type="number"
            domain={yDomain}
            hide={!axes}
            width={axes ? Y_AXIS_WIDTH_PX : 0}
            {...(yTicks === undefined ? {} : { ticks: yTicks, interval: 0 })}
            tickFormatter={(v: number) => formatHumanKb(v)}
            stroke={theme.text}
            tick={{ fill: theme.text, fontSize: 10 }}
          />
          <Tooltip
            isAnimationActive={false}
            labelFormatter={(t) => formatClock(Number(t))}
            formatter={(v) => (Array.isArray(v) ? [`${formatHumanKb(Number(v[0]))}–${formatHumanKb(Number(v[1]))}`, 'min–max'] : [formatKbBoth(Number(v)), name])}
            contentStyle={{ background: theme.background, borderColor: theme.grid, color: theme.text, fontSize: 12 }}
          />
          {hasBands ? <Area type="linear" dataKey="band" stroke="none" fill={stroke} fillOpacity={0.35} isAnimationActive={false} activeDot={false} /> : null}
          <Area type="linear" baseValue={zeroBased || axes ? 0 : 'dataMin'} dataKey="kb" name={name} stroke={stroke} fill={stroke} fillOpacity={0.2} isAnimationActive={false} dot={false} />
        </ComposedChart>
      )}
    </div>
  );
}
