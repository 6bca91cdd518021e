// How the UI reads the host, seen from the browser's own requests: the pages about one mapping ask for that
// mapping (getMapping), never for every mapping of the process (getMappings), and a polled view asks again only
// once its last read has answered, even when the host stalls (memscope serve stopped with SIGSTOP); the process
// page re-reads mappings by fingerprint (getMappingsIfChanged), never the whole report again.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page, Request, Response } from 'playwright-core';
import { MAPPINGS_PER_ANSWER, MIN_MAPPINGS_CHUNK_SIZE } from '../../shared/api.js';
import { launchChromium, startServe, waitUntilInPage, type ServeProcess } from '../helpers/browser.js';
import { oracleMissing } from '../helpers/oracles.js';
import { startStaticSubject, startSubject, type Subject } from '../helpers/subject.js';

const skipReason = oracleMissing('chromium');
/** The page map's "re-read every 2 s" period (renderer/views/page-map-view.tsx FOLLOW_MS). */
const FOLLOW_MS = 2000;

/** One API call the page made: its method and arguments. */
interface ApiCall {
  method: string;
  args: unknown[];
}

/** Records the page's API calls and, per method, the most that were waiting for an answer at once. */
class ApiLog {
  readonly calls: ApiCall[] = [];
  readonly maxWaiting = new Map<string, number>();
  private readonly waiting = new Map<Request, string>();

  constructor(page: Page) {
    page.on('request', (req) => {
      const m = /^\/api\/([A-Za-z]+)$/.exec(new URL(req.url()).pathname);
      if (req.method() !== 'POST' || m === null) return;
      const method = m[1]!;
      this.calls.push({ method, args: (JSON.parse(req.postData() ?? '{}') as { args?: unknown[] }).args ?? [] });
      this.waiting.set(req, method);
      const now = [...this.waiting.values()].filter((x) => x === method).length;
      this.maxWaiting.set(method, Math.max(now, this.maxWaiting.get(method) ?? 0));
    });
    const done = (req: Request) => this.waiting.delete(req);
    page.on('requestfinished', done);
    page.on('requestfailed', done);
  }

  methods(): Set<string> {
    return new Set(this.calls.map((c) => c.method));
  }

  clear(): void {
    this.calls.length = 0;
    this.maxWaiting.clear();
  }
}

describe('how the UI reads the host', { skip: skipReason }, () => {
  let serve: ServeProcess;
  let subject: Subject;
  let browser: Browser;
  let page: Page;
  let log: ApiLog;

  before(async () => {
    subject = await startSubject(64, 24);
    serve = await startServe(['-d', '1']);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    log = new ApiLog(page);
  });
  after(async () => {
    serve?.child.kill('SIGCONT');
    await browser?.close();
    await serve?.stop();
    await subject?.kill();
  });

  test('the mapping page, its page map and what-if ask for the one mapping, never for all of them', async () => {
    const base = `${serve.url.split('#')[0]}#/process/${subject.pid}/mapping/${subject.anonStart}`;
    await page.goto(base);
    await page.locator('[data-testid="smaps-field-Rss"] td.value').waitFor();
    await page.goto(`${base}/pages`);
    await page.locator('[data-testid="page-grid"]').waitFor();
    await page.goto(`${base}/what-if`);
    await page.locator('[data-testid="what-if-summary"]').waitFor();
    const methods = log.methods();
    assert.ok(!methods.has('getMappings'), `asked for every mapping: ${[...methods].join(', ')}`);
    const asked = log.calls.filter((c) => c.method === 'getMapping');
    assert.ok(asked.length >= 3, `getMapping asked ${asked.length} times for three pages`);
    for (const c of asked) assert.deepEqual(c.args, [subject.pid, subject.anonStart]);
  });

  test('the process page re-reads its mappings by fingerprint, never the whole report, and the table keeps its rows', async () => {
    log.clear();
    const answers: { fingerprint: string; chunkMappings?: number; mappingChunks: (unknown[] | null)[] }[] = [];
    const onResponse = (r: Response) => {
      if (r.url().endsWith('/api/getMappingsIfChanged')) void r.json().then((b: { value?: (typeof answers)[number] }) => b.value !== undefined && answers.push(b.value));
    };
    page.on('response', onResponse);
    try {
      await page.goto(`${serve.url.split('#')[0]}#/process/${subject.pid}`);
      await page.locator('[data-testid="mappings-table"]').waitFor();
      const rows = await page.locator('[data-testid="mappings-table"]').getAttribute('data-row-count');
      // The page re-reads every 5 s (MAPPINGS_POLL_MS): wait for the second read's answer.
      const deadline = Date.now() + 20_000;
      while (answers.length < 2 && Date.now() < deadline) await page.waitForTimeout(200);
      assert.ok(answers.length >= 2, `${answers.length} getMappingsIfChanged answers in 20 s`);
      const asked = log.calls.filter((c) => c.method === 'getMappingsIfChanged');
      assert.ok(!log.methods().has('getMappings'), 'never the whole report');
      assert.deepEqual(asked[0]?.args, [subject.pid, null, MIN_MAPPINGS_CHUNK_SIZE, MAPPINGS_PER_ANSWER], 'the first read holds nothing, and asks for the smallest chunks, a bounded number whole');
      assert.ok(answers.every((a) => a.mappingChunks.every((c) => c === null || c.length <= 4 * (a.chunkMappings ?? 0))), 'chunks near the size said');
      assert.equal(asked[1]?.args[1], answers[0]?.fingerprint, 'a re-read sends the fingerprint of the report it holds');
      assert.equal(await page.locator('[data-testid="mappings-table"]').getAttribute('data-row-count'), rows, 'the table shows the same rows after the re-read');
      await page.locator('[data-testid="mapping-filter"]').fill(subject.anonStart);
      await page.locator(`[data-testid="mapping-row-${subject.anonStart}"]`).waitFor();
    } finally {
      page.off('response', onResponse);
    }
  });

  test('a polled mappings re-read renders once, when it answers: the toolbar never says "reading smaps…" for it', async () => {
    await page.goto(`${serve.url.split('#')[0]}#/process/${subject.pid}`);
    await waitUntilInPage(page, `document.querySelector('[data-testid="mappings-read-at"]')?.textContent?.startsWith('smaps read at') === true`, 20_000);
    // Every text the label shows from now on (a MutationObserver sees each commit's text, however short-lived), and
    // the text it starts from, read in the same evaluate: a re-read answering between the two would go unseen.
    const first = await page.evaluate<string>(`(() => {
      const el = document.querySelector('[data-testid="mappings-read-at"]');
      globalThis.readAtTexts = [];
      new MutationObserver(() => globalThis.readAtTexts.push(el.textContent)).observe(el, { childList: true, characterData: true, subtree: true });
      return el.textContent;
    })()`);
    // The page re-reads every 5 s (MAPPINGS_POLL_MS), and the clock has whole seconds: the label moves at the next one.
    await waitUntilInPage(page, `document.querySelector('[data-testid="mappings-read-at"]')?.textContent !== ${JSON.stringify(first)}`, 20_000);
    const texts = await page.evaluate(() => (globalThis as unknown as { readAtTexts: string[] }).readAtTexts);
    assert.ok(texts.length > 0 && texts.every((t) => t.startsWith('smaps read at')), `the label showed ${JSON.stringify(texts)}`);
    // A refresh asked by the user still says so while it runs.
    await page.locator('[data-testid="refresh-mappings"]').click();
    await waitUntilInPage(page, `globalThis.readAtTexts.includes('reading smaps…')`, 20_000);
  });

  test('a re-read re-renders the toolbar\'s "read at" label, not its checkbox and button (nor writes their attributes)', async () => {
    await page.goto(`${serve.url.split('#')[0]}#/process/${subject.pid}`);
    await waitUntilInPage(page, `document.querySelector('[data-testid="mappings-read-at"]')?.textContent?.startsWith('smaps read at') === true`, 20_000);
    // The props React keeps on each element ("__reactProps$…") are a new object at each render of it, and React writes
    // a re-rendered <input>'s name and type again (attribute writes the page then lays out anew): both are watched.
    const first = await page.evaluate<string>(`(() => {
      const propsOf = (el) => el[Object.keys(el).find((k) => k.startsWith('__reactProps$'))];
      const controls = [...document.querySelectorAll('[data-testid="mappings-auto-refresh"], [data-testid="mappings-auto-refresh"] input, [data-testid="refresh-mappings"]')];
      globalThis.controlProps = new Map(controls.map((el) => [el, propsOf(el)]));
      globalThis.controlWrites = [];
      const observer = new MutationObserver((records) => globalThis.controlWrites.push(...records.map((r) => r.target.tagName + ' ' + r.attributeName)));
      for (const el of controls) observer.observe(el, { attributes: true });
      return document.querySelector('[data-testid="mappings-read-at"]').textContent;
    })()`);
    // The page re-reads every 5 s (MAPPINGS_POLL_MS), and the clock has whole seconds: the label moves at the next one.
    await waitUntilInPage(page, `document.querySelector('[data-testid="mappings-read-at"]')?.textContent !== ${JSON.stringify(first)}`, 20_000);
    const verdict = (await page.evaluate(`(() => {
      const propsOf = (el) => el[Object.keys(el).find((k) => k.startsWith('__reactProps$'))];
      return { size: globalThis.controlProps.size, rerendered: [...globalThis.controlProps].filter(([el, props]) => propsOf(el) !== props).map(([el]) => el.outerHTML.slice(0, 60)), writes: globalThis.controlWrites };
    })()`)) as { size: number; rerendered: string[]; writes: string[] };
    assert.equal(verdict.size, 3, 'the checkbox, its label and the button watched');
    assert.deepEqual(verdict.rerendered, [], 'controls re-rendered by a re-read');
    assert.deepEqual(verdict.writes, [], 'attributes written by a re-read');
  });

  test('a re-read that finds the report unchanged re-renders the "read at" labels and nothing else of the view', async (t) => {
    // Linked statically: its Pss does not move whenever another process maps libc (a loaded machine starts many).
    const still = await startStaticSubject(16, 8);
    t.after(() => still.kill());
    // Each answer, and whether the rest of its report (rollup, VmSize, …) equals the answer's before it: smaps_rollup is
    // read after smaps, so a dynamic subject's Pss (it moves whenever any process maps libc) can differ there alone,
    // and then the page rightly renders the new PSS even though every chunk is unchanged.
    const answers: { mappingChunks: (unknown[] | null)[]; sameRest: boolean }[] = [];
    let lastRest: string | null = null;
    const onResponse = (r: Response) => {
      if (!r.url().endsWith('/api/getMappingsIfChanged')) return;
      void r.json().then((b: { value?: { mappingChunks: (unknown[] | null)[]; report: unknown } }) => {
        if (b.value === undefined) return;
        const rest = JSON.stringify(b.value.report);
        answers.push({ mappingChunks: b.value.mappingChunks, sameRest: rest === lastRest });
        lastRest = rest;
      }, () => undefined); // the page navigated or closed before the body came
    };
    page.on('response', onResponse);
    await page.goto(`${serve.url.split('#')[0]}#/process/${still.pid}`);
    await waitUntilInPage(page, `document.querySelector('[data-testid="mappings-read-at"]')?.textContent?.startsWith('smaps read at') === true`, 20_000);
    try {
      // A rendered element gets a new props object, which React keeps on the element ("__reactProps$…"), even when
      // its DOM ends up the same. The panels under the header and the chart: a tick renders none of them, whatever
      // the page does with the row; the labels and the refresh controls alone follow each read.
      const PANELS = '[data-testid="process-view"] .two-columns, [data-testid="mappings-panel"]';
      const FOLLOWERS = '.read-at, [data-testid="mappings-read-at"], [data-testid="mappings-auto-refresh"], [data-testid="refresh-mappings"]';
      // The subject is idle, but the kernel may still move a page of it (reclaim, khugepaged): up to four re-reads
      // are watched for one that brought no change.
      let unchangedSeen = false;
      let readAt = await page.locator('[data-testid="mappings-read-at"]').innerText();
      for (let attempt = 0; attempt < 4 && !unchangedSeen; attempt++) {
        answers.length = 0;
        const held = await page.evaluate(`{
          const propsOf = (el) => el[Object.keys(el).find((k) => k.startsWith('__reactProps$'))];
          globalThis.heldProps = new Map();
          for (const panel of document.querySelectorAll(${JSON.stringify(PANELS)}))
            for (const el of [panel, ...panel.querySelectorAll('*')])
              if (el.closest(${JSON.stringify(FOLLOWERS)}) === null && propsOf(el) !== undefined) globalThis.heldProps.set(el, propsOf(el));
          globalThis.heldProps.size;
        }`);
        assert.ok(typeof held === 'number' && held > 50, `${String(held)} elements watched`);
        // The page re-reads every 5 s (MAPPINGS_POLL_MS) and the clock has whole seconds: the label moves at the next read.
        await waitUntilInPage(page, `document.querySelector('[data-testid="mappings-read-at"]')?.textContent !== ${JSON.stringify(readAt)}`, 20_000);
        readAt = await page.locator('[data-testid="mappings-read-at"]').innerText();
        // (The label moves in the commit of the answer's render, if it has one: that render is done by now.)
        for (const deadline = Date.now() + 5000; answers.length === 0 && Date.now() < deadline; ) await page.waitForTimeout(100);
        if (answers.length === 0 || answers.some((a) => !a.sameRest || a.mappingChunks.some((c) => c !== null))) continue;
        unchangedSeen = true;
        const rerendered = (await page.evaluate(`{
          const propsOf = (el) => el[Object.keys(el).find((k) => k.startsWith('__reactProps$'))];
          [...globalThis.heldProps].filter(([el, props]) => el.isConnected && propsOf(el) !== props).map(([el]) => el.outerHTML.slice(0, 80));
        }`)) as string[];
        assert.deepEqual(rerendered, [], `${rerendered.length} elements re-rendered by an unchanged re-read`);
        const noteReadAt = await page.locator('[data-testid="process-view"] .source-note .read-at').innerText();
        assert.equal(noteReadAt.trim(), readAt.replace(/^smaps /, '').trim(), 'the composition\'s note follows the re-read');
      }
      assert.ok(unchangedSeen, 'every one of four re-reads of the idle subject brought a change');
    } finally {
      page.off('response', onResponse);
    }
  });

  test('a re-read that changed a chunk re-renders what shows its numbers, not the table controls, the heads, axis or legend', async (t) => {
    // A subject of its own: the one the other tests share keeps the memory they count.
    const changing = await startSubject(16, 1);
    t.after(() => changing.kill());
    await page.goto(`${serve.url.split('#')[0]}#/process/${changing.pid}`);
    await waitUntilInPage(page, `document.querySelector('[data-testid="mappings-read-at"]')?.textContent?.startsWith('smaps read at') === true`, 20_000);
    // The props React keeps on each element ("__reactProps$…"): a new object is a render of that element.
    const held = await page.evaluate(`{
      const propsOf = (el) => el[Object.keys(el).find((k) => k.startsWith('__reactProps$'))];
      // What a re-read leaves as it was: the table's controls (title, filter, grouping, CSV, column chooser), the table's
      // and the kind summary's heads, the composition's percent axis and its legend (the subject's kinds stay the same).
      const STILL = [
        '[data-testid="mappings-panel"] > .toolbar > :is(h3, [data-testid="mapping-filter"], label:not([data-testid]), [data-testid="mappings-csv"], [data-testid="mapping-columns"])',
        '[data-testid="mappings-table"] .vt-header, [data-testid="kind-summary"] thead, .composition-axis, [data-testid="composition-bar"] .legend',
      ].join(', ');
      globalThis.stillProps = new Map([...document.querySelectorAll(STILL)].flatMap((el) => [el, ...el.querySelectorAll('*')]).filter((el) => propsOf(el) !== undefined).map((el) => [el, propsOf(el)]));
      globalThis.totalsProps = propsOf(document.querySelector('[data-testid="mapping-all"]'));
      globalThis.anonProps = propsOf(document.querySelector('[data-testid="kind-row-anon"]'));
      globalThis.stillProps.size;
    }`);
    assert.ok(typeof held === 'number' && held > 70, `${String(held)} elements watched`);
    const totals = await page.locator('[data-testid="mapping-all"]').innerText();
    // 8 MiB more of the anonymous region written: its Rss and the totals change at the next re-read (every 5 s).
    assert.equal(await changing.command('touch 8'), 'ok');
    await waitUntilInPage(page, `document.querySelector('[data-testid="mapping-all"]')?.innerText !== ${JSON.stringify(totals)}`, 20_000);
    const renders = await page.evaluate(`{
      const propsOf = (el) => el[Object.keys(el).find((k) => k.startsWith('__reactProps$'))];
      ({
        totals: propsOf(document.querySelector('[data-testid="mapping-all"]')) !== globalThis.totalsProps,
        anon: propsOf(document.querySelector('[data-testid="kind-row-anon"]')) !== globalThis.anonProps,
        still: [...globalThis.stillProps].filter(([el, props]) => !el.isConnected || propsOf(el) !== props).map(([el]) => el.outerHTML.slice(0, 80)),
      });
    }`) as { totals: boolean; anon: boolean; still: string[] };
    assert.ok(renders.totals && renders.anon, 'the totals row and the kind summary\'s anon row re-rendered with the new numbers');
    assert.deepEqual(renders.still, [], `${renders.still.length} elements re-rendered that show nothing the re-read changed`);
    // The CSV button it kept exports the report of now: the anonymous region's Rss with the 8 MiB written since.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="mappings-csv"]').click()]);
    const csv = await readFile(await download.path(), 'utf8');
    const [head, ...lines] = csv.trim().split('\r\n').map((l) => l.split(','));
    const anon = lines.find((cells) => cells[0] === changing.anonStart);
    assert.ok(head !== undefined && anon !== undefined, `no line for ${changing.anonStart} in the CSV`);
    assert.ok(Number(anon[head.indexOf('Rss')]) >= 9 * 1024, `the CSV's Rss of the anonymous region: ${anon[head.indexOf('Rss')]} kB`);
  });

  test('a page map that follows a stalled host waits for its read instead of asking again', async () => {
    await page.goto(`${serve.url.split('#')[0]}#/process/${subject.pid}/mapping/${subject.anonStart}/pages`);
    await page.locator('[data-testid="page-grid"]').waitFor();
    await page.locator('[data-testid="pages-follow"]').check();
    await page.waitForResponse((r) => r.url().endsWith('/api/getPages')); // following: one re-read answered
    log.clear();
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/getPages'), { timeout: 30_000 });
    serve.child.kill('SIGSTOP');
    try {
      // Long enough for the follow timer to fire at least twice while the first read cannot be answered.
      await page.waitForTimeout(FOLLOW_MS * 2 + 1000);
      assert.ok(log.calls.some((c) => c.method === 'getPages'), 'the follow timer asked while the host was stopped');
    } finally {
      serve.child.kill('SIGCONT');
    }
    assert.equal(log.maxWaiting.get('getPages'), 1, 'getPages requests waiting at once for a stalled host');
    await answered;
    assert.equal(Number(await page.locator('[data-testid="pages-present"]').getAttribute('data-count')), 24 * 256, 'the page map still shows the touched pages');
  });
});
