// The Heap view in Debian's Chromium against a real `memscope serve`: tests/harness/heap-subject.c (three arenas, a
// known mix of chunks) at its quiescent point shows, arena by arena, the numbers `memscope heap PID --json` prints
// for the same process (totals, chunk strips, bins, the RSS explainer, the trim prediction); it is reached and
// refreshed from the keyboard; "Open in the Allocator lab" replays a workload from the real heap, op for op as the
// glibc model does from the same loaded arena; pid 1 is one "permission denied" line.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { HeapView } from '../../shared/api.js';
import type { ChunkTotals, HeapReport } from '../../shared/heap/report.js';
import { loadArenaIntoModel } from '../../shared/heap/to-model.js';
import { cloneState } from '../../shared/sim/clone-state.js';
import { createGlibcReplay, runGlibcReplay } from '../../shared/sim/malloc/glibc/replay.js';
import { listHeapChunks } from '../../shared/sim/malloc/glibc/state.js';
import { generateWorkload } from '../../shared/sim/malloc/workloads.js';
import { postApiCall } from '../helpers/api-post.js';
import { launchChromium, startServe, type ServeProcess } from '../helpers/browser.js';
import { runMemscope } from '../helpers/cli.js';
import { MALLINFO2_FIELDS, startHeapSubject, type HeapSubject } from '../helpers/heap-subject.js';
import { oracleMissing } from '../helpers/oracles.js';
import { REPO_ROOT } from '../helpers/paths.js';

const SHOTS = resolve(REPO_ROOT, 'dist/e2e-screenshots');
const skipReason = oracleMissing('chromium');

/** The Heap view once it has answered ("done" or "error"). */
async function waitForHeap(page: Page): Promise<string> {
  const view = page.locator('[data-testid="heap-view"]:is([data-state="done"], [data-state="error"])');
  await view.waitFor();
  return (await view.getAttribute('data-state')) ?? '';
}

/** A totals row of the page: its data attributes and the exact bytes it shows. */
async function readRow(page: Page, testId: string): Promise<ChunkTotals & { shownBytes: number }> {
  const row = page.locator(`[data-testid="${testId}"]`);
  const shown = (await row.locator('td').nth(1).textContent()) ?? '';
  return { chunks: Number(await row.getAttribute('data-chunks')), bytes: Number(await row.getAttribute('data-bytes')), shownBytes: Number(shown.replace(/[, B]/g, '')) };
}

describe('Heap view in Chromium against memscope serve', { skip: skipReason }, () => {
  let serve: ServeProcess;
  let subject: HeapSubject;
  let browser: Browser;
  let page: Page;
  let origin = '';
  const consoleErrors: string[] = [];
  let heapCalls = 0;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    subject = await startHeapSubject(['2']); // main arena + two parked threads' arenas
    serve = await startServe();
    origin = serve.url.split('#')[0] ?? '';
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (m) => {
      // Every message counts: a denied read reaches the page as a 200 ApiReply, never as a status Chromium logs.
      consoleErrors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    page.on('request', (r) => {
      if (r.url().endsWith('/api/getHeap')) heapCalls++;
    });
  });
  after(async () => {
    await browser?.close();
    await serve?.stop();
    await subject?.kill();
  });

  test('from the process page by keyboard: every arena shows the numbers `memscope heap --json` prints, all measured', async () => {
    await page.goto(`${origin}#/process/${subject.pid}`);
    const link = page.locator('[data-testid="open-heap"]');
    await link.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`#/process/${subject.pid}/heap$`));
    assert.equal(await waitForHeap(page), 'done');

    const cli = runMemscope(['heap', String(subject.pid), '--json']);
    assert.equal(cli.code, 0, cli.stderr);
    const expected = JSON.parse(cli.stdout) as HeapReport;
    assert.equal(expected.arenas.length, 3);
    assert.equal(await page.locator('[data-testid^="heap-arena-"]').count(), expected.arenas.length);
    for (const a of expected.arenas) {
      const panel = page.locator(`[data-testid="heap-arena-${a.index}"]`);
      assert.equal(Number(await panel.getAttribute('data-system-bytes')), a.system_bytes, `arena ${a.index} system`);
      assert.equal(Number(((await panel.locator(`[data-testid="arena-${a.index}-system"]`).textContent()) ?? '').replace(/[, B]/g, '')), a.system_bytes);
      const rows: [string, ChunkTotals][] = [['in_use', a.in_use], ...Object.entries(a.free), ['top', { chunks: 1, bytes: a.top_bytes }]];
      for (const [name, totals] of rows) {
        const shown = await readRow(page, `arena-${a.index}-${name}`);
        assert.deepEqual(shown, { ...totals, shownBytes: totals.bytes }, `arena ${a.index} ${name}`);
      }
      // Every number of an arena panel is labelled as read from the process.
      assert.deepEqual(await panel.locator('[data-provenance]').evaluateAll((els) => els.map((e) => e.getAttribute('data-provenance'))), ['measured']);
    }
    for (const f of MALLINFO2_FIELDS) {
      assert.equal(Number(await page.locator(`[data-testid="mallinfo2-${f}"]`).getAttribute('data-value')), expected.mallinfo2[f], f);
      assert.equal(expected.mallinfo2[f], subject.mallinfo2[f], `the subject's own mallinfo2().${f}`);
    }
    // The chunk strips and bins, chunk by chunk: as many chunks as the totals count, each list as long.
    for (const a of expected.arenas) {
      const chunks = a.in_use.chunks + Object.values(a.free).reduce((n, t) => n + t.chunks, 0) + 1;
      assert.equal(Number(await page.locator(`[data-testid="arena-${a.index}-strip-0"]`).getAttribute('data-chunk-count')), chunks, `arena ${a.index} strip`);
      const view = page.locator(`[data-testid="arena-${a.index}-chunks"]`);
      const listed = async (kind: string) => (await view.locator(`[data-testid^="bin-${kind}-"]`).evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))))).reduce((n, c) => n + c, 0);
      assert.equal(await listed('tcache'), a.free.tcache.chunks, `arena ${a.index} tcache`);
      assert.equal(await listed('fastbin'), a.free.fastbins.chunks, `arena ${a.index} fastbins`);
      assert.equal(await listed('unsorted'), a.free.unsorted.chunks, `arena ${a.index} unsorted`);
      assert.equal(await listed('smallbin'), a.free.smallbins.chunks, `arena ${a.index} smallbins`);
      assert.equal(await listed('largebin'), a.free.largebins.chunks, `arena ${a.index} largebins`);
    }
    // The RSS explainer (measured) and the trim prediction (simulated), as the CLI prints them.
    const explain = page.locator('[data-testid="heap-explain"]');
    assert.equal(Number(await explain.getAttribute('data-rss-bytes')), expected.explain.rss_bytes);
    assert.equal((await page.locator('[data-testid="heap-verdict"]').textContent())?.trim(), expected.explain.verdict);
    assert.equal(Number(await page.locator('[data-testid="explain-live"]').getAttribute('data-rss-bytes')), expected.explain.live.rss_bytes);
    assert.equal(Number(await page.locator('[data-testid="explain-top"]').getAttribute('data-rss-bytes')), expected.explain.top.rss_bytes);
    assert.equal(await explain.locator('[data-provenance]').getAttribute('data-provenance'), 'measured');
    const trim = page.locator('[data-testid="heap-trim"]');
    assert.equal(Number(await trim.getAttribute('data-releasable-bytes')), expected.trim.releasable_bytes);
    assert.equal(await trim.locator('[data-provenance]').getAttribute('data-provenance'), 'simulated');
    const mmapped = page.locator('[data-testid="heap-mmapped"]');
    assert.deepEqual([Number(await mmapped.getAttribute('data-chunks')), Number(await mmapped.getAttribute('data-bytes'))], [expected.mmapped.chunks, expected.mmapped.bytes]);
    await page.screenshot({ path: join(SHOTS, 'heap-01-subject.png'), fullPage: true });
  });

  test('reads on demand only: "r" and the Refresh button read again, nothing polls', async () => {
    const before = heapCalls;
    await page.waitForTimeout(1500); // more than a tick: the view must not re-read by itself
    assert.equal(heapCalls, before, 'no read without asking');
    const answered = () => page.waitForResponse((r) => r.url().endsWith('/api/getHeap'));
    let response = answered();
    await page.locator('body').press('r');
    assert.equal((await response).status(), 200);
    await waitForHeap(page);
    assert.equal(heapCalls, before + 1, '"r" read once');
    response = answered();
    await page.locator('[data-testid="heap-refresh"]').focus();
    await page.keyboard.press('Enter');
    assert.equal((await response).status(), 200);
    await waitForHeap(page);
    assert.equal(heapCalls, before + 2, 'Refresh read once');
  });

  test('"Open in the Allocator lab" starts glibc from the live arena: op 0 is the heap as read, later ops replay on it', async () => {
    const r = await postApiCall(serve.base, serve.token, 'getHeap', [subject.pid]);
    const { value } = (await r.json()) as { value: HeapView };
    const arena = value.arenas?.[0];
    assert.ok(arena !== undefined);
    const loaded = loadArenaIntoModel(arena, value.params);
    // What the lab replays: its default workload, on a copy of the loaded heap.
    const trace = generateWorkload('random', { seed: 1, opCount: 2000 });
    const expectAt = (cursor: number) => {
      const replay = createGlibcReplay(trace, value.params);
      replay.heap = cloneState(loaded.heap);
      runGlibcReplay(replay, cursor);
      return { chunks: listHeapChunks(replay.heap).length, brk: replay.heap.os.brkBytes };
    };

    await page.goto(`${origin}#/process/${subject.pid}/heap`);
    assert.equal(await waitForHeap(page), 'done');
    await page.locator('[data-testid="arena-0-open-lab"]').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/lab\/malloc$/);
    await page.locator('[data-testid="lab-live-start"]').waitFor();
    await page.locator('[data-testid="allocator-lab"][data-building="false"]').waitFor();
    const strip = page.locator('[data-testid="glibc-strip"]');
    for (const cursor of [0, 1, 500, 2000]) {
      if (cursor > 0) {
        const input = page.locator('[data-testid="lab-cursor-input"]');
        await input.fill(String(cursor));
        await input.press('Enter');
      }
      await page.locator(`[data-testid="glibc-strip"][data-cursor="${cursor}"]`).waitFor();
      const expected = expectAt(cursor);
      assert.deepEqual({ chunks: Number(await strip.getAttribute('data-chunk-count')), brk: Number(await strip.getAttribute('data-brk')) }, expected, `after ${cursor} ops`);
      if (cursor === 0) {
        const main = value.report.arenas[0]!;
        assert.equal(expected.chunks, main.in_use.chunks + Object.values(main.free).reduce((n, t) => n + t.chunks, 0) + 1, 'op 0 is the arena as read');
        await page.screenshot({ path: join(SHOTS, 'heap-03-lab-live.png'), fullPage: true });
      }
    }
    // The way back to a fresh process.
    await page.locator('[data-testid="lab-live-start-clear"]').click();
    await page.locator('[data-testid="lab-live-start"]').waitFor({ state: 'detached' });
  });

  test("the [heap] mapping's page links to the live Heap view, not to a generic workload", async () => {
    const heapLine = readFileSync(`/proc/${subject.pid}/maps`, 'latin1').split('\n').find((l) => l.endsWith('[heap]')) ?? '';
    const start = heapLine.split('-')[0] ?? '';
    await page.goto(`${origin}#/process/${subject.pid}/mapping/${start}`);
    const link = page.locator('[data-testid="open-heap-view"]');
    await link.waitFor();
    assert.equal(await page.locator('[data-testid="open-allocator-lab"]').count(), 0);
    await link.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`#/process/${subject.pid}/heap$`));
    assert.equal(await waitForHeap(page), 'done');
  });

  test('pid 1 shows one "permission denied" line, and the console stayed silent', async () => {
    await page.goto(`${origin}#/process/1/heap`);
    assert.equal(await waitForHeap(page), 'error');
    const line = (await page.locator('[data-testid="heap-error"]').innerText()).trim();
    assert.match(line, /^Cannot read the heap of pid 1: \/proc\/1\/(maps|mem): permission denied/);
    assert.doesNotMatch(line, /\n/);
    await page.screenshot({ path: join(SHOTS, 'heap-02-denied.png') });
    assert.deepEqual(consoleErrors, []);
  });
});
