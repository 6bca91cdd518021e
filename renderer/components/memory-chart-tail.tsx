// The memory chart's live edge: the samples that came after its last redraw, drawn by us as the segments from
// the last point drawn at that redraw to the newest sample, on recharts' scales (the frame's time axis, the kB axis
// from 0 to its top tick) with its lines' stroke. The lines are linear (type="linear"), so a polyline draws exactly
// what a redraw would. A redraw (frame step, new y top) draws these samples into the lines' body again.
import type { HistorySample, HistoryValues } from '../../shared/history/sample.js';
import { findKbY, findTimeX, type PlotBox } from './memory-chart-grid.js';

/** One line of the chart: which value, drawn how (recharts' Line props for it). */
export interface TailLine {
  key: keyof HistoryValues;
  stroke: string;
  strokeWidthPx: number;
}

/** The scales a line is drawn on: the plot box, the frame's time span and the kB axis' top. */
export interface LineScales {
  box: PlotBox;
  startMs: number;
  endMs: number;
  topKb: number;
}

/** Props of TailPaths. */
export interface TailPathsProps {
  scales: LineScales;
  /** The last point drawn at the last redraw, then the samples since (sorted by time); nothing is drawn without the latter. */
  from: { tMs: number } & HistoryValues;
  samples: readonly HistorySample[];
  lines: readonly TailLine[];
}

/** The path `d` of a polyline through points' key values on scales. */
export function drawPolyline(points: readonly ({ tMs: number } & HistoryValues)[], key: keyof HistoryValues, { box, startMs, endMs, topKb }: LineScales): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${findTimeX(p.tMs, startMs, endMs, box)},${findKbY(p[key], topKb, box)}`).join('');
}

/** The tail's polylines, one per line (inside ChartLines' SVG). */
export function TailPaths({ scales, from, samples, lines }: TailPathsProps) {
  if (samples.length === 0) return null;
  const points = [from, ...samples];
  return lines.map((line) => (
    <path key={line.key} className="chart-tail-line" data-series={line.key} d={drawPolyline(points, line.key, scales)} stroke={line.stroke} strokeWidth={line.strokeWidthPx} fill="none" />
  ));
}
