// When the process chart redraws, in Chromium against `memscope serve -d 0.2` (issue 13): a tick whose values
// draw every line at the same pixel rows leaves the chart as drawn (recharts costs 10–20 ms per redraw however few
// the points), and a tick that moves a line is drawn at once. The subject is tests/harness/subject-memory.c: idle,
// its RES holds still until it is told to touch more memory.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startServe, type ServeProcess } from '../helpers/browser.js';
import { oracleMissing } from '../helpers/oracles.js';
import { startSubject, type Subject } from '../helpers/subject.js';

const TICK_MS = 200;
const RES_LINE = '[data-testid="res-chart"] path.recharts-line-curve';

/** The `d` of the main panel's first line (RES), '' while none is drawn. */
async function readResPath(page: Page): Promise<string> {
  return (await page.locator(RES_LINE).first().getAttribute('d').catch(() => null)) ?? '';
}

/** Distinct y coordinates of the points of a path "Mx,yLx,y…": 1 for a flat line. */
function countRows(d: string): number {
  return new Set(d.split(/[ML]/).filter((p) => p !== '').map((p) => p.split(',')[1])).size;
}

/** How many samples the chart holds (it follows every tick, redrawn or not). */
async function readSampleCount(page: Page): Promise<number> {
  return Number(await page.locator('[data-testid="res-virt-chart"]').getAttribute('data-sample-count'));
}

describe('process chart redraws in Chromium', { skip: oracleMissing('chromium') }, () => {
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let subject: Subject;

  before(async () => {
    subject = await startSubject(64, 8);
    serve = await startServe(['-d', String(TICK_MS / 1000)]);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${serve.url}#/process/${subject.pid}`);
    await page.locator(RES_LINE).first().waitFor({ state: 'attached', timeout: 60_000 }); // a flat line has no height: never "visible"
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
    await subject?.kill();
  });

  test('ticks with the same values leave the lines as drawn; a tick that moves RES redraws at once', async () => {
    // Ten ticks of an idle subject: the time axis moves at most once (every 5 s), so at most two pictures.
    const countBefore = await readSampleCount(page);
    const drawn = new Set<string>();
    for (let i = 0; i < 10; i++) {
      drawn.add(await readResPath(page));
      await page.waitForTimeout(TICK_MS);
    }
    const countAfter = await readSampleCount(page);
    assert.ok(countAfter >= countBefore + 5, `the chart kept following the ticks (${countBefore} → ${countAfter} samples)`);
    assert.ok(drawn.size <= 2, `an idle process's lines were redrawn ${drawn.size - 1} times in 2 s`);

    // 32 MiB more resident: RES jumps by several pixel rows, and the line follows within two ticks of the legend.
    const residentKb = Number(await page.locator('[data-testid="legend-resKb"]').getAttribute('data-kb'));
    assert.equal(await subject.command('touch 32'), 'ok');
    const deadline = Date.now() + 30_000;
    while (Number(await page.locator('[data-testid="legend-resKb"]').getAttribute('data-kb')) < residentKb + 30 * 1024) {
      assert.ok(Date.now() < deadline, 'the legend never showed the new RES');
      await page.waitForTimeout(20);
    }
    // The legend and the chart follow the same tick: the step up is drawn by then, or at the latest a tick after.
    await page.waitForTimeout(TICK_MS);
    const rows = countRows(await readResPath(page));
    assert.ok(rows >= 2, `the RES line shows the step up (${rows} distinct rows; the idle line had ${countRows([...drawn].at(-1) ?? '')})`);
  });

  test('the grid has a line at every axis tick and at each edge of the plot, in both panels', async () => {
    for (const panel of ['res-chart', 'virt-chart']) {
      // One read of the whole panel: the page is live, and a redraw between two reads would move the ticks.
      const { gridXs, gridYs, yTickYs, xTickXs, plot } = await page.locator(`[data-testid="${panel}"]`).evaluate((root) => {
        const read = (selector: string, attr: string) => [...root.querySelectorAll(selector)].map((e) => Number(e.getAttribute(attr)));
        const edge = root.querySelector('.recharts-cartesian-grid-horizontal line');
        return {
          gridXs: read('.recharts-cartesian-grid-vertical line', 'x1'),
          gridYs: read('.recharts-cartesian-grid-horizontal line', 'y1'),
          yTickYs: read('.recharts-yAxis .recharts-cartesian-axis-tick-line', 'y1'),
          xTickXs: read('.recharts-xAxis .recharts-cartesian-axis-tick-line', 'x1'),
          plot: { x1: Number(edge?.getAttribute('x1')), x2: Number(edge?.getAttribute('x2')) },
        };
      });
      const near = (values: number[], v: number) => values.some((g) => Math.abs(g - v) < 0.01);
      assert.ok(yTickYs.length >= 2 && yTickYs.every((y) => near(gridYs, y)), `${panel}: kB ticks at ${yTickYs}, grid rows at ${gridYs}`);
      assert.ok(near(gridXs, plot.x1) && near(gridXs, plot.x2), `${panel}: grid columns ${gridXs} include the plot's edges ${plot.x1}, ${plot.x2}`);
      if (panel === 'res-chart') {
        assert.ok(xTickXs.length >= 2 && xTickXs.every((x) => near(gridXs, x)), `time ticks at ${xTickXs}, grid columns at ${gridXs}`);
      }
    }
  });

  test("the time axis' ticks sit where recharts' time scale draws the data: the RES line's first point at the first drawn time", async () => {
    const ticks = await page
      .locator('[data-testid="res-chart"] .recharts-xAxis .recharts-cartesian-axis-tick')
      .evaluateAll((els) => els.map((e) => ({ tMs: Number(e.getAttribute('data-t-ms')), x: Number(e.querySelector('line')?.getAttribute('x1')) })));
    const [a, b] = [ticks[0], ticks[ticks.length - 1]];
    assert.ok(a !== undefined && b !== undefined && b.tMs > a.tMs, `two time ticks: ${JSON.stringify(ticks)}`);
    // Read together: the first drawn time and the path of the same redraw.
    const { firstMs, d } = (await page.evaluate(`({
      firstMs: Number(document.querySelector('[data-testid="res-virt-chart"]').getAttribute('data-first-ms')),
      d: document.querySelector('[data-testid="res-chart"] path.recharts-line-curve').getAttribute('d'),
    })`)) as { firstMs: number; d: string };
    const firstX = Number(d.slice(1).split(',')[0]);
    const expectedX = a.x + ((firstMs - a.tMs) / (b.tMs - a.tMs)) * (b.x - a.x);
    assert.ok(Math.abs(firstX - expectedX) < 0.05, `the line starts at x ${firstX}; the axis puts ${firstMs} at ${expectedX}`);
  });

  test('hovering the chart shows the tooltip with every value, and it goes when the pointer leaves', async () => {
    const box = await page.locator('[data-testid="res-chart"]').boundingBox();
    assert.ok(box !== null);
    await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2);
    const tooltip = page.locator('[data-testid="res-chart"] .chart-tooltip');
    await tooltip.waitFor({ timeout: 5000 });
    const text = await tooltip.innerText();
    for (const title of ['RES', 'SHR', 'SWAP', 'VIRT']) assert.match(text, new RegExp(`${title}\\s+[\\d,]+ kB`), text);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height + 300);
    await tooltip.waitFor({ state: 'detached', timeout: 5000 });
  });

  test('the keyboard moves the tooltip over the chart: focus it, then the arrow keys', async () => {
    await page.locator('[data-testid="res-chart"] svg.recharts-surface').focus();
    await page.keyboard.press('ArrowRight');
    const tooltip = page.locator('[data-testid="res-chart"] .chart-tooltip');
    await tooltip.waitFor({ timeout: 5000 });
    assert.match(await tooltip.innerText(), /RES\s+[\d,]+ kB/);
    await page.locator('[data-testid="legend-resKb"]').focus();
    await tooltip.waitFor({ state: 'detached', timeout: 5000 });
  });
});
