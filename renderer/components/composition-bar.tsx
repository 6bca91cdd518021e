// What the address space is made of: one 100%-stacked bar per measure (VIRT = Size, RES = Rss,
// PSS = Pss) split by kind (renderer/kinds.ts), from a MappingsReport's smaps fields.
import { memo, useMemo, useRef } from 'react';
import { Bar, BarChart, Tooltip, XAxis, YAxis, type TooltipContentProps } from 'recharts';
import { KIND_CATEGORIES, type KindCategory, type KindSums } from '../kinds.js';
import { formatExactKb, formatHumanKb, formatPct } from '../format.js';
import { useElementWidth } from '../hooks/use-element-width.js';
import { useChartTheme, type ChartTheme } from '../hooks/use-prefers-dark.js';

/** Props of CompositionBar. */
export interface CompositionBarProps {
  sums: readonly KindSums[];
  /** Whether smaps was read (else only VIRT can be split). */
  hasSmaps: boolean;
  /** Clicking a segment filters by its kind. */
  onPickCategory?: (category: KindCategory) => void;
}

type BarRow = { measure: string; totalKb: number } & Partial<Record<KindCategory, number>>;

function CompositionTooltip(props: TooltipContentProps<number, string> & { theme: ChartTheme }) {
  const { active, payload, theme } = props;
  const row = payload[0]?.payload as BarRow | undefined;
  if (active !== true || row === undefined) return null;
  return (
    <div className="chart-tooltip" style={{ background: theme.background, borderColor: theme.grid, color: theme.text }}>
      <div className="chart-tooltip-time">
        {row.measure}: {formatExactKb(row.totalKb)} ({formatHumanKb(row.totalKb)})
      </div>
      <table>
        <tbody>
          {KIND_CATEGORIES.filter((c) => (row[c.id] ?? 0) > 0).map((c) => (
            <tr key={c.id}>
              <td>
                <i className="dot" style={{ background: c.color }} />
                {c.title}
              </td>
              <td className="num">{formatExactKb(row[c.id] ?? 0)}</td>
              <td className="num muted">{row.totalKb > 0 ? formatPct((100 * (row[c.id] ?? 0)) / row.totalKb) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Three 100%-stacked horizontal bars with a legend (memoized: recharts text measuring is not free). */
export const CompositionBar = memo(function CompositionBar({ sums, hasSmaps, onPickCategory }: CompositionBarProps) {
  const ref = useRef<HTMLDivElement>(null);
  const width = useElementWidth(ref, 600);
  const theme = useChartTheme();
  const data = useMemo(() => {
    const rows: BarRow[] = [];
    const measures: { measure: string; pick: (s: KindSums) => number }[] = [
      { measure: 'VIRT (Size)', pick: (s) => s.sizeKb },
      ...(hasSmaps
        ? [
            { measure: 'RES (Rss)', pick: (s: KindSums) => s.rssKb },
            { measure: 'PSS (Pss)', pick: (s: KindSums) => s.pssKb },
          ]
        : []),
    ];
    for (const m of measures) {
      const row: BarRow = { measure: m.measure, totalKb: 0 };
      for (const s of sums) {
        row[s.category] = m.pick(s);
        row.totalKb += m.pick(s);
      }
      rows.push(row);
    }
    return rows;
  }, [sums, hasSmaps]);
  const present = KIND_CATEGORIES.filter((c) => sums.some((s) => s.category === c.id && s.mappingCount > 0));
  return (
    <div className="composition" data-testid="composition-bar">
      <div ref={ref}>
        <BarChart width={width} height={28 * data.length + 24} data={data} layout="vertical" stackOffset="expand" margin={{ top: 0, right: 8, bottom: 0, left: 8 }} barCategoryGap={4}>
          <XAxis type="number" domain={[0, 1]} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} stroke={theme.text} tick={{ fill: theme.text, fontSize: 11 }} height={20} />
          <YAxis
            type="category"
            dataKey="measure"
            width={170}
            stroke={theme.text}
            tick={{ fill: theme.text, fontSize: 12 }}
            tickFormatter={(m: string) => {
              const row = data.find((r) => r.measure === m);
              return row === undefined ? m : `${m} ${formatHumanKb(row.totalKb)}`;
            }}
          />
          <Tooltip content={(p) => <CompositionTooltip {...(p as TooltipContentProps<number, string>)} theme={theme} />} isAnimationActive={false} cursor={false} />
          {KIND_CATEGORIES.map((c) => (
            <Bar
              key={c.id}
              dataKey={c.id}
              stackId="kinds"
              name={c.title}
              fill={c.color}
              isAnimationActive={false}
              onClick={onPickCategory === undefined ? undefined : () => onPickCategory(c.id)}
              style={onPickCategory === undefined ? undefined : { cursor: 'pointer' }}
            />
          ))}
        </BarChart>
      </div>
      <div className="legend static">
        {present.map((c) => (
          <span key={c.id} className="legend-item" title={c.description}>
            <i className="dot" style={{ background: c.color }} />
            {c.title}
          </span>
        ))}
      </div>
    </div>
  );
});
