// memscope's page reader against the real kernel: subjects with known pages (written, zero page, page cache,
// shmem, forked and copied on write), checked page by page and against smaps for the range.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PagesReader, readPageChunks } from '../../../../electron/host/proc/pages-reader.js';
import { readPagemapRange } from '../../../../electron/host/proc/pagemap-reader.js';
import { isApiError } from '../../../../shared/errors.js';
import { addChunkToTally, checkPagesTotals, createPagesTally, getPageRow, type PageRow, type PagesTotals } from '../../../../shared/proc/page-row.js';
import { decodePagemapEntry } from '../../../../shared/proc/pagemap.js';
import { hexToBigInt } from '../../../../shared/units.js';
import { readSmapsOf, startPagesSubject, writePagesFile, type PagesSubject } from './pages-subject.js';
import { isDeepStrictEqual } from 'node:util';

/** Reads pageCount pages from startHex through PagesReader, as rows and totals. */
function readRange(pid: number, startHex: string, pageCount: number, chunkPages?: number): { rows: PageRow[]; totals: PagesTotals } {
  const reader = new PagesReader(pid, chunkPages === undefined ? {} : { chunkPages });
  try {
    assert.equal(reader.pfnsVisible, true, 'these tests run as root');
    const tally = createPagesTally(reader.pfnsVisible);
    const rows: PageRow[] = [];
    for (const chunk of readPageChunks(reader, { startAddress: hexToBigInt(startHex), pageCount })) {
      addChunkToTally(tally, chunk);
      for (let i = 0; i < chunk.pageCount; i++) rows.push(getPageRow(chunk, i));
    }
    assert.deepEqual(checkPagesTotals(tally.totals), []);
    return { rows, totals: tally.totals };
  } finally {
    reader.close();
  }
}

/** The range's totals agree with smaps of the mapping the range covers exactly. */
function assertTotalsMatchSmaps(totals: PagesTotals, pid: number, startHex: string): void {
  const s = readSmapsOf(pid, startHex);
  assert.equal(totals.pageCount * 4, s['Size']);
  assert.equal(totals.rssKb, s['Rss'], 'Rss');
  assert.equal(totals.pssKb, s['Pss'], 'Pss');
  assert.equal((totals.anon ?? -1) * 4, s['Anonymous'], 'Anonymous');
  assert.equal((totals.private ?? -1) * 4, (s['Private_Clean'] ?? 0) + (s['Private_Dirty'] ?? 0), 'Private_*');
  assert.equal((totals.shared ?? -1) * 4, (s['Shared_Clean'] ?? 0) + (s['Shared_Dirty'] ?? 0), 'Shared_*');
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, k) => from + k);
}

// The rows compare PFNs, kpagecount and kpageflags, which only root (CAP_SYS_ADMIN) reads.
describe('PagesReader on live subjects', { skip: process.getuid?.() !== 0 && 'PFNs, kpagecount and kpageflags need root' }, () => {
  let subject: PagesSubject;
  let dir: string;
  before(async () => {
    subject = await startPagesSubject();
    dir = mkdtempSync(join(tmpdir(), 'memscope-pages-'));
  });
  after(async () => {
    await subject.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  test('private anonymous: written pages are exclusive ANON pages, read pages map the zero page, the rest is absent', async () => {
    const start = await subject.map('anon', 64);
    await subject.write(start, 0, 16);
    await subject.read(start, 16, 16);
    const { rows, totals } = readRange(subject.pid, start, 64);
    const written = rows.slice(0, 16);
    for (const r of written) {
      assert.deepEqual([r.present, r.exclusive, r.file, r.mapCount], [true, true, false, 1], `page ${r.index}`);
      assert.ok(r.flags?.includes('ANON') && r.flags.includes('SWAPBACKED') && !r.flags.includes('ZERO_PAGE'), `${r.index}: ${r.flags}`);
    }
    assert.equal(new Set(written.map((r) => r.pfn)).size, 16, 'each written page has its own frame');
    const zeroPfn = rows[16]!.pfn;
    for (const r of rows.slice(16, 32)) {
      assert.deepEqual([r.present, r.exclusive, r.file, r.pfn, r.mapCount], [true, false, false, zeroPfn, 0], `page ${r.index}`);
      assert.ok(r.flags?.includes('ZERO_PAGE') && !r.flags.includes('ANON'), `${r.index}: ${r.flags}`);
    }
    for (const r of rows.slice(32)) assert.deepEqual([r.present, r.pfn, r.mapCount, r.flags], [false, null, null, null]);
    assert.deepEqual(
      rows.map((r) => r.address),
      range(0, 64).map((i) => (hexToBigInt(start) + BigInt(i * 4096)).toString(16)),
    );
    assert.equal(totals.zeroPage, 16);
    assertTotalsMatchSmaps(totals, subject.pid, start);

    // Another process reading untouched memory maps the very same frame: the kernel's one zero page.
    const other = await startPagesSubject();
    try {
      const otherStart = await other.map('anon', 4);
      await other.read(otherStart, 0, 4);
      const otherRows = readRange(other.pid, otherStart, 4).rows;
      assert.deepEqual(otherRows.map((r) => r.pfn), [zeroPfn, zeroPfn, zeroPfn, zeroPfn]);
    } finally {
      await other.kill();
    }
  });

  test('rows agree with the raw pagemap entry by entry', async () => {
    const start = await subject.map('anon', 32);
    await subject.write(start, 3, 9);
    await subject.read(start, 20, 4);
    const { rows } = readRange(subject.pid, start, 32);
    const raw = readPagemapRange(subject.pid, start, 32);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    rows.forEach((r, i) => {
      const e = decodePagemapEntry(view, i);
      assert.deepEqual(
        [r.present, r.swapped, r.exclusive, r.file, r.softDirty, r.pfn],
        [e.present, e.swapped, e.exclusive, e.file, e.softDirty, e.present ? e.pfn : null],
        `page ${i}`,
      );
    });
  });

  test('fork shares anonymous pages (kpagecount 2); a write in the parent copies them (1 and 1)', async () => {
    const start = await subject.map('anon', 32);
    await subject.write(start, 0, 32);
    const before = readRange(subject.pid, start, 32).rows;
    const childPid = await subject.fork();
    const parentShared = readRange(subject.pid, start, 32);
    const childShared = readRange(childPid, start, 32);
    for (const rows of [parentShared.rows, childShared.rows]) {
      rows.forEach((r, i) => assert.deepEqual([r.pfn, r.mapCount, r.exclusive], [before[i]!.pfn, 2, false], `page ${i}`));
    }
    assertTotalsMatchSmaps(parentShared.totals, subject.pid, start);
    assertTotalsMatchSmaps(childShared.totals, childPid, start);
    assert.equal(parentShared.totals.shared, 32);

    await subject.write(start, 0, 8);
    const parent = readRange(subject.pid, start, 32);
    const child = readRange(childPid, start, 32);
    for (let i = 0; i < 8; i++) {
      assert.notEqual(parent.rows[i]!.pfn, before[i]!.pfn, `parent page ${i} was copied`);
      assert.deepEqual([parent.rows[i]!.mapCount, parent.rows[i]!.exclusive], [1, true]);
      assert.deepEqual([child.rows[i]!.pfn, child.rows[i]!.mapCount, child.rows[i]!.exclusive], [before[i]!.pfn, 1, true]);
    }
    for (let i = 8; i < 32; i++) {
      assert.deepEqual([parent.rows[i]!.pfn, parent.rows[i]!.mapCount], [before[i]!.pfn, 2]);
      assert.deepEqual([child.rows[i]!.pfn, child.rows[i]!.mapCount], [before[i]!.pfn, 2]);
    }
    assertTotalsMatchSmaps(parent.totals, subject.pid, start);
    assertTotalsMatchSmaps(child.totals, childPid, start);
  });

  test('three sharers: kpagecount 3, and Pss split three ways with smaps rounding', async () => {
    const start = await subject.map('anon', 10);
    await subject.write(start, 0, 10);
    const children = [await subject.fork(), await subject.fork()];
    for (const pid of [subject.pid, ...children]) {
      const { rows, totals } = readRange(pid, start, 10);
      assert.deepEqual(new Set(rows.map((r) => r.mapCount)), new Set([3]));
      assertTotalsMatchSmaps(totals, pid, start);
    }
  });

  test('file pages: page cache is LRU and MMAP but not ANON; a private write makes an ANON copy', async () => {
    const path = join(dir, 'data.bin');
    writePagesFile(path, 48);
    const start = await subject.map('file-private', 48, path);
    await subject.read(start, 0, 48);
    await subject.drain();
    const cached = readRange(subject.pid, start, 48);
    for (const r of cached.rows) {
      assert.deepEqual([r.present, r.file, r.exclusive, r.mapCount], [true, true, true, 1], `page ${r.index}`);
      assert.ok(r.flags?.includes('LRU') && r.flags.includes('MMAP') && !r.flags.includes('ANON'), `${r.index}: ${r.flags}`);
    }
    assertTotalsMatchSmaps(cached.totals, subject.pid, start);
    assert.equal(cached.totals.anon, 0);

    await subject.write(start, 0, 1);
    const copied = readRange(subject.pid, start, 48);
    const page0 = copied.rows[0]!;
    assert.deepEqual([page0.present, page0.file, page0.exclusive, page0.mapCount], [true, false, true, 1]);
    assert.ok(page0.flags?.includes('ANON'), String(page0.flags));
    assert.notEqual(page0.pfn, cached.rows[0]!.pfn);
    assertTotalsMatchSmaps(copied.totals, subject.pid, start);
    assert.equal(copied.totals.anon, 1);
  });

  test('shared anonymous (shmem): a read allocates a page that pagemap calls file and kpageflags SWAPBACKED, not ANON', async () => {
    const start = await subject.map('shm', 16);
    await subject.read(start, 0, 8);
    const { rows, totals } = readRange(subject.pid, start, 16);
    for (const r of rows.slice(0, 8)) {
      assert.deepEqual([r.present, r.file, r.mapCount], [true, true, 1], `page ${r.index}`);
      assert.ok(r.flags?.includes('SWAPBACKED') && !r.flags.includes('ANON') && !r.flags.includes('ZERO_PAGE'), `${r.index}: ${r.flags}`);
    }
    assert.equal(new Set(rows.slice(0, 8).map((r) => r.pfn)).size, 8);
    for (const r of rows.slice(8)) assert.equal(r.present, false);
    assertTotalsMatchSmaps(totals, subject.pid, start);
  });

  test('chunk size does not change a single row or total', async () => {
    const start = await subject.map('anon', 100);
    await subject.write(start, 5, 40);
    await subject.read(start, 60, 30);
    // The kernel moves pages between LRU lists on its own (LRU, ACTIVE, REFERENCED flags): compare a chunked
    // read with whole reads taken just before and after it, once those two agree.
    for (const chunkPages of [1, 7, 64]) {
      let compared = false;
      for (let attempt = 0; attempt < 5 && !compared; attempt++) {
        const before = readRange(subject.pid, start, 100);
        const chunked = readRange(subject.pid, start, 100, chunkPages);
        if (!isDeepStrictEqual(before, readRange(subject.pid, start, 100))) continue;
        assert.deepEqual(chunked, before, `chunks of ${chunkPages}`);
        compared = true;
      }
      assert.ok(compared, 'the page flags settled between two whole reads');
    }
  });

  test('[vsyscall], past TASK_SIZE, has no pagemap entry and reads as not present', () => {
    const { rows, totals } = readRange(subject.pid, 'ffffffffff600000', 1);
    assert.deepEqual([rows[0]!.address, rows[0]!.present], ['ffffffffff600000', false]);
    assert.equal(totals.present, 0);
  });

  test('a process that exits between two chunks reads as gone', async () => {
    const s = await startPagesSubject();
    const start = await s.map('anon', 8);
    await s.write(start, 0, 8);
    const reader = new PagesReader(s.pid, { chunkPages: 4 });
    try {
      const chunks = readPageChunks(reader, { startAddress: hexToBigInt(start), pageCount: 8 });
      assert.equal(chunks.next().done, false);
      await s.kill();
      assert.throws(
        () => chunks.next(),
        (err: unknown) => isApiError(err) && err.code === 'gone' && /no such process/.test(err.message),
      );
    } finally {
      reader.close();
    }
    assert.throws(() => new PagesReader(s.pid), (err: unknown) => isApiError(err) && err.code === 'gone');
  });
});
