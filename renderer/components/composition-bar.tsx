// What the address space is made of: one 100%-stacked bar per measure (VIRT = Size, RES = Rss,
// PSS = Pss) split by kind (renderer/kinds.ts), from a MappingsReport's smaps fields.
import { memo, useMemo, useState } from 'react';
import { KIND_CATEGORIES, type KindCategory, type KindSums } from '../kinds.js';
import { formatExactKb, formatHumanKb, formatPct } from '../format.js';
import { useChartTheme, type ChartTheme } from '../hooks/use-prefers-dark.js';
import { isSameItems, useSameValue } from '../hooks/use-same-value.js';

/** Props of CompositionBar. */
export interface CompositionBarProps {
  sums: readonly KindSums[];
  /** Whether smaps was read (else only VIRT can be split). */
  hasSmaps: boolean;
  /** Clicking a segment filters by its kind. */
  onPickCategory?: (category: KindCategory) => void;
}

type BarRow = { measure: string; totalKb: number } & Partial<Record<KindCategory, number>>;

function CompositionTooltip({ row, theme }: { row: BarRow; theme: ChartTheme }) {
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

/** Where the % axis has ticks. */
const PCT_TICKS = [0, 25, 50, 75, 100];

/** The percent axis never changes: one element for the module's life (a new report re-renders the bars alone). */
const AXIS = (
  <div className="composition-row composition-axis">
    <span className="composition-label" />
    <span className="composition-track">
      {PCT_TICKS.map((p) => (
        <span key={p} className="composition-tick" style={{ left: `${p}%` }}>
          {p}%
        </span>
      ))}
    </span>
  </div>
);

/**
 * Three 100%-stacked horizontal bars with a legend, as plain elements (memoized): a new report re-renders a few
 * dozen divs, where recharts measured its text and re-ran its selectors (issue 13).
 */
export const CompositionBar = memo(function CompositionBar({ sums, hasSmaps, onPickCategory }: CompositionBarProps) {
  const theme = useChartTheme();
  const [hovered, setHovered] = useState<string | null>(null);
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
  // The legend as one element while the kinds present hold (a re-read moves amounts, rarely which kinds exist).
  const present = useSameValue(
    KIND_CATEGORIES.filter((c) => sums.some((s) => s.category === c.id && s.mappingCount > 0)),
    isSameItems,
  );
  const legend = useMemo(
    () => (
      <div className="legend static">
        {present.map((c) => (
          <span key={c.id} className="legend-item" title={c.description}>
            <i className="dot" style={{ background: c.color }} />
            {c.title}
          </span>
        ))}
      </div>
    ),
    [present],
  );
  const hoveredRow = data.find((r) => r.measure === hovered);
  return (
    <div className="composition" data-testid="composition-bar">
      <div className="composition-bars" style={{ color: theme.text }} onMouseLeave={() => setHovered(null)}>
        {data.map((row) => (
          <div key={row.measure} className="composition-row" onMouseEnter={() => setHovered(row.measure)}>
            <span className="composition-label">
              {row.measure} {formatHumanKb(row.totalKb)}
            </span>
            <span className="composition-track">
              {KIND_CATEGORIES.map((c) => {
                const kb = row[c.id] ?? 0;
                if (kb <= 0 || row.totalKb <= 0) return null;
                return (
                  <i
                    key={c.id}
                    className="composition-segment"
                    data-category={c.id}
                    style={{ width: `${(100 * kb) / row.totalKb}%`, background: c.color, cursor: onPickCategory === undefined ? undefined : 'pointer' }}
                    onClick={onPickCategory === undefined ? undefined : () => onPickCategory(c.id)}
                  />
                );
              })}
            </span>
          </div>
        ))}
        {AXIS}
        {hoveredRow === undefined ? null : (
          <div className="composition-tooltip">
            <CompositionTooltip row={hoveredRow} theme={theme} />
          </div>
        )}
      </div>
      {legend}
    </div>
  );
});
