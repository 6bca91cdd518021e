// `memscope pages` as a user runs it: JSON that parses and agrees with pagemap and smaps, the table, ranges over
// adjacent mappings, streaming of a 1 GiB range in a small heap, what a non-root user sees, one-line errors.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { streamPages } from '../../../electron/commands/pages.js';
import { readPagemapRange } from '../../../electron/host/proc/pagemap-reader.js';
import { PagesReader, readPageChunks } from '../../../electron/host/proc/pages-reader.js';
import { decodePagemapEntry } from '../../../shared/proc/pagemap.js';
import { checkPagesTotals, getPageRow, type PageRow, type PagesTotals } from '../../../shared/proc/page-row.js';
import { hexToBigInt } from '../../../shared/units.js';
import { after, before, describe, test } from 'node:test';
import { assertOneLineError, TERMINAL_CONTROL } from '../../helpers/cli.js';
import { CLI_PATH } from '../../helpers/paths.js';
import { readSmapsOf, startPagesSubject, type PagesSubject } from '../host/proc/pages-subject.js';
import { HOSTILE_DIR_NAME, HOSTILE_DIR_SHOWN, startHostilePathsSubject, type HostilePathsSubject } from './hostile-paths.js';

/** uid/gid of "nobody" on Debian, for the unprivileged cases. */
const NOBODY = { uid: 65534, gid: 65534 };
const IS_ROOT = process.getuid?.() === 0;

interface PagesDocument {
  pid: number;
  start: string;
  end: string;
  pageCount: number;
  mappings: { start: string; end: string; perms: string }[];
  pfnsVisible: boolean;
  restricted: string[];
  pages: PageRow[];
  totals: PagesTotals;
}

function memscope(args: string[], ids: { uid?: number; gid?: number } = {}) {
  const r = spawnSync(process.execPath, [CLI_PATH, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...ids });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function pagesJson(args: string[], ids: { uid?: number; gid?: number } = {}): PagesDocument {
  const r = memscope(['pages', ...args, '--json'], ids);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const doc = JSON.parse(r.stdout) as PagesDocument;
  assert.deepEqual(checkPagesTotals(doc.totals), []);
  return doc;
}

/** The rows of a range read in this process, the way the CLI reads them. */
function readRowsInProcess(pid: number, startHex: string, pageCount: number): PageRow[] {
  const reader = new PagesReader(pid);
  try {
    const rows: PageRow[] = [];
    for (const chunk of readPageChunks(reader, { startAddress: hexToBigInt(startHex), pageCount })) {
      for (let i = 0; i < chunk.pageCount; i++) rows.push(getPageRow(chunk, i));
    }
    return rows;
  } finally {
    reader.close();
  }
}

function pageAddress(startHex: string, page: number): string {
  return (hexToBigInt(startHex) + BigInt(page * 4096)).toString(16);
}

/** Every page of the document agrees with the raw pagemap of the same range, read now. */
function assertAgreesWithPagemap(doc: PagesDocument, pid: number): void {
  const raw = readPagemapRange(pid, doc.start, doc.pageCount);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  assert.equal(doc.pages.length, doc.pageCount);
  doc.pages.forEach((p, i) => {
    const e = decodePagemapEntry(view, i);
    assert.deepEqual(
      [p.index, p.address, p.present, p.swapped, p.exclusive, p.file, p.softDirty],
      [i, pageAddress(doc.start, i), e.present, e.swapped, e.exclusive, e.file, e.softDirty],
      `page ${i}`,
    );
    if (doc.pfnsVisible) assert.equal(p.pfn, e.present ? e.pfn : null, `pfn of page ${i}`);
  });
}

describe('memscope pages', () => {
  let subject: PagesSubject;
  let anon: string;
  /** 1 GiB of address space, 256 pages of it written: a big range that costs almost no memory. */
  let big: string;
  before(async () => {
    subject = await startPagesSubject();
    anon = await subject.map('anon', 64);
    await subject.write(anon, 0, 16);
    await subject.read(anon, 16, 8);
    big = await subject.map('anon', 262144);
    await subject.write(big, 0, 256);
  });
  after(async () => subject.kill());

  test('--json over a whole mapping: one document, pages agree with pagemap, totals with smaps', () => {
    // The kernel moves page flags on its own (LRU, ACTIVE, REFERENCED; IDLE where page-idle tracking runs): compare
    // the CLI's rows with rows read here just before and after it, once those two agree.
    let read: { doc: PagesDocument; rows: PageRow[] } | null = null;
    for (let attempt = 0; attempt < 5 && read === null; attempt++) {
      const rows = readRowsInProcess(subject.pid, anon, 64);
      const doc = pagesJson([String(subject.pid), anon]);
      if (isDeepStrictEqual(rows, readRowsInProcess(subject.pid, anon, 64))) read = { doc, rows };
    }
    assert.ok(read !== null, 'the page flags held still across a CLI read (5 tries)');
    const { doc, rows } = read;
    assert.deepEqual([doc.pid, doc.start, doc.pageCount, doc.pfnsVisible, doc.restricted], [subject.pid, anon, 64, true, []]);
    assert.deepEqual(doc.mappings.map((m) => `${m.start}-${m.end}`), [`${anon}-${pageAddress(anon, 64)}`]);
    assertAgreesWithPagemap(doc, subject.pid);
    assert.deepEqual(doc.pages, rows, 'the streamed JSON is the PageRow of every page');
    assert.ok(doc.pages.slice(0, 16).every((p) => p.mapCount === 1 && p.flags?.includes('ANON')));
    assert.ok(doc.pages.slice(16, 24).every((p) => p.mapCount === 0 && p.flags?.includes('ZERO_PAGE')));
    const smaps = readSmapsOf(subject.pid, anon);
    assert.deepEqual(
      [doc.totals.pageCount, doc.totals.present, doc.totals.zeroPage, doc.totals.rssKb, doc.totals.pssKb, (doc.totals.anon ?? 0) * 4],
      [64, 24, 8, smaps['Rss'], smaps['Pss'], smaps['Anonymous']],
    );
  });

  test('--json puts one page per line, so line tools can read it too', () => {
    const lines = memscope(['pages', String(subject.pid), anon, '--json']).stdout.trimEnd().split('\n');
    assert.equal(lines.length, 64 + 2);
    lines.slice(1, -1).forEach((line, i) => assert.equal((JSON.parse(line.replace(/,$/, '')) as PageRow).index, i));
  });

  test('START-END: 0x and upper case accepted, START rounds down and END up to pages', () => {
    const start = `0x${(hexToBigInt(anon) + 0x1800n).toString(16).toUpperCase()}`;
    const end = (hexToBigInt(anon) + 0x4001n).toString(16);
    const doc = pagesJson([String(subject.pid), `${start}-${end}`]);
    assert.deepEqual(doc.pages.map((p) => [p.index, p.address]), [1, 2, 3, 4].map((page, i) => [i, pageAddress(anon, page)]));
    assertAgreesWithPagemap(doc, subject.pid);
  });

  test('table: the range and its mapping, one line per page, totals with Rss as smaps has it', () => {
    const r = memscope(['pages', String(subject.pid), anon]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0], `pid ${subject.pid}: ${anon}-${pageAddress(anon, 64)}, 64 pages (256 kB), 1 mapping:`);
    assert.match(lines[2] ?? '', /^index +address present swapped exclusive file soft-dirty +pfn mapcount flags$/);
    const pageLines = lines.slice(3, 3 + 64);
    pageLines.forEach((line, i) => assert.match(line, new RegExp(`^ *${i} +${pageAddress(anon, i)} +(yes|-) `)));
    assert.match(pageLines[0] ?? '', /ANON/);
    // The zero page is the whole machine's: any process's reads may set its REFERENCED flag beside ZERO_PAGE.
    assert.match(pageLines[16] ?? '', / 0 ([A-Z_]+,)*ZERO_PAGE(,[A-Z_]+)*$/);
    assert.match(lines[3 + 64] ?? '', /^totals: 64 pages \(256 kB\): 24 present, 0 swapped, 16 exclusive/);
    assert.match(lines[4 + 64] ?? '', new RegExp(`^ +Rss ${readSmapsOf(subject.pid, anon)['Rss']} kB, Pss `));
  });

  test('a range may span adjacent mappings; START alone stops at the end of its own', async () => {
    const start = await subject.map('anon', 16);
    await subject.protect(start, 8, 8); // same range, now two VMAs: rw-p then r--p
    const own = pagesJson([String(subject.pid), start]);
    assert.equal(own.pageCount, 8);
    const both = pagesJson([String(subject.pid), `${start}-${pageAddress(start, 16)}`]);
    assert.deepEqual(both.mappings.map((m) => m.perms), ['rw-p', 'r--p']);
    assert.equal(both.pageCount, 16);
  });

  test('streamPages reads the range and its pages under the one procRoot it is given', async () => {
    // A /proc whose entry for this process's own pid is the subject: its maps (the range) and its pagemap must both come from there.
    const root = mkdtempSync(join(tmpdir(), 'memscope proc root '));
    const readJson = async (pid: number, procRoot?: string): Promise<PagesDocument> => {
      let text = '';
      await streamPages(pid, anon, { format: 'json', ...(procRoot === undefined ? {} : { procRoot }) }, (part) => {
        text += part;
      });
      return JSON.parse(text) as PagesDocument;
    };
    try {
      symlinkSync(`/proc/${subject.pid}`, join(root, String(process.pid)));
      for (const name of ['self', 'kpageflags', 'kpagecount']) symlinkSync(`/proc/${name}`, join(root, name));
      const viaRoot = await readJson(process.pid, root);
      assert.deepEqual({ ...viaRoot, pid: subject.pid }, await readJson(subject.pid));
      assert.equal(viaRoot.pageCount, 64);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('[vsyscall], above 2^53 and past TASK_SIZE: exact addresses, not present', () => {
    const doc = pagesJson([String(subject.pid), 'ffffffffff600000']);
    assert.deepEqual(doc.pages.map((p) => [p.address, p.present]), [['ffffffffff600000', false]]);
  });

  test('a 1 GiB range (262,144 pages) streams through a 32 MB heap', async () => {
    const child = spawn(process.execPath, ['--max-old-space-size=32', CLI_PATH, 'pages', String(subject.pid), big, '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let bytes = 0;
    let newlines = 0;
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      bytes += b.length;
      for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) newlines++;
    });
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const [code] = (await once(child, 'close')) as [number | null];
    assert.equal(code, 0, stderr);
    assert.equal(newlines, 262144 + 2);
    assert.ok(bytes > 32 * 1024 * 1024, `${bytes} bytes of output: more than the heap could hold`);
  });

  test('a reader that leaves early (| head) ends memscope quietly', async () => {
    const child = spawn(process.execPath, [CLI_PATH, 'pages', String(subject.pid), big, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    await once(child.stdout, 'data');
    child.stdout.destroy();
    const [code] = (await once(child, 'close')) as [number | null];
    assert.deepEqual([code, stderr], [0, '']);
  });

  test('unmapped START, a range over a hole, bad hex, missing arguments: exit 2, one line', async () => {
    const start = await subject.map('anon', 16);
    await subject.unmap(start, 4, 2);
    const pid = String(subject.pid);
    assertOneLineError(memscope(['pages', pid, pageAddress(start, 4)]), 2, new RegExp(`address ${pageAddress(start, 4)} is not mapped in process ${pid}`));
    assertOneLineError(memscope(['pages', pid, `${start}-${pageAddress(start, 16)}`]), 2, /crosses unmapped space/);
    for (const bad of ['zz', '0x', '12345678901234567', `${start}-`, `${pageAddress(start, 2)}-${start}`]) {
      assertOneLineError(memscope(['pages', pid, bad]), 2, /bad (START|END) address|END must be above START/);
    }
    assertOneLineError(memscope(['pages', pid]), 2, /expected PID START\[-END\] \(missing\)/);
    assertOneLineError(memscope(['pages', 'abc', start]), 2, /not a pid/);
    assertOneLineError(memscope(['pages', pid, start, '--bogus']), 2, /Unknown option "--bogus"/);
  });

  test('a kernel thread (kthreadd, pid 2): exit 1, one line saying it has no user address space', () => {
    assertOneLineError(memscope(['pages', '2', '1000']), 1, /pid 2 is a kernel thread: it has no user address space/);
  });

  test('a pid that is gone: exit 1, one line', async () => {
    const gone = await startPagesSubject();
    await gone.kill();
    assertOneLineError(memscope(['pages', String(gone.pid), '1000']), 1, /no such process/);
  });

  test('without root: flags of every page, no PFNs, and a note of what needs root', { skip: IS_ROOT ? false : 'needs root to run as nobody' }, async () => {
    const mine = await startPagesSubject(NOBODY);
    try {
      const start = await mine.map('anon', 16);
      await mine.write(start, 0, 8);
      const doc = pagesJson([String(mine.pid), start], NOBODY);
      assert.equal(doc.pfnsVisible, false);
      assert.match(doc.restricted.join('; '), /need root \(CAP_SYS_ADMIN\).*\/proc\/kpageflags: permission denied/);
      assertAgreesWithPagemap(doc, mine.pid);
      assert.deepEqual(new Set(doc.pages.map((p) => `${p.pfn} ${p.mapCount} ${p.flags}`)), new Set(['null null null']));
      assert.deepEqual([doc.totals.present, doc.totals.exclusive, doc.totals.rssKb, doc.totals.pssKb], [8, 8, null, null]);
      const table = memscope(['pages', String(mine.pid), start], NOBODY);
      assert.match(table.stdout, /\nnot read: pfn, mapCount, flags, Rss and Pss need root/);
    } finally {
      await mine.kill();
    }
  });

  test("another user's process without root: permission denied, exit 1", { skip: IS_ROOT ? false : 'needs root to run as nobody' }, () => {
    assertOneLineError(memscope(['pages', String(subject.pid), anon], NOBODY), 1, /permission denied/);
  });
});

describe('pages table with a hostile file name', () => {
  let hostile: HostilePathsSubject;
  before(async () => {
    hostile = await startHostilePathsSubject();
  });
  after(() => hostile.stop());

  test('the mapping line shows the path escaped, --json keeps it exact', () => {
    const spaced = hostile.report.get('spaced')!;
    const table = memscope(['pages', String(hostile.pid), spaced.start]);
    assert.equal(table.code, 0, table.stderr);
    assert.doesNotMatch(table.stdout, TERMINAL_CONTROL);
    assert.ok(table.stdout.includes(spaced.path.replace(HOSTILE_DIR_NAME, HOSTILE_DIR_SHOWN)), table.stdout);
    const doc = pagesJson([String(hostile.pid), spaced.start]);
    assert.equal((doc.mappings[0] as { path?: string } | undefined)?.path, spaced.path);
  });
});
