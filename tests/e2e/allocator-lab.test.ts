// The Allocator lab end to end in Chromium against `memscope serve`: a built-in workload is replayed, played,
// stepped and scrubbed, and at every position the page shows exactly the model's state (chunk count, brk, spans,
// heap_size) as shared/sim computes it here for the same op. Tunables and trace files are checked in place.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { kPageSize } from '../../shared/sim/malloc/tcmalloc/common.js';
import { listSpans } from '../../shared/sim/malloc/tcmalloc/page-heap.js';
import { createDefaultTcmallocParams } from '../../shared/sim/malloc/tcmalloc/params.js';
import { createTcmallocReplay, runTcmallocReplay } from '../../shared/sim/malloc/tcmalloc/replay.js';
import { parseGlibcTunables } from '../../shared/sim/malloc/glibc/params.js';
import { createGlibcReplay, replayTraceGlibc, runGlibcReplay } from '../../shared/sim/malloc/glibc/replay.js';
import { ChunkHome, listHeapChunks } from '../../shared/sim/malloc/glibc/state.js';
import { REGION_HEAP } from '../../shared/sim/malloc/replay-results.js';
import { generateWorkload } from '../../shared/sim/malloc/workloads.js';
import { parseTrace, type Trace } from '../../shared/sim/trace.js';
import { launchChromium, startServe, type ServeProcess } from '../helpers/browser.js';
import { oracleMissing } from '../helpers/oracles.js';
import { REPO_ROOT } from '../helpers/paths.js';

const SHOTS = resolve(REPO_ROOT, 'dist/e2e-screenshots');
const skipReason = oracleMissing('chromium');

const WORKLOAD = 'fragmentation';
const OP_COUNT = 2000;
const SEED = 7;

/** What the glibc model holds after `cursor` ops of trace. */
function expectGlibc(trace: Trace, cursor: number, tunables = ''): { chunkCount: number; brk: number; tcacheChunks: number } {
  const r = createGlibcReplay(trace, parseGlibcTunables(tunables).params);
  runGlibcReplay(r, cursor);
  const chunks = listHeapChunks(r.heap);
  return { chunkCount: chunks.length, brk: r.heap.os.brkBytes, tcacheChunks: chunks.filter((c) => c.home === ChunkHome.tcache).length };
}

/** What the TCMalloc model holds after `cursor` ops of trace. */
function expectTcmalloc(trace: Trace, cursor: number): { spanCount: number; heapBytes: number } {
  const r = createTcmallocReplay(trace, createDefaultTcmallocParams());
  runTcmallocReplay(r, cursor);
  return { spanCount: listSpans(r.heap.pageHeap).length, heapBytes: r.heap.pageHeap.endPage * kPageSize };
}

/** Reads what the page shows once both panels have caught up with the transport's cursor. */
async function readShown(page: Page): Promise<{ cursor: number; chunkCount: number; brk: number; spanCount: number; heapBytes: number }> {
  const transport = page.locator('[data-testid="lab-transport"]');
  const glibc = page.locator('[data-testid="glibc-strip"]');
  const tc = page.locator('[data-testid="tcmalloc-strip"]');
  for (let attempt = 0; attempt < 100; attempt++) {
    const cursor = Number(await transport.getAttribute('data-cursor'));
    const [g, t] = [Number(await glibc.getAttribute('data-cursor')), Number(await tc.getAttribute('data-cursor'))];
    if (g === cursor && t === cursor) {
      return {
        cursor,
        chunkCount: Number(await glibc.getAttribute('data-chunk-count')),
        brk: Number(await glibc.getAttribute('data-brk')),
        spanCount: Number(await tc.getAttribute('data-span-count')),
        heapBytes: Number(await tc.getAttribute('data-heap-bytes')),
      };
    }
    await page.waitForTimeout(50);
  }
  throw new Error('the panels never caught up with the cursor');
}

/** Asserts the page shows the models' state at its cursor. */
async function assertShowsModels(page: Page, trace: Trace, tunables = ''): Promise<number> {
  const shown = await readShown(page);
  const g = expectGlibc(trace, shown.cursor, tunables);
  assert.equal(shown.chunkCount, g.chunkCount, `glibc chunk count after ${shown.cursor} ops`);
  assert.equal(shown.brk, g.brk, `glibc brk after ${shown.cursor} ops`);
  if (shown.cursor > 0 && tunables === '') assert.equal(shown.brk, replayTraceGlibc(trace, parseGlibcTunables('').params).brk[shown.cursor - 1], 'brk as replayTraceGlibc reports it');
  const t = expectTcmalloc(trace, shown.cursor);
  assert.equal(shown.spanCount, t.spanCount, `TCMalloc spans after ${shown.cursor} ops`);
  assert.equal(shown.heapBytes, t.heapBytes, `TCMalloc page heap after ${shown.cursor} ops`);
  return shown.cursor;
}

async function waitBuilt(page: Page): Promise<void> {
  await page.locator('[data-testid="allocator-lab"][data-building="false"]').waitFor();
}

/** Polls the transport until playback has run at least `cursor` ops (the app's CSP forbids page-side predicates). */
async function waitCursorAtLeast(page: Page, cursor: number): Promise<void> {
  const transport = page.locator('[data-testid="lab-transport"]');
  while (Number(await transport.getAttribute('data-cursor')) < cursor) await page.waitForTimeout(20);
}

async function seekTo(page: Page, cursor: number): Promise<void> {
  const input = page.locator('[data-testid="lab-cursor-input"]');
  await input.fill(String(cursor));
  await input.press('Enter');
  await page.locator(`[data-testid="lab-transport"][data-cursor="${cursor}"]`).waitFor();
}

describe('Allocator lab in Chromium', { skip: skipReason }, () => {
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  const trace = generateWorkload(WORKLOAD, { seed: SEED, opCount: OP_COUNT });

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    serve = await startServe(['-d', '1']);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  });
  after(async () => {
    await browser?.close();
    await serve?.stop();
  });

  test('the header links to the lab, which replays the chosen workload to its end', async () => {
    await page.goto(serve.url);
    await page.locator('[data-testid="nav-allocator-lab"]').click();
    await page.waitForURL(/#\/lab\/malloc$/);
    await waitBuilt(page);
    await page.locator('[data-testid="lab-workload"]').selectOption(WORKLOAD);
    await page.locator('[data-testid="lab-op-count"]').selectOption(String(OP_COUNT));
    await page.locator('[data-testid="lab-seed"]').fill(String(SEED));
    await waitBuilt(page);
    await page.locator(`[data-testid="lab-transport"][data-op-count="${trace.length}"][data-cursor="${trace.length}"]`).waitFor();
    assert.equal(await assertShowsModels(page, trace), trace.length);
    await page.screenshot({ path: join(SHOTS, 'lab-01-end.png'), fullPage: true });
  });

  test('free memory is split: free chunks inside the heap (fragmentation) apart from top, as the model holds them', async () => {
    const r = createGlibcReplay(trace, parseGlibcTunables('').params);
    runGlibcReplay(r, trace.length);
    const chunks = listHeapChunks(r.heap);
    const topBytes = chunks.filter((c) => c.home === ChunkHome.top).reduce((n, c) => n + c.sizeBytes, 0);
    const freeInsideBytes = chunks.filter((c) => c.home !== ChunkHome.top && c.home !== ChunkHome.inUse).reduce((n, c) => n + c.sizeBytes, 0);
    assert.ok(topBytes > 0 && freeInsideBytes > 0, 'the fragmentation workload ends with both');
    const brk = r.heap.os.brkBytes;
    const inside = page.locator('[data-testid="glibc-free-inside"]');
    const top = page.locator('[data-testid="glibc-top"]');
    assert.equal(Number(await inside.getAttribute('data-bytes')), freeInsideBytes);
    assert.equal(Number(await top.getAttribute('data-bytes')), topBytes);
    // The fragmentation figure counts the holes only: top is not fragmentation (issue 15 item 12).
    assert.match((await inside.textContent()) ?? '', new RegExp(`\\(${((freeInsideBytes / brk) * 100).toFixed(1)}%\\)`));
    assert.match((await top.textContent()) ?? '', new RegExp(`\\(${((topBytes / brk) * 100).toFixed(1)}%\\)`));
  });

  test('scrubbing to an op shows the models at that op', async () => {
    for (const cursor of [1, 777, 1500, 3]) {
      await seekTo(page, cursor);
      assert.equal(await assertShowsModels(page, trace), cursor);
    }
    await page.locator('[data-testid="lab-slider"]').fill('1234');
    await page.locator('[data-testid="lab-transport"][data-cursor="1234"]').waitFor();
    assert.equal(await assertShowsModels(page, trace), 1234);
  });

  test('play advances op by op, pause stops where the models agree, and play stops at the end', async () => {
    await seekTo(page, 100);
    // 10 ops/s: the trace's end is minutes away, so pausing never races it.
    await page.locator('[data-testid="lab-speed"]').selectOption('10');
    await page.locator('[data-testid="lab-play"]').click();
    await waitCursorAtLeast(page, 103);
    await page.locator('[data-testid="lab-play"]').click();
    await page.locator('[data-testid="lab-play"][aria-label="play"]').waitFor();
    const stopped = await assertShowsModels(page, trace);
    assert.ok(stopped >= 103, `paused at ${stopped}`);
    await page.waitForTimeout(300);
    assert.equal(Number(await page.locator('[data-testid="lab-transport"]').getAttribute('data-cursor')), stopped, 'paused means paused');

    await seekTo(page, trace.length - 5);
    await page.locator('[data-testid="lab-speed"]').selectOption('100');
    await page.locator('[data-testid="lab-play"]').click();
    await page.locator(`[data-testid="lab-transport"][data-cursor="${trace.length}"]`).waitFor();
    await page.locator('[data-testid="lab-play"][aria-label="play"]').waitFor();
    assert.equal(await assertShowsModels(page, trace), trace.length);
  });

  test('step and step back (buttons and arrow keys) move one op', async () => {
    await seekTo(page, 900);
    await page.locator('[data-testid="lab-step"]').click();
    assert.equal(await assertShowsModels(page, trace), 901);
    await page.locator('[data-testid="lab-step-back"]').click();
    await page.locator('[data-testid="lab-step-back"]').click();
    assert.equal(await assertShowsModels(page, trace), 899);
    await page.locator('h2').first().click(); // focus out of the buttons: the page's keys work
    await page.keyboard.press('ArrowLeft');
    assert.equal(await assertShowsModels(page, trace), 898);
    await page.keyboard.press('Shift+ArrowRight');
    assert.equal(await assertShowsModels(page, trace), 998);
    await page.screenshot({ path: join(SHOTS, 'lab-02-op-998.png'), fullPage: true });
  });

  test('hovering a chunk names its state, size and the op behind it', async () => {
    await page.locator('[data-testid="strip-blocks"]').click();
    const canvas = page.locator('[data-testid="glibc-strip"] canvas');
    const box = await canvas.boundingBox();
    assert.ok(box !== null);
    await page.mouse.move(box.x + 5, box.y + 6); // cell 0: glibc's own tcache struct, from the first malloc
    const tip = page.locator('[data-testid="glibc-strip-tip"]');
    await tip.waitFor();
    assert.match((await tip.textContent()) ?? '', /in use chunk at 0x0.*size 656 B.*tcache_perthread_struct/);
    // An in-use chunk: the tooltip names the last op that returned its user pointer (found here from the results).
    const at = 998;
    const r = createGlibcReplay(trace, parseGlibcTunables('').params);
    runGlibcReplay(r, at);
    const chunks = listHeapChunks(r.heap);
    const k = chunks.findIndex((c, i) => i > 0 && c.home === ChunkHome.inUse);
    const mem = chunks[k]!.offsetBytes + 16;
    let made = -1;
    for (let i = at - 1; i >= 0 && made < 0; i--) if (r.results.region[i] === REGION_HEAP && r.results.offset[i] === mem) made = i;
    assert.ok(made >= 0, 'some op returned that chunk');
    const cols = Math.floor(box.width / 11);
    await page.mouse.move(box.x + (k % cols) * 11 + 5, box.y + Math.floor(k / cols) * 15 + 6);
    const text = (await tip.textContent()) ?? '';
    assert.match(text, new RegExp(`in use chunk at 0x${chunks[k]!.offsetBytes.toString(16)}size ${chunks[k]!.sizeBytes.toLocaleString('en-US')} B`));
    assert.match(text, new RegExp(`returned by op ${made.toLocaleString('en-US')}: [ar] id ${trace.ids[made]} size ${trace.sizes[made]}`));
    await page.screenshot({ path: join(SHOTS, 'lab-03-hover.png'), clip: { x: 0, y: Math.max(0, box.y - 250), width: 1400, height: 600 } });
    await page.locator('[data-testid="strip-address"]').click();
  });

  test('clicking the glibc and TCMalloc charts jumps to the op under the pointer', async () => {
    for (const chartId of ['glibc-chart', 'tcmalloc-chart']) {
      await seekTo(page, 1);
      const chart = page.locator(`[data-testid="${chartId}"] .recharts-wrapper`);
      const box = await chart.boundingBox();
      assert.ok(box !== null, chartId);
      // Right of the y axis, a little past the middle of the plot: an op around 60% of the trace. recharts picks
      // the op under the pointer on mouse move (its tooltip shows it), and a click then seeks to it.
      const position = { x: box.width * 0.6, y: box.height / 2 };
      await chart.hover({ position });
      await chart.locator('.recharts-tooltip-wrapper').waitFor();
      await chart.click({ position });
      await page.locator('[data-testid="lab-transport"]:not([data-cursor="1"])').waitFor();
      const cursor = await assertShowsModels(page, trace);
      assert.ok(cursor > trace.length * 0.4 && cursor < trace.length * 0.8, `${chartId}: clicked to op ${cursor} of ${trace.length}`);
    }
  });

  test('GLIBC_TUNABLES are checked in place and applied: tcache_count=0 leaves no tcache chunk', async () => {
    const input = page.locator('[data-testid="lab-glibc-tunables"]');
    await input.fill('glibc.malloc.tcache_count');
    const error = page.locator('[data-testid="lab-glibc-tunables-error"]');
    await error.waitFor();
    assert.match((await error.textContent()) ?? '', /has no '='/);
    await input.fill('glibc.malloc.tcache_count=0');
    await error.waitFor({ state: 'detached' });
    await input.press('Enter');
    await waitBuilt(page);
    await seekTo(page, 1000);
    await assertShowsModels(page, trace, 'glibc.malloc.tcache_count=0');
    assert.equal(expectGlibc(trace, 1000, 'glibc.malloc.tcache_count=0').tcacheChunks, 0);
    assert.equal(await page.locator('[data-testid^="bin-tcache-"]').count(), 0, 'no tcache bin is listed');
    assert.ok(expectGlibc(trace, 1000).tcacheChunks > 0, 'with the default tunables the tcache holds chunks at this op');
    await input.fill('');
    await input.press('Enter');
    await waitBuilt(page);
  });

  test('a malloclab trace file is replayed; a bad one is explained with its line', async () => {
    const text = ['20', '4', '4', '1', 'a 0 100', 'a 1 2000', 'f 0', 'r 1 300000', 'a 2 24', 'f 2', 'f 1', 'a 3 5000', ''].join('\n');
    const fileTrace = parseTrace(text);
    await page.locator('[data-testid="lab-trace-file"]').setInputFiles({ name: 'small.rep', mimeType: 'text/plain', buffer: Buffer.from(text) });
    await page.locator(`[data-testid="lab-transport"][data-op-count="${fileTrace.length}"]`).waitFor();
    await waitBuilt(page);
    for (const cursor of [fileTrace.length, 4, 2]) {
      await seekTo(page, cursor);
      assert.equal(await assertShowsModels(page, fileTrace), cursor);
    }
    // op 3 reallocs to 300000 bytes: past the mmap threshold, the chunk is mmapped (as real glibc does).
    await seekTo(page, 4);
    assert.match((await page.locator('[data-testid="glibc-op-events"]').textContent()) ?? '', /mmap/);
    await page.locator('[data-testid="lab-trace-file"]').setInputFiles({ name: 'bad.rep', mimeType: 'text/plain', buffer: Buffer.from('a 0 10\nx 1 2\n') });
    const banner = page.locator('[data-testid="lab-error"]');
    await banner.waitFor();
    assert.match((await banner.textContent()) ?? '', /line 2: unknown op 'x'/);
    await page.screenshot({ path: join(SHOTS, 'lab-04-bad-trace.png') });
  });
});
