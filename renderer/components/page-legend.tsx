// The page grid's legend: one colour per page state with how many pages are in it (and their size).
import { PageState } from '../../shared/proc/page-state-map.js';
import { pagesToKb } from '../../shared/units.js';
import { formatCount, formatHumanKb } from '../format.js';
import { describePageState } from '../lab/page-labels.js';
import { PAGE_STATE_ORDER } from '../lab/palette.js';

/** Props of PageLegend. */
export interface PageLegendProps {
  /** Pages per PageState code. */
  counts: readonly number[];
  colors: readonly string[];
  pfnsVisible: boolean;
  testId?: string;
}

/** The legend (each entry data-testid="page-count-<state>"). */
export function PageLegend({ counts, colors, pfnsVisible, testId }: PageLegendProps) {
  return (
    <div className="legend static page-legend" data-testid={testId}>
      {PAGE_STATE_ORDER.map((s) => {
        const n = counts[s] ?? 0;
        if (!pfnsVisible && (s === PageState.zero || s === PageState.dirty) && n === 0) return null; // told apart only as root
        return (
          <span key={s} className="legend-item" data-testid={`page-count-${s}`} data-count={n}>
            <i className="swatch" style={{ background: colors[s] }} />
            {describePageState(s, pfnsVisible)} <strong className="legend-count">{formatCount(n)}</strong>
            <span className="muted legend-count">{formatHumanKb(pagesToKb(n))}</span>
          </span>
        );
      })}
    </div>
  );
}
