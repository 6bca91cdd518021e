// The service's heap over many ticks: ring buffers and the history store are bounded, so
// the heap after 10,000 ticks is the heap after 1,000 (run node with --expose-gc).
import { MemscopeService } from '../../electron/host/service.js';

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1e6;
}

/** Prints heapUsed at checkpoints over `ticks` ticks of the full service (sampler + histories). */
export function benchHeap(ticks: number): void {
  if ((globalThis as { gc?: () => void }).gc === undefined) {
    console.log('\n## heap: skipped (run with node --expose-gc)');
    return;
  }
  // Small history capacity so the buffers fill early and the steady state is reached in the run.
  const service = new MemscopeService({ historyCapacity: 500 });
  const marks: string[] = [];
  const t = performance.now();
  for (let i = 1; i <= ticks; i++) {
    service.tickNow();
    if (i === 1000 || i === ticks || i % Math.max(1, Math.floor(ticks / 5)) === 0) marks.push(`${i}: ${heapMb().toFixed(2)} MB`);
  }
  service.stop();
  console.log(`\n## heap of the sampling service over ${ticks} ticks (${((performance.now() - t) / 1000).toFixed(0)} s, history capacity 500/process)`);
  console.log(marks.join('  |  '));
}
