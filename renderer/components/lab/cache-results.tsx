// The cache lab's results: per-level hit rates (or misses) of A against B as bars, the exact counts per level
// (shared/sim/cache/simulate.ts CacheLevelReport), and each level's sets as heat strips on a shared scale.
import { useState } from 'react';
import { formatBytes } from '../../../shared/units.js';
import { formatCount } from '../../format.js';
import type { SideResult } from '../../state/cache-lab-store.js';
import { formatRate } from '../../lab/lab-format.js';
import { SetHeatStrip } from './set-heat-strip.js';
import { SideBySideBars, type SideBarDatum } from './side-by-side-bars.js';

type Metric = 'hitRate' | 'misses';

/** "B 3.9× as often as A", "equally often", "only A": how two counts of the same thing compare. */
function compareCounts(a: number, b: number): string {
  if (a === b) return 'equally often';
  if (a === 0 || b === 0) return `only ${a === 0 ? 'B' : 'A'}`;
  const [more, less, ratio] = b > a ? ['B', 'A', b / a] : ['A', 'B', a / b];
  return `${more} ${ratio >= 10 ? Math.round(ratio) : ratio.toFixed(1)}× as often as ${less}`;
}

/** The difference in one sentence: first-level hit rates and misses, and trips to memory. */
function describeDifference(a: SideResult, b: SideResult): string {
  const la = a.cache.levels[0];
  const lb = b.cache.levels[0];
  if (la === undefined || lb === undefined) return '';
  return (
    `${la.name} hit rate A ${formatRate(la.hitRate)}, B ${formatRate(lb.hitRate)} · ${la.name} misses: ${compareCounts(la.misses, lb.misses)} · ` +
    `trips to memory: ${compareCounts(a.cache.memoryAccesses, b.cache.memoryAccesses)}`
  );
}

function LevelTable({ result }: { result: SideResult }) {
  const c = result.cache;
  return (
    <div className="lab-side-result" data-testid={`cache-result-${result.side}`} data-pattern={result.label}>
      <div className="lab-side-title">
        <span className={`side-tag side-${result.side}`}>{result.side}</span> <span className="mono">{result.label}</span>
        <div className="muted hint">
          {formatCount(c.accessCount)} accesses over {formatBytes(c.footprintBytes, { wholeUnits: true })} · simulated in {Math.max(1, Math.round(result.cacheMs))} ms
        </div>
      </div>
      <table className="kind-summary lab-table">
        <thead>
          <tr>
            <th>level</th>
            <th className="num">accesses</th>
            <th className="num">hits</th>
            <th className="num">misses</th>
            <th className="num">hit rate</th>
            <th className="num">read misses</th>
            <th className="num">write misses</th>
          </tr>
        </thead>
        <tbody>
          {c.levels.map((l) => (
            <tr key={l.name} data-testid={`cache-level-${result.side}-${l.name}`} data-level={l.name} data-misses={l.misses} data-hits={l.hits} data-accesses={l.accesses}>
              <td>{l.name}</td>
              <td className="num">{formatCount(l.accesses)}</td>
              <td className="num">{formatCount(l.hits)}</td>
              <td className="num">
                <strong>{formatCount(l.misses)}</strong>
              </td>
              <td className="num">{formatRate(l.hitRate)}</td>
              <td className="num">{formatCount(l.readMisses)}</td>
              <td className="num">{formatCount(l.writeMisses)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td colSpan={3}>to memory (missed every level)</td>
            <td className="num" data-testid={`cache-memory-${result.side}`}>
              {formatCount(c.memoryAccesses)}
            </td>
            <td colSpan={3} />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

/** Charts, tables and heat strips of a run. */
export function CacheResults({ sides }: { sides: readonly SideResult[] }) {
  const [metric, setMetric] = useState<Metric>('hitRate');
  const levelNames = sides[0]?.cache.levels.map((l) => l.name) ?? [];
  const data: SideBarDatum[] = levelNames.map((name) => ({ category: name }));
  if (metric === 'misses') data.push({ category: 'memory' });
  for (const s of sides) {
    s.cache.levels.forEach((l, i) => {
      const d = data[i];
      if (d !== undefined) d[s.side] = metric === 'hitRate' ? l.hitRate : l.misses;
    });
    const mem = data[levelNames.length];
    if (mem !== undefined) mem[s.side] = s.cache.memoryAccesses;
  }
  const names = { A: `A: ${sides[0]?.label ?? ''}`, B: `B: ${sides[1]?.label ?? ''}` };
  const a = sides[0];
  const b = sides[1];
  return (
    <section className="panel" data-testid="cache-results">
      <div className="chart-toolbar">
        <h3>Caches</h3>
        <div className="segmented" role="group" aria-label="chart shows">
          <button type="button" className={metric === 'hitRate' ? 'on' : ''} aria-pressed={metric === 'hitRate'} onClick={() => setMetric('hitRate')}>
            hit rate
          </button>
          <button type="button" className={metric === 'misses' ? 'on' : ''} aria-pressed={metric === 'misses'} onClick={() => setMetric('misses')} data-testid="chart-misses">
            misses
          </button>
        </div>
        {a !== undefined && b !== undefined ? <span className="lab-verdict" data-testid="lab-verdict">{describeDifference(a, b)}</span> : null}
      </div>
      <SideBySideBars
        data={data}
        sides={sides.map((s) => s.side)}
        names={names}
        format={metric === 'hitRate' ? formatRate : formatCount}
        {...(metric === 'hitRate' ? { maxValue: 1 } : {})}
        heightPx={240}
        ariaLabel={`${metric === 'hitRate' ? 'hit rate' : 'misses'} per level: ${sides.map((s) => `${s.side} ${s.cache.levels.map((l) => `${l.name} ${metric === 'hitRate' ? formatRate(l.hitRate) : formatCount(l.misses)}`).join(', ')}`).join('; ')}`}
        testId="cache-chart"
      />
      <div className={sides.length > 1 ? 'two-columns' : ''}>
        {sides.map((s) => (
          <LevelTable key={s.side} result={s} />
        ))}
      </div>
      <h3 className="heat-title">Line misses per cache set</h3>
      <p className="muted hint">
        One column per set (or per run of neighbouring sets, coloured by its hottest); the darker, the more lines missed there. A and B share each level's
        scale. Few hot sets among cold ones are conflict misses: the pattern's stride maps its lines onto the same sets.
      </p>
      {levelNames.map((name, i) => {
        let scaleMax = 0;
        for (const s of sides) for (const v of s.cache.levels[i]?.setLineMisses ?? []) if (v > scaleMax) scaleMax = v;
        return (
          <div key={name} className="heat-level">
            {sides.map((s) => (
              <SetHeatStrip key={s.side} counts={s.cache.levels[i]?.setLineMisses ?? []} scaleMax={scaleMax} label={`${s.side} · ${name}`} testId={`heat-${s.side}-${name}`} />
            ))}
          </div>
        );
      })}
    </section>
  );
}
