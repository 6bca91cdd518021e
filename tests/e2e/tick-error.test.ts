// A tick that reads nothing, seen in Chromium: while `memscope serve` has no fd to spare (its limit
// lowered under it), the sampling panel says why and the process table keeps the last rows; once the
// limit is back, the next tick clears the message.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { setSoftFdLimit, startUnderFdLimit, type LimitedServer } from '../helpers/fd-limit.js';
import { oracleMissing } from '../helpers/oracles.js';

const FD_LIMIT = 400;
const skipReason = oracleMissing('chromium');

describe('UI: a failed tick', { skip: skipReason }, () => {
  let serve: LimitedServer;
  let browser: Browser;
  let page: Page;
  before(async () => {
    serve = await startUnderFdLimit(FD_LIMIT, ['serve', '--port', '0', '-d', '0.2']);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });
  after(async () => {
    await browser?.close();
    // A server that died is a failure of its own (its stderr says why); restore only a live one's limit.
    if (serve !== undefined && serve.child.exitCode === null && serve.child.signalCode === null) setSoftFdLimit(serve.pid, FD_LIMIT);
    const code = await serve?.stop();
    assert.equal(code, 0, serve?.stderr());
  });

  test('shows the error in the sampling panel, keeps the table, and clears it when ticks read again', async () => {
    const consoleLines: string[] = [];
    page.on('console', (m) => consoleLines.push(m.text()));
    page.on('requestfailed', (r) => consoleLines.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
    await page.goto(serve.url);
    await page.locator('[data-testid="process-table"]').waitFor();
    await page.keyboard.press('/');
    await page.keyboard.type(String(serve.pid));
    const ownRow = page.locator(`[data-testid="process-row-${serve.pid}"]`);
    await ownRow.waitFor();

    // With no fd to spare the server cannot accept a connection either (the page then says "connection lost"),
    // so the page's connections are opened now, while it can: Chromium's six per host, kept alive by the server
    // for 5 s, more than the banner takes to come.
    await page.evaluate(`Promise.all(Array.from({ length: 6 }, () => fetch('/', { cache: 'no-store' }).then((r) => r.text())))`);
    setSoftFdLimit(serve.pid, 3); // fds 0-2 are taken: nothing can be opened
    const banner = page.locator('[data-testid="tick-error"]');
    await banner.waitFor().catch(async (err: unknown) => {
      const text = await page.evaluate<string>('document.body.innerText.slice(0, 1500)');
      throw new Error(`${String(err)}\npage console: ${consoleLines.join(' | ')}\npage text: ${text}\nserve stderr: ${serve.stderr()}`);
    });
    // A tick already running when the limit drops still reads some processes ("3 of 83 processes not
    // fully read"), the next ones read nothing; which of them the page polls first is timing. Both name the cause.
    assert.match((await banner.textContent()) ?? '', /(read nothing|not fully read).*EMFILE/);
    assert.ok(await ownRow.isVisible(), 'the table keeps the last rows');

    setSoftFdLimit(serve.pid, FD_LIMIT);
    await banner.waitFor({ state: 'detached' });
    assert.ok(await ownRow.isVisible());
    // Host memory, if the shortage also kept it from being read, is read again once fds are back.
    await page.locator('[data-testid="system-summary"]').waitFor();
    assert.equal(serve.child.exitCode, null, serve.stderr());
  });
});
