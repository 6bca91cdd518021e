// Hovering the memory chart on the process page of a big process (issue 13: no long task > 50 ms while the page is
// open), against a real `memscope serve -d 1` in headless Chromium, the 20,000-mapping subject (tests/harness/many-maps.c).
// The chart mounts recharts where the pointer is (memory-chart.tsx); the first hover of a page also runs recharts'
// code for the first time. Per hover, from Chromium's performance timeline: the longest main-thread task (wall and
// thread CPU time) and the CPU of all tasks while the pointer enters and moves; the long tasks the page reported
// (PerformanceObserver 'longtask') while idle before the first hover (where the chart may prepare) and at each hover.
import { loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import { launchChromium, startServe } from '../helpers/browser.js';
import { oracleMissing } from '../helpers/oracles.js';
import { median } from './measure.js';
import { listMainThreadTasks, startTrace, type TraceEvent } from '../helpers/chromium-trace.js';
import { buildHarness } from '../helpers/c-build.js';
import { spawnUntilReady } from '../helpers/ready-harness.js';

const MAPPINGS = 20_000;
const TICK_MS = 1000;
/** Idle time on the page before the first hover (BENCH_HOVER_IDLE_MS): the mappings read and drawn, the chart ready. */
const IDLE_MS = Number(process.env['BENCH_HOVER_IDLE_MS'] ?? 5000);
/** V8 flags for the page (BENCH_HOVER_JS_FLAGS, e.g. --no-flush-bytecode: does a first hover after a long idle cost more for want of bytecode?). */
const JS_FLAGS = process.env['BENCH_HOVER_JS_FLAGS'];
/** How long each hover lasts: the enter, then a pointer move every MOVE_GAP_MS along the panel. */
const HOVER_MS = 800;
const MOVE_GAP_MS = 100;
/** The gap after the pointer leaves, before the next hover. */
const AWAY_MS = 1200;
/** The hovers, in order: the first of each panel, then later ones. */
const HOVERS = ['res-chart', 'res-chart', 'res-chart', 'res-chart', 'res-chart', 'virt-chart', 'virt-chart', 'virt-chart', 'res-chart', 'res-chart'] as const;
const HOVER_MARK = 'memscope-bench-hover';
/** Set when the mappings table is shown. */
const SHOWN_MARK = 'memscope-bench-shown';

/** One hover's cost on the renderer main thread. */
interface HoverCost {
  panel: string;
  /** The longest task's wall and CPU ms. */
  maxTaskMs: number;
  maxTaskCpuMs: number;
  /** CPU ms of every task from the enter to the leave. */
  cpuMs: number;
  /** Long tasks (> 50 ms) the page reported in the hover. */
  longTasks: number[];
}

/** Each hover's tasks: those that end after its mark and start before its leave (the mark's time + HOVER_MS). */
function sumHoverCosts(events: readonly TraceEvent[], longTasks: readonly { startMs: number; ms: number }[], hoverStartsMs: readonly number[]): HoverCost[] {
  const marks = events.filter((e) => e.name === HOVER_MARK).map((e) => e.ts).sort((a, b) => a - b);
  const tasks = listMainThreadTasks(events);
  return marks.map((fromUs, i) => {
    const toUs = fromUs + HOVER_MS * 1000;
    const inHover = tasks.filter((t) => t.ts + (t.dur ?? 0) > fromUs && t.ts < toUs);
    const fromMs = hoverStartsMs[i] ?? Infinity;
    return {
      panel: HOVERS[i] ?? '?',
      maxTaskMs: Math.max(0, ...inHover.map((t) => (t.dur ?? 0) / 1000)),
      maxTaskCpuMs: Math.max(0, ...inHover.map((t) => (t.tdur ?? 0) / 1000)),
      cpuMs: inHover.reduce((ms, t) => ms + (t.tdur ?? 0) / 1000, 0),
      longTasks: longTasks.filter((l) => l.startMs + l.ms > fromMs && l.startMs < fromMs + HOVER_MS).map((l) => l.ms),
    };
  });
}

/** Moves the pointer into the panel, along it for HOVER_MS, and away; the mark is set just before the enter. */
async function hover(page: Page, panel: string): Promise<number> {
  const box = await page.locator(`[data-testid="${panel}"]`).boundingBox();
  if (box === null) throw new Error(`no ${panel}`);
  const y = box.y + box.height / 2;
  const startMs = (await page.evaluate(`(performance.mark('${HOVER_MARK}'), performance.now())`)) as number;
  const moves = HOVER_MS / MOVE_GAP_MS;
  for (let i = 0; i < moves; i++) {
    await page.mouse.move(box.x + box.width * (0.3 + (0.6 * i) / moves), y);
    await page.waitForTimeout(MOVE_GAP_MS);
  }
  await page.mouse.move(box.x + box.width / 2, box.y + box.height + 400);
  await page.waitForTimeout(AWAY_MS);
  return startMs;
}

/** "first x, later p50 y (min–max)" of one measure over a panel's hovers. */
function describe(costs: readonly HoverCost[], of: (c: HoverCost) => number): string {
  const [first, ...later] = costs.map(of);
  return `first ${first?.toFixed(1)}, later p50 ${median(later).toFixed(1)} (${Math.min(...later).toFixed(1)}–${Math.max(...later).toFixed(1)})`;
}

/** The longest main-thread tasks (wall and CPU ms) from the mark named from to the first hover's mark. */
function describeIdleTasks(events: readonly TraceEvent[], from: string): string {
  const fromUs = events.find((e) => e.name === from)?.ts ?? Infinity;
  const toUs = Math.min(...events.filter((e) => e.name === HOVER_MARK).map((e) => e.ts));
  const tasks = listMainThreadTasks(events).filter((t) => t.ts >= fromUs && t.ts < toUs);
  const top = [...tasks].sort((a, b) => (b.tdur ?? 0) - (a.tdur ?? 0)).slice(0, 5);
  const cpuMs = tasks.reduce((ms, t) => ms + (t.tdur ?? 0) / 1000, 0);
  return `CPU ${cpuMs.toFixed(0)} ms; the longest tasks by CPU (CPU/wall ms): ${top.map((t) => `${((t.tdur ?? 0) / 1000).toFixed(1)}/${((t.dur ?? 0) / 1000).toFixed(1)}`).join(', ')}`;
}

/** Opens the page traced, waits IDLE_MS once its mappings are shown, hovers, and prints the idle time and each panel's first and later hovers. */
async function measurePage(page: Page, url: string): Promise<void> {
  const stopTrace = await startTrace(await page.context().newCDPSession(page), 'devtools.timeline,disabled-by-default-devtools.timeline,blink.user_timing');
  await page.goto(url);
  await page.locator('[data-testid="mappings-table"]').waitFor({ timeout: 120_000 });
  const shownMs = (await page.evaluate(`(performance.mark('${SHOWN_MARK}'), performance.now())`)) as number;
  await page.waitForTimeout(IDLE_MS);
  const startsMs: number[] = [];
  for (const panel of HOVERS) startsMs.push(await hover(page, panel));
  const events = await stopTrace();
  const longTasks = (await page.evaluate('globalThis.__benchLongTasks')) as { startMs: number; ms: number }[];
  const list = (tasks: { ms: number }[]) => tasks.map((l) => l.ms.toFixed(0)).join(', ') || 'none';
  console.log(`  long tasks (ms) before the mappings table was shown: ${list(longTasks.filter((l) => l.startMs < shownMs))}`);
  console.log(`  idle ${IDLE_MS} ms after: long tasks ${list(longTasks.filter((l) => l.startMs >= shownMs && l.startMs < (startsMs[0] ?? Infinity)))}; ${describeIdleTasks(events, SHOWN_MARK)}`);
  const costs = sumHoverCosts(events, longTasks, startsMs);
  for (const panel of ['res-chart', 'virt-chart']) {
    const of = costs.filter((c) => c.panel === panel);
    console.log(`  ${panel} hovers (${of.length}): longest task ms ${describe(of, (c) => c.maxTaskMs)}; its CPU ms ${describe(of, (c) => c.maxTaskCpuMs)}; CPU ms per hover ${describe(of, (c) => c.cpuMs)}`);
  }
  const long = costs.map((c, i) => `${i + 1}:${c.longTasks.map((ms) => ms.toFixed(0)).join('+') || '-'}`).join(' ');
  console.log(`  long tasks (ms) per hover, in order: ${long}; load average ${loadavg()[0]?.toFixed(1)}`);
}

/** Prints the cost of the first and later hovers of the memory chart's two panels on a big process's page. */
export async function benchUiHover(): Promise<void> {
  console.log(`\nUI: hovering the memory chart on the process page of a ${MAPPINGS}-mapping process (many-maps.c), memscope serve -d 1, headless Chromium${JS_FLAGS === undefined ? '' : ` --js-flags=${JS_FLAGS}`}, first hover after ${IDLE_MS} ms idle`);
  const missing = oracleMissing('chromium');
  if (missing !== false) {
    console.log(`skipped: ${missing}`);
    return;
  }
  const { child: subject } = await spawnUntilReady(buildHarness('many-maps.c'), [String(MAPPINGS)]);
  const serve = await startServe(['-d', String(TICK_MS / 1000)]);
  const browser = await launchChromium(JS_FLAGS === undefined ? [] : [`--js-flags=${JS_FLAGS}`]);
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // Every long task from the page's start, with its start on the page's clock.
    await page.addInitScript({
      content: `globalThis.__benchLongTasks = [];
        new PerformanceObserver((l) => { for (const e of l.getEntries()) globalThis.__benchLongTasks.push({ startMs: e.startTime, ms: e.duration }); }).observe({ type: 'longtask' });`,
    });
    await measurePage(page, `${serve.url}#/process/${subject.pid ?? 0}`);
  } finally {
    await browser.close();
    await serve.stop();
    subject.kill();
  }
}
