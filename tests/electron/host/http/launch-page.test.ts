// `serve --open` and `memscope start`'s browser fallback, with a fake xdg-open on PATH (a real script
// recording its own /proc/self/cmdline, i.e. what `ps -eo args` shows any user): no token on any
// command line; what it was given, opened in Chromium, reaches the app authenticated, and the token then
// sits in sessionStorage, not in the address bar. The launch page is private and goes when serve exits.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchChromium, startServe, type ServeProcess } from '../../../helpers/browser.js';
import { oracleMissing } from '../../../helpers/oracles.js';

const chromiumMissing = oracleMissing('chromium');

/** A fake xdg-open that writes the argv it was run with (NUL-separated, as /proc has it) to $MEMSCOPE_XDG_LOG. */
const FAKE_XDG_OPEN = `#!/bin/sh
cat /proc/$$/cmdline > "$MEMSCOPE_XDG_LOG.part" && mv "$MEMSCOPE_XDG_LOG.part" "$MEMSCOPE_XDG_LOG"
`;

describe('serve --open hands the token over without a command line', () => {
  const root = mkdtempSync(join(tmpdir(), 'memscope-open-test-'));
  const binDir = join(root, 'bin');
  const runtimeDir = join(root, 'run');
  let browser: Browser | undefined;

  before(async () => {
    mkdirSync(binDir);
    mkdirSync(runtimeDir, { mode: 0o700 });
    writeFileSync(join(binDir, 'xdg-open'), FAKE_XDG_OPEN);
    chmodSync(join(binDir, 'xdg-open'), 0o755);
    if (chromiumMissing === false) browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** Runs `memscope COMMAND --port 0 [--open]` with the fake xdg-open; resolves with serve and xdg-open's argv. */
  async function openWith(command: 'serve' | 'start', name: string): Promise<{ serve: ServeProcess; argv: string[] }> {
    const log = join(root, `${name}.argv`);
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${binDir}:${process.env['PATH'] ?? ''}`, XDG_RUNTIME_DIR: runtimeDir, MEMSCOPE_XDG_LOG: log };
    delete env['DISPLAY'];
    delete env['WAYLAND_DISPLAY']; // `start` then falls back to browser mode at once
    const serve = await startServe(command === 'serve' ? ['--open'] : [], { command, env, captureStderr: true });
    for (let i = 0; i < 100 && !existsSync(log); i++) await sleep(50);
    assert.ok(existsSync(log), 'xdg-open was run');
    return { serve, argv: readFileSync(log, 'utf8').split('\0').filter((a) => a !== '') };
  }

  /** Checks xdg-open's argv: no token, one private launch page under $XDG_RUNTIME_DIR; returns its path. */
  function checkLaunchArgv(serve: ServeProcess, argv: string[]): string {
    assert.ok(argv.length >= 2, argv.join(' '));
    for (const arg of argv) {
      assert.ok(!arg.includes(serve.token), `the token is on xdg-open's command line: ${arg}`);
      assert.doesNotMatch(arg, /token=/);
    }
    const page = argv.at(-1) ?? '';
    assert.equal(dirname(dirname(page)), runtimeDir, `${page} is in a directory of its own under $XDG_RUNTIME_DIR`);
    assert.equal(statSync(page).mode & 0o777, 0o600, 'the page is 0600');
    assert.equal(statSync(dirname(page)).mode & 0o777, 0o700, 'its directory is 0700');
    // serve's own command line holds no token either.
    const serveArgv = readFileSync(`/proc/${serve.child.pid}/cmdline`, 'utf8');
    assert.ok(!serveArgv.includes(serve.token));
    return page;
  }

  test('serve --open: xdg-open gets a 0600 page, no token; the page leads Chromium into the app, the token ends in sessionStorage', async () => {
    const { serve, argv } = await openWith('serve', 'serve');
    const page = checkLaunchArgv(serve, argv);
    try {
      if (browser !== undefined) {
        const tab = await browser.newPage();
        try {
          await tab.goto(pathToFileURL(page).href);
          await tab.waitForURL(`${serve.base}/**`);
          await tab.locator('[data-testid="connection-status"][data-status="connected"]').waitFor({ timeout: 30_000 });
          // The host's name arrives with describeSource, after the first tick ('…' until then): waited for, exactly.
          await tab.locator(`[data-testid="source-host"]:text-is("${hostname()}")`).waitFor({ timeout: 30_000 });
          const href = await tab.evaluate<string>('location.href');
          assert.ok(!href.includes(serve.token) && !href.includes('token='), `address bar: ${href}`);
          assert.equal(await tab.evaluate<string | null>("sessionStorage.getItem('memscope-token')"), serve.token);
          // A reload keeps working from sessionStorage.
          await tab.reload();
          await tab.locator('[data-testid="connection-status"][data-status="connected"]').waitFor({ timeout: 30_000 });
        } finally {
          await tab.close();
        }
      }
    } finally {
      await serve.stop();
    }
    assert.ok(!existsSync(page) && !existsSync(dirname(page)), 'the launch page is removed when serve exits');
  });

  test('the URL serve prints still works, and the token leaves the address bar once the app has it', { skip: chromiumMissing }, async () => {
    const serve = await startServe();
    const tab = await browser?.newPage();
    assert.ok(tab !== undefined);
    try {
      await tab.goto(`${serve.url}#/lab/cache`);
      await tab.locator('[data-testid="connection-status"][data-status="connected"]').waitFor({ timeout: 30_000 });
      assert.equal(await tab.evaluate<string>('location.href'), `${serve.base}/#/lab/cache`, 'query dropped, route kept');
    } finally {
      await tab.close();
      await serve.stop();
    }
  });

  test("memscope start without a display falls back to browser mode and opens it the same way", async () => {
    const { serve, argv } = await openWith('start', 'start');
    try {
      checkLaunchArgv(serve, argv);
    } finally {
      await serve.stop();
    }
    assert.match(serve.stderr(), /no display .*starting browser mode instead/);
  });
});
