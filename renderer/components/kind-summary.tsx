// A VMMap-like summary of one process: per kind of memory its Size, Rss, Pss, Private, Shared,
// Swap and mapping count (sums of smaps fields); clicking a kind filters the mappings table.
import { memo } from 'react';
import { isSameKindSums, KIND_CATEGORIES, type KindCategory, type KindSums } from '../kinds.js';
import { formatCount, formatExactKb, formatHumanKb } from '../format.js';

/** Props of KindSummary. */
export interface KindSummaryProps {
  sums: readonly KindSums[];
  hasSmaps: boolean;
  selected: KindCategory | null;
  onSelect: (category: KindCategory | null) => void;
}

const AMOUNTS = [
  { key: 'sizeKb', title: 'Size', description: 'Σ Size: virtual size' },
  { key: 'rssKb', title: 'Rss', description: 'Σ Rss: resident' },
  { key: 'pssKb', title: 'Pss', description: 'Σ Pss: resident, shared pages divided among sharers' },
  { key: 'privateKb', title: 'Private', description: 'Σ Private_Clean + Private_Dirty' },
  { key: 'sharedKb', title: 'Shared', description: 'Σ Shared_Clean + Shared_Dirty' },
  { key: 'swapKb', title: 'Swap', description: 'Σ Swap' },
] as const;

// Memoized, as the rows below: a re-read that moved one kind's Rss re-renders that row's changed cells and the totals'.
const Cell = memo(function Cell({ kb, smaps, hasSmaps }: { kb: number; smaps: boolean; hasSmaps: boolean }) {
  if (smaps && !hasSmaps) return <td className="num muted">–</td>;
  return (
    <td className="num" title={formatExactKb(kb)}>
      {kb === 0 ? <span className="muted">0</span> : formatHumanKb(kb)}
    </td>
  );
});

/** The head never changes: one element for the module's life. */
const HEAD = (
  <thead>
    <tr>
      <th>kind</th>
      {AMOUNTS.map((a) => (
        <th key={a.key} className="num" title={a.description}>
          {a.title}
        </th>
      ))}
      <th className="num" title="number of mappings (VMAs)">
        maps
      </th>
    </tr>
  </thead>
);

interface KindRowProps {
  s: KindSums;
  hasSmaps: boolean;
  selected: boolean;
  onSelect: (category: KindCategory | null) => void;
}

/** One kind's row; re-rendered only when its numbers, its selection or hasSmaps change (the sums arrive as new objects). */
const KindRow = memo(
  function KindRow({ s, hasSmaps, selected, onSelect }: KindRowProps) {
    const spec = KIND_CATEGORIES.find((c) => c.id === s.category);
    return (
      <tr
        className={`clickable${selected ? ' selected' : ''}`}
        data-testid={`kind-row-${s.category}`}
        title={`${spec?.description ?? ''} (click to filter the mappings table)`}
        onClick={() => onSelect(selected ? null : s.category)}
      >
        <td>
          <i className="dot" style={{ background: spec?.color }} />
          {spec?.title ?? s.category}
        </td>
        {AMOUNTS.map((a) => (
          <Cell key={a.key} kb={s[a.key]} smaps={a.key !== 'sizeKb'} hasSmaps={hasSmaps} />
        ))}
        <td className="num">{formatCount(s.mappingCount)}</td>
      </tr>
    );
  },
  (a, b) => a.hasSmaps === b.hasSmaps && a.selected === b.selected && a.onSelect === b.onSelect && isSameKindSums([a.s], [b.s]),
);

/** The per-kind table (data-testid="kind-summary"). */
export const KindSummary = memo(function KindSummary({ sums, hasSmaps, selected, onSelect }: KindSummaryProps) {
  const total: KindSums = { category: 'anon', mappingCount: 0, sizeKb: 0, rssKb: 0, pssKb: 0, privateKb: 0, sharedKb: 0, swapKb: 0 };
  for (const s of sums) {
    total.mappingCount += s.mappingCount;
    for (const a of AMOUNTS) total[a.key] += s[a.key];
  }
  return (
    <table className="kind-summary" data-testid="kind-summary">
      {HEAD}
      <tbody>
        {sums
          .filter((s) => s.mappingCount > 0)
          .map((s) => (
            <KindRow key={s.category} s={s} hasSmaps={hasSmaps} selected={selected === s.category} onSelect={onSelect} />
          ))}
      </tbody>
      <tfoot>
        <tr>
          <td>total</td>
          {AMOUNTS.map((a) => (
            <Cell key={a.key} kb={total[a.key]} smaps={a.key !== 'sizeKb'} hasSmaps={hasSmaps} />
          ))}
          <td className="num">{formatCount(total.mappingCount)}</td>
        </tr>
      </tfoot>
    </table>
  );
});
