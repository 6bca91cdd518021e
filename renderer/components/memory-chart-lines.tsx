// The memory chart's lines while no tooltip is up, drawn by us over its plot: the points of the last redraw as one
// polyline per series (redrawn only at a redraw), then the tail (memory-chart-tail.tsx) to the newest sample.
// recharts' own Line costs most of a redraw (each one a dozen components on its store, remounted at every redraw by
// its animation wrapper, off or not), so it is mounted only while its tooltip and active dot are wanted.
import { memo, useId } from 'react';
import type { HistoryValues } from '../../shared/history/sample.js';
import type { ChartPoint } from './memory-chart-data.js';
import { drawPolyline, TailPaths, type LineScales, type TailLine, type TailPathsProps } from './memory-chart-tail.js';

/** Props of ChartLines. */
export interface ChartLinesProps extends TailPathsProps {
  /** The chart's SVG size: this SVG lies over it, at its origin. */
  widthPx: number;
  heightPx: number;
  /** The points of the last redraw, or null while recharts draws them (its Lines are mounted). */
  points: readonly ChartPoint[] | null;
}

/** Props of BodyPath. */
interface BodyPathProps {
  points: readonly ChartPoint[];
  line: TailLine;
  scales: LineScales;
}

/** One series' line through the points of the last redraw, as recharts' Line draws it (class, stroke, no fill). */
const BodyPath = memo(function BodyPath({ points, line, scales }: BodyPathProps) {
  return <path className="chart-line" data-series={line.key} d={drawPolyline(points, line.key as keyof HistoryValues, scales)} stroke={line.stroke} strokeWidth={line.strokeWidthPx} fill="none" />;
});

/**
 * The lines' SVG over the chart's (pointer events pass through it to recharts' tooltip), clipped to the plot as
 * recharts clips a line on axes that allow data overflow.
 */
export function ChartLines({ widthPx, heightPx, points, scales, from, samples, lines }: ChartLinesProps) {
  const clipId = `chart-lines-${useId().replace(/[^\w-]/g, '')}`;
  const { box } = scales;
  return (
    <svg className="chart-lines" width={widthPx} height={heightPx} aria-hidden="true">
      <defs>
        <clipPath id={clipId}>
          <rect x={box.leftPx} y={box.topPx} width={box.widthPx} height={box.heightPx} />
        </clipPath>
      </defs>
      <g clipPath={`url(#${clipId})`}>
        {points === null ? null : lines.map((line) => <BodyPath key={line.key} points={points} line={line} scales={scales} />)}
        <TailPaths scales={scales} from={from} samples={samples} lines={lines} />
      </g>
    </svg>
  );
}
