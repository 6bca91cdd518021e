// Layouts a script forced (read or wrote a geometry right after changing the DOM: the whole page laid out at once,
// inside the script's task, before the frame's own layout), read from a Chromium trace and named by the source lines
// of their JS stacks through the bundles' source maps: what the e2e tests that keep a page's load free of them check.
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { basename, resolve } from 'node:path';
import { listMainThreadEvents, type TraceEvent } from './chromium-trace.js';
import { REPO_ROOT } from './paths.js';

/** The trace categories listForcedLayouts needs (layouts, and the JS stacks that caused them). */
export const FORCED_LAYOUT_CATEGORIES = 'devtools.timeline,disabled-by-default-devtools.timeline,disabled-by-default-devtools.timeline.stack';

/** A JS stack frame of a trace event (Chromium's lines and columns count from 1). */
interface StackFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

/** The renderer bundle's source map, by the bundle's URL (dist/renderer/assets/NAME.js.map, which vite writes). */
function loadSourceMap(url: string): SourceMap {
  const file = resolve(REPO_ROOT, 'dist/renderer/assets', `${basename(new URL(url).pathname)}.map`);
  return new SourceMap(JSON.parse(readFileSync(file, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
}

/**
 * Each forced layout (a Layout event with a JS stack: the layout a script's read or write needed at once, before the
 * frame's own) as the source lines of its stack,
 * but those of scroll handlers: a scroll event's handler reads where the browser scrolled to, once a frame, outside
 * any commit (and the restored position's event comes a frame after the mount, when a render may have changed the DOM).
 */
export function listForcedLayouts(events: readonly TraceEvent[]): { name: string; ms: number; sources: string[] }[] {
  const maps = new Map<string, SourceMap>();
  const out: { name: string; ms: number; sources: string[] }[] = [];
  const main = listMainThreadEvents(events);
  const scrolls = main.filter((e) => e.name === 'EventDispatch' && (e.args?.data as { type?: string } | undefined)?.type === 'scroll');
  for (const e of main) {
    const stack = (e.args as { beginData?: { stackTrace?: StackFrame[] } } | undefined)?.beginData?.stackTrace;
    if (e.name !== 'Layout' || stack === undefined || stack.length === 0) continue;
    if (scrolls.some((d) => d.ts <= e.ts && e.ts < d.ts + (d.dur ?? 0))) continue;
    const sources = stack.map((f) => {
      if (!/\/assets\/[^/]+\.js$/.test(f.url)) return `${f.url}:${f.functionName}`;
      if (!maps.has(f.url)) maps.set(f.url, loadSourceMap(f.url));
      const entry = maps.get(f.url)?.findEntry(f.lineNumber - 1, f.columnNumber - 1) as { originalSource?: string; originalLine?: number } | undefined;
      return entry?.originalSource === undefined ? `${f.url}:${f.functionName}` : `${entry.originalSource}:${(entry.originalLine ?? 0) + 1}`;
    });
    out.push({ name: e.name, ms: (e.dur ?? 0) / 1000, sources });
  }
  return out;
}
