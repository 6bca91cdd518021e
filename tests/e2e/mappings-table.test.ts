// The mappings table in Chromium against `memscope serve`, on the serve process itself (a node
// process: hundreds of mappings, ---p guards and reservations, a VmSize of gigabytes, so its Σ
// Size is a long number): no numeric cell is cut at 1280 or 1920 px, every amount header names its
// unit, and the kind summary names kinds with the same words as the table (one vocabulary). What a re-read
// re-renders, and the summary's totals after it, are watched on a subject whose one anonymous region grows; that
// growth crosses as a patch (its numbers, not its mapping) and the row shows it as the kernel counts it.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page, type Response } from 'playwright-core';
import { startServe, type ServeProcess } from '../helpers/browser.js';
import { oracleMissing, requireOracle } from '../helpers/oracles.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { startSubject, type Subject } from '../helpers/subject.js';

const SHOTS = resolve(REPO_ROOT, 'dist/e2e-screenshots');
const skipReason = oracleMissing('chromium');
const TABLE = '[data-testid="mappings-table"]';
/** How long a change may take to be drawn: the page re-reads mappings every 5 s (MAPPINGS_POLL_MS). */
const REREAD_PATIENCE_MS = 30_000;

/** Header texts of the table, in column order. */
async function headers(page: Page): Promise<string[]> {
  return page.locator(`${TABLE} .vt-head`).allInnerTexts();
}

/** Every rendered body row of the table as its cells' texts. */
async function bodyRows(page: Page): Promise<string[][]> {
  return page.locator(`${TABLE} .vt-body .vt-row`).evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('.vt-cell')].map((c) => (c.textContent ?? '').trim())));
}

describe('mappings table in Chromium', { skip: skipReason }, () => {
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    serve = await startServe(['-d', '0.5']);
    browser = await chromium.launch({
      executablePath: requireOracle('chromium'),
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(`${serve.url.split('#')[0]}#/process/${serve.child.pid}`);
    await page.locator(`${TABLE} .vt-body .vt-row`).first().waitFor();
    await page.locator('[data-testid="kind-summary"]').waitFor();
  });
  after(async () => {
    await browser?.close();
    await serve?.stop();
  });

  for (const widthPx of [1280, 1920]) {
    test(`at ${widthPx} px no numeric cell is cut and every amount header names its unit`, async () => {
      await page.setViewportSize({ width: widthPx, height: 1000 });
      // Largest first: the big reservations and groups ([guard], [anon]) are on screen.
      const sizeHead = page.locator(`${TABLE} .vt-head`, { hasText: /^Size/ });
      await sizeHead.click();
      await page.locator(`${TABLE} .vt-head.active`, { hasText: /^Size/ }).waitFor();
      await page.screenshot({ path: join(SHOTS, `mappings-table-${widthPx}.png`), fullPage: true });

      const cut = await page.locator(`${TABLE} .vt-cell.num`).evaluateAll((cells) =>
        cells.filter((c) => c.scrollWidth > c.clientWidth).map((c) => `${c.textContent ?? ''} (${c.scrollWidth} > ${c.clientWidth} px)`),
      );
      const cellCount = await page.locator(`${TABLE} .vt-cell.num`).count();
      assert.ok(cellCount > 20, `only ${cellCount} numeric cells rendered`);
      assert.deepEqual(cut, [], 'numeric cells cut');
      // The Σ total's Size is this node process's VmSize: gigabytes, the longest number of the table.
      const total = await page.locator(`${TABLE} [data-testid="mapping-all"] .vt-cell.num`).first().innerText();
      assert.match(total, /^\d{1,3}(,\d{3}){2,}$/, `Σ Size "${total}" is not a whole number of kB`);

      const numericHeads = await page.locator(`${TABLE} .vt-head.num`).allInnerTexts();
      assert.ok(numericHeads.length >= 5, `numeric headers: ${numericHeads.join(' | ')}`);
      for (const h of numericHeads) assert.match(h.replace(/[▲▼]/g, '').trim(), / kB$/, `header "${h}" names no unit`);
      const headCut = await page.locator(`${TABLE} .vt-head`).evaluateAll((hs) => hs.filter((h) => h.scrollWidth > h.clientWidth).map((h) => h.textContent ?? ''));
      assert.deepEqual(headCut, [], 'headers cut');
    });
  }

  test('the kind summary and the table name kinds with the same words', async () => {
    const heads = await headers(page);
    const kindCol = heads.findIndex((h) => h.startsWith('Kind'));
    const nameCol = heads.findIndex((h) => h.startsWith('Mapping'));
    assert.ok(kindCol >= 0 && nameCol >= 0, `headers: ${heads.join(' | ')}`);
    const summaryRows = page.locator('[data-testid^="kind-row-"]');
    const names = (await summaryRows.locator('td:first-child').allInnerTexts()).map((n) => n.trim());
    // A node process has both: pathless no-access reservations and plain anonymous memory.
    assert.ok(names.includes('guard') && names.includes('anon'), `summary kinds: ${names.join(', ')}`);
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      // "exe (text, data, bss)": a category of several kinds lists them; else the name is the kind.
      const listed = /^\S+ \((.+)\)$/.exec(name)?.[1]?.split(', ') ?? [name];
      await summaryRows.nth(i).click();
      await page.locator('[data-testid="kind-filter-chip"]', { hasText: name }).waitFor();
      const rows = await bodyRows(page);
      assert.ok(rows.length > 0, `no rows for ${name}`);
      for (const cells of rows) {
        const kind = cells[kindCol] as string;
        assert.ok(listed.includes(kind), `summary "${name}" shows a row of kind "${kind}"`);
        const path = cells[nameCol] as string;
        // Pathless mappings are "[kind]" and pseudo-names ("[heap]", "[vdso]") are their kind too.
        const bracketed = /^\[([a-z]+)\]/.exec(path)?.[1];
        if (bracketed !== undefined) assert.equal(bracketed, kind, `a ${kind} mapping is named "${path}"`);
      }
      await summaryRows.nth(i).click(); // clears the filter
      await page.locator('[data-testid="kind-filter-chip"]').waitFor({ state: 'detached' });
    }
  });

  /** Waits until the row of the mapping at start is drawn other than html (a re-read brought its change). */
  async function waitForRowChange(start: string, html: string): Promise<void> {
    const row = page.locator(`${TABLE} [data-testid="mapping-row-${start}"]`);
    for (const deadline = Date.now() + REREAD_PATIENCE_MS; (await row.evaluate((r) => r.outerHTML)) === html; ) {
      assert.ok(Date.now() < deadline, `no re-read redrew the mapping at ${start} in ${REREAD_PATIENCE_MS / 1000} s`);
      await page.waitForTimeout(100);
    }
  }

  /** The subject touches 16 MiB more of its anonymous region; waits until a re-read redraws that region's row. */
  async function growAnonAndWaitForReread(subject: Subject): Promise<void> {
    const anonHtml = await page.locator(`${TABLE} [data-testid="mapping-row-${subject.anonStart}"]`).evaluate((r) => r.outerHTML);
    assert.equal(await subject.command('touch 16'), 'ok');
    await waitForRowChange(subject.anonStart, anonHtml);
  }

  // The re-read tests watch a subject whose anonymous region alone grows: the serve process's own memory moves by
  // itself, so much that on a busy machine most of its rows changed between two re-reads ("only 5 rows drawn the same").
  test('a re-read that changes some mappings re-renders only their rows, not every row on screen', async () => {
    const subject = await startSubject(64, 8);
    try {
      await page.goto(`${serve.url.split('#')[0]}#/process/${subject.pid}`);
      const anonRow = page.locator(`${TABLE} [data-testid="mapping-row-${subject.anonStart}"]`);
      await anonRow.waitFor();
      // A row React re-rendered gets a new props object, which React keeps on the row's element ("__reactProps$…"),
      // even when the DOM ends up the same: each row's element and object now, to compare after the re-read.
      const held = await page.locator(`${TABLE} .vt-body .vt-row`).evaluateAll((rows) => {
        const w = globalThis as unknown as { heldRows?: Map<string, { html: string; props: unknown }> };
        w.heldRows = new Map();
        for (const r of rows) {
          const key = Object.keys(r).find((k) => k.startsWith('__reactProps$'));
          w.heldRows.set(r.getAttribute('data-key') ?? '', { html: r.outerHTML, props: key === undefined ? undefined : (r as unknown as Record<string, unknown>)[key] });
        }
        return w.heldRows.size;
      });
      assert.ok(held > 10, `${held} rows on screen`);
      await growAnonAndWaitForReread(subject);
      const verdict = await page.locator(`${TABLE} .vt-body .vt-row`).evaluateAll((rows) => {
        const heldRows = (globalThis as unknown as { heldRows: Map<string, { html: string; props: unknown }> }).heldRows;
        let same = 0;
        const rerendered: string[] = [];
        for (const r of rows) {
          const before = heldRows.get(r.getAttribute('data-key') ?? '');
          if (before === undefined || before.html !== r.outerHTML) continue;
          same++;
          const key = Object.keys(r).find((k) => k.startsWith('__reactProps$'));
          if (key === undefined || (r as unknown as Record<string, unknown>)[key] !== before.props) rerendered.push(r.getAttribute('data-key') ?? '');
        }
        return { same, rerendered };
      });
      assert.ok(verdict.same > 5, `only ${verdict.same} rows drawn the same before and after`);
      assert.deepEqual(verdict.rerendered, [], `${verdict.rerendered.length} of ${verdict.same} unchanged rows re-rendered`);
    } finally {
      await subject.kill();
    }
  });

  test('after a re-read that changes a chunk, the kind summary (summed per chunk) still adds up to the report totals', async () => {
    const subject = await startSubject(64, 8);
    try {
      await page.goto(`${serve.url.split('#')[0]}#/process/${subject.pid}`);
      const anonRow = page.locator(`${TABLE} [data-testid="mapping-row-${subject.anonStart}"]`);
      await anonRow.waitFor();
      await growAnonAndWaitForReread(subject);
      // The summary's total line against the table's "Σ total" line (the host's sums over every mapping), exact kB in
      // titles: both drawn from the one report held, whichever re-read it came from, so both are read in one evaluate
      // (a re-read between two reads could bring other Pss: shared pages' sharers come and go on a busy machine).
      const read = await page.evaluate<{ summaryHeads: string[]; summaryTotals: { title: string; text: string }[]; tableHeads: string[]; allCells: { title: string | null; text: string }[] }>(`(() => {
        const summary = document.querySelector('[data-testid="kind-summary"]');
        const table = document.querySelector(${JSON.stringify(TABLE)});
        return {
          summaryHeads: [...summary.querySelectorAll('thead th')].map((h) => h.innerText.trim()),
          summaryTotals: [...summary.querySelectorAll('tfoot td')].map((td) => ({ title: td.getAttribute('title') ?? '', text: td.innerText.trim() })),
          tableHeads: [...table.querySelectorAll('.vt-head')].map((h) => h.innerText),
          allCells: [...table.querySelectorAll('[data-testid="mapping-all"] .vt-cell')].map((c) => ({ title: c.querySelector('span')?.getAttribute('title') ?? null, text: c.innerText.trim() })),
        };
      })()`);
      for (const field of ['Rss', 'Pss', 'Swap']) {
        const summaryKb = read.summaryTotals[read.summaryHeads.indexOf(field)]?.title ?? '';
        const tableCell = read.allCells[read.tableHeads.findIndex((h) => h.startsWith(`${field} `))];
        const tableKb = tableCell?.title ?? tableCell?.text ?? '';
        assert.ok(summaryKb !== '', `no ${field} in the summary's total`);
        assert.equal(summaryKb.replace(/ kB$/, '').replace(/\D/g, ''), tableKb.replace(/ kB$/, '').replace(/\D/g, ''), `Σ ${field}: summary ${summaryKb}, report ${tableKb}`);
      }
      const count = /all (\S+) mappings/.exec(read.allCells[read.tableHeads.findIndex((h) => h.startsWith('Mapping'))]?.text ?? '')?.[1];
      assert.equal(read.summaryTotals.at(-1)?.text, count, 'mappings counted by the summary and the report');
    } finally {
      await subject.kill();
    }
  });

  test('a re-read where only a mapping\'s numbers moved brings them as a patch, and its row shows them as read', async () => {
    const subject = await startSubject(64, 8);
    const patched: [string, Record<string, unknown>][] = [];
    const onResponse = (r: Response) => {
      if (!r.url().endsWith('/api/getMappingsIfChanged')) return;
      void r.json().then((b: { value?: { mappingPatches?: ([string, Record<string, unknown>][] | null)[] } }) => patched.push(...(b.value?.mappingPatches ?? []).flatMap((p) => p ?? [])));
    };
    page.on('response', onResponse);
    try {
      await page.goto(`${serve.url.split('#')[0]}#/process/${subject.pid}`);
      const anonRow = page.locator(`${TABLE} [data-testid="mapping-row-${subject.anonStart}"]`);
      await anonRow.waitFor();
      await growAnonAndWaitForReread(subject);
      // 8 + 16 MiB touched, in 4 KiB pages (the subject turns transparent huge pages off for its region).
      const rssKb = (8 + 16) * 1024;
      assert.ok(
        patched.some(([start, changed]) => start === subject.anonStart && changed['Rss'] === rssKb),
        `the region's Rss crossed as a patch (patches: ${JSON.stringify(patched).slice(0, 200)})`,
      );
      const rssColumn = (await headers(page)).findIndex((h) => h.startsWith('Rss '));
      const rssTitle = await anonRow.locator('.vt-cell').nth(rssColumn).locator('span').getAttribute('title');
      assert.equal(rssTitle, `${rssKb.toLocaleString('en-US')} kB`);
    } finally {
      page.off('response', onResponse);
      await subject.kill();
    }
  });

  test('sorted by Rss: largest first, then reversed, equal amounts in address order, grouped or not', async () => {
    const subject = await startSubject(64, 8);
    try {
      await page.goto(`${serve.url.split('#')[0]}#/process/${subject.pid}`);
      await page.locator(`${TABLE} [data-testid="mapping-row-${subject.anonStart}"]`).waitFor();
      const rssColumn = (await headers(page)).findIndex((h) => h.startsWith('Rss '));
      // Each drawn row's address (a group's: its first mapping's) and exact Rss (the cell's title; "0", or "–" for none).
      const drawn = async (): Promise<{ start: bigint; rssKb: number; nested: boolean }[]> =>
        (
          await page.locator(`${TABLE} .vt-body .vt-row`).evaluateAll(
            (rows, column) =>
              rows
                .map((r) => ({ top: Number(/translateY\((\d+)px\)/.exec(r.getAttribute('style') ?? '')?.[1]), cells: [...r.querySelectorAll('.vt-cell')], nested: r.classList.contains('row-nested') }))
                .sort((a, b) => a.top - b.top)
                .map(({ cells, nested }) => ({ start: /[0-9a-f]{8,}/.exec(cells[0]?.textContent ?? '')?.[0] ?? '', rss: cells[column]?.querySelector('span')?.getAttribute('title') ?? cells[column]?.textContent ?? '', nested })),
            rssColumn,
          )
        ).map((r) => ({ start: BigInt(`0x${r.start}`), rssKb: r.rss.trim() === '–' ? -1 : Number(r.rss.replace(/\D/g, '')), nested: r.nested }));
      const assertOrder = (rows: { start: bigint; rssKb: number; nested: boolean }[], dir: 1 | -1, what: string) => {
        // Top-level rows among themselves, and each group's nested rows among themselves.
        const runs: (typeof rows)[] = [[]];
        for (const r of rows) {
          if (r.nested) (runs.at(-1) as typeof rows).push(r);
          else {
            (runs[0] as typeof rows).push(r);
            runs.push([]);
          }
        }
        let ties = 0;
        for (const run of runs) {
          for (let i = 1; i < run.length; i++) {
            const [a, b] = [run[i - 1], run[i]] as [(typeof rows)[number], (typeof rows)[number]];
            assert.ok(dir * (b.rssKb - a.rssKb) >= 0, `${what}: Rss ${a.rssKb} then ${b.rssKb}`);
            if (a.rssKb === b.rssKb) {
              ties++;
              assert.ok(a.start < b.start, `${what}: equal Rss ${a.rssKb}, addresses ${a.start.toString(16)} then ${b.start.toString(16)}`);
            }
          }
        }
        assert.ok(ties > 0, `${what}: no equal amounts drawn to check the address order on`);
      };
      const rssHead = page.locator(`${TABLE} .vt-head`).nth(rssColumn);
      for (const grouped of [true, false]) {
        if (!grouped) await page.locator('[data-testid="mappings-panel"] label.check', { hasText: 'group by file' }).locator('input').uncheck();
        await rssHead.click();
        await page.locator(`${TABLE} .vt-head[aria-sort="descending"]`).waitFor();
        const largestFirst = await drawn();
        assert.ok(largestFirst.length > 10, `${largestFirst.length} rows drawn`);
        assertOrder(largestFirst, -1, `${grouped ? 'grouped' : 'ungrouped'}, largest first`);
        await rssHead.click();
        await page.locator(`${TABLE} .vt-head[aria-sort="ascending"]`).nth(0).waitFor();
        assert.equal(await rssHead.getAttribute('aria-sort'), 'ascending');
        assertOrder(await drawn(), 1, `${grouped ? 'grouped' : 'ungrouped'}, smallest first`);
      }
    } finally {
      await subject.kill();
    }
  });

  test('the drill-down names an anonymous mapping as the table does ("[anon]")', async () => {
    // A subject's own anonymous region: the serve process's V8 heap turns anonymous pages into
    // ---p guards between the table's read and the drill-down's (CI saw "[guard]" there).
    const subject = await startSubject(4, 1);
    try {
      await page.goto(`${serve.url.split('#')[0]}#/process/${subject.pid}`);
      await page.locator('[data-testid="kind-row-anon"]').click();
      const row = page.locator(`${TABLE} [data-testid="mapping-row-${subject.anonStart}"]`);
      assert.match(await row.innerText(), /\[anon\]/);
      await page.goto(`${serve.url.split('#')[0]}#/process/${subject.pid}/mapping/${subject.anonStart}`);
      const header = page.locator('[data-testid="mapping-detail"] .mapping-header');
      await header.waitFor();
      assert.equal((await header.locator('.mono.ellipsis').innerText()).trim(), '[anon]');
      assert.doesNotMatch(await header.innerText(), /\(anonymous\)/);
    } finally {
      await subject.kill();
    }
  });
});
