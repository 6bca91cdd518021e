// A memory chart panel while recharts is not mounted (no pointer or keyboard focus on the chart): the picture recharts
// draws, as plain SVG from the same scales and ticks (grid, min–max bands, exit marker, axes), in recharts' layer order
// and with its classes. A redraw of recharts costs 15–25 ms of main thread however little it draws; a redraw of this
// renders a handful of components. The lines lie over it (memory-chart-lines.tsx), as over recharts.
import { memo, useId, type ReactNode } from 'react';
import type { HistoryValues } from '../../shared/history/sample.js';
import { BAND_OF, type ChartPoint } from './memory-chart-data.js';
import { ChartGrid, findKbY, findTimeX, type PlotBox } from './memory-chart-grid.js';
import { KbAxis } from './memory-chart-kb-axis.js';
import { TimeAxis } from './memory-chart-time-axis.js';

/** recharts Label's default offset (px) of a label inside its reference line's box ('insideTopRight'). */
const LABEL_OFFSET_PX = 5;

/** recharts' surface style: a block, so no line-box gap opens under it. */
const SURFACE_STYLE = { width: '100%', height: '100%', display: 'block' } as const;

/** One series' min–max band: which value, in which colour. */
export interface BandSeries {
  key: keyof HistoryValues;
  fill: string;
}

/** Props of StaticChart. */
export interface StaticChartProps {
  /** The SVG's size, as recharts' surface would have. */
  widthPx: number;
  heightPx: number;
  box: PlotBox;
  startMs: number;
  endMs: number;
  timeTicks: readonly number[];
  kbTicks: readonly number[];
  formatKbTick: (kb: number) => string;
  /** The time axis' label format; null: the panel draws no time axis (the VIRT panel). */
  formatTimeTick: ((tMs: number) => string) | null;
  /** The kB axis' colour (its line, ticks and labels). */
  kbAxisColor: string;
  textColor: string;
  gridStroke: string;
  /** The points whose bands are shaded, or null when no point stands for several ticks. */
  bandPoints: readonly ChartPoint[] | null;
  bands: readonly BandSeries[];
  /** The exit marker: a dashed line at exitedMs labelled top right, or null. */
  exit: { exitedMs: number; color: string; label: string } | null;
}

/**
 * The `d` of a band as recharts' range Area draws it (d3 area, linear): along the maxima left to right, then back
 * along the minima, closed.
 */
export function drawBandPath(points: readonly ChartPoint[], key: keyof HistoryValues, box: PlotBox, startMs: number, endMs: number, topKb: number): string {
  const band = BAND_OF[key];
  const xs = points.map((p) => findTimeX(p.tMs, startMs, endMs, box));
  let d = '';
  points.forEach((p, i) => (d += `${i === 0 ? 'M' : 'L'}${xs[i]},${findKbY(p[band][1], topKb, box)}`));
  for (let i = points.length - 1; i >= 0; i--) d += `L${xs[i]},${findKbY((points[i] as ChartPoint)[band][0], topKb, box)}`;
  return `${d}Z`;
}

/** A panel's SVG without recharts; focusable as recharts' surface is (the chart then mounts recharts and hands it the focus). */
export const StaticChart = memo(function StaticChart(props: StaticChartProps) {
  const { widthPx, heightPx, box, startMs, endMs, timeTicks, kbTicks, bandPoints, exit } = props;
  const clipId = `chart-static-${useId().replace(/[^\w-]/g, '')}`;
  const topKb = kbTicks[kbTicks.length - 1] ?? 0;
  const exitX = exit === null ? 0 : findTimeX(exit.exitedMs, startMs, endMs, box);
  let bands: ReactNode = null;
  if (bandPoints !== null && bandPoints.length > 0) {
    bands = props.bands.map((s) => (
      <g key={s.key} className="recharts-layer recharts-area">
        <path className="recharts-curve recharts-area-area" d={drawBandPath(bandPoints, s.key, box, startMs, endMs, topKb)} fill={s.fill} fillOpacity={0.2} stroke="none" />
      </g>
    ));
  }
  return (
    <div className="chart-static" style={{ position: 'relative', cursor: 'default', width: widthPx, height: heightPx }}>
      <svg role="application" tabIndex={0} className="recharts-surface" width={widthPx} height={heightPx} viewBox={`0 0 ${widthPx} ${heightPx}`} style={SURFACE_STYLE}>
        <ChartGrid box={box} timeTicks={timeTicks} startMs={startMs} endMs={endMs} kbTicks={kbTicks} stroke={props.gridStroke} />
        <defs>
          <clipPath id={clipId}>
            <rect x={box.leftPx} y={box.topPx} width={box.widthPx} height={box.heightPx} />
          </clipPath>
        </defs>
        <g clipPath={`url(#${clipId})`}>{bands}</g>
        {exit === null ? null : (
          <g className="recharts-layer recharts-reference-line">
            <line className="recharts-reference-line-line" stroke={exit.color} strokeDasharray="4 2" fill="none" x1={exitX} y1={box.topPx + box.heightPx} x2={exitX} y2={box.topPx} />
          </g>
        )}
        {props.formatTimeTick === null ? null : <TimeAxis box={box} timeTicks={timeTicks} startMs={startMs} endMs={endMs} formatTick={props.formatTimeTick} color={props.textColor} />}
        <KbAxis box={box} kbTicks={kbTicks} formatTick={props.formatKbTick} color={props.kbAxisColor} />
        {exit === null ? null : (
          <text x={exitX - LABEL_OFFSET_PX} y={box.topPx + LABEL_OFFSET_PX} fill={exit.color} fontSize={11} textAnchor="end" className="recharts-text recharts-label">
            <tspan x={exitX - LABEL_OFFSET_PX} dy="0.71em">
              {exit.label}
            </tspan>
          </text>
        )}
      </svg>
    </div>
  );
});
