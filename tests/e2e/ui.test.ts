// The React UI end to end in Debian's Chromium (playwright-core) against `memscope serve`: a subject
// process with known memory is found, opened, charted, drilled into (Rss compared with /proc's),
// exported, re-opened offline. Screenshots go to dist/e2e-screenshots/ for a reviewer to look at.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { validateSnapshot } from '../../shared/snapshot/validate.js';
import { startServe, type ServeProcess } from '../helpers/browser.js';
import { oracleMissing, requireOracle } from '../helpers/oracles.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { readSmapsReference } from '../helpers/proc-reference.js';
import { startSubject, type Subject } from '../helpers/subject.js';

const SHOTS = resolve(REPO_ROOT, 'dist/e2e-screenshots');
const skipReason = oracleMissing('chromium');
/** How long the chart may take to gain three samples at 0.5 s ticks. */
const GAIN_PATIENCE_MS = 30_000;

/** The Rss /proc shows now for the mapping starting at start. */
function procRssKb(pid: number, start: string): number {
  const m = readSmapsReference(readFileSync(`/proc/${pid}/smaps`, 'utf8')).find((x) => x.start === start);
  assert.ok(m !== undefined, `no mapping at ${start} in /proc/${pid}/smaps`);
  return m.fields.Rss as number;
}

/** The [heap] start of pid, or null when it has none. */
function heapStart(pid: number): string | null {
  return readSmapsReference(readFileSync(`/proc/${pid}/maps`, 'utf8')).find((m) => m.path === '[heap]')?.start ?? null;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** The Rss the drill-down page shows (its raw kB number). */
async function shownRssKb(page: Page): Promise<number> {
  const cell = page.locator('[data-testid="smaps-field-Rss"] td.value');
  await cell.waitFor();
  return Number(await cell.getAttribute('data-value'));
}

describe('UI in Chromium against memscope serve', { skip: skipReason }, () => {
  let serve: ServeProcess;
  let subject: Subject;
  let helper: ChildProcess | null = null;
  let browser: Browser;
  let page: Page;
  let snapshotPath = '';

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    subject = await startSubject(64, 24);
    serve = await startServe(['-d', '0.5']);
    browser = await chromium.launch({
      executablePath: requireOracle('chromium'),
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  });
  after(async () => {
    await browser?.close();
    await serve?.stop();
    helper?.kill('SIGKILL');
    await subject?.kill();
  });

  test('the API refuses a request without the token (401)', async () => {
    const origin = new URL(serve.url).origin;
    const r = await fetch(`${origin}/api/listProcesses`, { method: 'POST', body: '{"args":[]}' });
    assert.equal(r.status, 401);
  });

  test('finds the subject in the process table and opens it with the keyboard', async () => {
    await page.goto(serve.url);
    await page.locator('[data-testid="process-table"]').waitFor();
    await page.keyboard.press('/');
    await page.keyboard.type(String(subject.pid));
    const row = page.locator(`[data-testid="process-row-${subject.pid}"]`);
    await row.waitFor();
    await shot(page, '01-process-table');
    await row.click({ position: { x: 20, y: 10 } }); // on the PID cell: the COMMAND cell holds a link
    await page.locator('[data-testid="process-table"]').press('Enter');
    await page.waitForURL(new RegExp(`#/process/${subject.pid}$`));
    await page.locator('[data-testid="process-view"]').waitFor();
  });

  test('the RES/VIRT chart gains points while watched', async () => {
    const chart = page.locator('[data-testid="res-virt-chart"]');
    await chart.waitFor();
    await page.locator('[data-testid="res-chart"] svg.recharts-surface').waitFor();
    const before = Number(await chart.getAttribute('data-sample-count'));
    // Three more ticks (1.5 s at 0.5 s ticks), polled: on a loaded machine a tick can take longer than its interval.
    let afterCount = before;
    for (const deadline = Date.now() + GAIN_PATIENCE_MS; afterCount < before + 3 && Date.now() < deadline; ) {
      await page.waitForTimeout(250);
      afterCount = Number(await chart.getAttribute('data-sample-count'));
    }
    assert.ok(afterCount >= before + 3, `chart went from ${before} to ${afterCount} samples in ${GAIN_PATIENCE_MS / 1000} s at 0.5 s ticks`);
    await page.locator('[data-testid="mappings-table"]').waitFor();
    await shot(page, '02-process-view');
  });

  test("an anonymous mapping's Rss equals /proc's", async () => {
    await page.locator('[data-testid="mapping-filter"]').fill(subject.anonStart);
    const row = page.locator(`[data-testid="mapping-row-${subject.anonStart}"]`);
    await row.waitFor();
    await row.dblclick();
    await page.waitForURL(new RegExp(`#/process/${subject.pid}/mapping/${subject.anonStart}$`));
    await page.locator('[data-testid="mapping-detail"]').waitFor();
    assert.equal(await shownRssKb(page), procRssKb(subject.pid, subject.anonStart));
    assert.equal(await shownRssKb(page), 24 * 1024, 'the subject touched 24 MiB of it');
    await shot(page, '03-anon-mapping');
    await page.keyboard.press('Escape');
    await page.waitForURL(new RegExp(`#/process/${subject.pid}$`));
  });

  test("a heap's Rss equals /proc's", async () => {
    // subject-memory.c allocates nothing (static stdio buffers), so it may have no [heap]; then an
    // idle `sleep` (whose locale setup mallocs) stands in.
    let pid = subject.pid;
    let start = heapStart(pid);
    if (start === null) {
      helper = spawn('sleep', ['600'], { stdio: 'ignore' });
      pid = helper.pid ?? 0;
      for (let i = 0; i < 50 && start === null; i++) {
        await new Promise((r) => setTimeout(r, 20));
        start = heapStart(pid);
      }
    }
    assert.ok(start !== null, 'no process with a [heap] to open');
    await page.goto(`${serve.url.split('#')[0]}#/process/${pid}/mapping/${start}`);
    await page.locator('[data-testid="mapping-detail"]').waitFor();
    assert.equal(await shownRssKb(page), procRssKb(pid, start));
    await shot(page, '04-heap-mapping');
  });

  test('exports a valid snapshot and re-opens it offline', async () => {
    await page.goto(`${serve.url.split('#')[0]}#/process/${subject.pid}`);
    await page.locator('[data-testid="process-view"]').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="export-snapshot"]').click()]);
    assert.match(download.suggestedFilename(), new RegExp(`^memscope-${subject.pid}-\\d{8}-\\d{6}\\.json$`));
    snapshotPath = join(SHOTS, download.suggestedFilename());
    await download.saveAs(snapshotPath);
    const snapshot = validateSnapshot(JSON.parse(readFileSync(snapshotPath, 'utf8')));
    assert.equal(snapshot.process.pid, subject.pid);
    assert.ok(snapshot.mappings.some((m) => m.start === subject.anonStart));

    await page.goto(`${serve.url.split('#')[0]}#/`);
    await page.locator('[data-testid="import-snapshot"]').setInputFiles(snapshotPath);
    await page.waitForURL(/#\/snapshot$/);
    await page.locator('[data-testid="snapshot-banner"]').waitFor();
    assert.equal(await page.locator('[data-testid="process-view"]').getAttribute('data-pid'), String(subject.pid));
    await page.locator(`[data-testid="mapping-row-${subject.anonStart}"]`).waitFor();
    await shot(page, '05-snapshot-offline');
  });

  test('a bad snapshot file is explained in place', async () => {
    await page.locator('[data-testid="import-snapshot"]').setInputFiles(resolve(REPO_ROOT, 'tests/fixtures/snapshots/truncated.json'));
    const banner = page.locator('[data-testid="snapshot-error"]');
    await banner.waitFor();
    assert.match((await banner.textContent()) ?? '', /truncated/);
    await shot(page, '06-bad-snapshot');
  });
});
