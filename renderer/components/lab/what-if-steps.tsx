// The "what if" step list: fork, a process writes X% of the pages (in order or at random), exit, MADV_DONTNEED,
// edited in place; presets for the usual questions (a fork-and-save child, pre-forked workers).
import type { WhatIfStep } from '../../../shared/sim/lab/what-if.js';

/** Props of WhatIfSteps. */
export interface WhatIfStepsProps {
  steps: readonly WhatIfStep[];
  onChange: (steps: WhatIfStep[]) => void;
}

/** Process names the steps create, in order (p0 first). */
function listProcs(steps: readonly WhatIfStep[], upTo: number): string[] {
  const procs = ['p0'];
  steps.slice(0, upTo).forEach((s) => {
    if (s.op === 'fork') procs.push(s.child);
  });
  return procs;
}

function nextChildName(steps: readonly WhatIfStep[]): string {
  const used = new Set(listProcs(steps, steps.length));
  for (let k = 1; ; k++) if (!used.has(`c${k}`)) return `c${k}`;
}

function lastChild(steps: readonly WhatIfStep[]): string {
  const procs = listProcs(steps, steps.length);
  return procs[procs.length - 1] ?? 'p0';
}

/** Presets: name, what they ask, and their steps. */
export const WHAT_IF_PRESETS: readonly { name: string; title: string; steps: WhatIfStep[] }[] = [
  {
    name: 'fork + child writes 30%',
    title: 'A fork-and-save child (Redis BGSAVE) while the parent keeps writing: every page written after fork is copied',
    steps: [
      { op: 'fork', proc: 'p0', child: 'c1' },
      { op: 'write', proc: 'c1', percent: 30, order: 'random', seed: 1 },
      { op: 'exit', proc: 'p0' },
    ],
  },
  {
    name: 'fork + child writes all',
    title: 'The worst case: the child writes every page, so it ends with a private copy of the whole region',
    steps: [
      { op: 'fork', proc: 'p0', child: 'c1' },
      { op: 'write', proc: 'c1', percent: 100, order: 'sequential', seed: 1 },
    ],
  },
  {
    name: 'pre-fork: 4 workers write 10%',
    title: 'A pre-fork server: four workers share the parent\'s pages and each dirties a tenth of them',
    steps: [
      { op: 'fork', proc: 'p0', child: 'c1' },
      { op: 'fork', proc: 'p0', child: 'c2' },
      { op: 'fork', proc: 'p0', child: 'c3' },
      { op: 'fork', proc: 'p0', child: 'c4' },
      { op: 'write', proc: 'c1', percent: 10, order: 'random', seed: 1 },
      { op: 'write', proc: 'c2', percent: 10, order: 'random', seed: 2 },
      { op: 'write', proc: 'c3', percent: 10, order: 'random', seed: 3 },
      { op: 'write', proc: 'c4', percent: 10, order: 'random', seed: 4 },
    ],
  },
  {
    name: 'fork + child drops half',
    title: 'The child calls MADV_DONTNEED on half the region: its Rss falls, the parent keeps its pages',
    steps: [
      { op: 'fork', proc: 'p0', child: 'c1' },
      { op: 'dontneed', proc: 'c1', percent: 50 },
    ],
  },
];

/** The step editor (data-testid="what-if-steps"; step k's fields are what-if-step-K-…, 1-based). */
export function WhatIfSteps({ steps, onChange }: WhatIfStepsProps) {
  const set = (k: number, step: WhatIfStep) => onChange(steps.map((s, i) => (i === k ? step : s)));
  const remove = (k: number) => onChange(steps.filter((_, i) => i !== k));
  return (
    <div className="what-if-steps" data-testid="what-if-steps">
      <div className="toolbar">
        <span className="muted">presets:</span>
        {WHAT_IF_PRESETS.map((p) => (
          <button type="button" key={p.name} title={p.title} onClick={() => onChange(p.steps.map((s) => ({ ...s })))}>
            {p.name}
          </button>
        ))}
      </div>
      <ol className="step-list">
        {steps.map((s, k) => {
          const procs = listProcs(steps, k);
          const id = `what-if-step-${k + 1}`;
          const procSelect = (value: string, onPick: (p: string) => void) => (
            <select value={value} onChange={(e) => onPick(e.target.value)} data-testid={`${id}-proc`} aria-label={`step ${k + 1}: process`}>
              {[...new Set([...procs, value])].map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          );
          const percentInput = (value: number, onPick: (n: number) => void) => (
            <input
              type="number"
              min={0}
              max={100}
              step="any"
              value={value}
              className="percent-input"
              data-testid={`${id}-percent`}
              aria-label={`step ${k + 1}: percent of the pages`}
              onChange={(e) => onPick(e.target.value === '' ? NaN : Number(e.target.value))}
            />
          );
          return (
            <li key={k} data-testid={id}>
              {s.op === 'fork' ? (
                <>
                  {procSelect(s.proc, (p) => set(k, { ...s, proc: p }))} forks <span className="mono">{s.child}</span>
                </>
              ) : s.op === 'write' ? (
                <>
                  {procSelect(s.proc, (p) => set(k, { ...s, proc: p }))} writes {percentInput(s.percent, (n) => set(k, { ...s, percent: n }))}% of the pages{' '}
                  <select value={s.order} onChange={(e) => set(k, { ...s, order: e.target.value === 'random' ? 'random' : 'sequential' })} data-testid={`${id}-order`} aria-label={`step ${k + 1}: order`}>
                    <option value="sequential">in order</option>
                    <option value="random">at random</option>
                  </select>
                </>
              ) : s.op === 'exit' ? (
                <>{procSelect(s.proc, (p) => set(k, { ...s, proc: p }))} exits</>
              ) : (
                <>
                  {procSelect(s.proc, (p) => set(k, { ...s, proc: p }))}: MADV_DONTNEED on the first {percentInput(s.percent, (n) => set(k, { ...s, percent: n }))}%
                </>
              )}{' '}
              <button type="button" className="link" onClick={() => remove(k)} aria-label={`remove step ${k + 1}`} title="Remove this step">
                ✕
              </button>
            </li>
          );
        })}
      </ol>
      <div className="toolbar">
        <span className="muted">add:</span>
        <button type="button" onClick={() => onChange([...steps, { op: 'fork', proc: 'p0', child: nextChildName(steps) }])} data-testid="what-if-add-fork">
          fork
        </button>
        <button type="button" onClick={() => onChange([...steps, { op: 'write', proc: lastChild(steps), percent: 30, order: 'random', seed: steps.length + 1 }])} data-testid="what-if-add-write">
          write X%
        </button>
        <button type="button" onClick={() => onChange([...steps, { op: 'exit', proc: 'p0' }])} data-testid="what-if-add-exit">
          exit
        </button>
        <button type="button" onClick={() => onChange([...steps, { op: 'dontneed', proc: lastChild(steps), percent: 50 }])} data-testid="what-if-add-dontneed">
          dontneed
        </button>
      </div>
    </div>
  );
}
