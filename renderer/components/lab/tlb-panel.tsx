// The cache lab's TLB panel: a 4 KiB-page and a 2 MiB-page DTLB (entries, ways; shared/sim/tlb/params.ts),
// each pattern's misses through both (simulateTlb), and reach (entries × page size) against the footprint.
import { PMD_SIZE } from '../../../shared/mm/translate.js';
import { formatBytes, formatSizeBytes, PAGE_SIZE } from '../../../shared/units.js';
import { computeReachBytes } from '../../../shared/sim/tlb/params.js';
import type { TlbReport } from '../../../shared/sim/tlb/simulate.js';
import { formatCount } from '../../format.js';
import { formatRate } from '../../lab/lab-format.js';
import type { LabSide, TlbRow } from '../../state/cache-lab-inputs.js';
import { SideBySideBars, type SideBarDatum } from './side-by-side-bars.js';

/** Props of TlbPanel. */
export interface TlbPanelProps {
  tlb4k: TlbRow;
  tlb2m: TlbRow;
  onChange: (rows: { tlb4k: TlbRow; tlb2m: TlbRow }) => void;
  error: string | undefined;
  /** The last run's reports per side (4 KiB first), or none yet. */
  results: readonly { side: LabSide; label: string; tlb: readonly TlbReport[] }[];
  /** The results predate the settings shown (drawn faded). */
  stale: boolean;
}

function reachOf(row: TlbRow, pageBytes: number): string {
  const entries = Number(row.entries);
  return Number.isSafeInteger(entries) && entries > 0 ? formatSizeBytes(computeReachBytes({ entries, ways: 1, pageBytes })) : '–';
}

/** How the footprint compares with a TLB's reach, in words. */
function describeReach(r: TlbReport): string {
  if (r.footprintBytes <= r.reachBytes) return 'fits in reach';
  const times = r.footprintBytes / r.reachBytes;
  return `${times >= 10 ? Math.round(times) : times.toFixed(1)}× reach`;
}

/** TLB inputs, a miss-rate chart of A against B, and the counts. */
export function TlbPanel({ tlb4k, tlb2m, onChange, error, results, stale }: TlbPanelProps) {
  const rowInputs = (name: string, row: TlbRow, pageBytes: number, put: (r: TlbRow) => void, testId: string) => (
    <div className="tlb-row">
      <strong>{name}</strong>
      <label className="field">
        <span>entries</span>
        <input type="text" className="mono" size={4} value={row.entries} data-testid={`${testId}-entries`} onChange={(e) => put({ ...row, entries: e.target.value })} />
      </label>
      <label className="field">
        <span>ways</span>
        <input type="text" className="mono" size={3} value={row.ways} data-testid={`${testId}-ways`} onChange={(e) => put({ ...row, ways: e.target.value })} />
      </label>
      <span className="muted">reach {reachOf(row, pageBytes)}</span>
    </div>
  );
  const data: SideBarDatum[] = [
    { category: '4 KiB pages' },
    { category: '2 MiB pages' },
  ];
  for (const r of results) {
    r.tlb.forEach((t, i) => {
      const d = data[i];
      if (d !== undefined) d[r.side] = t.missRate;
    });
  }
  const names = { A: `A: ${results[0]?.label ?? ''}`, B: `B: ${results[1]?.label ?? ''}` };
  return (
    <section className="panel tlb-panel" data-testid="tlb-panel">
      <h3>TLB: 4 KiB against 2 MiB pages</h3>
      <p className="muted hint">
        A first-level data TLB (LRU, one entry per page): every miss costs a page-table walk. Reach is entries × page size; a footprint past it misses
        whenever the pattern comes back to a page it translated long ago. 2 MiB pages (THP) are as if every buffer were backed by huge pages.
      </p>
      <fieldset className="tlb-inputs">
        <legend className="visually-hidden">TLB geometry</legend>
        {rowInputs('4 KiB TLB', tlb4k, PAGE_SIZE, (r) => onChange({ tlb4k: r, tlb2m }), 'tlb-4k')}
        {rowInputs('2 MiB TLB', tlb2m, PMD_SIZE, (r) => onChange({ tlb4k, tlb2m: r }), 'tlb-2m')}
      </fieldset>
      {error !== undefined ? (
        <div className="field-error" role="alert" data-testid="tlb-error">
          {error}
        </div>
      ) : null}
      {results.length === 0 ? null : (
        <div className={stale ? 'lab-results stale' : 'lab-results'}>
          <SideBySideBars
            data={data}
            sides={results.map((r) => r.side)}
            names={names}
            format={formatRate}
            maxValue={1}
            heightPx={200}
            ariaLabel={`TLB miss rates: ${results.map((r) => `${r.side} ${r.tlb.map((t) => `${formatSizeBytes(t.geometry.pageBytes)} ${formatRate(t.missRate)}`).join(', ')}`).join('; ')}`}
            testId="tlb-chart"
          />
          <table className="kind-summary lab-table" data-testid="tlb-results">
            <thead>
              <tr>
                <th>pattern</th>
                <th>pages</th>
                <th className="num">TLB</th>
                <th className="num">reach</th>
                <th className="num">footprint</th>
                <th className="num">lookups</th>
                <th className="num">misses</th>
                <th className="num">miss rate</th>
              </tr>
            </thead>
            <tbody>
              {results.flatMap((r) =>
                r.tlb.map((t) => (
                  <tr key={`${r.side}-${t.geometry.pageBytes}`} data-testid={`tlb-row-${r.side}-${t.geometry.pageBytes === PAGE_SIZE ? '4k' : '2m'}`} data-misses={t.misses} data-lookups={t.lookups}>
                    <td>
                      <span className={`side-tag side-${r.side}`}>{r.side}</span>
                    </td>
                    <td>{formatSizeBytes(t.geometry.pageBytes)}</td>
                    <td className="num">
                      {t.geometry.entries} × {t.geometry.ways}-way
                    </td>
                    <td className="num">{formatSizeBytes(t.reachBytes)}</td>
                    <td className="num">
                      {formatBytes(t.footprintBytes, { wholeUnits: true })} <span className="muted">({describeReach(t)})</span>
                    </td>
                    <td className="num">{formatCount(t.lookups)}</td>
                    <td className="num">{formatCount(t.misses)}</td>
                    <td className="num">{formatRate(t.missRate)}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
