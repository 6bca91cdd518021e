// The memory chart's background grid, drawn as recharts' CartesianGrid draws it (same layer, classes and lines: one
// at each axis tick and one at each edge of the plot, recharts' getCoordinatesOfGrid) from the ticks the chart
// already holds: CartesianGrid subscribes to recharts' store and re-renders at each of its several updates per redraw.
// It imports nothing of recharts (the picture without recharts draws it too, in the first chunk): inside recharts, the
// chart hands it a Layer that puts it in recharts' z-index layer (memory-chart-live.tsx).
import { memo, type ReactNode } from 'react';

/** The plot area inside the chart's SVG, in px. */
export interface PlotBox {
  leftPx: number;
  topPx: number;
  widthPx: number;
  heightPx: number;
}

/** Which of recharts' z-index layers a part of the chart belongs in (recharts' DefaultZIndexes). */
export type ChartLayerName = 'grid' | 'axis' | 'label';

/** Renders a part of the chart in its layer: inside recharts a ZIndexLayer, elsewhere the part in place. */
export type ChartLayer = (props: { name: ChartLayerName; children: ReactNode }) => ReactNode;

/** The layer outside recharts: the part where it stands (what recharts' ZIndexLayer does outside a chart). */
export const IN_PLACE: ChartLayer = ({ children }) => children;

/** Props of ChartGrid. */
export interface ChartGridProps {
  box: PlotBox;
  /** The time axis' ticks (epoch ms) and its domain. */
  timeTicks: readonly number[];
  startMs: number;
  endMs: number;
  /** The kB axis' ticks; its domain is 0 to the last one. */
  kbTicks: readonly number[];
  stroke: string;
  /** Where the grid is drawn; in place by default. */
  Layer?: ChartLayer;
}

/** The x of tMs on a time axis that maps [startMs, endMs] onto the plot's width (recharts' scale="time"). */
export function findTimeX(tMs: number, startMs: number, endMs: number, box: PlotBox): number {
  const spanMs = endMs - startMs;
  return spanMs > 0 ? box.leftPx + ((tMs - startMs) / spanMs) * box.widthPx : box.leftPx;
}

/** The y of kb on a kB axis that maps [0, topKb] onto the plot's height, upwards (recharts' linear y scale). */
export function findKbY(kb: number, topKb: number, box: PlotBox): number {
  return topKb > 0 ? box.topPx + box.heightPx - (kb / topKb) * box.heightPx : box.topPx + box.heightPx;
}

/** The ticks' coordinates, with the plot's two edges added when no tick lies on them (recharts' getCoordinatesOfGrid). */
function findGridCoordinates(coordinates: number[], minPx: number, maxPx: number): number[] {
  if (!coordinates.includes(minPx)) coordinates.push(minPx);
  if (!coordinates.includes(maxPx)) coordinates.push(maxPx);
  return coordinates;
}

/** One dashed grid line, as CartesianGrid's LineItem draws it. */
function drawGridLine(key: string, x1: number, y1: number, x2: number, y2: number, stroke: string) {
  return <line key={key} stroke={stroke} strokeDasharray="3 3" x1={x1} y1={y1} x2={x2} y2={y2} fill="none" />;
}

/**
 * Horizontal lines at the kB ticks and vertical lines at the time ticks, by the axes' linear scales
 * (the time axis maps [startMs, endMs] onto the plot's width, the kB axis [0, top tick] onto its height, upwards).
 */
export const ChartGrid = memo(function ChartGrid({ box, timeTicks, startMs, endMs, kbTicks, stroke, Layer = IN_PLACE }: ChartGridProps) {
  const { leftPx, topPx, widthPx, heightPx } = box;
  const topKb = kbTicks[kbTicks.length - 1] ?? 0;
  const ys = findGridCoordinates(
    kbTicks.map((kb) => findKbY(kb, topKb, box)),
    topPx,
    topPx + heightPx,
  );
  const xs = findGridCoordinates(
    timeTicks.map((tMs) => findTimeX(tMs, startMs, endMs, box)),
    leftPx,
    leftPx + widthPx,
  );
  return (
    <Layer name="grid">
      <g className="recharts-cartesian-grid">
        <g className="recharts-cartesian-grid-horizontal">{ys.map((y, i) => drawGridLine(`line-${i}`, leftPx, y, leftPx + widthPx, y, stroke))}</g>
        <g className="recharts-cartesian-grid-vertical">{xs.map((x, i) => drawGridLine(`line-${i}`, x, topPx, x, topPx + heightPx, stroke))}</g>
      </g>
    </Layer>
  );
});
