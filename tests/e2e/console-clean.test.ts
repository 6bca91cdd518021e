// Zero console messages on every page: each view loaded fresh in Chromium against `memscope serve`, with no
// console message of any type (a CSP directive the browser rejects is a warning, a form hint a verbose line), no uncaught exception; every view of a
// pid that does not exist shows its in-page message and logs nothing (the API answers errors as 200 ApiReplies to
// the app, so Chromium has no failed load to report).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { launchChromium, startServe, type ServeProcess } from '../helpers/browser.js';
import { oracleMissing } from '../helpers/oracles.js';
import { startSubject, type Subject } from '../helpers/subject.js';

const skipReason = oracleMissing('chromium');
/** How long a view may keep talking to the host after it showed up: a few ticks and a mappings read. */
const SETTLE_MS = 2500;

/** A pid no process has now (pid_max is at most 4194304). */
function findFreePid(): number {
  for (let pid = 4_194_000; pid > 300_000; pid -= 997) if (!existsSync(`/proc/${pid}`)) return pid;
  throw new Error('no free pid found');
}

describe('no console noise on any page', { skip: skipReason }, () => {
  let serve: ServeProcess;
  let subject: Subject;
  let browser: Browser;
  let page: Page;
  let messages: string[] = [];

  before(async () => {
    subject = await startSubject(16, 8);
    serve = await startServe(['-d', '0.5']);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (m: ConsoleMessage) => {
      messages.push(`${m.type()}: ${m.text()}`); // any type: Chromium's own hints are "verbose" messages
    });
    page.on('pageerror', (err) => messages.push(`uncaught: ${err.message}`));
  });
  after(async () => {
    await browser?.close();
    await serve?.stop();
    await subject?.kill();
  });

  /** Loads the page fresh at hash, waits for selector and a few ticks; returns what the console said. */
  async function visit(hash: string, selector: string): Promise<string[]> {
    messages = [];
    await page.goto('about:blank');
    await page.goto(`${serve.url}${hash}`);
    await page.locator(selector).first().waitFor({ timeout: 15_000 });
    await page.waitForTimeout(SETTLE_MS);
    return messages;
  }

  const views = (pid: number, start: string) => [
    { name: 'process table', hash: '#/', selector: '[data-testid="process-table"]' },
    { name: 'process page', hash: `#/process/${pid}`, selector: '[data-testid="mappings-table"]' },
    { name: 'mapping page', hash: `#/process/${pid}/mapping/${start}`, selector: '[data-testid="smaps-field-Rss"]' },
    { name: 'page map', hash: `#/process/${pid}/mapping/${start}/pages`, selector: '[data-testid^="page-count-"]' },
    { name: 'what-if', hash: `#/process/${pid}/mapping/${start}/what-if`, selector: '[data-testid="what-if-total-pss"]' },
    { name: 'translate', hash: `#/process/${pid}/translate/0x${start}`, selector: 'main' },
    { name: 'cache lab', hash: '#/lab/cache', selector: 'main' },
    { name: 'malloc lab', hash: '#/lab/malloc', selector: 'main' },
    { name: 'compare', hash: '#/compare', selector: 'main' },
    { name: 'snapshot', hash: '#/snapshot', selector: 'main' },
  ];

  test('every view loads with no console message', async () => {
    const noisy: string[] = [];
    for (const view of views(subject.pid, subject.anonStart)) {
      const said = await visit(view.hash, view.selector);
      noisy.push(...said.map((m) => `${view.name}: ${m}`));
    }
    assert.deepEqual(noisy, []);
  });

  test('a pid that does not exist: each view shows its in-page message, and the console says nothing', async () => {
    const pid = findFreePid();
    const address = '7f0000000000';
    const noisy: string[] = [];
    for (const view of [
      { name: 'process page', hash: `#/process/${pid}`, selector: '[data-testid="process-gone"]' },
      { name: 'heap', hash: `#/process/${pid}/heap`, selector: '[data-testid="heap-error"]' },
      { name: 'mapping page', hash: `#/process/${pid}/mapping/${address}`, selector: '[data-testid="error-gone"]' },
      { name: 'translate', hash: `#/process/${pid}/translate/0x${address}`, selector: '[data-testid="translate-error"]' },
    ]) {
      const said = await visit(view.hash, view.selector);
      noisy.push(...said.map((m) => `${view.name}: ${m}`));
    }
    assert.deepEqual(noisy, []);
  });
});
