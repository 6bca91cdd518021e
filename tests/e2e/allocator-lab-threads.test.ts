// The Allocator lab on a recorded multi-threaded trace (memscope-trace 2), end to end in Chromium against
// `memscope serve`, keyboard only once the file is chosen: each op's thread, arena, heap and offset as
// `memscope sim malloc --format jsonl` prints them, the arena strips as the threaded model holds them, the thread
// filter stepping exactly one thread's ops, the what-if table's figures as the model and the CLI count them, and
// real runs measured by `memscope record` shown beside the predictions.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { readLabThreadsView } from '../../shared/sim/lab/glibc-threads-lab.js';
import { MALLOC_VARIANTS } from '../../shared/sim/lab/malloc-variants.js';
import { parseGlibcTunables } from '../../shared/sim/malloc/glibc/params.js';
import { createGlibcThreadedReplay, runGlibcThreadedReplay } from '../../shared/sim/malloc/glibc/replay-threads.js';
import { ChunkHome } from '../../shared/sim/malloc/glibc/state.js';
import { createDefaultTcmallocParams } from '../../shared/sim/malloc/tcmalloc/params.js';
import { createTcmallocReplay, runTcmallocReplay } from '../../shared/sim/malloc/tcmalloc/replay.js';
import { parseTrace, type Trace } from '../../shared/sim/trace.js';
import { launchChromium, startServe, type ServeProcess } from '../helpers/browser.js';
import { buildHarness } from '../helpers/c-build.js';
import { runMemscope } from '../helpers/cli.js';
import { oracleMissing, requireOracle } from '../helpers/oracles.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { readRecordedTrace } from '../electron/commands/record-trace.js';

const SHOTS = resolve(REPO_ROOT, 'dist/e2e-screenshots');
const skipReason = oracleMissing('chromium');
const TRACE_NAME = 'xz-T4.trace';
const LOWER_MMAP = MALLOC_VARIANTS.find((v) => v.tunables.includes('mmap_threshold'))!;
const TRACE_PATH = resolve(REPO_ROOT, 'tests/fixtures/traces/recorded', TRACE_NAME);

/** One jsonl record of `memscope sim malloc --format jsonl` for a threaded trace (the keys read here). */
interface JsonlRecord {
  i: number;
  op: string;
  tid: number;
  id?: number;
  region?: 'heap' | 'arena' | 'mmap' | null;
  arena?: number | null;
  heap?: number | null;
  offset?: number | null;
  usable?: number;
  brk: number;
}

function runJsonl(tunables = ''): JsonlRecord[] {
  const r = runMemscope(['sim', 'malloc', '--format', 'jsonl', ...(tunables === '' ? [] : ['--tunables', tunables]), TRACE_PATH]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as JsonlRecord);
}

async function waitBuilt(page: Page): Promise<void> {
  await page.locator('[data-testid="allocator-lab"][data-building="false"]').waitFor();
}

async function readCursor(page: Page): Promise<number> {
  return Number(await page.locator('[data-testid="lab-transport"]').getAttribute('data-cursor'));
}

/** Types a cursor into the transport's box and presses Enter; waits until the threads panel shows it. */
async function seekByKeyboard(page: Page, cursor: number): Promise<void> {
  await page.locator('[data-testid="lab-cursor-input"]').focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(String(cursor));
  await page.keyboard.press('Enter');
  await page.locator(`[data-testid="glibc-threads-panel"][data-cursor="${cursor}"]`).waitFor();
}

describe('Allocator lab on a recorded multi-threaded trace', { skip: skipReason }, () => {
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const text = readFileSync(TRACE_PATH, 'utf8');
  const trace: Trace = parseTrace(text);
  const jsonl = runJsonl();

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    serve = await startServe(['-d', '1']);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  });
  after(async () => {
    await browser?.close();
    await serve?.stop();
  });

  test('opening the recording replays it through the threaded glibc model to its end', async () => {
    assert.ok(trace.threadCount >= 4 && trace.version === 2, 'a multi-threaded memscope-trace 2');
    await page.goto(`${serve.url.split('#')[0]}#/lab/malloc`);
    await waitBuilt(page);
    await page.locator('[data-testid="lab-trace-file"]').setInputFiles({ name: TRACE_NAME, mimeType: 'text/plain', buffer: Buffer.from(text) });
    await waitBuilt(page);
    await page.locator(`[data-testid="lab-transport"][data-op-count="${trace.length}"][data-cursor="${trace.length}"]`).waitFor();
    await page.locator(`[data-testid="glibc-threads-panel"][data-cursor="${trace.length}"]`).waitFor();
    assert.equal(await page.locator('[data-testid="lab-error"]').count(), 0, 'the trace is not refused');
    // TCMalloc's model runs the threads too: its panel at the end holds the heap size the CLI's replay reaches.
    assert.equal(await page.locator('[data-testid="tcmalloc-error"]').count(), 0, 'TCMalloc runs the trace');
    const cli = runMemscope(['sim', 'malloc', '--allocator', 'tcmalloc', TRACE_PATH]);
    assert.equal(cli.code, 0, cli.stderr);
    const heapBytes = /^heap size\s+(\d+) bytes/m.exec(cli.stdout)?.[1];
    assert.ok(heapBytes !== undefined, cli.stdout);
    assert.equal(await page.locator('[data-testid="tcmalloc-facts"]').getAttribute('data-heap-bytes'), heapBytes);
    await page.screenshot({ path: join(SHOTS, 'lab-threads-01-end.png'), fullPage: true });
  });

  test('at each step the op and the arena strips are what the CLI and the threaded model give for that step', async () => {
    const arenaOps = jsonl.filter((r) => r.region === 'arena').map((r) => r.i + 1);
    assert.ok(arenaOps.length > 0, 'the recording puts chunks in thread arenas');
    const cursors = [1, arenaOps[0]!, arenaOps[Math.floor(arenaOps.length / 2)]!, arenaOps[arenaOps.length - 1]!, Math.floor(trace.length / 3), trace.length];
    for (const cursor of cursors) {
      await seekByKeyboard(page, cursor);
      const rec = jsonl[cursor - 1]!;
      const op = page.locator('[data-testid="threads-op"]');
      assert.equal(Number(await op.getAttribute('data-tid')), rec.tid, `tid of op ${rec.i}`);
      if (rec.region === 'arena' || rec.region === 'heap') {
        assert.equal(await op.getAttribute('data-region'), rec.region, `region of op ${rec.i}`);
        assert.equal(Number(await op.getAttribute('data-arena')), rec.arena, `arena of op ${rec.i}`);
        assert.equal(Number(await op.getAttribute('data-heap')), rec.heap ?? 0, `heap of op ${rec.i}`);
        assert.equal(Number(await op.getAttribute('data-offset')), rec.offset, `offset of op ${rec.i}`);
      }
      // The strips: one per heap of every arena, as the model holds them after `cursor` ops.
      const r = createGlibcThreadedReplay(trace, parseGlibcTunables('').params);
      runGlibcThreadedReplay(r, cursor);
      const view = readLabThreadsView(r);
      for (const a of view.arenas) {
        for (const h of a.heaps) {
          const strip = page.locator(`[data-testid="arena-strip-${a.modelIndex}-${h.index}"]`);
          assert.equal(Number(await strip.getAttribute('data-arena')), a.number ?? -1);
          assert.equal(Number(await strip.getAttribute('data-chunk-count')), h.chunks.length, `arena ${a.modelIndex} heap ${h.index} chunks after ${cursor} ops`);
          assert.equal(Number(await strip.getAttribute('data-size-bytes')), h.sizeBytes, `arena ${a.modelIndex} heap ${h.index} size after ${cursor} ops`);
          const inUse = h.chunks.reduce((n, c) => n + (c.home === ChunkHome.inUse ? c.sizeBytes : 0), 0);
          assert.equal(Number(await strip.getAttribute('data-in-use-bytes')), inUse);
        }
      }
      // The main strip spans the brk heap the CLI reports; every chunk the CLI says is live lies in its strip's in-use bytes.
      if (rec.brk > 0) assert.equal(Number(await page.locator('[data-testid="arena-strip-0-0"]').getAttribute('data-size-bytes')), rec.brk, `brk after op ${rec.i}`);
      const liveBytes = new Map<string, number>();
      const live = new Map<number, JsonlRecord>();
      for (const x of jsonl.slice(0, cursor)) {
        if (x.id === undefined) continue;
        if (x.op === 'f' || x.region === 'mmap' || x.region === null || x.region === undefined) live.delete(x.id);
        else live.set(x.id, x);
      }
      for (const x of live.values()) {
        const key = `${x.arena}:${x.heap ?? 0}`;
        liveBytes.set(key, (liveBytes.get(key) ?? 0) + x.usable! + 8);
      }
      for (const [key, bytes] of liveBytes) {
        const [arenaNumber, heapIndex] = key.split(':').map(Number);
        const a = view.arenas.find((v) => v.number === arenaNumber)!;
        const strip = page.locator(`[data-testid="arena-strip-${a.modelIndex}-${heapIndex}"]`);
        assert.ok(Number(await strip.getAttribute('data-in-use-bytes')) >= bytes, `arena ${arenaNumber} heap ${heapIndex} holds the CLI's live chunks`);
      }
      // Which thread owns which arena now.
      for (const t of view.threads) {
        const row = page.locator(`[data-testid="lab-threads-table"] tr[data-tid="${t.tid}"]`);
        assert.equal(Number(await row.getAttribute('data-arena')), view.arenas[t.arenaModelIndex]?.number ?? -1, `thread ${t.tid}'s arena after ${cursor} ops`);
        assert.equal(Number(await row.getAttribute('data-tcache-chunks')), t.tcacheChunks, `thread ${t.tid}'s tcache after ${cursor} ops`);
      }
    }
    await page.screenshot({ path: join(SHOTS, 'lab-threads-02-arenas.png'), fullPage: true });
  });

  test('ops are coloured by thread: one colour per thread', async () => {
    await seekByKeyboard(page, Math.floor(trace.length / 2));
    const items = page.locator('[data-testid="lab-nearby-ops"] li');
    const colourOf = new Map<string, string>();
    for (let k = 0; k < (await items.count()); k++) {
      const tid = (await items.nth(k).getAttribute('data-tid'))!;
      const colour = /border-left:\s*([^;]+)/.exec((await items.nth(k).getAttribute('style')) ?? '')?.[1] ?? '';
      assert.notEqual(colour, '', 'each op has its thread colour');
      if (colourOf.has(tid)) assert.equal(colour, colourOf.get(tid), `thread ${tid} keeps its colour`);
      colourOf.set(tid, colour);
    }
    const colours = [...colourOf.values()];
    assert.equal(new Set(colours).size, colours.length, 'different threads, different colours');
  });

  test('the thread filter steps only that thread’s ops, in order (Enter on its button, ] and [)', async () => {
    const tid = 2;
    const ops: number[] = [];
    for (let i = 0; i < trace.length; i++) if (trace.tids[i] === tid) ops.push(i);
    assert.ok(ops.length >= 3);
    await seekByKeyboard(page, 0);
    const filter = page.locator('[data-testid="lab-thread-filter"]');
    await filter.focus();
    // Keyboard on a closed select: each ArrowDown picks the next option ("all threads", thread 0, 1, 2 …).
    for (let k = 0; k <= tid; k++) await page.keyboard.press('ArrowDown');
    assert.equal(await filter.inputValue(), String(tid));
    await page.keyboard.press('Tab'); // to "its previous op" (disabled: skipped) or "its next op"
    const next = page.locator('[data-testid="lab-thread-next"]');
    await next.focus();
    const visited: number[] = [];
    while (!(await next.isDisabled())) {
      const before = await readCursor(page);
      await page.keyboard.press('Enter');
      while ((await readCursor(page)) === before) await page.waitForTimeout(10);
      visited.push((await readCursor(page)) - 1);
      assert.equal(Number(await page.locator('[data-testid="threads-op"]').getAttribute('data-tid')), tid);
    }
    assert.deepEqual(visited, ops, `thread ${tid}'s ops, each once`);
    await page.keyboard.press('[');
    await page.locator(`[data-testid="lab-transport"][data-cursor="${ops[ops.length - 2]! + 1}"]`).waitFor();
    await page.keyboard.press(']');
    await page.locator(`[data-testid="lab-transport"][data-cursor="${ops[ops.length - 1]! + 1}"]`).waitFor();
    await page.screenshot({ path: join(SHOTS, 'lab-threads-03-filter.png'), fullPage: true });
  });

  test('the what-if table gives the model’s footprint and the CLI’s OS calls per variant, each labelled simulated', async () => {
    const cli = runMemscope(['sim', 'malloc', '--variants', '--json', TRACE_PATH]);
    assert.equal(cli.code, 0, cli.stderr);
    const variants = (JSON.parse(cli.stdout) as { variants: { name: string; peak_bytes: number | null; final_bytes: number | null; error: string | null }[] }).variants;
    const rows = page.locator('[data-testid="what-if-row"]');
    assert.equal(await rows.count(), MALLOC_VARIANTS.length);
    for (const v of MALLOC_VARIANTS) {
      const row = page.locator(`[data-testid="what-if-row"][data-variant="${v.name}"]`);
      const cells = (await row.textContent()) ?? '';
      assert.match(cells, /not measured/, `${v.name}: no real run is claimed`);
      assert.equal((cells.match(/simulated/g) ?? []).length, 4, `${v.name}: every figure labelled simulated`);
      // The footprint as `memscope sim malloc --variants --json` predicts it for the same variant.
      const predicted = variants.find((p) => p.name === v.name)!;
      assert.equal(Number(await row.getAttribute('data-peak-bytes')), predicted.peak_bytes, `${v.name} peak`);
      assert.equal(Number(await row.getAttribute('data-final-bytes')), predicted.final_bytes, `${v.name} final`);
      if (v.allocator === 'tcmalloc') {
        // TCMalloc's page heap grows with sbrk: the model's calls, its pre-main start-up's grow too, which the
        // CLI's summary leaves out (it counts grows from main on).
        const r = createTcmallocReplay(trace, createDefaultTcmallocParams());
        runTcmallocReplay(r, trace.length);
        const grows = /^page heap\s+(\d+) sbrk grows/m.exec(runMemscope(['sim', 'malloc', '--allocator', 'tcmalloc', TRACE_PATH]).stdout)!;
        assert.equal(Number(await row.getAttribute('data-brk-calls')), r.heap.os.brkCalls, `${v.name} brk calls`);
        assert.ok(r.heap.os.brkCalls >= Number(grows[1]), `${v.name}: ${r.heap.os.brkCalls} brk calls, ${grows[1]} grows after start-up`);
        continue;
      }
      const r = createGlibcThreadedReplay(trace, parseGlibcTunables(v.tunables).params);
      runGlibcThreadedReplay(r);
      // brk and chunk mmap/munmap calls as the CLI's summary counts them, plus one mmap and one mprotect per arena heap made.
      const summary = runMemscope(['sim', 'malloc', ...(v.tunables === '' ? [] : ['--tunables', v.tunables]), TRACE_PATH]).stdout;
      const brk = /^brk\s+(\d+) grows, (\d+) trims/m.exec(summary)!;
      const mm = /(\d+) mmap, (\d+) munmap, (\d+) mremap calls/.exec(summary)!;
      const heapsMade = r.heap.threads!.heaps.length;
      assert.equal(Number(await row.getAttribute('data-brk-calls')), Number(brk[1]) + Number(brk[2]), `${v.name} brk calls`);
      assert.equal(Number(await row.getAttribute('data-mmap-calls')), Number(mm[1]) + heapsMade, `${v.name} mmap calls`);
      assert.equal(Number(await row.getAttribute('data-munmap-calls')) >= Number(mm[2]), true, `${v.name} munmap calls`);
    }
    await page.locator('[data-testid="lab-what-if"]').screenshot({ path: join(SHOTS, 'lab-threads-04-what-if.png') });
  });

  test('a real run is shown beside the prediction: the recording’s own, and a --measure run opened for a variant', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'memscope-lab-measure-'));
    try {
      // A deterministic single-threaded subject: its real footprint and the prediction agree exactly (sim malloc --variants tests).
      const program = [buildHarness('predict-subject.c'), '20000', '7'];
      const recorded = runMemscope(['record', '-o', join(dir, 'run.trace'), '--', ...program]);
      assert.equal(recorded.code, 0, recorded.stderr);
      // `record` without --measure names no footprint on stderr; the trace's closing line holds it.
      const own = readRecordedTrace(join(dir, 'run.trace')).footprint!;
      const saved = process.env['GLIBC_TUNABLES'];
      process.env['GLIBC_TUNABLES'] = LOWER_MMAP.tunables;
      const measured = runMemscope(['record', '--measure', '-o', join(dir, 'lower-mmap.trace'), '--', ...program]);
      if (saved === undefined) delete process.env['GLIBC_TUNABLES'];
      else process.env['GLIBC_TUNABLES'] = saved;
      assert.equal(measured.code, 0, measured.stderr);
      const other = /footprint (\d+) bytes peak \(after op \d+\), (\d+) bytes at exit/.exec(measured.stderr)!;
      // The same program under the real TCMalloc (libtcmalloc-minimal is an oracle: without it, that row stays unmeasured).
      const tcmallocLib = oracleMissing('libtcmalloc-minimal') === false ? requireOracle('libtcmalloc-minimal') : null;
      if (tcmallocLib !== null) {
        process.env['LD_PRELOAD'] = tcmallocLib;
        const underTcmalloc = runMemscope(['record', '--measure', '-o', join(dir, 'tcmalloc.trace'), '--', ...program]);
        delete process.env['LD_PRELOAD'];
        assert.equal(underTcmalloc.code, 0, underTcmalloc.stderr);
      }
      await page.locator('[data-testid="lab-trace-file"]').setInputFiles(join(dir, 'run.trace'));
      await waitBuilt(page);
      const cell = (name: string) => page.locator(`[data-testid="what-if-row"][data-variant="${name}"] [data-testid="what-if-measured"]`);
      await page.locator('[data-testid="what-if-row"][data-variant="glibc"] [data-testid="what-if-measured"]:not([data-peak-bytes=""])').waitFor();
      assert.equal(Number(await cell('glibc').getAttribute('data-peak-bytes')), own.peakBytes, 'the recording run, as the shim measured it');
      assert.equal(Number(await cell('glibc').getAttribute('data-final-bytes')), own.finalBytes);
      assert.match((await cell('glibc').textContent()) ?? '', /measured \(while recording\)/);
      assert.match((await cell(LOWER_MMAP.name).textContent()) ?? '', /not measured/);
      await cell(LOWER_MMAP.name).locator('[data-testid="what-if-measure-file"]').setInputFiles(join(dir, 'lower-mmap.trace'));
      await page.locator(`[data-testid="what-if-row"][data-variant="${LOWER_MMAP.name}"] [data-testid="what-if-measured"]:not([data-peak-bytes=""])`).waitFor();
      assert.equal(Number(await cell(LOWER_MMAP.name).getAttribute('data-peak-bytes')), Number(other[1]), 'the lower mmap_threshold run, as record --measure printed it');
      assert.equal(Number(await cell(LOWER_MMAP.name).getAttribute('data-final-bytes')), Number(other[2]));
      assert.match((await cell(LOWER_MMAP.name).textContent()) ?? '', /measured \(lower-mmap\.trace\)/);
      // The prediction beside it: exact for this subject, in both rows.
      for (const name of ['glibc', LOWER_MMAP.name]) {
        const row = page.locator(`[data-testid="what-if-row"][data-variant="${name}"]`);
        assert.equal(await row.getAttribute('data-peak-bytes'), await cell(name).getAttribute('data-peak-bytes'), `${name}: predicted peak = measured`);
        assert.equal(await row.getAttribute('data-final-bytes'), await cell(name).getAttribute('data-final-bytes'), `${name}: predicted final = measured`);
        assert.match((await cell(name).textContent()) ?? '', /prediction \+0\.0 % peak/);
      }
      if (tcmallocLib !== null) {
        // TCMalloc's page heap, measured by the real library, beside its model's prediction: equal in bytes for this subject.
        await cell('tcmalloc').locator('[data-testid="what-if-measure-file"]').setInputFiles(join(dir, 'tcmalloc.trace'));
        await page.locator('[data-testid="what-if-row"][data-variant="tcmalloc"] [data-testid="what-if-measured"]:not([data-peak-bytes=""])').waitFor();
        const row = page.locator('[data-testid="what-if-row"][data-variant="tcmalloc"]');
        assert.equal(await row.getAttribute('data-peak-bytes'), await cell('tcmalloc').getAttribute('data-peak-bytes'), 'tcmalloc: predicted peak = measured');
        assert.equal(await row.getAttribute('data-final-bytes'), await cell('tcmalloc').getAttribute('data-final-bytes'), 'tcmalloc: predicted final = measured');
        assert.match((await cell('tcmalloc').textContent()) ?? '', /measured \(tcmalloc\.trace\).*prediction \+0\.0 % peak/);
        // A TCMalloc run is no measurement of a glibc variant: opened there, it is refused with the reason.
        await cell('arena_max=2').locator('[data-testid="what-if-measure-file"]').setInputFiles(join(dir, 'tcmalloc.trace'));
        await page.locator('[data-testid="what-if-measure-error"]', { hasText: 'measured under tcmalloc, not glibc' }).waitFor();
        assert.match((await cell('arena_max=2').textContent()) ?? '', /not measured/);
      }
      await page.locator('[data-testid="lab-what-if"]').screenshot({ path: join(SHOTS, 'lab-threads-05-measured.png') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('no console errors', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
