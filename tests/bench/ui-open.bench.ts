// Opening the process page of a big process (issue 13: no long task > 50 ms while the page is open), against a real
// `memscope serve -d 1` in headless Chromium, the 20,000-mapping subject (tests/harness/many-maps.c). Two ways in,
// alternated: from the process table (the bundle already running, as a user usually comes) and straight to
// #/process/PID (the bundle's evaluation included). Nothing is sent over CDP while the page opens (no trace, no
// locator polling): the page records its own long tasks and when the mappings table entered the DOM.
import { loadavg } from 'node:os';
import type { Browser } from 'playwright-core';
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

/** Opens pid's page once, from the process table or straight, and reads what the page recorded. */
async function open(browser: Browser, url: string, pid: number, fromTable: boolean): Promise<OpenCost> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    await page.addInitScript({ content: WATCH });
    let fromMs = 0;
    if (fromTable) {
      await page.goto(url);
      await page.locator('[data-testid="process-table"]').waitFor();
      await page.waitForTimeout(SETTLE_MS);
      fromMs = (await page.evaluate(`(location.hash = '#/process/${pid}', performance.now())`)) as number;
    } else await page.goto(`${url}#/process/${pid}`);
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
  } finally {
    await page.close();
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
    const ways = { 'from the process table': [] as OpenCost[], 'straight to #/process/PID': [] as OpenCost[] };
    for (let i = 0; i < ROUNDS; i++) {
      ways['from the process table'].push(await open(browser, serve.url, subject.pid ?? 0, true));
      ways['straight to #/process/PID'].push(await open(browser, serve.url, subject.pid ?? 0, false));
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
