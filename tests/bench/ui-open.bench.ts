// Opening the process page of a big process (issue 13: no long task > 50 ms while the page is open), against a real
// `memscope serve -d 1` in headless Chromium, the 20,000-mapping subject (tests/harness/many-maps.c). The ways in,
// alternated: from the process table (the bundle already running, as a user usually comes), and straight to
// #/process/PID (the bundle's evaluation included) in a fresh browser profile, then reloaded in its tab, then opened in
// a new tab of the same profile. A first-ever load has no cache; a reload in the same tab finds V8's own compiled
// modules in its renderer, whatever the server says; a new tab (a bookmark, a new window) has only what the server let
// the browser keep: the scripts in the HTTP cache and, from a script's third load, V8's code cache beside them. Nothing
// is sent over CDP while the page opens (no trace, no locator polling): the page records its own long tasks and when
// the mappings table entered the DOM.
import { loadavg } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startServe } from '../helpers/browser.js';
import { oracleMissing } from '../helpers/oracles.js';
import { median } from './measure.js';
import { buildHarness } from '../helpers/c-build.js';
import { spawnUntilReady } from '../helpers/ready-harness.js';

const MAPPINGS = 20_000;
/** Opens of each way, alternated (BENCH_OPEN_ROUNDS). */
const ROUNDS = Number(process.env['BENCH_OPEN_ROUNDS'] ?? 3);
/** How long the page is watched after the table is shown (the re-read at the next poll falls in it). */
const AFTER_MS = 3000;
/** The process table is left to settle this long before going to the process (its own first ticks done). */
const SETTLE_MS = 2500;

/** The page's long tasks and when the mappings table first entered the DOM, both on the page's clock. */
const WATCH = `globalThis.__openLongTasks = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) globalThis.__openLongTasks.push({ startMs: e.startTime, ms: e.duration }); }).observe({ type: 'longtask' });
  globalThis.__openShownMs = null;
  new MutationObserver(() => { if (globalThis.__openShownMs === null && document.querySelector('[data-testid="mappings-table"]') !== null) globalThis.__openShownMs = performance.now(); })
    .observe(document, { childList: true, subtree: true });`;

interface OpenCost {
  /** From the navigation to the table in the DOM. */
  shownMs: number;
  /** Long tasks (ms) from the navigation to the table shown, and in AFTER_MS after. */
  before: number[];
  after: number[];
}

/** How the page is opened: from the process table, straight to #/process/PID, by reloading it there, or in a new tab. */
type Way = 'from the table' | 'straight' | 'reload' | 'new tab';

/** Opens pid's page once in page, the way given, and reads what the page recorded. */
async function open(page: Page, url: string, pid: number, way: Way): Promise<OpenCost> {
  let fromMs = 0;
  if (way === 'from the table') {
    await page.goto(url);
    await page.locator('[data-testid="process-table"]').waitFor();
    await page.waitForTimeout(SETTLE_MS);
    fromMs = (await page.evaluate(`(location.hash = '#/process/${pid}', performance.now())`)) as number;
  } else if (way === 'reload') await page.reload();
  else await page.goto(`${url}#/process/${pid}`);
  // Asks the page only every AFTER_MS whether the table is shown, then waits until AFTER_MS have passed since.
  let shownMs: number | null = null;
  for (let waitedMs = 0; shownMs === null; waitedMs += AFTER_MS) {
    if (waitedMs > 120_000) throw new Error('the mappings table never showed');
    await page.waitForTimeout(AFTER_MS);
    shownMs = (await page.evaluate('globalThis.__openShownMs')) as number | null;
  }
  const nowMs = (await page.evaluate('performance.now()')) as number;
  if (nowMs < shownMs + AFTER_MS) await page.waitForTimeout(shownMs + AFTER_MS - nowMs);
  const longTasks = (await page.evaluate('globalThis.__openLongTasks')) as { startMs: number; ms: number }[];
  const shown = shownMs;
  return {
    shownMs: shown - fromMs,
    before: longTasks.filter((l) => l.startMs >= fromMs && l.startMs < shown).map((l) => l.ms),
    after: longTasks.filter((l) => l.startMs >= shown && l.startMs < shown + AFTER_MS).map((l) => l.ms),
  };
}

/** Runs each of ways in order in one fresh browser profile (context), a new tab for 'new tab': what each open cost. */
async function openInFreshProfile(browser: Browser, url: string, pid: number, ways: readonly Way[]): Promise<OpenCost[]> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    await context.addInitScript({ content: WATCH });
    let page = await context.newPage();
    const costs: OpenCost[] = [];
    for (const way of ways) {
      if (way === 'new tab') page = await context.newPage();
      costs.push(await open(page, url, pid, way));
    }
    return costs;
  } finally {
    await context.close();
  }
}

/** Prints each way's opens: time to the table, and the long tasks before and after it showed. */
export async function benchUiOpen(): Promise<void> {
  console.log(`\nUI: opening the process page of a ${MAPPINGS}-mapping process (many-maps.c), memscope serve -d 1, headless Chromium, ${ROUNDS} opens each way alternated`);
  const missing = oracleMissing('chromium');
  if (missing !== false) {
    console.log(`skipped: ${missing}`);
    return;
  }
  const { child: subject } = await spawnUntilReady(buildHarness('many-maps.c'), [String(MAPPINGS)]);
  const serve = await startServe(['-d', '1']);
  const browser = await launchChromium();
  try {
    const ways = {
      'from the process table': [] as OpenCost[],
      'straight to #/process/PID, first-ever load (no cache)': [] as OpenCost[],
      'reloaded in its tab (V8 keeps the modules it compiled)': [] as OpenCost[],
      'then in a new tab of the profile (only what the browser cached)': [] as OpenCost[],
    };
    const pid = subject.pid ?? 0;
    for (let i = 0; i < ROUNDS; i++) {
      ways['from the process table'].push(...(await openInFreshProfile(browser, serve.url, pid, ['from the table'])));
      const [first, reload, newTab] = await openInFreshProfile(browser, serve.url, pid, ['straight', 'reload', 'new tab']);
      if (first === undefined || reload === undefined || newTab === undefined) throw new Error('three opens, three costs');
      ways['straight to #/process/PID, first-ever load (no cache)'].push(first);
      ways['reloaded in its tab (V8 keeps the modules it compiled)'].push(reload);
      ways['then in a new tab of the profile (only what the browser cached)'].push(newTab);
    }
    const list = (ms: number[]) => ms.map((x) => x.toFixed(0)).join('+') || '-';
    for (const [way, costs] of Object.entries(ways)) {
      console.log(`  ${way}: table shown after p50 ${median(costs.map((c) => c.shownMs)).toFixed(0)} ms; long tasks (ms) before it, per open: ${costs.map((c) => list(c.before)).join(', ')}; in the ${AFTER_MS} ms after: ${costs.map((c) => list(c.after)).join(', ')}`);
    }
    console.log(`  load average ${loadavg()[0]?.toFixed(1)}`);
  } finally {
    await browser.close();
    await serve.stop();
    subject.kill();
  }
}
