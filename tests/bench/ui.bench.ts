// UI responsiveness with 500 processes at 1 s ticks (issue 3, Performance): the real built renderer
// (dist/renderer served by a real `memscope serve`) in headless Chromium, ticks from a synthetic bridge
// (ui-synthetic-bridge.ts). Frame times and long tasks while updating; JS heap over an hour fast-forwarded.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startServe, type ServeProcess } from '../helpers/browser.js';
import { oracleMissing } from '../helpers/oracles.js';
import { installSyntheticBridge, type PhaseResult, type SyntheticBridgeParams } from './ui-synthetic-bridge.js';

const PROCESS_COUNT = 500;
/** Real-time phase: this many 1 s ticks. */
const REALTIME_TICKS = 20;
/** Heap checkpoints, in ticks (one simulated second each). */
const CHECKPOINTS = [0, 600, 1800, 3600];

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}

/** (22) starttime of a live process, so its synthetic row names the same process as its real detail. */
function readStartTicks(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[19]);
}

interface HeapPoint {
  ticks: number;
  usedMb: number;
  nodes: number;
}

async function measureHeap(page: Page, ticks: number): Promise<HeapPoint> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    const dom = await cdp.send('Memory.getDOMCounters');
    return { ticks, usedMb: heap.usedSize / 2 ** 20, nodes: dom.nodes };
  } finally {
    await cdp.detach();
  }
}

/** A fresh page on `route` with the synthetic bridge installed, once its first rows are drawn. */
async function openPage(browser: Browser, serve: ServeProcess, route: string, params: SyntheticBridgeParams): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.addInitScript({ content: `(${installSyntheticBridge.toString()})(${JSON.stringify(params)});` });
  await page.goto(`${serve.base}/${route}`);
  await page.evaluate('window.__bench.fastForward(2)');
  await page.locator(route === '#/' ? '[data-testid="process-table"]' : '[data-testid="process-view"]').waitFor();
  await page.waitForTimeout(1500); // first getSystem/getMappings answers land before measuring
  return page;
}

function phaseRow(route: string, phase: string, r: PhaseResult): string {
  const lt = r.longTaskMs;
  return [
    route.padEnd(13),
    phase.padEnd(30),
    String(r.frameMs.length).padStart(6),
    percentile(r.frameMs, 50).toFixed(1).padStart(8),
    percentile(r.frameMs, 99).toFixed(1).padStart(8),
    Math.max(...r.frameMs).toFixed(1).padStart(8),
    percentile(r.tickJsMs, 50).toFixed(1).padStart(9),
    percentile(r.tickJsMs, 99).toFixed(1).padStart(9),
    `${lt.length} / ${lt.reduce((a, b) => a + b, 0).toFixed(0)} / ${(lt.length === 0 ? 0 : Math.max(...lt)).toFixed(0)}`.padStart(17),
  ].join(' ');
}

/** Prints frame times while updating and the renderer's JS heap over 3,600 fast-forwarded ticks, per route. */
export async function benchUi(): Promise<void> {
  console.log(`\nUI: ${PROCESS_COUNT} synthetic processes, real renderer (dist/renderer via memscope serve), headless Chromium`);
  const missing = oracleMissing('chromium');
  if (missing !== false) {
    console.log(`skipped: ${missing}`);
    return;
  }
  const serve = await startServe(['-d', '1']);
  const browser = await launchChromium();
  try {
    const pid = serve.child.pid ?? 0;
    const params: SyntheticBridgeParams = {
      processCount: PROCESS_COUNT,
      realPid: pid,
      realStartTicks: readStartTicks(pid),
      realComm: readFileSync(`/proc/${pid}/comm`, 'utf8').trim(),
      realCommand: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '').join(' '),
      base: serve.base,
      token: serve.token,
    };
    const routes: [string, string][] = [
      ['table', '#/'],
      ['process page', `#/process/${pid}`],
    ];
    const phases: string[] = [];
    const heaps: [string, HeapPoint[]][] = [];
    for (const [name, route] of routes) {
      const page = await openPage(browser, serve, route, params);
      phases.push(phaseRow(name, `1 s ticks × ${REALTIME_TICKS}`, (await page.evaluate(`window.__bench.realtime(${REALTIME_TICKS}, 1000)`)) as PhaseResult));
      await page.close();

      // A fresh page for the hour, so its heap starts where a user's would.
      const hourPage = await openPage(browser, serve, route, params);
      const points: HeapPoint[] = [await measureHeap(hourPage, 0)];
      const frames: PhaseResult = { frameMs: [], tickJsMs: [], longTaskMs: [], wallMs: 0 };
      let done = 0;
      for (const target of CHECKPOINTS.slice(1)) {
        const r = (await hourPage.evaluate(`window.__bench.fastForward(${target - done})`)) as PhaseResult;
        done = target;
        frames.frameMs.push(...r.frameMs);
        frames.tickJsMs.push(...r.tickJsMs);
        frames.longTaskMs.push(...r.longTaskMs);
        frames.wallMs += r.wallMs;
        points.push(await measureHeap(hourPage, target));
      }
      phases.push(phaseRow(name, `1 tick/frame × ${done} (${(frames.wallMs / 1000).toFixed(0)} s)`, frames));
      heaps.push([name, points]);
      await hourPage.close();
    }

    console.log('frame time (rAF deltas, ms) while ticks arrive; tick JS = listener + React render/commit per tick (ms); long tasks > 50 ms');
    console.log(`${'route'.padEnd(13)} ${'phase'.padEnd(30)} ${'frames'.padStart(6)} ${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(8)} ${'tick p50'.padStart(9)} ${'tick p99'.padStart(9)} ${'long n/total/max'.padStart(17)}`);
    for (const line of phases) console.log(line);
    console.log('renderer JS heap after GC (MiB) / DOM nodes, after N ticks (1 simulated second each)');
    console.log(`${'route'.padEnd(13)} ${CHECKPOINTS.map((c) => `${c} ticks`.padStart(16)).join(' ')}`);
    for (const [name, points] of heaps) {
      console.log(`${name.padEnd(13)} ${points.map((p) => `${p.usedMb.toFixed(1)} / ${p.nodes}`.padStart(16)).join(' ')}`);
    }
  } finally {
    await browser.close();
    await serve.stop();
  }
}
