// The process page of a 20,000-mapping process (tests/harness/many-maps.c) against a real `memscope serve -d 1`
// in headless Chromium (issue 13): per tick, the main thread's busy time from the CPU profiler's samples
// (not idle) and the long tasks (> 50 ms) from the performance timeline. Target: p95 busy per tick <= 16 ms,
// no long task > 50 ms. On a loaded machine preemption inflates both; the load average is printed beside them.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { buildHarness } from '../helpers/c-build.js';
import { launchChromium, startServe } from '../helpers/browser.js';
import { oracleMissing } from '../helpers/oracles.js';

const MAPPINGS = 20_000;
const TICKS = 15;
const TICK_MS = 1000;

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string } }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
}

/** Busy (non-idle) ms of the main thread in each TICK_MS slot of the profile. */
function sumBusyPerTick(profile: CpuProfile): number[] {
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  const slots = new Array<number>(TICKS).fill(0);
  let tUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    tUs += profile.timeDeltas[i] ?? 0;
    const slot = Math.floor(tUs / 1000 / TICK_MS);
    if (slot < TICKS && !idle.has(profile.samples[i] ?? -1)) slots[slot] = (slots[slot] ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000;
  }
  return slots;
}

/** Prints p50/p95/max busy ms per tick and the long tasks while the page of a 20,000-mapping process is open. */
export async function benchUiManyMaps(): Promise<void> {
  console.log(`\nUI: process page of a ${MAPPINGS}-mapping process (many-maps.c), memscope serve -d 1, headless Chromium`);
  const missing = oracleMissing('chromium');
  if (missing !== false) {
    console.log(`skipped: ${missing}`);
    return;
  }
  const subject = spawn(buildHarness('many-maps.c'), [String(MAPPINGS)], { stdio: ['pipe', 'pipe', 'inherit'] });
  if (subject.stdout === null) throw new Error('no stdout');
  for await (const line of createInterface({ input: subject.stdout })) if (line === 'ready') break;
  const serve = await startServe(['-d', String(TICK_MS / 1000)]);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${serve.url}#/process/${subject.pid}`);
    await page.locator('[data-testid="mappings-table"]').waitFor({ timeout: 120_000 });
    await page.waitForTimeout(3000); // the first mappings read and chart drawn
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
    await cdp.send('Profiler.start');
    const longTasks = (await page.evaluate(`new Promise((resolve) => {
      const long = [];
      new PerformanceObserver((l) => { for (const e of l.getEntries()) long.push(e.duration); }).observe({ type: 'longtask' });
      setTimeout(() => resolve(long), ${TICKS * TICK_MS});
    })`)) as number[];
    const { profile } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
    const busy = sumBusyPerTick(profile).sort((a, b) => a - b);
    const at = (p: number) => busy[Math.min(busy.length - 1, Math.ceil((p / 100) * busy.length) - 1)] ?? NaN;
    console.log(
      `main-thread busy per tick (ms): p50 ${at(50).toFixed(1)}, p95 ${at(95).toFixed(1)}, max ${at(100).toFixed(1)} (target p95 <= 16); ` +
        `long tasks: ${longTasks.length}, max ${longTasks.length === 0 ? 0 : Math.max(...longTasks).toFixed(0)} ms (target none > 50); load average ${loadavg()[0]?.toFixed(1)}`,
    );
  } finally {
    await browser.close();
    await serve.stop();
    subject.kill();
  }
}
