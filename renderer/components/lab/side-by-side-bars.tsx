// Grouped bars comparing the cache lab's patterns A and B per category (a cache level, a TLB page size):
// a recharts BarChart with each bar's value written on it, theme colours, exact numbers in the tooltip.
import { useRef } from 'react';
import { Bar, BarChart, CartesianGrid, LabelList, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { useElementWidth } from '../../hooks/use-element-width.js';
import { useChartTheme, usePrefersDark } from '../../hooks/use-prefers-dark.js';

/** A compared pattern. */
export type BarSide = 'A' | 'B';

/** One category (x position) with a value per side. */
export interface SideBarDatum {
  category: string;
  A?: number;
  B?: number;
}

/** Props of SideBySideBars. */
export interface SideBySideBarsProps {
  data: readonly SideBarDatum[];
  sides: readonly BarSide[];
  /** Legend name per side ("A: row-major …"). */
  names: Readonly<Record<BarSide, string>>;
  /** A value as written on its bar and in the tooltip. */
  format: (value: number) => string;
  /** Upper end of the y axis (1 for rates); auto when omitted. */
  maxValue?: number;
  heightPx?: number;
  /** Accessible summary of what the bars say. */
  ariaLabel: string;
  testId?: string;
}

/** Colours of A and B (blue and orange in both themes, distinct for red-green colour blindness). */
export function useSideColors(): Record<BarSide, string> {
  return usePrefersDark() ? { A: '#58a6ff', B: '#f0883e' } : { A: '#1f6feb', B: '#bc4c00' };
}

/** A grouped bar chart of A against B. */
export function SideBySideBars({ data, sides, names, format, maxValue, heightPx = 220, ariaLabel, testId }: SideBySideBarsProps) {
  const ref = useRef<HTMLDivElement>(null);
  const width = useElementWidth(ref, 420);
  const theme = useChartTheme();
  const colors = useSideColors();
  const label = (v: unknown) => (typeof v === 'number' ? format(v) : '');
  return (
    <div ref={ref} className="chart-box" role="img" aria-label={ariaLabel} data-testid={testId}>
      <BarChart width={width} height={heightPx} data={[...data]} margin={{ top: 18, right: 8, bottom: 0, left: 0 }} barCategoryGap="22%">
        <CartesianGrid stroke={theme.grid} vertical={false} />
        <XAxis dataKey="category" stroke={theme.text} tick={{ fill: theme.text, fontSize: 12 }} />
        <YAxis
          stroke={theme.text}
          tick={{ fill: theme.text, fontSize: 11 }}
          width={56}
          domain={[0, maxValue ?? 'auto']}
          tickFormatter={(v: number) => format(v)}
        />
        <Tooltip
          isAnimationActive={false}
          cursor={{ fill: theme.grid, fillOpacity: 0.4 }}
          formatter={(v, name) => [label(v), String(name)]}
          contentStyle={{ background: theme.background, borderColor: theme.grid, color: theme.text, fontSize: 12 }}
        />
        <Legend wrapperStyle={{ fontSize: 12, color: theme.text }} />
        {sides.map((side) => (
          <Bar key={side} dataKey={side} name={names[side]} fill={colors[side]} isAnimationActive={false} minPointSize={2}>
            <LabelList dataKey={side} position="top" formatter={label} fill={theme.text} fontSize={11} />
          </Bar>
        ))}
      </BarChart>
    </div>
  );
}
