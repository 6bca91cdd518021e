// The memory chart mounts recharts only where the pointer is (memory-chart.tsx); at a page's first hover recharts' code
// runs for the first time (compiled, its caches filled) and the mount is one long task (90–120 ms, where a later hover's
// costs 20–40). This mounts the same chart once off screen ahead, in idle time and one layer per task so none is long,
// moves a pointer over it (recharts' tooltip, our ChartTooltip), and then unmounts it.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ComposedChart } from 'recharts';
import type { ChartPoint } from './memory-chart-data.js';

/** Off screen, unseen and out of the page's layout and hit testing; laid out, so recharts measures the pointer on it. */
const OFF_SCREEN = { position: 'fixed', left: -10_000, top: 0, visibility: 'hidden', pointerEvents: 'none', contain: 'strict' } as const;

/** How long a step may wait for an idle moment (ms): a page busy at every frame warms up all the same. */
const IDLE_TIMEOUT_MS = 2000;

/** Calls f when the main thread is idle (or after IDLE_TIMEOUT_MS); returns the cancel. */
function whenIdle(f: () => void): () => void {
  if (typeof requestIdleCallback !== 'function') {
    const id = setTimeout(f, 50);
    return () => clearTimeout(id);
  }
  const id = requestIdleCallback(f, { timeout: IDLE_TIMEOUT_MS });
  return () => cancelIdleCallback(id);
}

/** Props of RechartsWarmUp: the chart as MemoryChart draws it, its children one per warm-up step. */
export interface RechartsWarmUpProps {
  widthPx: number;
  heightPx: number;
  margin: { top: number; right: number; bottom: number; left: number };
  data: readonly ChartPoint[];
  layers: readonly ReactNode[];
}

/** The chart's recharts, mounted and hovered once off screen in idle time, then gone (renders nothing). */
export function RechartsWarmUp(props: RechartsWarmUpProps) {
  // The chart as first asked: the ticks after it change nothing here.
  const [chart] = useState(props);
  const [step, setStep] = useState(0);
  const boxRef = useRef<HTMLDivElement>(null);
  const { layers } = chart;
  // Steps: 0 the bare chart, then one more layer each, then a pointer move over it, then gone.
  const hoverStep = layers.length + 1;
  const done = step > hoverStep;
  useEffect(() => {
    if (done) return undefined;
    return whenIdle(() => {
      const wrapper = boxRef.current?.querySelector('.recharts-wrapper');
      const rect = wrapper?.getBoundingClientRect();
      if (step !== hoverStep || wrapper == null || rect === undefined) {
        setStep(step + 1);
        return;
      }
      // recharts reads the pointer at the next animation frame and shows its tooltip then: gone after that frame
      // (an idle callback can come first), in a task of its own.
      wrapper.dispatchEvent(new MouseEvent('mousemove', { bubbles: true, clientX: rect.left + rect.width / 2, clientY: rect.top + rect.height / 2 }));
      requestAnimationFrame(() => setStep(step + 1));
    });
  }, [step, done, hoverStep]);
  if (done) return null;
  return (
    <div ref={boxRef} aria-hidden="true" style={OFF_SCREEN} data-testid="chart-warm-up">
      <ComposedChart width={chart.widthPx} height={chart.heightPx} data={chart.data as ChartPoint[]} margin={chart.margin}>
        {layers.slice(0, step)}
      </ComposedChart>
    </div>
  );
}
