// The charts' width (renderer/hooks/use-element-width.ts) in Chromium against a real `memscope serve`, on a straight
// load of a process page (issue 13): it comes from the ResizeObserver's first report, after the frame's own layout,
// so mounting the page forces no layout from it (reading clientWidth in the mount's effect laid the fresh page out
// inside the task that mounted it), and the chart is still drawn at its box's width.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { ChildProcess } from 'node:child_process';
import { launchChromium, startServe, waitUntilInPage, type ServeProcess } from '../helpers/browser.js';
import { buildHarness } from '../helpers/c-build.js';
import { startTrace } from '../helpers/chromium-trace.js';
import { FORCED_LAYOUT_CATEGORIES, listForcedLayouts } from '../helpers/forced-layouts.js';
import { oracleMissing } from '../helpers/oracles.js';
import { spawnUntilReady } from '../helpers/ready-harness.js';

/** Mappings of the subject: the big process issue 13 is about, whose page lays out long. */
const MAPPINGS = 20_000;
/** Straight loads of its page. */
const LOADS = 3;

/** The chart's drawn width (its SVG's width attribute) and its box's content width, floored as the hook does. */
const CHART_WIDTHS = `(() => {
  const box = document.querySelector('.chart-box');
  const svg = box?.querySelector('svg[width]');
  if (box == null || svg == null) return null;
  const style = getComputedStyle(box);
  const content = box.getBoundingClientRect().width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - parseFloat(style.borderLeftWidth) - parseFloat(style.borderRightWidth);
  return { drawn: Number(svg.getAttribute('width')), box: Math.floor(content) };
})()`;

describe('a chart\'s width on a straight load, in Chromium', { skip: oracleMissing('chromium') }, () => {
  let serve: ServeProcess;
  let browser: Browser;
  let subject: ChildProcess;

  before(async () => {
    subject = (await spawnUntilReady(buildHarness('many-maps.c'), [String(MAPPINGS)])).child;
    serve = await startServe(['-d', '1']);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await serve?.stop();
    subject?.kill();
  });

  test('loading a process page forces no layout from use-element-width.ts, and the chart is drawn at its box\'s width', async () => {
    // Whether React runs the mount's effects before the frame's layout (and a read there forces it) depends on timing:
    // a few loads, so the old read shows at least once.
    for (let load = 1; load <= LOADS; load++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      try {
        const cdp = await page.context().newCDPSession(page);
        const stop = await startTrace(cdp, FORCED_LAYOUT_CATEGORIES);
        await page.goto(`${serve.url}#/process/${subject.pid}`);
        await page.locator('[data-testid="mappings-table"] .vt-body .vt-row').first().waitFor({ timeout: 30_000 });
        await waitUntilInPage(page, `${CHART_WIDTHS} !== null`);
        await page.waitForTimeout(500);
        const forced = listForcedLayouts(await stop());
        const fromHook = forced.filter((f) => f.sources.some((s) => s.includes('renderer/hooks/use-element-width.ts:')));
        assert.deepEqual(fromHook.map((f) => `${f.name} ${f.ms.toFixed(1)} ms from ${f.sources[0]}`), [], `load ${load}: a layout forced from use-element-width.ts`);
        const widths = (await page.evaluate(CHART_WIDTHS)) as { drawn: number; box: number };
        assert.ok(widths.box > 800, `the chart's box spans the page (${widths.box} px; the hook's fallback is 800)`);
        assert.equal(widths.drawn, widths.box, `load ${load}: the chart is drawn at its box's width`);
      } finally {
        await page.close();
      }
    }
  });
});
