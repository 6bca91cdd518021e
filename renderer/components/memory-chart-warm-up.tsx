// The memory chart mounts recharts only where the pointer is (memory-chart.tsx); at a page's first hover recharts' code
// runs for the first time (compiled, its caches filled) and the mount is one long task (90–120 ms, where a later hover's
// costs 20–40). This mounts the same chart once off screen ahead, in idle time and one layer per task so none is long,
// moves a pointer over it (recharts' tooltip, our ChartTooltip), and then unmounts it. Part of the recharts chunk
// (memory-chart-live.tsx), which the chart loads in idle time to render this.
import { useEffect, useRef, useState } from 'react';
import { ComposedChart } from 'recharts';
import { whenIdle } from '../when-idle.js';
import type { ChartPoint } from './memory-chart-data.js';
import { useLiveLayers, type LiveChartProps } from './memory-chart-live.js';

/** Off screen, unseen and out of the page's layout and hit testing; laid out, so recharts measures the pointer on it. */
const OFF_SCREEN = { position: 'fixed', left: -10_000, top: 0, visibility: 'hidden', pointerEvents: 'none', contain: 'strict' } as const;

/** The main panel's recharts (LiveChart's props), mounted and hovered once off screen in idle time, then gone (renders nothing). */
export function RechartsWarmUp(props: LiveChartProps) {
  // The chart as first asked: the ticks after it change nothing here.
  const [chart] = useState(props);
  const [step, setStep] = useState(0);
  const boxRef = useRef<HTMLDivElement>(null);
  const l = useLiveLayers(chart);
  // Its children, one more per step.
  const layers = [l.grid, l.xAxis, l.timeAxis, l.yAxis, l.tooltip, l.exitMarker, ...l.series].filter((layer) => layer !== null);
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
