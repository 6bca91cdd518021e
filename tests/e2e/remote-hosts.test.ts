// Remote hosts end to end in Debian's Chromium: two real `memscope serve`s, the "local" one serving the
// app and a "remote" one in its own UTS + PID namespaces (own hostname, own /proc), added in the UI by
// URL + token, through a tunnel (as over `ssh -L`). Its processes, title, snapshots, a lost and regained
// connection, a refused token.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { validateSnapshot } from '../../shared/snapshot/validate.js';
import { launchChromium, startServe, type ServeProcess } from '../helpers/browser.js';
import { oracleMissing } from '../helpers/oracles.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { REMOTE_SUBJECT_ARGS, remoteServeUnavailable, startRemoteServe, type RemoteServe } from '../helpers/remote-serve.js';
import { openTcpTunnel, type TcpTunnel } from '../helpers/tcp-tunnel.js';

const SHOTS = resolve(REPO_ROOT, 'dist/e2e-screenshots/remote-hosts');
const REMOTE_HOSTNAME = 'memscope-remote-e2e';
const REMOTE_LABEL = 'db-1 via tunnel';
/** Bound on waits for the UI to reach a state (reconnects wait out EventSource's 2 s retry). */
const WAIT_MS = 30_000;

const skipReason = oracleMissing('chromium') || remoteServeUnavailable();

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Waits until the title bar's connection state is `status`. */
async function waitForStatus(page: Page, status: string): Promise<void> {
  await page.locator(`[data-testid="connection-status"][data-status="${status}"]`).waitFor({ timeout: WAIT_MS });
}

/** Filters the process table (the "/" shortcut), so a row is rendered even in a long virtualised table. */
async function filterTable(page: Page, text: string): Promise<void> {
  await page.locator('[data-testid="process-table"]').waitFor({ timeout: WAIT_MS });
  await page.keyboard.press('/');
  await page.keyboard.type(text);
}

/** Opens the title bar's host menu (unless it is open). */
async function openHostMenu(page: Page): Promise<void> {
  const menu = page.locator('[data-testid="host-picker"]');
  if (!(await menu.evaluate((d) => (d as unknown as { open: boolean }).open))) await menu.locator('> summary').click();
}

/** Opens the host menu and submits the "add a remote host" form (the app then reloads onto it). */
async function addHostInUi(page: Page, label: string, url: string, token = ''): Promise<void> {
  await openHostMenu(page);
  await page.locator('[data-testid="add-host-label"]').fill(label);
  await page.locator('[data-testid="add-host-url"]').fill(url);
  await page.locator('[data-testid="add-host-token"]').fill(token);
  await page.locator('[data-testid="add-host-submit"]').click();
}

describe('remote hosts in Chromium: a local and a namespaced "remote" memscope serve', { skip: skipReason }, () => {
  const tokenDir = mkdtempSync(join(tmpdir(), 'memscope-remote-e2e-'));
  const tokenFile = join(tokenDir, 'token');
  let local: ServeProcess;
  let remote: RemoteServe;
  /** The port the UI dials for the remote; it stays while the remote restarts on a new port behind it. */
  let tunnel: TcpTunnel;
  let browser: Browser;
  let page: Page;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    writeFileSync(tokenFile, `${randomBytes(16).toString('base64url')}\n`, { mode: 0o600 });
    local = await startServe(['-d', '0.5']);
    remote = await startRemoteServe({ hostname: REMOTE_HOSTNAME, tokenFile });
    tunnel = await openTcpTunnel(remote.port);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  });
  after(async () => {
    await browser?.close();
    await tunnel?.close();
    await remote?.stop();
    await local?.stop();
    rmSync(tokenDir, { recursive: true, force: true });
  });

  test('the local UI names its own host; a non-loopback URL is refused with the SSH-tunnel hint', async () => {
    assert.notEqual(hostname(), REMOTE_HOSTNAME);
    await page.goto(local.url);
    await page.locator('[data-testid="process-table"]').waitFor();
    await waitForStatus(page, 'connected');
    // describeSource answers on its own, possibly after the first tick set the status.
    await page.locator(`[data-testid="source-host"]:text-is("${hostname()}")`).waitFor({ timeout: WAIT_MS });
    // Its table lists this machine's processes, e.g. the local server itself.
    await filterTable(page, String(local.child.pid));
    await page.locator(`[data-testid="process-row-${local.child.pid}"]`).waitFor();

    await addHostInUi(page, 'far away', 'http://10.1.2.3:7878', 'whatever-token');
    const error = page.locator('[data-testid="add-host-error"]');
    await error.waitFor();
    assert.match((await error.textContent()) ?? '', /loopback.*ssh -L 7879:127\.0\.0\.1:7878/);
    await shot(page, '01-add-host-refused');
  });

  test("adds the remote by its URL and shows the remote's processes, host and label", async () => {
    await addHostInUi(page, REMOTE_LABEL, `http://127.0.0.1:${tunnel.port}/?token=${remote.token}`);
    await page.locator('[data-testid="host-label"]').waitFor();
    await waitForStatus(page, 'connected');
    assert.equal(await page.locator('[data-testid="host-label"]').textContent(), REMOTE_LABEL);
    await page.locator(`[data-testid="source-host"]:text-is("${REMOTE_HOSTNAME}")`).waitFor({ timeout: WAIT_MS });
    assert.equal(await page.title(), `memscope — ${REMOTE_LABEL} (${REMOTE_HOSTNAME})`);

    // The subject, at its pid inside the remote's PID namespace, with its command line.
    const row = page.locator(`[data-testid="process-row-${remote.subjectPid}"]`);
    await row.waitFor({ timeout: WAIT_MS });
    assert.match((await row.textContent()) ?? '', new RegExp(REMOTE_SUBJECT_ARGS.join(' ')));
    // Only the remote's processes: its namespace holds serve (pid 1) and the subject, not the local server.
    assert.equal(await page.locator(`[data-testid="process-row-${local.child.pid}"]`).count(), 0);
    const shown = await page.locator('[data-testid^="process-row-"]').count();
    assert.ok(shown <= 8, `${shown} rows: the remote namespace holds serve, the subject and their short-lived helpers, not this machine's processes`);
    await shot(page, '02-remote-table');
  });

  test('a snapshot exported from the remote records the remote host', async () => {
    await page.goto(`${local.base}/#/process/${remote.subjectPid}`);
    await page.locator('[data-testid="process-view"]').waitFor({ timeout: WAIT_MS });
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="export-snapshot"]').click()]);
    const path = join(SHOTS, download.suggestedFilename());
    await download.saveAs(path);
    const snapshot = validateSnapshot(JSON.parse(readFileSync(path, 'utf8')));
    assert.equal(snapshot.host.hostname, REMOTE_HOSTNAME);
    assert.equal(snapshot.process.pid, remote.subjectPid);
    assert.deepEqual(snapshot.process.cmdline, REMOTE_SUBJECT_ARGS);
    await shot(page, '03-remote-process');
  });

  test('a stopped remote shows the lost connection, and the UI reconnects when it is back behind the same port', async () => {
    await page.goto(`${local.base}/#/`);
    await waitForStatus(page, 'connected');
    await remote.stop();
    await waitForStatus(page, 'reconnecting');
    const banner = page.locator('[data-testid="disconnected"]');
    await banner.waitFor();
    assert.match((await banner.textContent()) ?? '', new RegExp(`Lost the connection to ${REMOTE_LABEL}`));
    await shot(page, '04-remote-lost');

    // A new port (binding the old one again could fail: another process may have taken it meanwhile).
    remote = await startRemoteServe({ hostname: REMOTE_HOSTNAME, tokenFile });
    tunnel.retarget(remote.port);
    await waitForStatus(page, 'connected');
    await banner.waitFor({ state: 'detached' });
    await page.locator(`[data-testid="process-row-${remote.subjectPid}"]`).waitFor({ timeout: WAIT_MS });
    await shot(page, '05-remote-back');
  });

  test('a wrong token shows "token refused"; a new token in the host menu fixes it', async () => {
    await addHostInUi(page, 'wrong token', `http://localhost:${tunnel.port}`, 'not-the-token');
    await waitForStatus(page, 'token-refused');
    await page.locator('[data-testid="token-refused"]').waitFor();
    assert.equal(await page.locator('[data-testid="connection-status"]').textContent(), 'token refused');
    await openHostMenu(page);
    await shot(page, '06-token-refused');

    const activeRow = page.locator('[data-testid="host-row"][data-active="true"]');
    await activeRow.locator('input[type="password"]').fill(remote.token);
    await activeRow.getByRole('button', { name: 'Set token' }).click();
    await waitForStatus(page, 'connected');
    await page.locator(`[data-testid="process-row-${remote.subjectPid}"]`).waitFor({ timeout: WAIT_MS });
  });

  test('switching back to the local host shows its processes again', async () => {
    await openHostMenu(page);
    await page.locator('[data-testid="host-open-local"]').click();
    await waitForStatus(page, 'connected');
    await page.locator(`[data-testid="source-host"]:text-is("${hostname()}")`).waitFor({ timeout: WAIT_MS });
    await filterTable(page, String(local.child.pid));
    await page.locator(`[data-testid="process-row-${local.child.pid}"]`).waitFor({ timeout: WAIT_MS });
    assert.equal(await page.locator('[data-testid="host-label"]').count(), 0);
  });
});
