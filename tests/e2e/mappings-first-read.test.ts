// The first read of a big process's mappings in pieces (issue 13), in Chromium against a real `memscope serve`: the
// page asks getMappingsIfChanged for MAPPINGS_PER_ANSWER mappings whole and the rest with getMappingChunks, each
// answer bounded (its own task to parse), and the table it builds counts and sums what `memscope maps --json` says of
// the same process. A report the host replaced meanwhile (another reader) is read again; an older host, which refuses
// a fourth argument, is read the old way, in one answer.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page, Route } from 'playwright-core';
import { MAPPINGS_CHUNK_SIZE, MAPPINGS_PER_ANSWER, MIN_MAPPINGS_CHUNK_SIZE, type MappingChunks } from '../../shared/api.js';
import type { Mapping } from '../../shared/proc/types.js';
import { launchChromium, startServe, type ServeProcess } from '../helpers/browser.js';
import { runMemscope } from '../helpers/cli.js';
import { buildHarness } from '../helpers/c-build.js';
import { oracleMissing } from '../helpers/oracles.js';
import { spawnUntilReady } from '../helpers/ready-harness.js';
import type { ChildProcess } from 'node:child_process';

const skipReason = oracleMissing('chromium');
/** Over twice MAPPINGS_PER_ANSWER: the first read takes its first answer and two getMappingChunks answers at least. */
const PAGES = 6000;
const TABLE = '[data-testid="mappings-table"]';

/** One API call the page made and, once it came, the value it answered (undefined for an error). */
interface Call {
  method: string;
  args: unknown[];
  value?: unknown;
}

/** Records the page's API calls with their answers. */
function logCalls(page: Page): Call[] {
  const calls: Call[] = [];
  page.on('request', (req) => {
    const m = /^\/api\/([A-Za-z]+)$/.exec(new URL(req.url()).pathname);
    if (req.method() !== 'POST' || m === null) return;
    const call: Call = { method: m[1] ?? '', args: (JSON.parse(req.postData() ?? '{}') as { args?: unknown[] }).args ?? [] };
    calls.push(call);
    void req
      .response()
      .then((r) => r?.json())
      .then((b: { ok?: boolean; value?: unknown } | undefined) => (call.value = b?.ok === true ? b.value : undefined))
      .catch(() => undefined); // the page moved on before the body came
  });
  return calls;
}

/**
 * What the page shows of the report it built: the table's "all N mappings" count, and the kind summary's Σ Size and
 * Σ Rss (exact kB in titles), which the page adds up from the mappings it put together, chunk by chunk.
 */
async function readShown(page: Page): Promise<{ count: number; sizeKb: number; rssKb: number }> {
  await page.locator(`${TABLE} [data-testid="mapping-all"]`).waitFor({ timeout: 60_000 });
  await page.locator('[data-testid="kind-summary"]').waitFor(); // a first read's sums come in idle time after the table
  const read = await page.evaluate<{ heads: string[]; cells: string[]; summaryHeads: string[]; summaryTotals: string[] }>(`(() => {
    const table = document.querySelector(${JSON.stringify(TABLE)});
    const summary = document.querySelector('[data-testid="kind-summary"]');
    return {
      heads: [...table.querySelectorAll('.vt-head')].map((h) => h.innerText),
      cells: [...table.querySelectorAll('[data-testid="mapping-all"] .vt-cell')].map((c) => c.innerText.trim()),
      summaryHeads: [...summary.querySelectorAll('thead th')].map((h) => h.innerText.trim()),
      summaryTotals: [...summary.querySelectorAll('tfoot td')].map((td) => td.getAttribute('title') ?? ''),
    };
  })()`);
  const count = Number(/all (\S+) mappings/.exec(read.cells[read.heads.findIndex((h) => h.startsWith('Mapping'))] ?? '')?.[1]?.replace(/\D/g, ''));
  const kb = (field: string) => Number((read.summaryTotals[read.summaryHeads.indexOf(field)] ?? '').replace(/\D/g, ''));
  return { count, sizeKb: kb('Size'), rssKb: kb('Rss') };
}

/** `memscope maps PID --json`: the mappings count and Size and Rss totals (kB). */
function readCli(pid: number): { count: number; sizeKb: number; rssKb: number } {
  const r = runMemscope(['maps', String(pid), '--json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { mappings: Mapping[]; totals: Record<string, number> };
  return { count: report.mappings.length, sizeKb: report.totals['Size'] ?? NaN, rssKb: report.totals['Rss'] ?? NaN };
}

describe('the first read of a big process, in pieces', { skip: skipReason }, () => {
  let serve: ServeProcess;
  let child: ChildProcess;
  let pid: number;
  let browser: Browser;

  before(async () => {
    ({ child } = await spawnUntilReady(buildHarness('many-maps.c'), [String(PAGES)]));
    pid = child.pid ?? 0;
    serve = await startServe(['-d', '1']);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await serve?.stop();
    child?.kill('SIGKILL');
  });

  /** A page of its own (a fresh page module: nothing cached, no host flag set by another test). */
  async function openPage(): Promise<{ page: Page; calls: Call[] }> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    return { page, calls: logCalls(page) };
  }

  test('comes in bounded answers, and the table counts and sums what memscope maps --json says', async () => {
    const { page, calls } = await openPage();
    try {
      await page.goto(`${serve.url.split('#')[0]}#/process/${pid}`);
      const shown = await readShown(page);
      assert.deepEqual(shown, readCli(pid), 'the table against the CLI');
      assert.ok(shown.count > PAGES, `${shown.count} mappings`);
      const first = calls.find((c) => c.method === 'getMappingsIfChanged');
      assert.deepEqual(first?.args, [pid, null, MIN_MAPPINGS_CHUNK_SIZE, MAPPINGS_PER_ANSWER]);
      const pieces = calls.filter((c) => c.method === 'getMappingChunks');
      assert.ok(pieces.length >= 2, `${pieces.length} getMappingChunks calls`);
      // The log reads each answer's body after the page did: wait for the last ones.
      for (const deadline = Date.now() + 10_000; pieces.some((c) => c.value === undefined) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
      const sizes = pieces.map((c) => (c.value as MappingChunks | undefined)?.chunks.reduce((n, chunk) => n + chunk.length, 0) ?? -1);
      assert.ok(sizes.every((n) => n > 0 && n <= MAPPINGS_PER_ANSWER), `mappings per answer: ${sizes.join(', ')}`);
      const firstMappings = ((first?.value as { mappingChunks?: (Mapping[] | null)[] } | undefined)?.mappingChunks ?? []).flatMap((c) => c ?? []).length;
      assert.ok(firstMappings > 0 && firstMappings <= MAPPINGS_PER_ANSWER, `${firstMappings} mappings in the first answer`);
      assert.equal(firstMappings + sizes.reduce((a, b) => a + b, 0), shown.count, 'each mapping came once');
    } finally {
      await page.close();
    }
  });

  test('a report the host replaced before its pieces were asked is read again, whole and right', async () => {
    const { page, calls } = await openPage();
    // The page's first getMappingChunks waits until another reader (an older page: chunks of 512) has made the host
    // hold another report of the process; the real host then answers 'torn'.
    let held = false;
    await page.route('**/api/getMappingChunks', async (route: Route) => {
      if (!held) {
        held = true;
        const r = await fetch(`${serve.base}/api/getMappingsIfChanged`, {
          method: 'POST',
          headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ args: [pid, null, MAPPINGS_CHUNK_SIZE] }),
        });
        assert.equal(r.status, 200);
      }
      await route.continue();
    });
    // Whether the page ever showed a mappings error (the next poll, 5 s on, would read the report right after one).
    await page.addInitScript({
      content: `globalThis.sawMappingsError = false;
        new MutationObserver(() => { if (document.querySelector('[data-testid="mappings-error"]') !== null) globalThis.sawMappingsError = true; })
          .observe(document, { childList: true, subtree: true });`,
    });
    try {
      await page.goto(`${serve.url.split('#')[0]}#/process/${pid}`);
      const shown = await readShown(page);
      assert.deepEqual(shown, readCli(pid), 'the table against the CLI');
      assert.equal(await page.evaluate('globalThis.sawMappingsError'), false, 'the torn read was read again, never shown as an error');
      const firsts = calls.filter((c) => c.method === 'getMappingsIfChanged' && c.args[1] === null);
      assert.ok(firsts.length >= 2, `${firsts.length} first reads: the torn one was read again`);
    } finally {
      await page.close();
    }
  });

  test('an older host, which takes no fourth argument, is read in one answer as before', async () => {
    const { page, calls } = await openPage();
    // No older memscope runs here: its one answer that differs, the bad-arg an older getMappingsIfChanged gives to four
    // arguments (shared/validate-args.ts before maxMappings), stands in for it; every other call reaches the real host.
    await page.route('**/api/getMappingsIfChanged', async (route: Route) => {
      const args = (JSON.parse(route.request().postData() ?? '{}') as { args?: unknown[] }).args ?? [];
      if (args.length < 4) return route.continue();
      return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ ok: false, error: { code: 'bad-arg', message: `getMappingsIfChanged: expected 2 to 3 argument(s), got ${args.length}` } }) });
    });
    try {
      await page.goto(`${serve.url.split('#')[0]}#/process/${pid}`);
      const shown = await readShown(page);
      assert.deepEqual(shown, readCli(pid), 'the table against the CLI');
      assert.deepEqual(
        calls.filter((c) => c.method === 'getMappingsIfChanged' && c.args[1] === null).map((c) => c.args),
        [
          [pid, null, MIN_MAPPINGS_CHUNK_SIZE, MAPPINGS_PER_ANSWER],
          [pid, null, MIN_MAPPINGS_CHUNK_SIZE],
        ],
      );
      assert.equal(calls.filter((c) => c.method === 'getMappingChunks').length, 0);
    } finally {
      await page.close();
    }
  });
});
