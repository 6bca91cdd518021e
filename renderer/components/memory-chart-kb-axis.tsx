// The memory chart's kB axis while recharts is not mounted, drawn as recharts' YAxis draws a left axis (CartesianAxis:
// same layers, classes, tick size 6, tick margin 2, labels anchored at the end and centred on their tick), every
// precomputed tick shown (interval 0) on the linear scale from 0 to the top tick.
import { memo } from 'react';
import { findKbY, type PlotBox } from './memory-chart-grid.js';
import { drawTickLabel } from './memory-chart-tick-label.js';
import { TICK_MARGIN_PX, TICK_SIZE_PX } from './memory-chart-time-axis.js';

/** Props of KbAxis. */
export interface KbAxisProps {
  /** The plot area: the axis is drawn along its left edge. */
  box: PlotBox;
  /** The ticks (kB); the axis runs from 0 to the last one. */
  kbTicks: readonly number[];
  formatTick: (kb: number) => string;
  /** The axis', its ticks' and their labels' colour. */
  color: string;
}

/** A kB axis left of the plot: its line, a tick line and a label per tick. */
export const KbAxis = memo(function KbAxis({ box, kbTicks, formatTick, color }: KbAxisProps) {
  const topKb = kbTicks[kbTicks.length - 1] ?? 0;
  const xPx = box.leftPx;
  const labelXPx = xPx - TICK_SIZE_PX - TICK_MARGIN_PX;
  const ys = kbTicks.map((kb) => findKbY(kb, topKb, box));
  return (
    <g className="recharts-layer recharts-cartesian-axis recharts-yAxis yAxis">
      <line className="recharts-cartesian-axis-line" stroke={color} fill="none" x1={xPx} y1={box.topPx} x2={xPx} y2={box.topPx + box.heightPx} />
      <g className="recharts-cartesian-axis-ticks recharts-yAxis-ticks">
        <g className="recharts-cartesian-axis-tick-lines recharts-yAxis-tick-lines">
          {kbTicks.map((kb, i) => (
            <g key={kb} className="recharts-layer recharts-cartesian-axis-tick">
              <line className="recharts-cartesian-axis-tick-line" stroke={color} fill="none" x1={xPx - TICK_SIZE_PX} y1={ys[i]} x2={xPx} y2={ys[i]} />
            </g>
          ))}
        </g>
        <g className="recharts-cartesian-axis-tick-labels recharts-yAxis-tick-labels">
          {kbTicks.map((kb, i) => (
            <g key={kb} className="recharts-layer recharts-cartesian-axis-tick-label">
              {drawTickLabel(labelXPx, ys[i], color, 'end', 'middle', formatTick(kb))}
            </g>
          ))}
        </g>
      </g>
    </g>
  );
});
