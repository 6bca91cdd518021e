// The translate view in Debian's Chromium against a real `memscope serve`: from a live subject's mapping detail,
// an address typed into "translate an address" opens the walk, whose levels, state and PFN are checked against
// the test's own reading of the address's bits and of /proc/PID/pagemap; bad addresses are explained in place.
import assert from 'node:assert/strict';
import { closeSync, mkdirSync, openSync, readFileSync, readSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { postApiCall } from '../helpers/api-post.js';
import { launchChromium, startServe, type ServeProcess } from '../helpers/browser.js';
import { oracleMissing } from '../helpers/oracles.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { startSubject, type Subject } from '../helpers/subject.js';

const SHOTS = resolve(REPO_ROOT, 'dist/e2e-screenshots');
const IS_ROOT = process.getuid?.() === 0;
const skipReason = oracleMissing('chromium');

/** The address's /proc/PID/pagemap entry, read by the test itself. */
function readPagemapEntry(pid: number, address: bigint): bigint {
  const fd = openSync(`/proc/${pid}/pagemap`, 'r');
  try {
    const buf = Buffer.alloc(8);
    assert.equal(readSync(fd, buf, 0, 8, Number((address >> 12n) * 8n)), 8);
    return buf.readBigUInt64LE(0);
  } finally {
    closeSync(fd);
  }
}

/** Bits hi..lo of an address, read off its binary digits. */
function bitsOf(address: bigint, hi: number, lo: number): number {
  return parseInt(address.toString(2).padStart(64, '0').slice(63 - hi, 64 - lo), 2);
}

function cpuHasLa57(): boolean {
  const flags = readFileSync('/proc/cpuinfo', 'latin1').split('\n').find((l) => l.startsWith('flags')) ?? '';
  return / la57( |$)/.test(flags);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Waits until the translate view has answered for `address` and returns its state ("done" or "error"). */
async function waitForAnswer(page: Page, address: string): Promise<string> {
  const view = page.locator(`[data-testid="translate-view"][data-address="${address}"]:is([data-state="done"], [data-state="error"])`);
  await view.waitFor();
  return (await view.getAttribute('data-state')) ?? '';
}

describe('translate view in Chromium against memscope serve', { skip: skipReason }, () => {
  let serve: ServeProcess;
  let subject: Subject;
  let browser: Browser;
  let page: Page;
  let origin = '';

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    subject = await startSubject(16, 8); // 16 MiB mapped with MADV_NOHUGEPAGE, the first 8 MiB written
    serve = await startServe();
    origin = serve.url.split('#')[0] ?? '';
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  });
  after(async () => {
    await browser?.close();
    await serve?.stop();
    await subject?.kill();
  });

  test("an address typed into a mapping's detail opens its walk: present, indices and PFN as the kernel says", async () => {
    await page.goto(`${origin}#/process/${subject.pid}/mapping/${subject.anonStart}`);
    const input = page.locator('[data-testid="mapping-detail"] [data-testid="translate-input"]');
    await input.waitFor();
    assert.equal(await input.inputValue(), subject.anonStart, 'the field starts at the mapping start');
    const address = BigInt(`0x${subject.anonStart}`) + 0x5123n; // page 5 of the written 8 MiB
    const hex = address.toString(16);
    await input.fill(`0x${hex}`);
    await input.press('Enter');
    await page.waitForURL(new RegExp(`#/process/${subject.pid}/translate/0x${hex}$`));
    assert.equal(await waitForAnswer(page, `0x${hex}`), 'done');

    const facts = page.locator('[data-testid="page-facts"]');
    const entry = readPagemapEntry(subject.pid, address);
    assert.equal((entry >> 63n) & 1n, 1n, 'the kernel says present');
    assert.equal(await facts.getAttribute('data-present'), 'true');
    assert.match((await page.locator('[data-testid="page-state"]').textContent()) ?? '', /^present$/);
    assert.equal(await page.locator('[data-testid="translate-page-size"]').getAttribute('data-bytes'), '4096');

    const levels = cpuHasLa57() ? ['PGD', 'P4D', 'PUD', 'PMD', 'PTE'] : ['PGD', 'PUD', 'PMD', 'PTE'];
    const top = levels.length === 5 ? 56 : 47;
    const rows = page.locator('[data-testid="walk-table"] tbody tr[data-level]');
    assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-level'))), levels);
    const shown = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-index'))));
    assert.deepEqual(shown, levels.map((_, i) => bitsOf(address, top - 9 * i, top - 9 * i - 8)));
    for (const level of levels) await page.locator(`[data-testid="walk-level-${level}"]`).waitFor();

    const pfn = Number(entry & ((1n << 55n) - 1n));
    if (IS_ROOT) {
      assert.ok(pfn > 0, 'as root pagemap shows the PFN');
      assert.equal(await facts.getAttribute('data-pfn'), String(pfn));
      assert.match((await page.locator('[data-testid="page-pfn"]').textContent()) ?? '', new RegExp(`^${pfn} `));
      const physical = BigInt(pfn) * 4096n + (address & 0xfffn);
      assert.equal((await page.locator('[data-testid="page-physical"]').textContent())?.trim(), `0x${physical.toString(16)}`);
      assert.ok(Number(await page.locator('[data-testid="page-kpagecount"]').textContent()) >= 1);
    } else {
      assert.equal(await facts.getAttribute('data-pfn'), '', 'without root the PFN is hidden');
      await page.locator('[data-testid="page-restricted"]').waitFor();
    }
    await shot(page, 'translate-present-page');
  });

  test('the HTTP API checks translateAddress arguments before /proc: hex with an optional 0x, a pid', async () => {
    const call = (args: unknown[]) => postApiCall(serve.base, serve.token, 'translateAddress', args);
    const address = (BigInt(`0x${subject.anonStart}`) + 0x5123n).toString(16);
    const ok = await call([subject.pid, `0X${address.toUpperCase()}`]);
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { value: { address: string } }).value.address, address);
    for (const bad of [[subject.pid, 'xyz'], [subject.pid, '0x'], [subject.pid, '1'.repeat(17)], [subject.pid, 42], [-1, address], [subject.pid]]) {
      const r = await call(bad);
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'bad-arg');
    }
  });

  test('an untouched page of the same mapping reads as not present', async () => {
    const address = (BigInt(`0x${subject.anonStart}`) + 12n * 1024n * 1024n).toString(16); // past the written 8 MiB
    await page.goto(`${origin}#/process/${subject.pid}/translate/${address}`);
    assert.equal(await waitForAnswer(page, address), 'done');
    assert.equal((readPagemapEntry(subject.pid, BigInt(`0x${address}`)) >> 63n) & 1n, 0n, 'the kernel says not present');
    assert.equal(await page.locator('[data-testid="page-facts"]').getAttribute('data-present'), 'false');
    assert.equal(await page.locator('[data-testid="page-facts"]').getAttribute('data-pfn'), '');
  });

  test('text that is not hex is explained in place', async () => {
    await page.goto(`${origin}#/process/${subject.pid}/translate/xyz`);
    assert.equal(await waitForAnswer(page, 'xyz'), 'error');
    const banner = page.locator('[data-testid="translate-error"]');
    assert.match((await banner.textContent()) ?? '', /not a hex address: "xyz"/);
    assert.equal(await page.locator('[data-testid="walk-diagram"]').count(), 0);
    await page.locator('[data-testid="translate-input"]').waitFor(); // the field stays, to type another
    await shot(page, 'translate-bad-hex');
  });

  test('an unmapped address and a non-canonical one are explained in place by the host', async () => {
    // Page 1 is below vm.mmap_min_addr (65536 by default): nothing is ever mapped there.
    await page.goto(`${origin}#/process/${subject.pid}/translate/1000`);
    assert.equal(await waitForAnswer(page, '1000'), 'error');
    assert.match((await page.locator('[data-testid="translate-error"]').textContent()) ?? '', new RegExp(`address 1000 is not mapped in process ${subject.pid}`));
    await shot(page, 'translate-unmapped');

    await page.locator('[data-testid="translate-input"]').fill('8000000000000000');
    await page.locator('[data-testid="translate-input"]').press('Enter');
    assert.equal(await waitForAnswer(page, '8000000000000000'), 'error');
    assert.match((await page.locator('[data-testid="translate-error"]').textContent()) ?? '', /is not canonical/);
  });
});
