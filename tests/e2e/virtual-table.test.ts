// The virtual table (renderer/components/virtual-table.tsx) in Chromium against a real `memscope serve`, on its
// process table and on the serve process's own mappings table: mounting one forces no synchronous layout (issue 13:
// reading the scroller's height right after React's commit laid the whole page out inside the commit's task, 10-30 ms
// on a 20,000-mapping process page), and its rows still fill what is on screen: at the first paint (drawn from a
// guess of its height), after the window grows, and where a restored scroll position puts them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startTrace } from '../helpers/chromium-trace.js';
import { FORCED_LAYOUT_CATEGORIES, listForcedLayouts } from '../helpers/forced-layouts.js';
import { launchChromium, startServe, waitUntilInPage, type ServeProcess } from '../helpers/browser.js';
import { oracleMissing } from '../helpers/oracles.js';

const skipReason = oracleMissing('chromium');
const PROCESS_TABLE = '[data-testid="process-table"]';
const MAPPINGS_TABLE = '[data-testid="mappings-table"]';
/**
 * Where the process table is scrolled before leaving it (at most: less when the machine runs fewer processes; the
 * pages that scroll it are 600 px high, so a few dozen processes do).
 */
const SCROLL_TOP_PX = 1200;

/**
 * In the page: `__vtMeasure(selector)` gives what a table shows: the tops of the rows in its DOM, its row count, the
 * height of its body on screen (its own, less the header and footer) and its scroll position. `__vtFirst[testId]`
 * holds that for each table at its first commit with rows (a MutationObserver's callback runs right after the commit,
 * before the frame that paints it).
 */
const IN_PAGE = `(() => {
  window.__vtMeasure = (selector) => {
    const t = document.querySelector(selector);
    if (t === null) return null;
    return {
      tops: [...t.querySelectorAll('.vt-body > .vt-row')].map((r) => Number(/translateY\\((\\d+)px\\)/.exec(r.style.transform)?.[1])),
      rowCount: Number(t.dataset.rowCount),
      bodyPx: t.clientHeight - t.querySelector('.vt-header').offsetHeight - (t.querySelector('.vt-footer')?.offsetHeight ?? 0),
      scrollTop: t.scrollTop,
    };
  };
  window.__vtFirst = {};
  new MutationObserver(() => {
    for (const id of ['process-table', 'mappings-table']) {
      const t = document.querySelector('[data-testid="' + id + '"]');
      if (window.__vtFirst[id] !== undefined || t === null || t.dataset.rowCount === '0') continue;
      window.__vtFirst[id] = window.__vtMeasure('[data-testid="' + id + '"]');
    }
  }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-row-count'] });
})()`;

/** What __vtMeasure gives. */
interface Shown {
  tops: number[];
  rowCount: number;
  bodyPx: number;
  scrollTop: number;
}

const ROW_PX = 24;

/** Whether the rows in the DOM cover the body on screen at scrollTop: [scrollTop, scrollTop + bodyPx), clipped to the rows. */
function covers(shown: Shown, scrollTop = shown.scrollTop): boolean {
  if (shown.rowCount === 0) return true;
  const to = Math.min(shown.rowCount * ROW_PX, scrollTop + shown.bodyPx);
  return shown.tops.length > 0 && Math.min(...shown.tops) <= scrollTop && Math.max(...shown.tops) + ROW_PX >= to;
}

async function measure(page: Page, selector: string): Promise<Shown> {
  return (await page.evaluate(`window.__vtMeasure('${selector}')`)) as Shown;
}

/** Scrolls the process table to at most SCROLL_TOP_PX and returns where it stopped (> 0: the machine runs enough processes). */
async function scrollProcessTable(page: Page): Promise<number> {
  await page.locator(`${PROCESS_TABLE} .vt-body .vt-row`).first().waitFor();
  const top = await page.locator(PROCESS_TABLE).evaluate((t, px) => {
    t.scrollTop = px;
    return t.scrollTop;
  }, SCROLL_TOP_PX);
  assert.ok(top > 0, 'the process table does not scroll: too few processes');
  // The scroll event stores the position (the table's onScrollTopChange).
  await page.waitForTimeout(300);
  return top;
}

describe('virtual table in Chromium', { skip: skipReason }, () => {
  let serve: ServeProcess;
  let browser: Browser;
  let mappingsHash: string;

  before(async () => {
    serve = await startServe(['-d', '1']);
    browser = await launchChromium();
    mappingsHash = `#/process/${serve.child.pid}`;
  });
  after(async () => {
    await browser?.close();
    await serve?.stop();
  });

  test('opening a process page and going back to the process table forces no layout from the tables', async (t) => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 600 } });
    t.after(() => page.close());
    await page.goto(serve.url);
    await scrollProcessTable(page);
    const cdp = await page.context().newCDPSession(page);
    const stop = await startTrace(cdp, FORCED_LAYOUT_CATEGORIES);
    await page.evaluate(`location.hash = '${mappingsHash}'`);
    await page.locator(`${MAPPINGS_TABLE} .vt-body .vt-row`).first().waitFor();
    await page.waitForTimeout(500);
    await page.evaluate(`location.hash = '#/'`);
    await page.locator(`${PROCESS_TABLE} .vt-body .vt-row`).first().waitFor();
    await page.waitForTimeout(500);
    const forced = listForcedLayouts(await stop());
    const fromTable = forced.filter((f) => f.sources.some((s) => s.includes('renderer/components/virtual-table.tsx:')));
    assert.deepEqual(
      fromTable.map((f) => `${f.name} ${f.ms.toFixed(1)} ms from ${f.sources.find((s) => s.includes('virtual-table.tsx'))}`),
      [],
      'a layout forced from virtual-table.tsx',
    );
  });

  test('the first commit of each table already has rows covering its body on screen', async (t) => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    t.after(() => page.close());
    await page.addInitScript({ content: IN_PAGE });
    await page.goto(`${serve.url.split('#')[0]}${mappingsHash}`);
    await page.locator(`${MAPPINGS_TABLE} .vt-body .vt-row`).first().waitFor();
    await page.evaluate(`location.hash = '#/'`);
    await page.locator(`${PROCESS_TABLE} .vt-body .vt-row`).first().waitFor();
    const first = (await page.evaluate('window.__vtFirst')) as Record<string, Shown>;
    for (const id of ['mappings-table', 'process-table']) {
      const shown = first[id];
      assert.ok(shown !== undefined, `${id} never had rows`);
      assert.ok(shown.bodyPx > 0 && covers(shown), `${id} at its first commit: ${JSON.stringify(shown)}`);
    }
    // Taller than what a guess of 600 px would fill: the guess follows the window.
    assert.ok((first['process-table']?.bodyPx ?? 0) > 600 + 8 * ROW_PX, JSON.stringify(first['process-table']));
  });

  test('after the window grows the rows fill the taller table', async (t) => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 500 } });
    t.after(() => page.close());
    await page.addInitScript({ content: IN_PAGE });
    await page.goto(serve.url);
    await page.locator(`${PROCESS_TABLE} .vt-body .vt-row`).first().waitFor();
    const small = await measure(page, PROCESS_TABLE);
    await page.setViewportSize({ width: 1400, height: 1600 });
    await waitUntilInPage(page, `window.__vtMeasure('${PROCESS_TABLE}').bodyPx > ${small.bodyPx + 800}`);
    // The rows follow the observer's report (a render later, not at once).
    await waitUntilInPage(page, `window.__vtMeasure('${PROCESS_TABLE}').tops.length * ${ROW_PX} >= window.__vtMeasure('${PROCESS_TABLE}').bodyPx`, 5000);
    const big = await measure(page, PROCESS_TABLE);
    assert.ok(covers(big) && big.tops.length > small.tops.length, JSON.stringify({ small, big }));
  });

  test('back on the process table, its scroll position is restored and its rows are drawn there', async (t) => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 600 } });
    t.after(() => page.close());
    await page.addInitScript({ content: IN_PAGE });
    await page.goto(serve.url);
    const top = await scrollProcessTable(page);
    await page.evaluate(`location.hash = '${mappingsHash}'`);
    await page.locator(`${MAPPINGS_TABLE} .vt-body .vt-row`).first().waitFor();
    await page.evaluate(`(window.__vtFirst = {}, location.hash = '#/')`);
    await page.locator(`${PROCESS_TABLE} .vt-body .vt-row`).first().waitFor();
    // The rows of the first commit are those at the restored position, and two frames on the table is scrolled there.
    const first = ((await page.evaluate('window.__vtFirst')) as Record<string, Shown>)['process-table'];
    assert.ok(first !== undefined && covers(first, top), JSON.stringify({ top, first }));
    const later = (await page.evaluate(`new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(window.__vtMeasure('${PROCESS_TABLE}')))))`)) as Shown;
    assert.equal(later.scrollTop, top, JSON.stringify(later));
    assert.ok(covers(later), JSON.stringify(later));
  });
});
