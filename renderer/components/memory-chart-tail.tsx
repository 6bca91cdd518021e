// The memory chart's live edge: the samples that came after recharts' last redraw, drawn by us as the segments from
// the last point recharts drew to the newest sample, over recharts' own plot with its scales (the frame's time axis,
// the kB axis from 0 to its top tick) and its lines' stroke. The lines are linear (type="linear"), so a polyline
// draws exactly what a redraw would. A redraw (frame step, new y top) hands these samples to recharts again.
import type { HistorySample, HistoryValues } from '../../shared/history/sample.js';
import { findKbY, findTimeX, type PlotBox } from './memory-chart-grid.js';

/** One line of the tail: which value, drawn how (recharts' Line props for it). */
export interface TailLine {
  key: keyof HistoryValues;
  stroke: string;
  strokeWidthPx: number;
}

/** Props of ChartTail. */
export interface ChartTailProps {
  /** The chart's SVG size: the tail's SVG lies over it, at its origin. */
  widthPx: number;
  heightPx: number;
  box: PlotBox;
  startMs: number;
  endMs: number;
  topKb: number;
  /** The last point recharts drew, then the samples since (sorted by time); nothing is drawn without the latter. */
  from: { tMs: number } & HistoryValues;
  samples: readonly HistorySample[];
  lines: readonly TailLine[];
}

/** The tail's polylines in an SVG over the chart's (pointer events pass through it to recharts' tooltip). */
export function ChartTail({ widthPx, heightPx, box, startMs, endMs, topKb, from, samples, lines }: ChartTailProps) {
  if (samples.length === 0) return null;
  const xs = [from, ...samples].map((p) => findTimeX(p.tMs, startMs, endMs, box));
  return (
    <svg className="chart-tail" width={widthPx} height={heightPx} aria-hidden="true">
      {lines.map((line) => {
        const ys = [from, ...samples].map((p) => findKbY(p[line.key], topKb, box));
        const d = xs.map((x, i) => `${i === 0 ? 'M' : 'L'}${x},${ys[i] as number}`).join('');
        return <path key={line.key} className="chart-tail-line" data-series={line.key} d={d} stroke={line.stroke} strokeWidth={line.strokeWidthPx} fill="none" />;
      })}
    </svg>
  );
}
