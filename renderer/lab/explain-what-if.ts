// One line on what a what-if predicts, e.g. "fork + c1 writes 30% (random) on 64.0 MiB: c1 Private_Dirty +19.2 MiB
// (19.2 MiB copied on write); this mapping's memory 64.0 MiB → 83.2 MiB (+19.2 MiB, Σ Pss of the processes)".
import type { WhatIfFrameResult, WhatIfPlan, WhatIfStep } from '../../shared/sim/lab/what-if.js';
import { pagesToKb } from '../../shared/units.js';
import { formatHumanKb } from '../format.js';

function describeStep(s: WhatIfStep): string {
  switch (s.op) {
    case 'fork':
      return 'fork';
    case 'write':
      return `${s.proc} writes ${Number(s.percent.toFixed(2))}%${s.order === 'random' ? ' (random)' : ''}`;
    case 'exit':
      return `${s.proc} exits`;
    case 'dontneed':
      return `${s.proc} drops ${Number(s.percent.toFixed(2))}%`;
  }
}

function signedKb(kb: number): string {
  return `${kb >= 0 ? '+' : '−'}${formatHumanKb(Math.abs(kb))}`;
}

/** The sentence for a plan and its simulated frames (frame 0 = the live state). */
export function explainWhatIf(plan: WhatIfPlan, steps: readonly WhatIfStep[], frames: readonly WhatIfFrameResult[]): string {
  const first = frames[0];
  const last = frames[frames.length - 1];
  if (first === undefined || last === undefined) return '';
  const regionKb = pagesToKb(plan.region.pages);
  const what = steps.length === 0 ? 'no step' : steps.map(describeStep).join(' + ');
  const effects: string[] = [];
  steps.forEach((s, k) => {
    if (s.op !== 'write') return;
    const own = frames.filter((f) => f.stepIndex === k);
    const before = frames[frames.indexOf(own[0]!) - 1];
    const after = own[own.length - 1];
    const p = plan.procs.indexOf(s.proc);
    if (before === undefined || after === undefined || p < 0) return;
    const b = before.usage[p]?.smaps;
    const a = after.usage[p]?.smaps;
    const delta = (a?.Private_Dirty ?? 0) - (b?.Private_Dirty ?? 0);
    // A write to a page the writer shared makes it a private copy (its shared count falls); any other new private page was faulted in fresh.
    const copiedKb = Math.max(0, (b?.Shared_Clean ?? 0) + (b?.Shared_Dirty ?? 0) - (a?.Shared_Clean ?? 0) - (a?.Shared_Dirty ?? 0));
    const freshKb = Math.max(0, delta - copiedKb);
    const parts = [copiedKb > 0 ? `${formatHumanKb(copiedKb)} copied on write` : '', freshKb > 0 ? `${formatHumanKb(freshKb)} newly faulted in` : ''].filter((x) => x !== '');
    effects.push(`${s.proc} Private_Dirty ${signedKb(delta)}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`);
  });
  const total = `this mapping's memory ${formatHumanKb(first.totalPssKb)} → ${formatHumanKb(last.totalPssKb)} (${signedKb(last.totalPssKb - first.totalPssKb)}, Σ Pss of the processes)`;
  return `${what} on ${formatHumanKb(regionKb)}: ${[...effects, total].join('; ')}`;
}
