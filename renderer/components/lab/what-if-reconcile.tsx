// How the what-if headline's "Σ Pss" change adds up: each process's Pss at the live state (frame 1) and after the
// last step, its change, and a Σ row equal to the headline's (explain-what-if.ts: last.totalPssKb − first.totalPssKb).
import type { WhatIfFrameResult } from '../../../shared/sim/lab/what-if.js';
import { formatDeltaKb, formatExactKb, formatHumanKb } from '../../format.js';

/** Props of WhatIfReconcile. */
export interface WhatIfReconcileProps {
  frames: readonly WhatIfFrameResult[];
  procs: readonly string[];
}

/** The table (data-testid="what-if-reconcile"; rows what-if-reconcile-PROC, the Σ row what-if-reconcile-total). */
export function WhatIfReconcile({ frames, procs }: WhatIfReconcileProps) {
  const first = frames[0];
  const last = frames[frames.length - 1];
  if (first === undefined || last === undefined) return null;
  const deltaKb = last.totalPssKb - first.totalPssKb;
  return (
    <table className="kind-summary" data-testid="what-if-reconcile">
      <caption className="muted">the headline&apos;s Σ Pss change, process by process (kB; a process not yet forked or exited counts 0)</caption>
      <thead>
        <tr>
          <th>process</th>
          <th className="num">Pss live (frame 1, kB)</th>
          <th className="num">Pss after the last step (frame {frames.length}, kB)</th>
          <th className="num">change (kB)</th>
        </tr>
      </thead>
      <tbody>
        {procs.map((p, i) => {
          const beforeKb = first.usage[i]?.smaps?.Pss ?? 0;
          const afterKb = last.usage[i]?.smaps?.Pss ?? 0;
          return (
            <tr key={p} data-testid={`what-if-reconcile-${p}`} data-delta-kb={afterKb - beforeKb}>
              <td>{p}</td>
              <td className="num">{formatExactKb(beforeKb)}</td>
              <td className="num">{formatExactKb(afterKb)}</td>
              <td className="num">{formatDeltaKb(afterKb - beforeKb)}</td>
            </tr>
          );
        })}
      </tbody>
      <tfoot>
        <tr data-testid="what-if-reconcile-total" data-delta-kb={deltaKb}>
          <td>Σ</td>
          <td className="num">{formatExactKb(first.totalPssKb)}</td>
          <td className="num">{formatExactKb(last.totalPssKb)}</td>
          <td className="num">
            {formatDeltaKb(deltaKb)} ({deltaKb >= 0 ? '+' : '−'}
            {formatHumanKb(Math.abs(deltaKb))}: the headline)
          </td>
        </tr>
      </tfoot>
    </table>
  );
}
