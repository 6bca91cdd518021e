// Browser mode's page policy in Debian's Chromium, the browser that enforces it: the CSP parses without
// a complaint, no other origin can frame the app, and a memscope serve on IPv6 loopback is reached as
// localhost (a CSP cannot name [::1], and the host menu says so).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startServe, type ServeProcess } from '../helpers/browser.js';
import { oracleMissing } from '../helpers/oracles.js';

const skipReason = oracleMissing('chromium');
const WAIT_MS = 30_000;

/** Waits until the title bar says the active host is connected. */
function waitConnected(page: Page): Promise<void> {
  return page.locator('[data-testid="connection-status"][data-status="connected"]').waitFor({ timeout: WAIT_MS });
}

/** Opens the host menu and submits the "add a remote host" form. */
async function addHostInUi(page: Page, label: string, url: string): Promise<void> {
  const menu = page.locator('[data-testid="host-picker"]');
  if (!(await menu.evaluate((d) => (d as unknown as { open: boolean }).open))) await menu.locator('> summary').click();
  await page.locator('[data-testid="add-host-label"]').fill(label);
  await page.locator('[data-testid="add-host-url"]').fill(url);
  await page.locator('[data-testid="add-host-token"]').fill('');
  await page.locator('[data-testid="add-host-submit"]').click();
}

describe('browser mode in Chromium: CSP, framing, IPv6 loopback', { skip: skipReason }, () => {
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

  test('the app loads with no Content-Security-Policy complaint in the console', async () => {
    const page = await browser.newPage();
    const messages: string[] = [];
    page.on('console', (m) => messages.push(m.text()));
    try {
      await page.goto(serve.url);
      await waitConnected(page);
      assert.deepEqual(messages.filter((t) => /Content.Security.Policy/i.test(t)), []);
    } finally {
      await page.close();
    }
  });

  test('a page of another origin cannot frame the app (frame-ancestors as a header)', async () => {
    // The framing page: another loopback origin, as a local web page or a rebinding attacker would be.
    const framer: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><iframe id="app" src="${serve.url}" width="800" height="600"></iframe>`);
    });
    framer.listen(0, '127.0.0.1');
    await once(framer, 'listening');
    const page = await browser.newPage();
    try {
      // Chromium says "Framing '…' violates … frame-ancestors 'none'" (older ones "Refused to frame/display …").
      const refused = page.waitForEvent('console', { predicate: (m) => /^(Framing|Refused to (frame|display)) .*(frame-ancestors|X-Frame-Options)/.test(m.text()), timeout: WAIT_MS });
      await page.goto(`http://localhost:${(framer.address() as AddressInfo).port}/`);
      await refused;
      const frame = page.frames().find((f) => f !== page.mainFrame());
      assert.ok(frame !== undefined);
      // The console speaks as the navigation is refused; the frame commits its error page a moment later.
      for (const deadline = Date.now() + WAIT_MS; !frame.url().startsWith('chrome-error:') && Date.now() < deadline; ) await sleep(50);
      assert.match(frame.url(), /^chrome-error:/, 'the frame holds an error page');
      assert.equal(await frame.locator('#root').count(), 0, 'nothing of the app rendered in the frame');
    } finally {
      await page.close();
      framer.close();
    }
  });

  test('a memscope serve on ::1 is added as http://localhost:PORT and connects; [::1] is refused with that hint', async () => {
    const v6 = await startServe(['--host', '::1', '-d', '0.5']);
    const page = await browser.newPage();
    try {
      const port = new URL(v6.base).port;
      assert.equal(v6.base, `http://[::1]:${port}`);
      await page.goto(serve.url);
      await waitConnected(page);

      await addHostInUi(page, 'v6 literal', `http://[::1]:${port}/?token=${v6.token}`);
      const error = page.locator('[data-testid="add-host-error"]');
      await error.waitFor();
      assert.match((await error.textContent()) ?? '', new RegExp(`cannot name \\[::1\\].*http://localhost:${port}`));

      await addHostInUi(page, 'v6 via localhost', `http://localhost:${port}/?token=${v6.token}`);
      await page.locator('[data-testid="host-label"]').waitFor({ timeout: WAIT_MS });
      await waitConnected(page);
      assert.equal(await page.locator('[data-testid="host-label"]').textContent(), 'v6 via localhost');
      await page.locator(`[data-testid="source-host"]:text-is("${hostname()}")`).waitFor({ timeout: WAIT_MS });
    } finally {
      await page.close();
      await v6.stop();
    }
  });
});
