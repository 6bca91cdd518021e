// What the UI benches share: Chromium's performance timeline read through CDP, the renderer main thread's events in
// it, and the 20,000-mapping subject (tests/harness/many-maps.c).
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { CDPSession } from 'playwright-core';
import { buildHarness } from '../helpers/c-build.js';

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

/** many-maps.c holding `mappings` mappings, once it says it is ready. */
export async function startManyMapsSubject(mappings: number): Promise<ChildProcess> {
  const subject = spawn(buildHarness('many-maps.c'), [String(mappings)], { stdio: ['pipe', 'pipe', 'inherit'] });
  if (subject.stdout === null) throw new Error('no stdout');
  for await (const line of createInterface({ input: subject.stdout })) if (line === 'ready') break;
  return subject;
}
