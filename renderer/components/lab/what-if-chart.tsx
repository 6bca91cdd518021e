// Predicted Rss, Pss and Private_Dirty of each process over the what-if's frames (recharts): one colour per
// process, one dash style per field, a line at the frame shown in the grids; clicking picks a frame.
import { useMemo, useRef } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { WhatIfFrameResult } from '../../../shared/sim/lab/what-if.js';
import { formatHumanKb, formatKbBoth } from '../../format.js';
import { useElementWidth } from '../../hooks/use-element-width.js';
import { onChartClickX } from '../chart-click.js';
import { useChartTheme } from '../../hooks/use-prefers-dark.js';

/** Fields charted, with their dash pattern. */
const FIELDS = [
  { key: 'Rss', dash: undefined },
  { key: 'Pss', dash: '6 3' },
  { key: 'Private_Dirty', dash: '2 3' },
] as const;

/** Colours of processes in creation order (p0 first). */
export const PROC_COLORS = ['#1f6feb', '#cf222e', '#1a7f37', '#8250df', '#bf8700', '#0a7ea4', '#bc4c00', '#6e7781'] as const;

/** Props of WhatIfChart. */
export interface WhatIfChartProps {
  frames: readonly WhatIfFrameResult[];
  procs: readonly string[];
  frame: number;
  onPick: (frame: number) => void;
}

/** The chart (data-testid="what-if-chart"). */
export function WhatIfChart({ frames, procs, frame, onPick }: WhatIfChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const width = useElementWidth(ref, 700);
  const theme = useChartTheme();
  const data = useMemo(
    () =>
      frames.map((f, k) => {
        const point: Record<string, number | string | null> = { frame: k, label: f.label };
        f.usage.forEach((u) => {
          for (const field of FIELDS) point[`${u.proc} ${field.key}`] = u.smaps === null ? null : u.smaps[field.key];
        });
        return point;
      }),
    [frames],
  );
  return (
    <div ref={ref} className="what-if-chart" data-testid="what-if-chart">
      <LineChart
        width={width}
        height={240}
        data={data}
        margin={{ top: 8, right: 12, bottom: 18, left: 4 }}
        onClick={onChartClickX(onPick)}
      >
        <CartesianGrid stroke={theme.grid} strokeDasharray="3 3" />
        <XAxis
          dataKey="frame"
          type="number"
          domain={[0, Math.max(1, frames.length - 1)]}
          allowDecimals={false}
          tickFormatter={(k: number) => String(k + 1)}
          stroke={theme.text}
          tick={{ fill: theme.text, fontSize: 11 }}
          label={{ value: 'frame (1 = the live pages, then one per step of the scenario)', position: 'insideBottom', offset: -12, fill: theme.text, fontSize: 11 }}
        />
        <YAxis width={70} tickFormatter={(v: number) => formatHumanKb(v)} stroke={theme.text} tick={{ fill: theme.text, fontSize: 11 }} />
        <Tooltip
          isAnimationActive={false}
          labelFormatter={(v) => frames[Number(v)]?.label ?? ''}
          formatter={(v, name) => [v === null ? '—' : formatKbBoth(Number(v)), String(name)]}
          contentStyle={{ background: theme.background, borderColor: theme.grid, color: theme.text, fontSize: 12 }}
        />
        {procs.flatMap((p, i) =>
          FIELDS.map((f) => (
            <Line
              key={`${p} ${f.key}`}
              type="stepAfter"
              dataKey={`${p} ${f.key}`}
              stroke={PROC_COLORS[i % PROC_COLORS.length]}
              strokeDasharray={f.dash}
              strokeWidth={f.key === 'Rss' ? 2 : 1.5}
              dot={false}
              connectNulls={false}
              isAnimationActive={false}
            />
          )),
        )}
        <ReferenceLine x={frame} stroke={theme.text} strokeDasharray="4 2" />
      </LineChart>
      <div className="legend static">
        {procs.map((p, i) => (
          <span key={p} className="legend-item">
            <i className="dot" style={{ background: PROC_COLORS[i % PROC_COLORS.length] }} />
            {p}
          </span>
        ))}
        <span className="muted">solid Rss · dashed Pss · dotted Private_Dirty (kB, as smaps would print them)</span>
      </div>
    </div>
  );
}
