// A process's RES, VIRT, SHR and SWAP over time (top's columns, shared/history/sample.ts): a time
// window, tooltips with exact kB, LTTB down-sampling to about one point per pixel, PNG export.
import { useMemo, useRef, useState } from 'react';
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis, type TooltipContentProps } from 'recharts';
import type { HistorySample } from '../../shared/history/sample.js';
import { downsampleLttb } from '../../shared/history/lttb.js';
import { formatClock, formatDateTime, formatExactKb, formatHumanKb, niceKbTicks, niceTimeTicks } from '../format.js';
import { useElementWidth } from '../hooks/use-element-width.js';
import { useChartTheme, type ChartTheme } from '../hooks/use-prefers-dark.js';
import { findChartSvg, saveSvgAsPng } from '../export/chart-png.js';

type SeriesKey = 'resKb' | 'virtKb' | 'shrKb' | 'swapKb';

interface SeriesSpec {
  key: SeriesKey;
  title: string;
  description: string;
  color: (t: ChartTheme) => string;
  /** VIRT is usually 10-1000× RES: it gets its own axis on the right. */
  axis: 'left' | 'right';
}

const SERIES: readonly SeriesSpec[] = [
  { key: 'resKb', title: 'RES', description: 'VmRSS: resident in RAM', color: (t) => t.res, axis: 'left' },
  { key: 'shrKb', title: 'SHR', description: 'RssFile + RssShmem: resident and shareable', color: (t) => t.shr, axis: 'left' },
  { key: 'swapKb', title: 'SWAP', description: 'VmSwap: swapped out', color: (t) => t.swap, axis: 'left' },
  { key: 'virtKb', title: 'VIRT', description: 'VmSize: all mappings (right axis)', color: (t) => t.virt, axis: 'right' },
];

/** A selectable time window; null = all samples held. */
export interface TimeWindow {
  label: string;
  ms: number | null;
}

/** The window choices. */
export const TIME_WINDOWS: readonly TimeWindow[] = [
  { label: '1 min', ms: 60_000 },
  { label: '5 min', ms: 300_000 },
  { label: '15 min', ms: 900_000 },
  { label: '1 h', ms: 3_600_000 },
  { label: 'all', ms: null },
];

/** Props of MemoryChart. */
export interface MemoryChartProps {
  samples: readonly HistorySample[];
  /** Changes whenever samples (possibly mutated in place) change. */
  version: number;
  /** Title for the PNG ("pid 42 · node"). */
  title: string;
  /** Base of the PNG file name. */
  fileBase: string;
  heightPx?: number;
  /** "measured from /proc/PID/statm + status at each tick" or "from snapshot …". */
  sourceNote: string;
}

/** Index of the first sample with tMs >= t (samples sorted by tMs). */
function lowerBound(samples: readonly HistorySample[], t: number): number {
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
 * Down-samples samples[from..] with LTTB per series and keeps the union of the chosen instants, so no
 * series loses its spikes. Typed arrays and no slicing: a day of 1 s samples takes a few ms.
 */
function downsample(samples: readonly HistorySample[], from: number, widthPx: number): HistorySample[] {
  const n = samples.length - from;
  if (n <= widthPx) return samples.slice(from);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = (samples[from + i] as HistorySample).tMs;
  const keep = new Uint8Array(n);
  const perSeries = Math.max(3, Math.floor(widthPx / 3));
  for (const spec of SERIES) {
    for (let i = 0; i < n; i++) ys[i] = (samples[from + i] as HistorySample)[spec.key];
    for (const i of downsampleLttb(xs, ys, perSeries)) keep[i] = 1;
  }
  const out: HistorySample[] = [];
  for (let i = 0; i < n; i++) if (keep[i] === 1) out.push(samples[from + i] as HistorySample);
  return out;
}

function ChartTooltip(props: TooltipContentProps<number, string> & { theme: ChartTheme }) {
  const { active, payload, label, theme } = props;
  if (active !== true || payload.length === 0) return null;
  const sample = payload[0]?.payload as HistorySample | undefined;
  if (sample === undefined) return null;
  return (
    <div className="chart-tooltip" style={{ background: theme.background, borderColor: theme.grid, color: theme.text }}>
      <div className="chart-tooltip-time">{formatDateTime(Number(label))}</div>
      <table>
        <tbody>
          {SERIES.map((s) => (
            <tr key={s.key}>
              <td>
                <i className="dot" style={{ background: s.color(theme) }} />
                {s.title}
              </td>
              <td className="num">{formatExactKb(sample[s.key])}</td>
              <td className="num muted">{formatHumanKb(sample[s.key])}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The RES/VIRT/SHR/SWAP chart (data-testid="res-virt-chart"). */
export function MemoryChart({ samples, title, fileBase, heightPx = 260, sourceNote }: MemoryChartProps) {
  const boxRef = useRef<HTMLDivElement>(null);
  const width = useElementWidth(boxRef, 800);
  const theme = useChartTheme();
  const [windowMs, setWindowMs] = useState<number | null>(300_000);
  const [hidden, setHidden] = useState<ReadonlySet<SeriesKey>>(() => new Set());
  const [pngError, setPngError] = useState<string | null>(null);

  const last = samples[samples.length - 1];
  const endNowMs = last?.tMs ?? Date.now();
  const firstMs = samples[0]?.tMs ?? endNowMs;
  const plotWidth = Math.max(50, width - 140);
  // Redraw only when the newest sample has moved the lines by about two pixels: a 1-minute window
  // redraws every tick, a day-long one about once a minute (the legend's values still update every tick).
  const spanMs = windowMs === null ? endNowMs - firstMs : Math.min(windowMs, endNowMs - firstMs);
  // The span is rounded up to a power of two so the quantum stays put while "all" keeps growing.
  const msPerTwoPx = Math.max(1, (2 * 2 ** Math.ceil(Math.log2(Math.max(1, spanMs)))) / plotWidth);
  const redrawKey = Math.floor(endNowMs / msPerTwoPx);
  const view = useMemo(() => {
    const endMs = endNowMs;
    // A window longer than the history held starts at the first sample, so the lines fill the chart.
    const startMs = windowMs === null ? firstMs : Math.max(firstMs, endMs - windowMs);
    const data = downsample(samples, lowerBound(samples, startMs), plotWidth);
    return { startMs, endMs, data };
    // samples is mutated in place by the history hook: redrawKey (which follows its newest sample) says when to redraw.
  }, [samples, redrawKey, windowMs, firstMs, plotWidth]);
  const { startMs, endMs, data } = view;
  const leftTicks = useMemo(() => {
    let max = 0;
    for (const d of data) for (const spec of SERIES) if (spec.axis === 'left' && !hidden.has(spec.key) && d[spec.key] > max) max = d[spec.key];
    return niceKbTicks(max);
  }, [data, hidden]);
  const rightTicks = useMemo(() => niceKbTicks(data.reduce((m, d) => Math.max(m, d.virtKb), 0)), [data]);
  const timeTicks = useMemo(() => niceTimeTicks(startMs, endMs, Math.max(2, Math.floor(plotWidth / 90))), [startMs, endMs, plotWidth]);
  const showClockSeconds = timeTicks.length < 2 || (timeTicks[1] as number) - (timeTicks[0] as number) < 60_000;

  // The chart element is memoized: React skips it entirely on ticks that do not redraw.
  const chart = useMemo(
    () => (
      <LineChart width={width} height={heightPx} data={data} margin={{ top: 8, right: 8, bottom: 4, left: 8 }}>
        <CartesianGrid stroke={theme.grid} strokeDasharray="3 3" />
        <XAxis
          dataKey="tMs"
          type="number"
          scale="time"
          domain={[startMs, endMs]}
          allowDataOverflow
          ticks={timeTicks}
          interval={0}
          tickFormatter={(t: number) => (showClockSeconds ? formatClock(t) : formatClock(t).slice(0, 5))}
          stroke={theme.text}
          tick={{ fill: theme.text, fontSize: 11 }}
        />
        <YAxis
          yAxisId="left"
          width={64}
          ticks={leftTicks}
          domain={[0, leftTicks[leftTicks.length - 1] ?? 'auto']}
          tickFormatter={(v: number) => formatHumanKb(v)}
          stroke={theme.text}
          tick={{ fill: theme.text, fontSize: 11 }}
        />
        <YAxis
          yAxisId="right"
          orientation="right"
          width={64}
          ticks={rightTicks}
          domain={[0, rightTicks[rightTicks.length - 1] ?? 'auto']}
          tickFormatter={(v: number) => formatHumanKb(v)}
          stroke={theme.virt}
          tick={{ fill: theme.virt, fontSize: 11 }}
          hide={hidden.has('virtKb')}
        />
        <Tooltip content={(p) => <ChartTooltip {...(p as TooltipContentProps<number, string>)} theme={theme} />} isAnimationActive={false} />
        {SERIES.map((s) => (
          <Line
            key={s.key}
            yAxisId={s.axis}
            type="linear"
            dataKey={s.key}
            name={s.title}
            stroke={s.color(theme)}
            strokeWidth={s.key === 'resKb' ? 2 : 1.5}
            dot={false}
            hide={hidden.has(s.key)}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    ),
    [width, heightPx, data, theme, startMs, endMs, timeTicks, showClockSeconds, leftTicks, rightTicks, hidden],
  );

  const exportPng = () => {
    const svg = findChartSvg(boxRef.current);
    if (svg === null) return;
    const legend = SERIES.filter((s) => !hidden.has(s.key)).map((s) => ({ label: s.title, color: s.color(theme) }));
    saveSvgAsPng(svg, `${fileBase}.png`, { title, legend, background: theme.background, textColor: theme.text }).then(
      () => setPngError(null),
      (err: unknown) => setPngError(err instanceof Error ? err.message : String(err)),
    );
  };

  return (
    <div className="memory-chart" data-testid="res-virt-chart" data-sample-count={samples.length} data-point-count={data.length}>
      <div className="chart-toolbar">
        <div className="legend">
          {SERIES.map((s) => (
            <button
              type="button"
              key={s.key}
              className={`legend-item${hidden.has(s.key) ? ' off' : ''}`}
              title={`${s.description} (click to hide/show)`}
              onClick={() => {
                const next = new Set(hidden);
                if (next.has(s.key)) next.delete(s.key);
                else next.add(s.key);
                setHidden(next);
              }}
            >
              <i className="dot" style={{ background: s.color(theme) }} />
              {s.title}
              {last !== undefined ? <span className="muted"> {formatHumanKb(last[s.key])}</span> : null}
            </button>
          ))}
        </div>
        <span className="spacer" />
        <div className="segmented" role="group" aria-label="time window">
          {TIME_WINDOWS.map((w) => (
            <button type="button" key={w.label} className={windowMs === w.ms ? 'on' : ''} onClick={() => setWindowMs(w.ms)} data-testid={`window-${w.label.replace(' ', '')}`}>
              {w.label}
            </button>
          ))}
        </div>
        <button type="button" onClick={exportPng} title="Save the chart as a PNG image" data-testid="export-png">
          PNG
        </button>
      </div>
      <div ref={boxRef} className="chart-box">
        {data.length < 2 ? (
          <div className="chart-empty" style={{ height: heightPx }}>
            {samples.length === 0 ? 'no samples yet: the chart fills at every tick' : 'collecting samples…'}
          </div>
        ) : (
          chart
        )}
      </div>
      <div className="source-note">
        {sourceNote} · {samples.length} samples held, {data.length} drawn
        {pngError === null ? '' : ` · PNG export failed: ${pngError}`}
      </div>
    </div>
  );
}
