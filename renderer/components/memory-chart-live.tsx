// The memory chart's recharts panel, mounted only while the pointer or the keyboard focus is on it (its tooltip);
// else StaticChart draws the picture (memory-chart.tsx). This module and recharts are a chunk of their own, loaded in
// idle time after the page's first render (memory-chart-lazy.ts): evaluating recharts and its store (redux, immer,
// d3, decimal.js) was about half of the one-bundle load's long task (issue 13).
import { createRef, memo, useCallback, useEffect, useMemo, type ReactElement, type ReactNode, type RefObject } from 'react';
import { Area, ComposedChart, DefaultZIndexes, Line, LineDrawShape, ReferenceLine, Tooltip, XAxis, YAxis, ZIndexLayer, type LineDrawShapeProps, type TooltipContentProps, type XAxisTickContentProps, type YAxisTickContentProps } from 'recharts';
import { formatClock, formatDateTime, formatExactKb, formatHumanKb } from '../format.js';
import type { ChartTheme } from '../hooks/use-prefers-dark.js';
import { BAND_OF, type ChartPoint } from './memory-chart-data.js';
import { ChartGrid, type ChartLayer, type PlotBox } from './memory-chart-grid.js';
import { findStrokeWidthPx, formatKbTick, SERIES, Y_AXIS_WIDTH_PX, type ChartMargin, type ChartPanel, type SeriesKey, type SeriesSpec } from './memory-chart-spec.js';
import { drawTickLabel } from './memory-chart-tick-label.js';
import { TimeAxis } from './memory-chart-time-axis.js';

/** Our grid and time axis inside recharts: in its z-index layers, under the lines as its own would be. */
const RechartsLayer: ChartLayer = ({ name, children }) => <ZIndexLayer zIndex={DefaultZIndexes[name]}>{children}</ZIndexLayer>;

/**
 * recharts' own line shape without the ref to its path: the ref is there for the draw-in animation (off here),
 * and with it recharts reads the path's length on every render, forcing a layout of the page in mid-render.
 */
function drawLine(props: LineDrawShapeProps) {
  // A ref of its own that recharts never reads (recharts types it as always holding a path).
  return <LineDrawShape {...props} pathRef={createRef<SVGPathElement>() as RefObject<SVGPathElement>} />;
}

/** What recharts hands an axis' tick renderer. */
type TickLabelProps = XAxisTickContentProps | YAxisTickContentProps;

/**
 * An axis label drawn as recharts' Text draws a one-line label (same element, classes and offset), without Text:
 * it measures each new label's words in the DOM (a forced layout), and when an axis' ticks change their labels move
 * (recharts keys them by position), so every one of them is new.
 */
function makeTickLabel(fill: string): (props: TickLabelProps) => ReactElement {
  return function TickLabel({ x, y, textAnchor, verticalAnchor, payload, index, tickFormatter }: TickLabelProps) {
    return drawTickLabel(x, y, fill, textAnchor, verticalAnchor ?? 'middle', tickFormatter === undefined ? String(payload.value) : tickFormatter(payload.value, index));
  };
}

function ChartTooltip(props: TooltipContentProps<number, string> & { theme: ChartTheme }) {
  const { active, payload, label, theme } = props;
  if (active !== true || payload.length === 0) return null;
  const point = payload[0]?.payload as ChartPoint | undefined;
  if (point === undefined) return null;
  const spans = point.sampleCount !== 1;
  return (
    <div className="chart-tooltip" style={{ background: theme.background, borderColor: theme.grid, color: theme.text }}>
      <div className="chart-tooltip-time">{formatDateTime(Number(label))}</div>
      {spans ? (
        <div className="muted">
          {point.sampleCount === 0
            ? 'start of a bucket of ticks: values of its last tick, band = min–max'
            : `${point.sampleCount} ticks ${formatClock(point.fromMs)}–${formatClock(point.tMs)}: last value, band = min–max`}
        </div>
      ) : null}
      <table>
        <tbody>
          {SERIES.map((s) => {
            const band = point[BAND_OF[s.key]];
            return (
              <tr key={s.key}>
                <td>
                  <i className="dot" style={{ background: s.color(theme) }} />
                  {s.title}
                </td>
                <td className="num">{formatExactKb(point[s.key])}</td>
                <td className="num muted">{formatHumanKb(point[s.key])}</td>
                {spans ? <td className="num muted">{band[0] === band[1] ? '' : `${formatHumanKb(band[0])}–${formatHumanKb(band[1])}`}</td> : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** A panel's y axis: every precomputed tick shown, from 0 to the top tick. */
function drawYAxis(ticks: readonly number[], color: string, tick: (props: TickLabelProps) => ReactElement) {
  return (
    <YAxis
      width={Y_AXIS_WIDTH_PX}
      ticks={ticks as number[]}
      // Every precomputed tick is shown: recharts' default ('preserveEnd') measures each label's text to drop overlaps.
      interval={0}
      domain={[0, ticks[ticks.length - 1] ?? 'auto']}
      allowDataOverflow
      tickFormatter={formatKbTick}
      stroke={color}
      tick={tick}
    />
  );
}

/**
 * A panel's series in recharts: its min–max band only where a point stands for several ticks (elsewhere it is a
 * zero-high area, invisible, and each recharts series costs work on every redraw), and each value's line.
 */
function drawLayers(series: readonly SeriesSpec[], theme: ChartTheme, hidden: ReadonlySet<SeriesKey>, withBands: boolean) {
  return series.flatMap((s) => [
    withBands ? (
      <Area
        key={`${s.key}-band`}
        type="linear"
        dataKey={BAND_OF[s.key]}
        stroke="none"
        fill={s.color(theme)}
        fillOpacity={0.2}
        hide={hidden.has(s.key)}
        isAnimationActive={false}
        activeDot={false}
        legendType="none"
        tooltipType="none"
      />
    ) : null,
    <Line
      key={s.key}
      type="linear"
      dataKey={s.key}
      name={s.title}
      stroke={s.color(theme)}
      strokeWidth={findStrokeWidthPx(s.key)}
      dot={false}
      shape={drawLine}
      hide={hidden.has(s.key)}
      isAnimationActive={false}
    />,
  ]);
}

/** Props of LiveChart: one panel as the chart draws it (the same scales and ticks as its StaticChart). */
export interface LiveChartProps {
  panel: ChartPanel;
  widthPx: number;
  heightPx: number;
  margin: ChartMargin;
  data: readonly ChartPoint[];
  box: PlotBox;
  startMs: number;
  endMs: number;
  timeTicks: readonly number[];
  kbTicks: readonly number[];
  /** The time axis' label format; null: the panel draws no time axis (the VIRT panel). */
  formatTimeTick: ((tMs: number) => string) | null;
  /** The kB axis' colour. */
  kbAxisColor: string;
  theme: ChartTheme;
  series: readonly SeriesSpec[];
  hidden: ReadonlySet<SeriesKey>;
  withBands: boolean;
  exitedMs: number | null;
  /** Called once the panel is in the page (the chart hands it the pointer and the focus). */
  onMount?: (panel: ChartPanel) => void;
}

/** A panel's recharts children, each element memoized on what it draws. */
export interface LiveLayers {
  grid: ReactNode;
  xAxis: ReactNode;
  timeAxis: ReactNode;
  yAxis: ReactNode;
  tooltip: ReactNode;
  exitMarker: ReactNode;
  series: ReactNode[];
}

/**
 * Each chart element memoized on what it draws, not on the data: when new data comes, React hands recharts the same
 * grid, tooltip and series elements and skips them, and only what the new data moves (lines, axes, grid positions)
 * renders again from recharts' store. One element memo for the whole chart re-rendered every recharts component twice
 * per tick (once with the old data, once with the new).
 */
export function useLiveLayers(p: LiveChartProps): LiveLayers {
  const { box, startMs, endMs, timeTicks, kbTicks, formatTimeTick, kbAxisColor, theme, series, hidden, withBands, exitedMs } = p;
  const grid = useMemo(
    () => <ChartGrid box={box} timeTicks={timeTicks} startMs={startMs} endMs={endMs} kbTicks={kbTicks} stroke={theme.grid} Layer={RechartsLayer} />,
    [box, timeTicks, startMs, endMs, kbTicks, theme],
  );
  // The XAxis only gives the time scale (tooltip, keyboard): the main panel's axis is drawn by TimeAxis.
  const xAxis = useMemo(() => <XAxis dataKey="tMs" type="number" scale="time" domain={[startMs, endMs]} allowDataOverflow hide />, [startMs, endMs]);
  const timeAxis = useMemo(
    () =>
      formatTimeTick === null ? null : <TimeAxis box={box} timeTicks={timeTicks} startMs={startMs} endMs={endMs} formatTick={formatTimeTick} color={theme.text} Layer={RechartsLayer} />,
    [box, timeTicks, startMs, endMs, formatTimeTick, theme],
  );
  const axisTick = useMemo(() => makeTickLabel(kbAxisColor), [kbAxisColor]);
  const yAxis = useMemo(() => drawYAxis(kbTicks, kbAxisColor, axisTick), [kbTicks, kbAxisColor, axisTick]);
  const tooltipContent = useCallback((c: unknown) => <ChartTooltip {...(c as TooltipContentProps<number, string>)} theme={theme} />, [theme]);
  const tooltip = useMemo(() => <Tooltip content={tooltipContent} isAnimationActive={false} />, [tooltipContent]);
  const exitMarker = useMemo(
    () =>
      exitedMs === null ? null : (
        <ReferenceLine x={exitedMs} stroke={theme.swap} strokeDasharray="4 2" label={{ value: `exited at ${formatClock(exitedMs)}`, position: 'insideTopRight', fill: theme.swap, fontSize: 11 }} />
      ),
    [exitedMs, theme],
  );
  const layers = useMemo(() => drawLayers(series, theme, hidden, withBands), [series, theme, hidden, withBands]);
  return { grid, xAxis, timeAxis, yAxis, tooltip, exitMarker, series: layers };
}

/**
 * One panel's recharts. A memo: a tick that does not redraw the chart hands it the same props (the chart memoizes
 * them), and recharts is not asked at all.
 */
export const LiveChart = memo(function LiveChart(props: LiveChartProps) {
  const { panel, widthPx, heightPx, margin, data, onMount } = props;
  const l = useLiveLayers(props);
  useEffect(() => onMount?.(panel), [onMount, panel]);
  return (
    <ComposedChart width={widthPx} height={heightPx} data={data as ChartPoint[]} margin={margin}>
      {l.grid}
      {l.xAxis}
      {l.timeAxis}
      {l.yAxis}
      {l.tooltip}
      {l.exitMarker}
      {l.series}
    </ComposedChart>
  );
});
