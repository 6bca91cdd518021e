// The renderer's entry in Chromium against `memscope serve` (issue 13: a load without V8's code cache evaluated React
// and every module of the app in one long task): React's modules are evaluated first, the app's in a task of their own
// (renderer/main.tsx imports app.tsx apart), both before the app first draws; and the app is drawn all the same. An
// app chunk that cannot be fetched leaves a message, not a blank page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Route } from 'playwright-core';
import { launchChromium, startServe, waitUntilInPage, type ServeProcess } from '../helpers/browser.js';
import { listMainThreadEvents, listMainThreadTasks, startTrace } from '../helpers/chromium-trace.js';
import { oracleMissing } from '../helpers/oracles.js';

/** A user-timing mark at the first DOM change that put something into #root: the app's first commit. */
const MARK_FIRST_COMMIT = `new MutationObserver((_, o) => {
  const root = document.getElementById('root');
  if (root === null || root.childElementCount === 0) return;
  performance.mark('app-first-commit');
  o.disconnect();
}).observe(document, { childList: true, subtree: true });`;

describe('the entry\'s evaluation, in Chromium', { skip: oracleMissing('chromium') }, () => {
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

  test('a first-ever load evaluates the modules in two tasks before the app\'s first commit, then draws the process table', async (t) => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    t.after(() => page.close());
    await page.addInitScript({ content: MARK_FIRST_COMMIT });
    const cdp = await page.context().newCDPSession(page);
    const stop = await startTrace(cdp, 'devtools.timeline,disabled-by-default-devtools.timeline,v8,blink.user_timing');
    await page.goto(serve.url);
    await page.locator('[data-testid="process-table"] .vt-body .vt-row').first().waitFor({ timeout: 30_000 });
    await waitUntilInPage(page, "performance.getEntriesByName('app-first-commit').length === 1");
    const events = await stop();
    const mark = events.find((e) => e.name === 'app-first-commit');
    assert.ok(mark !== undefined, 'the first commit was marked in the trace');
    const main = listMainThreadEvents(events);
    const tasks = listMainThreadTasks(events);
    // Each evaluation of a module graph, by the top-level task it ran in.
    const evaluatedIn = main
      .filter((e) => e.name === 'v8.evaluateModule' && e.ts < mark.ts)
      .map((e) => tasks.findIndex((task) => task.ts <= e.ts && e.ts < task.ts + (task.dur ?? 0)));
    assert.equal(new Set(evaluatedIn).size, 2, `module evaluations before the first commit, by task: ${evaluatedIn.join(' ')}`);
  });

  test('an app chunk that cannot be fetched says so in place of the app', async (t) => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    t.after(() => page.close());
    await page.route(/\/assets\/app-[\w-]{8}\.js$/, (route: Route) => route.fulfill({ status: 404, body: 'gone' }));
    await page.goto(serve.url);
    const failed = page.locator('[data-testid="app-load-failed"]');
    await failed.waitFor({ timeout: 30_000 });
    assert.match(await failed.innerText(), /Could not load the app's code \(.+\): reload the page/);
  });
});
