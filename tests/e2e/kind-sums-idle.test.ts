// The kind sums of a big process's first read (issue 13), in Chromium against a real `memscope serve`: the task that
// first draws the mappings table does not also sum every mapping by kind; the composition and the summary say they are
// summing, then show sums that add up to what `memscope maps --json` says of the same process.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { Mapping } from '../../shared/proc/types.js';
import { launchChromium, startServe, type ServeProcess } from '../helpers/browser.js';
import { buildHarness } from '../helpers/c-build.js';
import { runMemscope } from '../helpers/cli.js';
import { oracleMissing } from '../helpers/oracles.js';
import { spawnUntilReady } from '../helpers/ready-harness.js';

/** Mappings of the subject: above the 1,000 a first read sums at once. */
const PAGES = 5000;

/** Records, at the first DOM change that put the mappings table in, whether the kind sums were still pending. */
const WATCH_FIRST_TABLE = `globalThis.sumsPendingAtTable = null;
new MutationObserver((_, o) => {
  if (document.querySelector('[data-testid="mappings-table"]') === null) return;
  globalThis.sumsPendingAtTable = document.querySelector('[data-testid="kind-sums-pending"]') !== null;
  o.disconnect();
}).observe(document, { childList: true, subtree: true });`;

describe('the kind sums of a first read, in idle time', { skip: oracleMissing('chromium') }, () => {
  let serve: ServeProcess;
  let browser: Browser;
  let subject: ChildProcess;

  before(async () => {
    subject = (await spawnUntilReady(buildHarness('many-maps.c'), [String(PAGES)])).child;
    serve = await startServe(['-d', '1']);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await serve?.stop();
    subject?.kill();
  });

  test('the table shows before the sums, which then add up to memscope maps --json', async (t) => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    t.after(() => page.close());
    await page.addInitScript({ content: WATCH_FIRST_TABLE });
    await page.goto(`${serve.url}#/process/${subject.pid}`);
    await page.locator('[data-testid="mappings-table"]').waitFor({ timeout: 60_000 });
    assert.equal(await page.evaluate('globalThis.sumsPendingAtTable'), true, 'the kind sums were pending when the table first showed');
    await page.locator('[data-testid="kind-summary"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('[data-testid="kind-sums-pending"]').count(), 0, 'no pending line beside the sums');
    await page.locator('[data-testid="composition-bar"]').waitFor();
    // The summary's total line (exact kB in titles) against the CLI's totals of the same process.
    const read = await page.evaluate<{ heads: string[]; totals: string[] }>(`(() => {
      const summary = document.querySelector('[data-testid="kind-summary"]');
      return { heads: [...summary.querySelectorAll('thead th')].map((h) => h.innerText.trim()), totals: [...summary.querySelectorAll('tfoot td')].map((td) => td.getAttribute('title') ?? '') };
    })()`);
    const shownKb = (field: string) => Number((read.totals[read.heads.indexOf(field)] ?? '').replace(/\D/g, ''));
    const r = runMemscope(['maps', String(subject.pid), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const cli = JSON.parse(r.stdout) as { mappings: Mapping[]; totals: Record<string, number> };
    assert.ok(cli.mappings.length > PAGES, `${cli.mappings.length} mappings`);
    assert.equal(shownKb('Size'), cli.totals['Size'], 'Σ Size by kind');
    assert.equal(shownKb('Rss'), cli.totals['Rss'], 'Σ Rss by kind');
  });
});
