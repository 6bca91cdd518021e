// The desktop app's renderer path in Debian's Chromium, where Electron's binary cannot run: the real preload
// bundle installs window.memscope, so the real renderer talks through renderer/api/ipc-client.ts. Only
// Electron's IPC and main.ts's handlers are played by the page: each channel is a POST to a real
// `memscope serve` whose {value}/{error} becomes the ApiReply main.ts answers, ticks come over its event stream.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startServe, type ServeProcess } from '../helpers/browser.js';
import { oracleMissing } from '../helpers/oracles.js';
import { REPO_ROOT } from '../helpers/paths.js';

const skipReason = oracleMissing('chromium');
const WAIT_MS = 30_000;

/** The page's stand-in for Electron: runs the preload bundle with a require('electron') backed by the server at base. */
function desktopInitScript(base: string, token: string): string {
  const preloadJs = readFileSync(join(REPO_ROOT, 'dist/electron-preload/preload.cjs'), 'utf8');
  const electron = `{
    contextBridge: { exposeInMainWorld: (key, api) => { window[key] = api; } },
    ipcRenderer: {
      invoke: async (channel, ...args) => {
        const r = await fetch(BASE + '/api/' + channel.slice('memscope:'.length), {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer ' + TOKEN },
          body: JSON.stringify({ args }),
        });
        const body = await r.json();
        return r.ok ? { ok: true, value: body.value } : { ok: false, error: body.error };
      },
      on: (channel, listener) => OPEN(listener),
      removeListener: (channel, listener) => STREAMS.get(listener)?.close(),
      // main.ts narrows the window's ticks to the scope from the next one on, the latest first: as a new event stream does.
      send: (channel, scope) => {
        SCOPE = scope;
        for (const listener of STREAMS.keys()) OPEN(listener);
      },
    },
  }`;
  // Inlined, not eval'd: the app's CSP forbids eval, and init scripts run as written.
  return `(() => {
  const BASE = ${JSON.stringify(base)}, TOKEN = ${JSON.stringify(token)}, STREAMS = new Map();
  let SCOPE = null;
  const OPEN = (listener) => {
    STREAMS.get(listener)?.close();
    const source = new EventSource(BASE + '/api/events?token=' + encodeURIComponent(TOKEN) + (SCOPE === null ? '' : '&pids=' + SCOPE.join(',')));
    source.addEventListener('tick', (e) => listener({}, JSON.parse(e.data)));
    STREAMS.set(listener, source);
  };
  const electron = ${electron};
  const module = { exports: {} };
  (function (require, module, exports) {
${preloadJs}
  })((name) => { if (name !== 'electron') throw new Error('the preload required ' + name); return electron; }, module, module.exports);
})();`;
}

/** A pid that no process has now: a child that has exited and been reaped. */
function exitedPid(): number {
  const r = spawnSync('sh', ['-c', 'echo $$']);
  return Number(r.stdout.toString().trim());
}

describe('the desktop renderer path (preload bundle + ipc-client) in Chromium', { skip: skipReason }, () => {
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;

  before(async () => {
    serve = await startServe(['-d', '0.5']);
    browser = await launchChromium();
    page = await browser.newPage();
    await page.addInitScript({ content: desktopInitScript(serve.base, serve.token) });
  });
  after(async () => {
    await browser?.close();
    await serve?.stop();
  });

  test('values arrive: the process table lists memscope serve, with ticks from onTick', async () => {
    await page.goto(`${serve.base}/#/`);
    const keys = await page.evaluate(() => Object.keys((globalThis as unknown as { memscope: object }).memscope).sort());
    assert.ok(keys.includes('describeSource') && keys.includes('onTick'), keys.join(' '));
    await page.locator(`[data-testid="process-row-${serve.child.pid}"]`).waitFor({ timeout: WAIT_MS });
    await page.locator(`[data-testid="connection-status"][data-status="connected"]`).waitFor({ timeout: WAIT_MS });
  });

  test('errors arrive as ApiErrors with their code: a process that is gone says so', async () => {
    await page.goto(`${serve.base}/#/process/${exitedPid()}`);
    // Shown only for the code 'gone' (an error decoded as anything else is an "error-<code>" banner).
    await page.locator('[data-testid="process-gone"]').waitFor({ timeout: WAIT_MS });
    assert.equal(await page.locator('[data-testid^="error-"]').count(), 0);
  });
});
