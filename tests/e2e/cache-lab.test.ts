// The cache lab in Debian's Chromium against a real `memscope serve`: the host geometry it starts from is the
// one sysfs describes, and the misses it shows for row- vs column-major traversals, a pasted access list and
// the TLB equal what the simulators compute for the same inputs here in Node. Bad input is explained in place.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { readHostCacheGeometry } from '../../electron/host/system/cache-geometry.js';
import { parseAccessList } from '../../shared/sim/access/access-list.js';
import { createListPattern } from '../../shared/sim/access/access-pattern.js';
import { parseGeometrySpec, type CacheGeometry } from '../../shared/sim/cache/geometry.js';
import { parsePatternSpec } from '../../shared/sim/access/pattern-catalog.js';
import { simulateCache } from '../../shared/sim/cache/simulate.js';
import { DEFAULT_TLB_2M, DEFAULT_TLB_4K } from '../../shared/sim/tlb/params.js';
import { simulateTlb } from '../../shared/sim/tlb/simulate.js';
import { launchChromium, startServe, type ServeProcess } from '../helpers/browser.js';
import { oracleMissing } from '../helpers/oracles.js';
import { REPO_ROOT } from '../helpers/paths.js';

const SHOTS = resolve(REPO_ROOT, 'dist/e2e-screenshots');
const skipReason = oracleMissing('chromium');

/** The geometry the test sets in the editor: small, so both levels matter for a 1 MiB matrix. */
const GEOMETRY_SPEC = '8K:4:64,128K:8:64';

/** A size as --geometry takes it ("32K", "1M"). */
function sizeText(bytes: number): string {
  if (bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2}M`;
  if (bytes % 1024 === 0) return `${bytes / 1024}K`;
  return String(bytes);
}

function specOf(geometry: CacheGeometry): string {
  return geometry.map((l) => `${sizeText(l.sizeBytes)}:${l.ways}:${l.lineBytes}`).join(',');
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Waits until the lab is idle and shows results for the current settings. */
async function waitForResults(page: Page): Promise<void> {
  await page.locator('[data-testid="cache-lab"][data-running="false"]:not([data-run-seq="0"])').waitFor();
  assert.equal(await page.locator('[data-testid="lab-stale"]').count(), 0, 'the results are for the settings shown');
}

/** Replaces the editor's levels with the spec's. */
async function setGeometry(page: Page, spec: string): Promise<void> {
  const levels = spec.split(',').map((l) => l.split(':'));
  const sizes = page.locator('[data-testid^="geometry-"][data-testid$="-size"]');
  while ((await sizes.count()) > levels.length) await page.locator(`[data-testid="geometry-${(await sizes.count()) - 1}-remove"]`).click();
  while ((await sizes.count()) < levels.length) await page.locator('[data-testid="geometry-add"]').click();
  for (const [i, [size, ways, line]] of levels.entries()) {
    await page.locator(`[data-testid="geometry-${i}-size"]`).fill(size ?? '');
    await page.locator(`[data-testid="geometry-${i}-ways"]`).fill(ways ?? '');
    await page.locator(`[data-testid="geometry-${i}-line"]`).fill(line ?? '');
  }
}

async function setPattern(page: Page, side: 'A' | 'B', kind: string, params: Record<string, string>): Promise<void> {
  await page.locator(`[data-testid="pattern-${side}-kind"]`).selectOption(kind);
  for (const [name, value] of Object.entries(params)) await page.locator(`[data-testid="pattern-${side}-param-${name}"]`).fill(value);
}

/** The misses a level's row shows. */
async function shownMisses(page: Page, side: 'A' | 'B', level: string): Promise<number> {
  return Number(await page.locator(`[data-testid="cache-level-${side}-${level}"]`).getAttribute('data-misses'));
}

describe('cache lab in Chromium against memscope serve', { skip: skipReason }, () => {
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    serve = await startServe();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  });
  after(async () => {
    await browser?.close();
    await serve?.stop();
  });

  test("opens from the title bar with the host's geometry and runs row- vs column-major on it", async () => {
    await page.goto(serve.url);
    await page.locator('a[href="#/lab/cache"]').click();
    await page.waitForURL(/#\/lab\/cache$/);
    await waitForResults(page);
    const host = readHostCacheGeometry();
    const spec = specOf(host.levels);
    assert.match((await page.locator('[data-testid="geometry-editor"]').textContent()) ?? '', new RegExp(`--geometry ${spec}`));
    if (host.source === 'sysfs') assert.match((await page.locator('[data-testid="geometry-source"]').textContent()) ?? '', /\/sys\/devices\/system\/cpu\/cpu0\/cache/);
    const first = host.levels[0]?.name ?? '';
    const a = simulateCache(host.levels, parsePatternSpec('row-major'));
    const b = simulateCache(host.levels, parsePatternSpec('col-major'));
    assert.equal(await shownMisses(page, 'A', first), a.levels[0]?.misses);
    assert.equal(await shownMisses(page, 'B', first), b.levels[0]?.misses);
  });

  test('row- vs column-major on a set geometry: the D1 and L2 misses shown equal simulateCache', async () => {
    await setGeometry(page, GEOMETRY_SPEC);
    await setPattern(page, 'A', 'row-major', { rows: '256', cols: '512' });
    await setPattern(page, 'B', 'col-major', { rows: '256', cols: '512' });
    await page.locator('[data-testid="lab-run"]').click();
    await page.locator('[data-testid="cache-result-A"][data-pattern="row-major rows=256 cols=512"]').waitFor();
    await page.locator('[data-testid="cache-result-B"][data-pattern="col-major rows=256 cols=512"]').waitFor();
    await waitForResults(page);

    const geometry = parseGeometrySpec(GEOMETRY_SPEC);
    const rowMajor = parsePatternSpec('row-major:rows=256,cols=512');
    const colMajor = parsePatternSpec('col-major:rows=256,cols=512');
    const a = simulateCache(geometry, rowMajor, { setHeat: true });
    const b = simulateCache(geometry, colMajor, { setHeat: true });
    assert.equal(await shownMisses(page, 'A', 'L1d'), a.levels[0]?.misses);
    assert.equal(await shownMisses(page, 'B', 'L1d'), b.levels[0]?.misses);
    assert.equal(await shownMisses(page, 'A', 'L2'), a.levels[1]?.misses);
    assert.equal(await shownMisses(page, 'B', 'L2'), b.levels[1]?.misses);
    assert.ok((b.levels[0]?.misses ?? 0) > 4 * (a.levels[0]?.misses ?? 0), 'column-major misses D1 far more often: the lab has something to show');

    // Heat strips: one per side and level, over every set, with the simulator's per-set line misses.
    for (const [side, report] of [['A', a], ['B', b]] as const) {
      for (const level of report.levels) {
        const strip = page.locator(`[data-testid="heat-${side}-${level.name}"]`);
        assert.equal(Number(await strip.getAttribute('data-sets')), level.sets);
        assert.equal(Number(await strip.getAttribute('data-line-misses')), (level.setLineMisses ?? []).reduce((x, y) => x + y, 0));
      }
    }
    // The TLB panel: the same patterns through the default 4 KiB and 2 MiB DTLBs.
    for (const [side, pattern] of [['A', rowMajor], ['B', colMajor]] as const) {
      assert.equal(Number(await page.locator(`[data-testid="tlb-row-${side}-4k"]`).getAttribute('data-misses')), simulateTlb(DEFAULT_TLB_4K, pattern).misses);
      assert.equal(Number(await page.locator(`[data-testid="tlb-row-${side}-2m"]`).getAttribute('data-misses')), simulateTlb(DEFAULT_TLB_2M, pattern).misses);
    }
    assert.match((await page.locator('[data-testid="lab-command"]').textContent()) ?? '', /memscope sim cache --geometry 8K:4:64,128K:8:64 row-major:rows=256,cols=512 col-major:rows=256,cols=512/);
    await page.locator('[data-testid="cache-chart"] .recharts-bar-rectangle').first().waitFor();
    await shot(page, 'cache-lab-row-vs-col');
  });

  test('a pasted access list runs through the same simulator', async () => {
    const list = ['# two lines of one set, then a third that evicts nothing in 4 ways', 'R 10000000 8', 'W 10000040 8', 'R 10000000 8', 'R 10002000 16', 'R 1000203c 8'].join('\n');
    await page.locator('[data-testid="pattern-A-kind"]').selectOption('custom');
    await page.locator('[data-testid="pattern-A-custom"]').fill(list);
    await page.locator('[data-testid="lab-compare"]').uncheck();
    await page.locator('[data-testid="lab-run"]').click();
    await page.locator('[data-testid="cache-result-A"][data-pattern="pasted (5 accesses)"]').waitFor();
    await waitForResults(page);
    assert.equal(await page.locator('[data-testid="cache-result-B"]').count(), 0, 'one pattern when not comparing');
    const expected = simulateCache(parseGeometrySpec(GEOMETRY_SPEC), createListPattern(parseAccessList(list), 'pasted'));
    assert.equal(await shownMisses(page, 'A', 'L1d'), expected.levels[0]?.misses);
    assert.equal(Number(await page.locator('[data-testid="cache-level-A-L1d"]').getAttribute('data-accesses')), 5);
  });

  test('bad input is explained next to its field and blocks Run', async () => {
    await page.locator('[data-testid="pattern-A-custom"]').fill('R 10000000 8\nR nothex 8');
    assert.match((await page.locator('[data-testid="pattern-A-error"]').textContent()) ?? '', /line 2: not a hex address: "nothex"/);
    assert.equal(await page.locator('[data-testid="lab-run"]').isDisabled(), true);

    await setPattern(page, 'A', 'row-major', { rows: '4096', cols: '4096' });
    assert.match((await page.locator('[data-testid="pattern-A-error"]').textContent()) ?? '', /16,777,216 accesses: the lab simulates at most 8,388,608/);

    await setPattern(page, 'A', 'row-major', { rows: '256', cols: '512' });
    await page.locator('[data-testid="geometry-0-ways"]').fill('3');
    assert.match((await page.locator('[data-testid="geometry-error"]').textContent()) ?? '', /not a multiple of line × ways/);
    assert.equal(await page.locator('[data-testid="lab-run"]').isDisabled(), true);
    await shot(page, 'cache-lab-bad-input');
  });
});
