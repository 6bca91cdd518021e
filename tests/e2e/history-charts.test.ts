// The process chart tells the truth in Chromium against `memscope serve`: history past the every-tick tier
// still starts at the first tick (API and chart), RES and VIRT never share a pixel row, a process that exits
// and stays a zombie is an "exited at" marker, never a RES of 0, and the host chart comes from the server's
// history. Screenshots go to dist/e2e-screenshots/.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { ProcessHistory, Tick } from '../../shared/api.js';
import type { HostMemoryHistoryReply } from '../../shared/history/host-memory-history.js';
import { MAX_RAW_SAMPLES } from '../../shared/history/tiered-history.js';
import { postApiCall } from '../helpers/api-post.js';
import { launchChromium, startServe, type ServeProcess } from '../helpers/browser.js';
import { oracleMissing } from '../helpers/oracles.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { startSubject, type Subject } from '../helpers/subject.js';
import { startZombieParent, waitForZombie } from '../helpers/zombie.js';

const SHOTS = resolve(REPO_ROOT, 'dist/e2e-screenshots');
const skipReason = oracleMissing('chromium') || oracleMissing('python3');
/** Ticks kept one by one (serve --history-ticks): small, so a short test runs well past them. */
const HISTORY_TICKS = 20;
/** Ticks to run past the every-tick tier, so the oldest ones must have been folded into buckets. */
const TICKS_PAST_RAW = 80;
/** What serve kept per process before tiered history: a leak older than this many ticks vanished. */
const OLD_HISTORY_CAPACITY = 600;

/** Calls an API method over HTTP as the browser does. */
async function callApi<T>(serve: ServeProcess, method: string, args: unknown[]): Promise<T> {
  const r = await postApiCall(serve.base, serve.token, method, args);
  const body = (await r.json()) as { value?: T; error?: { message: string } };
  if (body.value === undefined) throw new Error(`${method}: ${body.error?.message ?? r.status}`);
  return body.value;
}

/**
 * Page rows (integer y in CSS px) the first line of a panel passes through, read from its SVG path. Evaluated
 * as text: the tests compile without the DOM library.
 */
async function readLineRows(page: Page, panelTestId: string): Promise<number[]> {
  return page.evaluate<number[]>(`(() => {
    const path = document.querySelector('[data-testid="${panelTestId}"] path.chart-line');
    const matrix = path === null ? null : path.getScreenCTM();
    if (path === null || matrix === null) return [];
    const rows = new Set();
    const length = path.getTotalLength();
    for (let at = 0; at <= length; at += 0.5) {
      const p = path.getPointAtLength(at);
      rows.add(Math.floor(p.x * matrix.b + p.y * matrix.d + matrix.f));
    }
    return [...rows];
  })()`);
}

/** Waits until the attribute of the first element matching selector passes `ok` and returns it; throws naming the last value on timeout. */
async function waitForAttribute(page: Page, selector: string, name: string, ok: (value: string) => boolean, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = (await page.locator(selector).first().getAttribute(name).catch(() => null)) ?? '';
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${selector} ${name} is still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The RES band's path as shown, with the frame and axis top it was drawn on and whether recharts drew it. */
interface BandRead {
  scales: string;
  d: string;
  recharts: boolean;
}

/** Reads the main panel's first band (RES's); evaluated as text (the tests compile without the DOM library). */
async function readResBand(page: Page): Promise<BandRead> {
  return page.evaluate<BandRead>(`(() => {
    const chart = document.querySelector('[data-testid="res-virt-chart"]');
    const panel = document.querySelector('[data-testid="res-chart"]');
    return {
      scales: ['data-frame-start-ms', 'data-frame-end-ms'].map((a) => chart.getAttribute(a)).join('-') + ' ' + panel.getAttribute('data-top-kb'),
      d: panel.querySelector('path.recharts-area-area')?.getAttribute('d') ?? '',
      recharts: panel.querySelector('.recharts-wrapper') !== null,
    };
  })()`);
}

/**
 * The RES band drawn without recharts (pointer away) lies where recharts draws it (hovered) on the same frame: each
 * point's max and min within 0.5 px (recharts draws every sample up to its read, ours up to the last redraw).
 */
async function assertBandAsRecharts(page: Page): Promise<void> {
  const box = await page.locator('[data-testid="res-chart"]').boundingBox();
  assert.ok(box !== null);
  const vertices = (d: string) => [...d.matchAll(/[ML](-?[\d.e+-]+),(-?[\d.e+-]+)/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
  for (let attempt = 0; ; attempt++) {
    await page.mouse.move(box.x + box.width / 2, box.y + box.height + 300);
    await page.locator('[data-testid="res-chart"] .recharts-wrapper').waitFor({ state: 'detached', timeout: 10_000 });
    const shown = await readResBand(page);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.locator('[data-testid="res-chart"] .recharts-wrapper path.recharts-area-area').first().waitFor({ state: 'attached', timeout: 10_000 });
    const recharts = await readResBand(page);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height + 300);
    if (shown.scales !== recharts.scales && attempt < 5) continue;
    assert.equal(shown.recharts, false, 'the band is drawn without recharts while the pointer is away');
    assert.equal(shown.scales, recharts.scales, 'both drawn on one frame and axis top');
    const [ours, theirs] = [vertices(shown.d), vertices(recharts.d)];
    // A band is the maxima left to right, then the minima back: n points, 2n vertices.
    const n = ours.length / 2;
    const m = theirs.length / 2;
    assert.ok(n >= 2, `band points: ours ${n}`);
    let mismatch: string | null = m >= n ? null : `band points: ours ${n}, recharts' ${m}`;
    for (let i = 0; i < n && mismatch === null; i++) {
      for (const [a, b] of [[ours[i], theirs[i]], [ours[2 * n - 1 - i], theirs[2 * m - 1 - i]]]) {
        if (!(a !== undefined && b !== undefined && Math.abs(a.x - b.x) < 0.5 && Math.abs(a.y - b.y) < 0.5)) mismatch ??= `band point ${i}: ours ${JSON.stringify(a)}, recharts' ${JSON.stringify(b)}`;
      }
    }
    // Where the points outnumber the pixels, LTTB picks which to draw by index, and the history folds old ticks into
    // buckets, so recharts' redraw at the hover (a few ticks later) may draw other points than the last redraw did:
    // read both again. A band drawn off recharts'
    // on the same points fails every attempt.
    if (mismatch !== null && attempt < 5) continue;
    assert.equal(mismatch, null);
    return;
  }
}

/**
 * Waits until serve has ticked `ticks` times, then checks that the subject's history (getHistory) and the
 * page's chart ("all" window) both start at the first tick, with every tick since held, and that the "1 h"
 * window says where history starts. The page opens only at the end: Chromium polling a fast tick stalls.
 */
async function assertHistoryFromFirstTick(page: Page, serve: ServeProcess, subject: Subject, ticks: number, shot: string): Promise<void> {
  const early = await callApi<Tick>(serve, 'listProcesses', []);
  let seq = early.seq;
  while (seq < ticks) {
    await new Promise((r) => setTimeout(r, 500));
    seq = (await callApi<Tick>(serve, 'listProcesses', [])).seq;
  }
  const seqBefore = (await callApi<Tick>(serve, 'listProcesses', [])).seq;
  const history = await callApi<ProcessHistory>(serve, 'getHistory', [subject.pid]);
  const seqAfter = (await callApi<Tick>(serve, 'listProcesses', [])).seq;
  const first = history.samples[0];
  const firstMs = first?.bucket?.fromMs ?? first?.tMs ?? NaN;
  assert.ok(first?.bucket !== undefined, 'the oldest ticks are a labelled bucket');
  assert.equal(history.startedMs, firstMs);
  assert.ok(firstMs <= early.tMs, `history starts at ${firstMs}, after tick ${early.seq} at ${early.tMs}`);
  const ticksHeld = history.samples.reduce((n, s) => n + (s.bucket?.sampleCount ?? 1), 0);
  assert.ok(ticksHeld >= seqBefore && ticksHeld <= seqAfter, `every tick since the first is held: ${ticksHeld} of ${seqBefore}..${seqAfter}`);

  await page.goto(`${serve.url}#/process/${subject.pid}`);
  const chart = page.locator('[data-testid="res-virt-chart"]');
  // Under load a page taking 10-20 ticks a second renders slowly: generous waits, the assertions stay exact.
  await page.locator('[data-testid="res-chart"] svg.recharts-surface').waitFor({ timeout: 60_000 });
  await page.locator('[data-testid="window-all"]').click({ timeout: 60_000 });
  await waitForAttribute(page, '[data-testid="res-virt-chart"]', 'data-first-ms', (v) => v === String(firstMs));
  assert.equal(Number(await chart.getAttribute('data-first-ms')), firstMs, "the chart's first point is the first tick");
  assert.ok((await page.locator('[data-testid="res-chart"] path.recharts-area-area').count()) > 0, 'the buckets are drawn with their min–max bands');
  await assertBandAsRecharts(page);
  await page.locator('[data-testid="window-1h"]').click({ timeout: 60_000 });
  const note = page.locator('[data-testid="history-starts"]');
  await note.waitFor({ timeout: 60_000 });
  assert.match((await note.textContent()) ?? '', /history starts at/);
  await page.screenshot({ path: join(SHOTS, shot), fullPage: true });
}

describe('process history and charts in Chromium', { skip: skipReason }, () => {
  let browser: Browser;
  let page: Page;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  });
  after(async () => {
    await browser?.close();
  });

  describe('at a fast tick (serve -d 0.1)', () => {
    let serve: ServeProcess;
    let subject: Subject;
    before(async () => {
      subject = await startSubject(64, 24); // before serve: present from its first tick
      // 10 ticks a second: fast enough to pass the every-tick tier in seconds, light enough for a loaded machine's Chromium.
      serve = await startServe(['-d', '0.1', '--history-ticks', String(HISTORY_TICKS)]);
    });
    after(async () => {
      await serve?.stop();
      await subject?.kill();
    });

    test('history past the every-tick tier still starts at the first tick: getHistory and the chart (serve --history-ticks 20)', async () => {
      await assertHistoryFromFirstTick(page, serve, subject, HISTORY_TICKS + TICKS_PAST_RAW, 'history-all-since-first-tick.png');
    });

    test('RES and VIRT never share a pixel row (VIRT has its own panel)', async () => {
      const res = await readLineRows(page, 'res-chart');
      const virt = await readLineRows(page, 'virt-chart');
      assert.ok(res.length > 0 && virt.length > 0, `both lines drawn: RES ${res.length} rows, VIRT ${virt.length} rows`);
      const shared = virt.filter((y) => res.includes(y));
      assert.deepEqual(shared, [], 'RES and VIRT differ (64 MiB mapped, 24 MiB touched), so no row may hold both');
      await page.screenshot({ path: join(SHOTS, 'res-and-virt-panels.png'), fullPage: true });
    });
  });

  describe("at serve's fastest tick with the default tiers (serve -d 0.05)", () => {
    let serve: ServeProcess;
    let subject: Subject;
    before(async () => {
      subject = await startSubject(16, 8);
      serve = await startServe(['-d', '0.05']);
    });
    after(async () => {
      await serve?.stop();
      await subject?.kill();
    });

    test(`history past ${OLD_HISTORY_CAPACITY} ticks (the old cap) and past the ${MAX_RAW_SAMPLES}-tick every-tick tier still starts at the first tick`, async () => {
      await assertHistoryFromFirstTick(page, serve, subject, MAX_RAW_SAMPLES + 100, 'history-default-tiers.png');
    });
  });

  describe('the host memory mini-chart', () => {
    let serve: ServeProcess;
    before(async () => {
      serve = await startServe(['-d', '0.1']);
    });
    after(async () => {
      await serve?.stop();
    });

    test("is drawn from the server's history (it survives a reload) with a time and a kB axis", async () => {
      await new Promise((r) => setTimeout(r, 1500)); // ticks before any page looks
      const host = await callApi<HostMemoryHistoryReply>(serve, 'getHostHistory', []);
      assert.ok(host.startedMs !== null && host.points.length >= 5, `the server keeps the host's memory per tick: ${host.points.length} points`);
      for (const load of ['first load', 'reload']) {
        if (load === 'first load') await page.goto(serve.url);
        else await page.reload();
        const chart = page.locator('[data-testid="system-chart"]');
        await chart.locator('svg.recharts-surface').waitFor();
        const firstMs = Number(await waitForAttribute(page, '[data-testid="system-chart"]', 'data-first-ms', (v) => v !== ''));
        assert.equal(firstMs, host.startedMs, `${load}: the chart starts where the server's history starts`);
        const axisLabels = await chart.locator('text.recharts-cartesian-axis-tick-value').allTextContents();
        assert.ok(axisLabels.some((t) => /\d:\d\d/.test(t)), `${load}: a time axis, got ${JSON.stringify(axisLabels)}`);
        assert.ok(axisLabels.some((t) => /[KMGT]i?B/.test(t)), `${load}: a kB axis, got ${JSON.stringify(axisLabels)}`);
      }
      await page.screenshot({ path: join(SHOTS, 'host-memory-chart.png') });
    });
  });

  describe('a process that exits and stays a zombie', () => {
    let serve: ServeProcess;
    let parent: ChildProcess | null = null;
    const exitFile = join(tmpdir(), `memscope-zombie-${process.pid}`);
    before(async () => {
      rmSync(exitFile, { force: true });
      serve = await startServe(['-d', '0.25']);
    });
    after(async () => {
      parent?.kill('SIGKILL');
      rmSync(exitFile, { force: true });
      await serve?.stop();
    });

    test('its exit is a marker on the chart and the page never shows RES 0 next to the PSS read before', async () => {
      const zombie = await startZombieParent(exitFile);
      parent = zombie.parent;
      const pid = zombie.childPid;
      await page.goto(`${serve.url}#/process/${pid}`);
      const pss = page.locator('[data-testid="metric-PSS"]');
      await waitForAttribute(page, '[data-testid="metric-PSS"]', 'data-kb', (v) => Number(v) > 0);
      await waitForAttribute(page, '[data-testid="res-virt-chart"]', 'data-sample-count', (v) => Number(v) >= 3);
      // Every PSS the page shows while it does not say the process is gone, from now on, and the one it shows now, read
      // together: a mappings re-read between this read and the exit may show another PSS (shared pages' sharers come and go).
      const pssShownKb = await page.evaluate<number[]>(`(() => {
        const el = document.querySelector('[data-testid="metric-PSS"]');
        const shown = (globalThis.pssShownKb = [Number(el.getAttribute('data-kb'))]);
        new MutationObserver(() => {
          if (document.querySelector('[data-testid="process-gone"]') === null) shown.push(Number(el.getAttribute('data-kb')));
        }).observe(el, { attributes: true, attributeFilter: ['data-kb'] });
        return shown;
      })()`);

      writeFileSync(exitFile, '');
      await waitForZombie(pid);
      await page.locator('[data-testid="process-gone"]').waitFor({ timeout: 10_000 });
      await page.locator('[data-testid="res-virt-chart"] text', { hasText: 'exited at' }).first().waitFor({ timeout: 10_000 });
      await new Promise((r) => setTimeout(r, 1000)); // a few zombie ticks more: none may become a sample

      const resKb = Number(await page.locator('[data-testid="metric-RES"]').getAttribute('data-kb'));
      assert.ok(resKb > 40 * 1024, `RES shows the last reading while it ran, got ${resKb} kB`);
      const pssBeforeExitKb = [...pssShownKb, ...(await page.evaluate(() => (globalThis as unknown as { pssShownKb: number[] }).pssShownKb))];
      const pssKb = Number(await pss.getAttribute('data-kb'));
      assert.ok(pssKb > 0 && pssBeforeExitKb.includes(pssKb), `PSS from before the exit, next to RES from before the exit: ${pssKb} kB, shown before it ${pssBeforeExitKb.join(', ')}`);
      const legendResKb = Number(await page.locator('[data-testid="legend-resKb"]').getAttribute('data-kb'));
      assert.ok(legendResKb > 40 * 1024, `the chart's last RES is no zero, got ${legendResKb} kB`);
      const history = await callApi<ProcessHistory>(serve, 'getHistory', [pid]);
      assert.ok(history.exitedMs !== null, 'the host recorded the exit');
      assert.deepEqual(history.samples.filter((s) => s.resKb === 0), [], 'no sample of zero');
      assert.ok(existsSync(`/proc/${pid}`), 'still a zombie while checked');
      await page.screenshot({ path: join(SHOTS, 'zombie-exited-marker.png'), fullPage: true });

      // The marker drawn without recharts (pointer away) is recharts' (hovered): its line and label, within 0.5 px.
      const readMarker = () =>
        page.evaluate<{ recharts: boolean; line: number[]; label: { text: string; x: number; y: number } }>(`(() => {
          const panel = document.querySelector('[data-testid="res-chart"]');
          const line = panel.querySelector('.recharts-reference-line-line');
          const label = [...panel.querySelectorAll('text')].find((t) => t.textContent.startsWith('exited at'));
          return {
            recharts: panel.querySelector('.recharts-wrapper') !== null,
            line: ['x1', 'y1', 'x2', 'y2'].map((a) => Number(line.getAttribute(a))),
            label: { text: label.textContent, x: Number(label.getAttribute('x')), y: Number(label.getAttribute('y')) },
          };
        })()`);
      const box = await page.locator('[data-testid="res-chart"]').boundingBox();
      assert.ok(box !== null);
      const shown = await readMarker();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.locator('[data-testid="res-chart"] .recharts-wrapper .recharts-reference-line-line').waitFor({ state: 'attached', timeout: 10_000 });
      const recharts = await readMarker();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height + 300);
      assert.deepEqual([shown.recharts, recharts.recharts], [false, true], 'the marker drawn without recharts, then by recharts');
      assert.equal(shown.label.text, recharts.label.text);
      const near = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - (b[i] as number)) < 0.5);
      assert.ok(near(shown.line, recharts.line), `the marker's line at ${shown.line.join()}; recharts draws it at ${recharts.line.join()}`);
      assert.ok(near([shown.label.x, shown.label.y], [recharts.label.x, recharts.label.y]), `its label at ${shown.label.x},${shown.label.y}; recharts' at ${recharts.label.x},${recharts.label.y}`);
    });
  });
});
