// The memory chart's time axis, drawn as recharts' XAxis draws a bottom axis (CartesianAxis: same layers, classes,
// tick size 6, tick margin 2, labels anchored at their top) over a hidden XAxis that still gives the scale: recharts
// keys each tick by its pixel position, so at every redraw it made every tick and label anew, and it reported the
// moved ticks to its store (one more store update of the whole chart).
import { memo } from 'react';
import { findTimeX, IN_PLACE, type ChartLayer, type PlotBox } from './memory-chart-grid.js';
import { drawTickLabel } from './memory-chart-tick-label.js';

/** recharts' default length of an axis' tick line (CartesianAxis defaultProps). */
export const TICK_SIZE_PX = 6;
/** recharts' default gap between a tick line and its label (CartesianAxis defaultProps). */
export const TICK_MARGIN_PX = 2;

/** Props of TimeAxis. */
export interface TimeAxisProps {
  /** The plot area: the axis is drawn along its bottom edge. */
  box: PlotBox;
  timeTicks: readonly number[];
  startMs: number;
  endMs: number;
  formatTick: (tMs: number) => string;
  color: string;
  /** Where the axis and its labels are drawn; in place by default (ChartGrid's Layer). */
  Layer?: ChartLayer;
}

/** A time axis under the plot: its line, a tick line and a label per tick (keyed by time, so a redraw moves them). */
export const TimeAxis = memo(function TimeAxis({ box, timeTicks, startMs, endMs, formatTick, color, Layer = IN_PLACE }: TimeAxisProps) {
  const yPx = box.topPx + box.heightPx;
  const xs = timeTicks.map((tMs) => findTimeX(tMs, startMs, endMs, box));
  return (
    <Layer name="axis">
      <g className="recharts-layer recharts-cartesian-axis recharts-xAxis xAxis">
        <line className="recharts-cartesian-axis-line" stroke={color} fill="none" x1={box.leftPx} y1={yPx} x2={box.leftPx + box.widthPx} y2={yPx} />
        <g className="recharts-cartesian-axis-ticks recharts-xAxis-ticks">
          <Layer name="label">
            <g className="recharts-cartesian-axis-tick-labels recharts-xAxis-tick-labels">
              {timeTicks.map((tMs, i) => (
                <g key={tMs} className="recharts-layer recharts-cartesian-axis-tick-label">
                  {drawTickLabel(xs[i], yPx + TICK_SIZE_PX + TICK_MARGIN_PX, color, 'middle', 'start', formatTick(tMs))}
                </g>
              ))}
            </g>
          </Layer>
          <g className="recharts-cartesian-axis-tick-lines recharts-xAxis-tick-lines">
            {timeTicks.map((tMs, i) => (
              <g key={tMs} className="recharts-layer recharts-cartesian-axis-tick" data-t-ms={tMs}>
                <line className="recharts-cartesian-axis-tick-line" stroke={color} fill="none" x1={xs[i]} y1={yPx + TICK_SIZE_PX} x2={xs[i]} y2={yPx} />
              </g>
            ))}
          </g>
        </g>
      </g>
    </Layer>
  );
});
