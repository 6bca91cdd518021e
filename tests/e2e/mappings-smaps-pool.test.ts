// The process page of a many-pages process, in Chromium against a real `memscope serve`: the page holds one smaps
// object per distinct smaps (shared/proc/smaps-pool.ts), not one per mapping (V8's full GC marks and moves every object
// held: with 20,000 mappings, 20,000 smaps and as many VmFlags arrays made it cost 24-34 ms in one tick), and shows
// what `memscope maps --json` of the same idle subject says.
import assert from 'node:assert/strict';
import { type ChildProcess } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { buildHarness } from '../helpers/c-build.js';
import { launchChromium, startServe, waitUntilInPage, type ServeProcess } from '../helpers/browser.js';
import { runMemscope } from '../helpers/cli.js';
import { oracleMissing } from '../helpers/oracles.js';
import { spawnUntilReady } from '../helpers/ready-harness.js';
import type { Mapping } from '../../shared/proc/types.js';

const skipReason = oracleMissing('chromium');
const PAGES = 400;
const TABLE = '[data-testid="mappings-table"]';

/** Counts, in the page's JS heap, the live objects with a KernelPageSize of their own: smaps (a sum never has one). */
const COUNT_SMAPS = `function () {
  let n = 0;
  for (const o of this) if (Object.hasOwn(o, 'KernelPageSize') && Object.hasOwn(o, 'VmFlags')) n++;
  return n;
}`;

describe('the process page of a process of many alike mappings', { skip: skipReason }, () => {
  let serve: ServeProcess;
  let child: ChildProcess;
  let browser: Browser;

  before(async () => {
    ({ child } = await spawnUntilReady(buildHarness('many-maps.c'), [String(PAGES)]));
    serve = await startServe(['-d', '1']);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await serve?.stop();
    child?.kill('SIGKILL');
  });

  test('holds one smaps object per distinct smaps, and its totals are those of memscope maps --json', async (t) => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    t.after(() => page.close());
    await page.goto(`${serve.url.split('#')[0]}#/process/${child.pid}`);
    const r = runMemscope(['maps', String(child.pid), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const cli = JSON.parse(r.stdout) as { mappings: Mapping[]; totals: Record<string, number> };
    await waitUntilInPage(page, `document.querySelector('${TABLE}')?.getAttribute('data-row-count') > 0 && document.querySelector('[data-testid="mapping-all"]') !== null`);
    const shown = await page.evaluate<{ heads: string[]; cells: { title: string | null; text: string }[] }>(`(() => {
      const table = document.querySelector('${TABLE}');
      return {
        heads: [...table.querySelectorAll('.vt-head')].map((h) => h.innerText),
        cells: [...table.querySelectorAll('[data-testid="mapping-all"] .vt-cell')].map((c) => ({ title: c.querySelector('span')?.getAttribute('title') ?? null, text: c.innerText.trim() })),
      };
    })()`);
    const count = /all (\S+) mappings/.exec(shown.cells[shown.heads.findIndex((h) => h.startsWith('Mapping'))]?.text ?? '')?.[1];
    assert.equal(count?.replace(/,/g, ''), String(cli.mappings.length));
    for (const field of ['Size', 'Rss']) {
      const cell = shown.cells[shown.heads.findIndex((h) => h.startsWith(`${field} `))];
      const kb = (cell?.title ?? cell?.text ?? '').replace(/ kB$/, '').replace(/\D/g, '');
      assert.equal(kb, String(cli.totals[field]), `Σ ${field}`);
    }
    const cdp = await page.context().newCDPSession(page);
    const proto = (await cdp.send('Runtime.evaluate', { expression: 'Object.prototype' })).result.objectId;
    // queryObjects collects garbage first: what it lists is held.
    const objects = (await cdp.send('Runtime.queryObjects', { prototypeObjectId: proto ?? '' })).objects.objectId;
    const held = (await cdp.send('Runtime.callFunctionOn', { objectId: objects ?? '', functionDeclaration: COUNT_SMAPS, returnByValue: true })).result.value as number;
    const distinct = new Set(cli.mappings.map((m) => JSON.stringify(m.smaps))).size;
    assert.ok(cli.mappings.length > PAGES && distinct < PAGES / 4, `${distinct} distinct smaps of ${cli.mappings.length}`);
    // A re-read may hold its answer for a tick beside the report shown: twice the distinct ones at most.
    assert.ok(held >= 1 && held <= 2 * distinct, `${held} smaps objects held for ${distinct} distinct smaps of ${cli.mappings.length} mappings`);
  });
});
