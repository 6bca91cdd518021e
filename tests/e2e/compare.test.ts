// Compare inside the app, without files, in Chromium against `memscope serve`: a snapshot taken and held in the
// session, the subject's anonymous region grown downward (region-subject.c: mmap below it, merged by the kernel),
// then "compare with now" from the process page and from the snapshot page. The region is "grown" with its delta,
// never new + gone; the totals are in one unit (kB); no console error on the way. Screenshots in dist/e2e-screenshots/.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildHarness } from '../helpers/c-build.js';
import { launchChromium, startServe, type ServeProcess } from '../helpers/browser.js';
import { oracleMissing } from '../helpers/oracles.js';
import { REPO_ROOT } from '../helpers/paths.js';

const SHOTS = resolve(REPO_ROOT, 'dist/e2e-screenshots');
const skipReason = oracleMissing('chromium');

/** Moves the app to a route in the same page (a load would start a new session: held snapshots live in the page). */
async function setHash(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = h;
  }, hash);
}

describe('compare in the app without files', { skip: skipReason }, () => {
  let serve: ServeProcess;
  let subject: ChildProcess;
  let say: (line: string) => Promise<string[]>;
  let browser: Browser;
  let page: Page;
  let regionEnd = '';
  let regionStart = '';
  const consoleErrors: string[] = [];

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    subject = spawn(buildHarness('region-subject.c'), ['8', '48'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: subject.stdout! })[Symbol.asyncIterator]();
    say = async (line: string) => {
      if (line !== '') subject.stdin!.write(`${line}\n`);
      const r = await lines.next();
      assert.ok(r.done !== true, 'region-subject exited');
      return r.value.split(' ');
    };
    const ready = await say('');
    assert.equal(ready[0], 'ready');
    regionStart = ready[1] ?? '';
    regionEnd = ready[2] ?? '';
    serve = await startServe(['-d', '0.5']);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
  });
  after(async () => {
    await browser?.close();
    await serve?.stop();
    subject?.kill('SIGKILL');
  });

  /** The compare page's row of the region that ends at regionEnd, once it is shown. */
  async function regionRow(start: string) {
    const row = page.locator(`[data-testid="diff-row-${start}"]`);
    await row.waitFor();
    return row;
  }

  test('take a snapshot, grow the region downward, "Compare … with now": one grown region with its delta', async () => {
    await page.goto(`${serve.url.split('#')[0]}#/process/${subject.pid}`);
    await page.locator('[data-testid="take-snapshot"]').click();
    await page.locator('[data-testid="compare-with-held"]').waitFor();
    assert.match((await page.locator('[data-testid="take-snapshot"]').textContent()) ?? '', /1 held/);

    const [ok, newStart] = await say('grow 16');
    assert.equal(ok, 'ok');
    await page.locator('[data-testid="compare-with-held"]').click();
    await page.waitForURL(/#\/compare$/);
    const row = await regionRow(newStart ?? '');
    const text = (await row.textContent()) ?? '';
    assert.match(text, /grown/);
    assert.match(text, /\+16,384 kB/, 'Δ Size: the 16 MiB mapped below');
    assert.ok(text.includes(`${newStart}-${regionEnd}`), text);
    // Nothing new or gone where the region was: the old start is not a row of its own.
    assert.equal(await page.locator(`[data-testid="diff-row-${regionStart}"]`).count(), 0);

    // Totals: every amount in kB, none in MiB next to a delta in kB.
    const cells = await page.locator('[data-testid="compare-totals"] tbody td.num').allTextContents();
    assert.ok(cells.length >= 12);
    for (const c of cells) assert.match(c, /^(–|[+-]?[\d,]+ kB)$/, `one unit: ${c}`);
    await page.screenshot({ path: join(SHOTS, 'compare-01-grown-down.png'), fullPage: true });
  });

  test('the held snapshots are offered as either side', async () => {
    const options = await page.locator('[data-testid="compare-held-a"] option').allTextContents();
    assert.equal(options.length, 3, `choose…, then the two taken: ${options.join(' | ')}`);
    assert.ok(options.slice(1).every((o) => o.startsWith(`pid ${subject.pid} (`)));
  });

  test('from the snapshot page: "Compare with now" after the region grew again', async () => {
    // Export a snapshot (it is also shown offline and held), open the snapshot page, grow, compare. Hash
    // changes, not page.goto: a load would start a new session (the held snapshots are in the page's memory).
    await setHash(page, `#/process/${subject.pid}`);
    const exportButton = page.locator('[data-testid="export-snapshot"]');
    await exportButton.click();
    await page.locator('[data-testid="export-snapshot"]:not([disabled])').waitFor();
    await setHash(page, '#/snapshot');
    await page.locator('[data-testid="snapshot-read-times"]').waitFor();
    const [ok, newStart] = await say('grow 8');
    assert.equal(ok, 'ok');
    await page.locator('[data-testid="compare-with-now"]').click();
    await page.waitForURL(/#\/compare$/);
    const text = (await (await regionRow(newStart ?? '')).textContent()) ?? '';
    assert.match(text, /grown/);
    assert.match(text, /\+8,192 kB/);
    await page.screenshot({ path: join(SHOTS, 'compare-02-with-now.png'), fullPage: true });
  });

  test('no console error on the way', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
