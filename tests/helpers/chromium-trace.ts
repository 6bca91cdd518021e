// Chromium's performance timeline read through CDP and the renderer main thread's events in it: what the UI benches
// measure and the e2e tests that check what a page forces (a layout) read.
import type { CDPSession } from 'playwright-core';

/** A complete ('X') trace event or a user-timing mark: wall and thread (CPU) durations in µs. */
export interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string; elementCount?: number; beginData?: { dirtyObjects?: number; totalObjects?: number }; data?: { url?: string; requestId?: string } };
}

/** Starts tracing the page of cdp; the returned stop ends it and gives every event recorded. */
export async function startTrace(cdp: CDPSession, categories: string): Promise<() => Promise<TraceEvent[]>> {
  const events: TraceEvent[] = [];
  // The session emits every CDP event by name; its typings name only a few.
  const emitter = cdp as unknown as { on(name: string, f: (d: { value: TraceEvent[] }) => void): void; once(name: string, f: () => void): void };
  emitter.on('Tracing.dataCollected', (d) => events.push(...d.value));
  const traced = new Promise<void>((resolve) => emitter.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', { categories, transferMode: 'ReportEvents' });
  return async () => {
    await cdp.send('Tracing.end');
    await traced;
    return events;
  };
}

/** The renderer main thread's complete events, by the thread_name metadata event. */
export function listMainThreadEvents(events: readonly TraceEvent[]): TraceEvent[] {
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  return events.filter((e) => main !== undefined && e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
}

/** The renderer main thread's top-level tasks (RunTask). */
export function listMainThreadTasks(events: readonly TraceEvent[]): TraceEvent[] {
  return listMainThreadEvents(events).filter((e) => e.name === 'RunTask');
}
