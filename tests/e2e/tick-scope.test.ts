// The tick stream narrowed to what a page shows (issue 13), in Chromium against a real `memscope serve`: the process
// page gets its process's row alone, the table every row again, and neither misses its rows across the switch.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startServe, waitUntilInPage, type ServeProcess } from '../helpers/browser.js';
import { oracleMissing } from '../helpers/oracles.js';
import { startSubject, type Subject } from '../helpers/subject.js';

const skipReason = oracleMissing('chromium');

/** Records, in the page, every event stream opened and every tick it brought (its scope and pids). */
const RECORD_STREAMS = `(() => {
  window.__streams = { opened: [], ticks: [] };
  const Native = window.EventSource;
  window.EventSource = function (url) {
    window.__streams.opened.push(new URL(url, location.href).searchParams.get('pids'));
    const source = new Native(url);
    source.addEventListener('tick', (e) => {
      const tick = JSON.parse(e.data);
      window.__streams.ticks.push({ scope: tick.scope ?? null, pids: tick.rows.map((r) => r.pid) });
    });
    return source;
  };
})()`;

interface Recorded {
  opened: (string | null)[];
  ticks: { scope: number[] | null; pids: number[] }[];
}

describe('the tick stream follows the page (Chromium)', { skip: skipReason }, () => {
  let serve: ServeProcess;
  let subject: Subject;
  let browser: Browser;
  let page: Page;
  const recorded = () => page.evaluate<Recorded>('window.__streams');

  before(async () => {
    subject = await startSubject(8, 4);
    serve = await startServe(['-d', '0.2']);
    browser = await launchChromium();
    page = await browser.newPage();
    await page.addInitScript(RECORD_STREAMS);
  });
  after(async () => {
    await browser?.close();
    await serve?.stop();
    await subject?.kill();
  });

  test('the table gets every row; the process page its own row alone; back on the table, every row again', async () => {
    await page.goto(`${serve.url}#/`);
    await waitUntilInPage(page, 'window.__streams.ticks.length >= 2');
    const onTable = await recorded();
    assert.deepEqual(onTable.opened, [null], 'the table names no scope');
    assert.ok(onTable.ticks.every((t) => t.scope === null && t.pids.length > 2 && t.pids.includes(subject.pid)), 'every row');

    await page.evaluate(`location.hash = '#/process/${subject.pid}'`);
    await waitUntilInPage(page, `window.__streams.opened.length === 2 && window.__streams.ticks.filter((t) => t.scope !== null).length >= 3`);
    await page.locator('[data-testid="metric-RES"]').waitFor({ timeout: 30_000 });
    const onPage = await recorded();
    assert.equal(onPage.opened[1], String(subject.pid), 'a stream in the page’s scope');
    const narrowed = onPage.ticks.filter((t) => t.scope !== null);
    assert.ok(narrowed.every((t) => t.scope?.join() === String(subject.pid) && t.pids.join() === String(subject.pid)), JSON.stringify(narrowed.slice(0, 3)));
    assert.ok(Number(await page.locator('[data-testid="metric-RES"]').getAttribute('data-kb')) > 0, "the header shows the row's RES");

    const before = (await recorded()).ticks.length;
    await page.evaluate(`location.hash = '#/'`);
    await waitUntilInPage(page, `window.__streams.ticks.length >= ${before + 3}`);
    const back = await recorded();
    assert.deepEqual(back.opened, [null, String(subject.pid), null]);
    assert.ok(back.ticks.slice(-2).every((t) => t.scope === null && t.pids.includes(subject.pid) && t.pids.length > 2), 'every row again');
    // Filtered to its pid: the table is sorted by RES and virtualised, and on a busy machine the subject's row is below the fold.
    await page.locator('[data-testid="process-filter"]').fill(String(subject.pid));
    await page.getByText(String(subject.pid), { exact: true }).first().waitFor({ timeout: 30_000 });
  });
});
