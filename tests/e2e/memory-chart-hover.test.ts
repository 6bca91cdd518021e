// Hovering the memory chart, in Chromium against `memscope serve -d 0.2` (issue 13): recharts' code runs for
// the first time at a page's first hover, a long task, unless the chart has run it ahead; memory-chart-warm-up.tsx
// mounts the chart off screen in idle time, a layer per step, hovers it once, and unmounts it. A hover then mounts
// recharts in a task after the pointer's (a transition), and hands it the pointer's position. The subject is
// tests/harness/subject-memory.c, idle: its RES holds still, so every point of the chart has the legend's RES.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startServe, type ServeProcess } from '../helpers/browser.js';
import { oracleMissing } from '../helpers/oracles.js';
import { startSubject, type Subject } from '../helpers/subject.js';

/** One state of the warm-up chart as the page saw it change: null once gone. */
type WarmUpState = { elements: number; lines: number; tooltip: string } | null;

/**
 * Records every change of the warm-up chart from the page's start, at each DOM mutation batch (a commit of React's
 * at most): how many SVG elements it holds, its recharts lines and its tooltip's text (textContent: the chart is unseen, so it has no innerText).
 */
const RECORD_WARM_UP = `globalThis.warmUpStates = [];
  let last = '';
  new MutationObserver(() => {
    const w = document.querySelector('[data-testid="chart-warm-up"]');
    const state = w === null ? null : { elements: w.querySelectorAll('svg *').length, lines: w.querySelectorAll('path.recharts-line-curve').length, tooltip: w.querySelector('.chart-tooltip')?.textContent ?? '' };
    const key = JSON.stringify(state);
    if (key !== last && (state !== null || globalThis.warmUpStates.length > 0)) globalThis.warmUpStates.push(state);
    last = key;
  }).observe(document, { childList: true, subtree: true, characterData: true });`;

describe('memory chart hover in Chromium: the warm-up, the mount after the pointer', { skip: oracleMissing('chromium') }, () => {
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let subject: Subject;

  before(async () => {
    subject = await startSubject(64, 8);
    serve = await startServe(['-d', '0.2']);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.addInitScript({ content: RECORD_WARM_UP });
    await page.goto(`${serve.url}#/process/${subject.pid}`);
    await page.locator('[data-testid="res-chart"]').waitFor({ timeout: 60_000 });
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
    await subject?.kill();
  });

  test('before any hover, the page mounts the chart off screen a layer at a time, hovers it (its tooltip drawn) and unmounts it', async () => {
    const deadline = Date.now() + 30_000;
    let states: WarmUpState[] = [];
    while (states.length === 0 || states[states.length - 1] !== null) {
      assert.ok(Date.now() < deadline, `the warm-up never ended: ${JSON.stringify(states.slice(-3))}`);
      await page.waitForTimeout(100);
      states = (await page.evaluate('globalThis.warmUpStates')) as WarmUpState[];
    }
    const shown = states.filter((s) => s !== null);
    // Grown in steps (each its own commit, so its own task): the bare chart, then one layer after another.
    const sizes = shown.map((s) => s.elements);
    assert.ok(sizes.every((n, i) => i === 0 || n >= (sizes[i - 1] as number)), `the warm-up chart only grew: ${sizes.join(', ')}`);
    assert.ok(new Set(sizes).size >= 6, `the warm-up chart grew in ${new Set(sizes).size} steps: ${sizes.join(', ')}`);
    assert.ok(shown.some((s) => s.lines === 3), `the warm-up drew the RES, SHR and SWAP lines: ${JSON.stringify(shown)}`);
    const tooltip = shown.find((s) => s.tooltip !== '')?.tooltip ?? '';
    for (const title of ['RES', 'SHR', 'SWAP', 'VIRT']) assert.match(tooltip, new RegExp(`${title}\\s*[\\d,]+ kB`), `the warm-up's tooltip: ${tooltip}`);
    assert.equal(await page.locator('.recharts-wrapper').count(), 0, 'no recharts left on the page once warmed up, the pointer away');
  });

  test('after the warm-up, the first hover shows the tooltip with the exact RES of the point under the pointer', async () => {
    const box = await page.locator('[data-testid="res-chart"]').boundingBox();
    assert.ok(box !== null);
    const legendKb = Number(await page.locator('[data-testid="legend-resKb"]').getAttribute('data-kb'));
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2);
    const tooltip = page.locator('[data-testid="res-chart"] .chart-tooltip');
    await tooltip.waitFor({ timeout: 5000 });
    const text = await tooltip.innerText();
    const shownKb = Number(/RES\s+([\d,]+) kB/.exec(text)?.[1]?.replaceAll(',', ''));
    assert.equal(shownKb, legendKb, `the idle subject's RES (${legendKb} kB, the legend) under the pointer: ${text}`);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height + 300);
    await tooltip.waitFor({ state: 'detached', timeout: 5000 });
  });

  test("the pointer's entering task does not mount recharts; recharts mounts after it and shows the tooltip at the pointer without another move", async () => {
    // Synthetic pointer events, so that what the entering task did is read as it returns (evaluated as text: the
    // tests compile without the DOM library).
    const mountedInTask = await page.evaluate<boolean>(`(() => {
      const panel = document.querySelector('[data-testid="res-chart"]');
      const r = panel.getBoundingClientRect();
      panel.dispatchEvent(new PointerEvent('pointerover', { bubbles: true, clientX: r.left + r.width * 0.8, clientY: r.top + r.height / 2 }));
      return panel.querySelector('.recharts-wrapper') !== null;
    })()`);
    assert.equal(mountedInTask, false, "recharts was mounted in the pointer's task");
    const tooltip = page.locator('[data-testid="res-chart"] .chart-tooltip');
    await tooltip.waitFor({ timeout: 5000 });
    assert.match(await tooltip.innerText(), /RES\s+[\d,]+ kB/);
    await page.evaluate(`document.querySelector('[data-testid="res-chart"]').dispatchEvent(new PointerEvent('pointerout', { bubbles: true, relatedTarget: document.body }))`);
    await page.locator('[data-testid="res-chart"] .recharts-wrapper').waitFor({ state: 'detached', timeout: 5000 });
  });
});
