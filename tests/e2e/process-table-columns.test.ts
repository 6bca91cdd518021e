// The process table's column chooser in Chromium against a real `memscope serve`: a column added costs its
// /proc file from the next tick on and the cost meter names it; PSS comes from smaps_rollup for the rows on
// screen and equals the subject's own; a refused rollup (pid 1) is "—" with the reason; Escape closes the menu.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startServe, type ServeProcess } from '../helpers/browser.js';
import { oracleMissing } from '../helpers/oracles.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { startStaticSubject, type Subject } from '../helpers/subject.js';

const SHOTS = resolve(REPO_ROOT, 'dist/e2e-screenshots');

/** Pss of pid in kB, from its smaps_rollup now. */
function procPssKb(pid: number): number {
  return Number(/\nPss:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1'))?.[1]);
}

/** Why pid 1's rollup is not refused here (nothing to show as "—"), or false when it is. */
function initRollupReadable(): string | false {
  try {
    readFileSync('/proc/1/smaps_rollup');
    return '/proc/1/smaps_rollup is readable on this machine';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EACCES' ? false : (err as Error).message;
  }
}

describe('process table columns in Chromium', { skip: oracleMissing('chromium') }, () => {
  let serve: ServeProcess;
  let subject: Subject;
  let browser: Browser;
  let page: Page;

  const chooser = () => page.locator('[data-testid="process-columns"]');
  const sources = () => page.locator('[data-testid="sampling-sources"]');
  /** Waits until the cost meter's "reads" line matches pattern (a tick or two). */
  async function waitForSources(pattern: RegExp): Promise<void> {
    let text = '';
    for (let i = 0; i < 100 && !pattern.test(text); i++) {
      if (i > 0) await page.waitForTimeout(100);
      text = (await sources().textContent()) ?? '';
    }
    assert.match(text, pattern);
  }
  async function closeChooserByClickingElsewhere(): Promise<void> {
    await page.locator('[data-testid="sampling-cost"]').click();
    assert.equal(await chooser().getAttribute('open'), null);
  }
  async function toggleColumn(title: string): Promise<void> {
    if ((await chooser().getAttribute('open')) === null) await chooser().locator('summary').click();
    await chooser().getByLabel(title, { exact: true }).click();
  }

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    subject = await startStaticSubject(48, 20); // static: its Pss holds still while it idles
    serve = await startServe(['-d', '0.3']);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(serve.url);
    await page.locator('[data-testid="process-table"]').waitFor();
  });
  after(async () => {
    await browser?.close();
    await serve?.stop();
    await subject?.kill();
  });

  test('the default columns read stat+statm; adding SWAP makes the next ticks read status and the meter says so', async () => {
    await waitForSources(/^stat\+statm\+cmdline · [\d.]+ ms CPU \/ tick$/);
    await toggleColumn('SWAP');
    await waitForSources(/^stat\+status\+cmdline · [\d.]+ ms CPU \/ tick$/);
    await toggleColumn('SWAP');
    await waitForSources(/^stat\+statm\+cmdline ·/);
    await closeChooserByClickingElsewhere();
  });

  test('Escape closes the column chooser', async () => {
    await chooser().locator('summary').click();
    assert.notEqual(await chooser().getAttribute('open'), null);
    await page.keyboard.press('Escape');
    assert.equal(await chooser().getAttribute('open'), null);
    await chooser().locator('summary').click();
    await chooser().getByLabel('NLWP', { exact: true }).focus();
    await page.keyboard.press('Escape');
    assert.equal(await chooser().getAttribute('open'), null, 'also with the focus on a checkbox');
  });

  test('PSS for the rows on screen equals the subject smaps_rollup; the meter shows the rollup cost', async () => {
    await toggleColumn('PSS');
    await closeChooserByClickingElsewhere();
    await page.locator('[data-testid="process-filter"]').fill(String(subject.pid));
    const heads = await page.locator('[data-testid="process-table"] [role="columnheader"]').allInnerTexts();
    const pssCol = heads.findIndex((h) => h.replace(/[▲▼]/g, '').trim() === 'PSS');
    assert.ok(pssCol >= 0, `headers: ${heads.join(' | ')}`);
    // "…" until a tick has read the rollup, then "12.1 MiB (12,345 kB)".
    const cell = page.locator(`[data-testid="process-row-${subject.pid}"] [role="gridcell"]`).nth(pssCol).locator('span[title$=" kB)"]');
    await cell.waitFor();
    const shownKb = Number(/\(([\d,]+) kB\)$/.exec((await cell.getAttribute('title')) ?? '')?.[1]?.replaceAll(',', ''));
    const procKb = procPssKb(subject.pid);
    assert.equal(shownKb, procKb);
    assert.ok(procKb >= 20 * 1024);
    assert.match((await page.locator('[data-testid="sampling-rollup"]').textContent()) ?? '', /^\d+ rows? · [\d.]+ of \d+ ms/);
    assert.match((await sources().textContent()) ?? '', /smaps_rollup/);
    const fits = await sources().evaluate((el) => el.scrollWidth <= el.clientWidth);
    assert.ok(fits, 'the list of files wraps, never cut');
    await page.screenshot({ path: join(SHOTS, 'process-table-pss.png') });
  });

  test('a rollup refused even to root (pid 1) shows "—" with the reason, and no error', { skip: initRollupReadable() }, async () => {
    await page.locator('[data-testid="process-filter"]').fill('1');
    await page.getByRole('columnheader', { name: 'PID', exact: true }).click(); // pid 1 first
    const dash = page.locator('[data-testid="process-row-1"] [data-testid="rollup-unreadable"]');
    await dash.waitFor();
    assert.equal(await dash.textContent(), '—');
    assert.match((await dash.getAttribute('title')) ?? '', /permission denied/);
    assert.equal(await page.locator('[data-testid="tick-error"]').count(), 0);
  });

  test('a process page asks for USER and SWAP while open: its header names the user from the ticks', async () => {
    await page.goto(`${serve.url.split('#')[0]}#/process/${subject.pid}`);
    const user = page.locator('[data-testid="process-view"] .facts strong').first();
    const me = userInfo().username; // the subject runs as we do
    let text = '';
    for (let i = 0; i < 50 && text !== me; i++) {
      if (i > 0) await page.waitForTimeout(100);
      text = (await user.textContent()) ?? '';
    }
    assert.equal(text, me);
  });
});
