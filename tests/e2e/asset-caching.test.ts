// Reloads of the app in one tab of Chromium against `memscope serve` (issue 13: every load fetched the whole bundle
// again, and Chromium kept no code cache for it): the content-hashed scripts and style sheet come from the browser's
// cache, not the server, while index.html is asked for again; and at the third load V8 compiles the entry chunk from
// its code cache (Chromium makes a script's code cache at its second load and uses it from the third). Served with
// no cache headers, nothing was kept: the same checks failed on the old server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { launchChromium, startServe, type ServeProcess } from '../helpers/browser.js';
import { startTrace, type TraceEvent } from '../helpers/chromium-trace.js';
import { oracleMissing } from '../helpers/oracles.js';

/** One response of a load: its URL's path, and whether a cache answered it instead of the server. */
interface Answer {
  path: string;
  fromCache: boolean;
}

/** The responses of the next load in the page of cdp, as Chromium's network domain reports them. */
function recordAnswers(cdp: CDPSession): { answers: Answer[]; stop: () => void } {
  const answers: Answer[] = [];
  const servedFromCache = new Set<string>();
  // Blink's memory cache says so in requestServedFromCache; the HTTP cache in the response's fromDiskCache.
  const onServed = ({ requestId }: { requestId: string }) => servedFromCache.add(requestId);
  const onResponse = ({ requestId, response }: { requestId: string; response: { url: string; fromDiskCache?: boolean } }) => {
    answers.push({ path: new URL(response.url).pathname, fromCache: response.fromDiskCache === true || servedFromCache.has(requestId) });
  };
  cdp.on('Network.requestServedFromCache', onServed);
  cdp.on('Network.responseReceived', onResponse);
  return {
    answers,
    stop: () => {
      cdp.off('Network.requestServedFromCache', onServed);
      cdp.off('Network.responseReceived', onResponse);
    },
  };
}

describe('the app\'s files on a reload, in Chromium', { skip: oracleMissing('chromium') }, () => {
  let serve: ServeProcess;
  let browser: Browser;

  before(async () => {
    serve = await startServe(['-d', '0.5']);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
  });

  /** Loads the app (first: goto, then reload) until the process table shows; the answers and, when traced, V8's events. */
  async function load(page: Page, cdp: CDPSession, first: boolean, traced: boolean): Promise<{ answers: Answer[]; v8: TraceEvent[] }> {
    const { answers, stop } = recordAnswers(cdp);
    const stopTrace = traced ? await startTrace(cdp, 'v8') : null;
    try {
      if (first) await page.goto(serve.url);
      else await page.reload();
      await page.locator('[data-testid="process-table"]').waitFor({ timeout: 30_000 });
      // The lazily loaded chunks a page asks for in idle time are not waited for: the ones the table needed are in.
      return { answers: [...answers], v8: stopTrace === null ? [] : await stopTrace() };
    } finally {
      stop();
    }
  }

  test('a reload takes the hashed assets from the cache and index.html from the server; the third load uses V8\'s code cache', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    try {
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      const firstLoad = await load(page, cdp, true, false);
      const assets = (answers: Answer[]) => answers.filter((a) => a.path.startsWith('/assets/'));
      assert.ok(assets(firstLoad.answers).some((a) => a.path.endsWith('.js')), `the first load fetched scripts: ${firstLoad.answers.map((a) => a.path).join(' ')}`);
      assert.deepEqual(assets(firstLoad.answers).filter((a) => a.fromCache), [], 'a first-ever load has nothing cached');

      // What a load had received by the time the table showed (chunks asked for in idle time may come later).
      const received = new Set(assets(firstLoad.answers).map((a) => a.path));
      for (const nth of [2, 3]) {
        const { answers, v8 } = await load(page, cdp, false, nth === 3);
        const again = assets(answers).filter((a) => received.has(a.path));
        assert.ok(again.some((a) => a.path.endsWith('.js')), `load ${nth} asked for scripts of the load before: ${answers.map((a) => a.path).join(' ')}`);
        assert.deepEqual(again.filter((a) => !a.fromCache).map((a) => a.path), [], `load ${nth}: assets fetched from the server again`);
        for (const a of assets(answers)) received.add(a.path);
        const index = answers.find((a) => a.path === '/');
        assert.equal(index?.fromCache, false, `load ${nth}: index.html comes from the server (never stored)`);
        if (nth !== 3) continue;
        // V8's compile of each module script says how many bytes of code cache it started from.
        const compiles = v8.filter((e) => e.name === 'v8.compileModule' && (e.args?.data?.url ?? '').includes('/assets/'));
        const data = (e: TraceEvent) => e.args?.data as { url: string; consumedCacheSize?: number } | undefined;
        const cold = compiles.filter((e) => (data(e)?.consumedCacheSize ?? 0) === 0).map((e) => data(e)?.url);
        assert.ok(compiles.length > 0, 'the third load compiled module scripts');
        const entry = compiles.find((e) => /\/assets\/index-[\w-]{8}\.js$/.test(data(e)?.url ?? ''));
        assert.ok(entry !== undefined && (data(entry)?.consumedCacheSize ?? 0) > 0, `the entry chunk started from its code cache; compiled cold: ${cold.join(' ')}`);
      }
    } finally {
      await context.close();
    }
  });
});
