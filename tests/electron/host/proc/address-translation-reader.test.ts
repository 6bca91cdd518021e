// translateAddress on live subjects, checked against the kernel read independently by the test: its own
// pread of /proc/PID/pagemap, /proc/kpageflags and /proc/kpagecount decoded with BigInt bit tests, smaps
// read the simple way, and the address's bits read off its binary digits.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { translateAddress } from '../../../../electron/host/proc/address-translation-reader.js';
import { buildHarness } from '../../../helpers/c-build.js';
import { readSmapsReference } from '../../../helpers/proc-reference.js';
import { startSubject, type Subject } from '../../../helpers/subject.js';

const IS_ROOT = process.getuid?.() === 0;

/** One 64-bit little-endian word of a /proc file at index i. */
function readWord(path: string, index: bigint): bigint {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(8);
    assert.equal(readSync(fd, buf, 0, 8, index * 8n), 8);
    return buf.readBigUInt64LE(0);
  } finally {
    closeSync(fd);
  }
}

function bit(word: bigint, n: number): boolean {
  return ((word >> BigInt(n)) & 1n) === 1n;
}

function bitsOf(address: bigint, hi: number, lo: number): number {
  return parseInt(address.toString(2).padStart(64, '0').slice(63 - hi, 64 - lo), 2);
}

describe('translateAddress on a live subject (4 KiB pages)', () => {
  let subject: Subject;
  before(async () => {
    subject = await startSubject(16, 8); // 16 MiB mapped (MADV_NOHUGEPAGE), the first 8 MiB written
  });
  after(async () => subject.kill());

  test('a written page: present, exclusive, indices from the bits, PFN and physical address as pagemap says', () => {
    const address = BigInt(`0x${subject.anonStart}`) + 0x5123n;
    const r = translateAddress(subject.pid, address.toString(16));
    const entry = readWord(`/proc/${subject.pid}/pagemap`, address >> 12n);
    assert.equal(r.pagemap.present, bit(entry, 63));
    assert.equal(r.pagemap.present, true);
    assert.equal(r.pagemap.exclusive, bit(entry, 56));
    assert.equal(r.pagemap.file, false);
    assert.equal(r.mapping.start, subject.anonStart);
    assert.equal(r.pageSizeBytes, 4096);
    const cpuLa57 = / la57( |$)/m.test(readFileSync('/proc/cpuinfo', 'latin1').split('\n').find((l) => l.startsWith('flags')) ?? '');
    assert.equal(r.paging.levels, cpuLa57 ? 5 : 4);
    const names = r.paging.levels === 5 ? ['PGD', 'P4D', 'PUD', 'PMD', 'PTE'] : ['PGD', 'PUD', 'PMD', 'PTE'];
    assert.deepEqual(r.walk.map((s) => s.level), names);
    const top = r.paging.levels === 5 ? 56 : 47;
    r.walk.forEach((step, i) => assert.equal(step.index, bitsOf(address, top - 9 * i, top - 9 * i - 8), step.level));
    assert.equal(r.offsetBytes, 0x123);
    assert.equal(r.pageStart, (address - 0x123n).toString(16));
    if (!IS_ROOT) {
      assert.equal(r.pfn, null);
      return;
    }
    const pfn = entry & ((1n << 55n) - 1n);
    assert.ok(pfn > 0n);
    assert.equal(BigInt(r.pfn ?? -1), pfn);
    assert.equal(r.physicalAddress, (pfn * 4096n + 0x123n).toString(16));
    assert.equal(BigInt(r.kpagecount ?? -1), readWord('/proc/kpagecount', pfn));
    const flags = readWord('/proc/kpageflags', pfn);
    // Bits that do not move while the subject idles (LRU, ACTIVE, REFERENCED, IDLE may): ANON 12, MMAP 11, SWAPBACKED 14, THP 22.
    for (const [name, n] of [['ANON', 12], ['MMAP', 11], ['SWAPBACKED', 14], ['THP', 22]] as const) {
      assert.equal(r.kpageflags?.includes(name), bit(flags, n), name);
    }
  });

  test('an untouched page of the same mapping is not present and has no frame', () => {
    const address = BigInt(`0x${subject.anonStart}`) + (12n << 20n);
    const r = translateAddress(subject.pid, `0x${address.toString(16)}`);
    assert.equal(bit(readWord(`/proc/${subject.pid}/pagemap`, address >> 12n), 63), false);
    assert.equal(r.pagemap.present, false);
    assert.equal(r.pagemap.swapped, false);
    assert.equal(r.pfn, null);
    assert.equal(r.physicalAddress, null);
  });

  test('bad addresses: one-line bad-arg errors', () => {
    const expectBadArg = (text: string, pattern: RegExp) =>
      assert.throws(() => translateAddress(subject.pid, text), (err: Error & { code?: string }) => err.code === 'bad-arg' && pattern.test(err.message) && !err.message.includes('\n'));
    expectBadArg('0x1000', /not mapped in process/); // below vm.mmap_min_addr: never mapped
    expectBadArg('7fffzz', /not a hex address/);
    expectBadArg('1ffffffffffffffff', /out of range/);
    expectBadArg('800000000000', /not canonical/);
  });

  test('a process that exited reads as gone', async () => {
    const s = await startSubject(1, 1);
    await s.kill();
    assert.throws(() => translateAddress(s.pid, s.anonStart), (err: Error & { code?: string }) => err.code === 'gone');
  });
});

describe('translateAddress on a transparent huge page', () => {
  let child: ChildProcessByStdio<Writable, Readable, null>;
  let window = 0n;
  before(async () => {
    child = spawn(buildHarness('thp-subject.c'), [], { stdio: ['pipe', 'pipe', 'inherit'] });
    const first = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next();
    window = BigInt(`0x${String(first.value).split(' ')[1]}`);
  });
  after(async () => {
    const exited = once(child, 'exit');
    child.stdin.end();
    await exited;
  });

  test('2 MiB when smaps and kpageflags say THP: the walk ends at the PMD, 21 offset bits', (t) => {
    const mapping = readSmapsReference(readFileSync(`/proc/${child.pid}/smaps`, 'latin1')).find((m) => BigInt(`0x${m.start}`) === window);
    assert.ok(mapping, 'the MADV_HUGEPAGE window is its own mapping');
    if ((mapping.fields['AnonHugePages'] as number) < 2048) {
      t.skip('the kernel gave no huge page (THP disabled or memory fragmented)');
      return;
    }
    const address = window + 0x12345n;
    const r = translateAddress(child.pid!, address.toString(16));
    const entry = readWord(`/proc/${child.pid}/pagemap`, address >> 12n);
    if (IS_ROOT) assert.equal(bit(readWord('/proc/kpageflags', entry & ((1n << 55n) - 1n)), 22), true, 'kpageflags THP');
    assert.equal(r.pageSizeBytes, 2 ** 21, r.pageSizeEvidence);
    assert.equal(r.walk.at(-1)?.level, 'PMD');
    assert.equal(r.offsetHighBit, 20);
    assert.equal(r.offsetBytes, 0x12345);
    assert.equal(r.pageStart, window.toString(16));
    if (IS_ROOT) assert.equal(r.physicalAddress, ((entry & ((1n << 55n) - 1n)) * 4096n + 0x345n).toString(16));
    // The second 2 MiB of the window was never touched: no PMD maps it, so 4 KiB and not present.
    const cold = translateAddress(child.pid!, (window + (2n << 20n)).toString(16));
    assert.equal(cold.pagemap.present, false);
    assert.equal(cold.pageSizeBytes, 4096);
  });
});
