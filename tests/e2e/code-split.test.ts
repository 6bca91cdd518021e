// The app's code in chunks (issue 13: a straight load evaluated one bundle of every view, the labs and recharts, in one
// long task): in Chromium against `memscope serve`, a straight load of a process page draws the page before it asks
// for any view's chunk or recharts', recharts comes in idle time after (the chart's warm-up) and the tooltip works;
// each view deep-linked loads its own chunk and renders; a view's chunk on its way shows a loading line, one that
// cannot be fetched an error in place of the view (the app around it goes on); recharts that cannot be fetched leaves
// the charts without recharts, saying so.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page, Route } from 'playwright-core';
import { launchChromium, startServe, waitUntilInPage, type ServeProcess } from '../helpers/browser.js';
import { oracleMissing } from '../helpers/oracles.js';
import { startSubject, type Subject } from '../helpers/subject.js';

/** The chunks a first load must not ask for: each lazily loaded view's, and recharts'. */
const VIEW_CHUNKS = ['allocator-lab', 'cache-lab', 'compare-view', 'heap-view', 'mapping-page', 'page-map-view', 'snapshot-page', 'translate-view', 'what-if'];
const RECHARTS_CHUNK = 'recharts';

/** Whether a script URL is the chunk named name (vite names it NAME-HASH.js). */
function isChunk(url: string, name: string): boolean {
  return new RegExp(`/assets/${name}-[\\w-]{8}\\.js$`).test(url);
}

/** The chunks of names among the script URLs. */
function listChunks(urls: readonly string[], names: readonly string[]): string[] {
  return names.filter((name) => urls.some((u) => isChunk(u, name)));
}

/**
 * Records, from the page's start, the scripts it asked for (resource timing, by the time they came) and, at the
 * first DOM change that put selector in the page, which of them it had asked for by then.
 */
function recordScriptsAt(selector: string): string {
  return `globalThis.scriptsAtShown = null;
    new MutationObserver((_, o) => {
      if (document.querySelector(${JSON.stringify(selector)}) === null) return;
      globalThis.scriptsAtShown = performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.endsWith('.js'));
      o.disconnect();
    }).observe(document, { childList: true, subtree: true });`;
}

describe('the app in chunks, in Chromium', { skip: oracleMissing('chromium') }, () => {
  let serve: ServeProcess;
  let browser: Browser;
  let subject: Subject;
  const origin = () => serve.url;

  before(async () => {
    subject = await startSubject(16, 8);
    serve = await startServe(['-d', '0.5']);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
    await subject?.kill();
  });

  /** A fresh page and every script URL it requests, as requested. */
  async function openPage(): Promise<{ page: Page; scripts: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const scripts: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(r.url());
    });
    return { page, scripts };
  }

  test('a straight load of a process page draws it with no view chunk nor recharts; recharts comes after, in idle time, and the tooltip works', async () => {
    const { page, scripts } = await openPage();
    try {
      await page.addInitScript({ content: recordScriptsAt('[data-testid="res-chart"]') });
      await page.goto(`${origin()}#/process/${subject.pid}`);
      await page.locator('[data-testid="res-chart"]').waitFor({ timeout: 30_000 });
      await waitUntilInPage(page, 'globalThis.scriptsAtShown !== null');
      const atShown = (await page.evaluate('globalThis.scriptsAtShown')) as string[];
      assert.ok(atShown.length > 0, 'the page loaded scripts');
      assert.deepEqual(listChunks(atShown, [...VIEW_CHUNKS, RECHARTS_CHUNK]), [], `scripts by the chart's first render: ${atShown.join(' ')}`);
      // The warm-up asks for recharts once the page is idle, and no view's chunk is asked for at all.
      await waitUntilInPage(page, `performance.getEntriesByType('resource').some((e) => /\\/assets\\/${RECHARTS_CHUNK}-[\\w-]{8}\\.js$/.test(e.name))`);
      await waitUntilInPage(page, `document.querySelector('[data-testid="chart-warm-up"]') === null`);
      assert.deepEqual(listChunks(scripts, VIEW_CHUNKS), []);
      const box = await page.locator('[data-testid="res-chart"]').boundingBox();
      assert.ok(box !== null);
      await page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2);
      await page.locator('[data-testid="res-chart"] .chart-tooltip').waitFor({ timeout: 10_000 });
    } finally {
      await page.close();
    }
  });

  test('every view, deep-linked, loads its own chunk (and no other view’s) and renders', async () => {
    const pid = subject.pid;
    const start = subject.anonStart;
    const views = [
      { hash: '#/lab/cache', chunk: 'cache-lab', selector: '[data-testid="cache-lab"]' },
      { hash: '#/lab/malloc', chunk: 'allocator-lab', selector: '[data-testid="allocator-lab"]' },
      { hash: '#/compare', chunk: 'compare-view', selector: '[data-testid="compare-view"]' },
      { hash: `#/process/${pid}/heap`, chunk: 'heap-view', selector: '[data-testid="heap-view"]' },
      { hash: `#/process/${pid}/mapping/${start}`, chunk: 'mapping-page', selector: '[data-testid="smaps-field-Rss"]' },
      { hash: `#/process/${pid}/mapping/${start}/pages`, chunk: 'page-map-view', selector: '[data-testid^="page-count-"]' },
      { hash: `#/process/${pid}/mapping/${start}/what-if`, chunk: 'what-if', selector: '[data-testid="what-if-total-pss"]' },
      { hash: `#/process/${pid}/translate/0x${start}`, chunk: 'translate-view', selector: '[data-testid="translate-view"]' },
    ];
    for (const view of views) {
      const { page, scripts } = await openPage();
      try {
        await page.goto(`${origin()}${view.hash}`);
        await page.locator(view.selector).first().waitFor({ timeout: 30_000 });
        assert.deepEqual(listChunks(scripts, VIEW_CHUNKS), [view.chunk], `${view.hash}: ${scripts.join(' ')}`);
      } finally {
        await page.close();
      }
    }
  });

  test('while a view’s chunk is on its way the page says it is loading, then shows the view; Escape goes back', async () => {
    const { page } = await openPage();
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    try {
      await page.route(/\/assets\/cache-lab-[\w-]{8}\.js$/, async (route: Route) => {
        await held;
        await route.continue();
      });
      await page.goto(`${origin()}#/`);
      await page.locator('[data-testid="process-table"]').waitFor({ timeout: 30_000 });
      await page.locator('a[href="#/lab/cache"]').click();
      await page.locator('[data-testid="view-loading"]').waitFor({ timeout: 10_000 });
      assert.equal(await page.locator('[data-testid="cache-lab"]').count(), 0);
      release();
      await page.locator('[data-testid="cache-lab"]').first().waitFor({ timeout: 30_000 });
      assert.equal(await page.locator('[data-testid="view-loading"]').count(), 0);
      await page.locator('body').press('Escape');
      await page.locator('[data-testid="process-table"]').waitFor({ timeout: 10_000 });
    } finally {
      release();
      await page.close();
    }
  });

  test('a view whose chunk cannot be fetched shows why in its place; the rest of the app goes on', async () => {
    const { page } = await openPage();
    try {
      await page.route(/\/assets\/allocator-lab-[\w-]{8}\.js$/, (route: Route) => route.fulfill({ status: 404, body: 'gone' }));
      await page.goto(`${origin()}#/lab/malloc`);
      const failed = page.locator('[data-testid="chunk-load-failed"]');
      await failed.waitFor({ timeout: 30_000 });
      assert.match(await failed.innerText(), /Could not load the code of the allocator lab/);
      assert.equal(await page.locator('[data-testid="allocator-lab"]').count(), 0);
      await page.locator('a.brand').click();
      await page.locator('[data-testid="process-table"]').waitFor({ timeout: 30_000 });
    } finally {
      await page.close();
    }
  });

  test('recharts that cannot be fetched: the process page and the table draw their charts without it and say the tooltip is gone', async () => {
    const { page } = await openPage();
    try {
      await page.route(new RegExp(`/assets/${RECHARTS_CHUNK}-[\\w-]{8}\\.js$`), (route: Route) => route.fulfill({ status: 404, body: 'gone' }));
      await page.goto(`${origin()}#/process/${subject.pid}`);
      await page.locator('[data-testid="chart-live-failed"]').waitFor({ timeout: 30_000 });
      assert.equal(await page.locator('[data-testid="view-crashed"], [data-testid="chunk-load-failed"]').count(), 0);
      const box = await page.locator('[data-testid="res-chart"]').boundingBox();
      assert.ok(box !== null);
      await page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2);
      await page.waitForTimeout(500);
      assert.equal(await page.locator('[data-testid="res-chart"] svg.recharts-surface').count(), 1, 'the picture without recharts stays');
      assert.ok((await page.locator('[data-testid="res-chart"] path.chart-line').count()) > 0, 'with its lines');
      assert.equal(await page.locator('[data-testid="mappings-table"]').count(), 1);
      await page.goto(`${origin()}#/`);
      await page.locator('[data-testid="process-table"] >> nth=0').waitFor({ timeout: 30_000 });
      await page.locator('[data-testid="chart-live-failed"]').waitFor({ timeout: 30_000 });
    } finally {
      await page.close();
    }
  });
});
