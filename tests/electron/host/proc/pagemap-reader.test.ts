// pagemap of a live subject: the touched half of its anonymous region is present and exclusive.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readPagemapRange } from '../../../../electron/host/proc/pagemap-reader.js';
import { decodePagemapEntry, summarizePagemap } from '../../../../shared/proc/pagemap.js';
import { startSubject, type Subject } from '../../../helpers/subject.js';

describe('readPagemapRange on a live subject', () => {
  let subject: Subject;
  before(async () => {
    subject = await startSubject(16, 8); // 4096 pages mapped, the first 2048 written
  });
  after(async () => subject.kill());

  test('written pages are present and exclusive, untouched ones absent', () => {
    const bytes = readPagemapRange(subject.pid, subject.anonStart, 4096);
    assert.equal(bytes.length, 4096 * 8);
    const touched = summarizePagemap(bytes.subarray(0, 2048 * 8));
    assert.deepEqual(touched, { pageCount: 2048, present: 2048, swapped: 0, exclusive: 2048, file: 0, softDirty: touched.softDirty });
    const untouched = summarizePagemap(bytes.subarray(2048 * 8));
    assert.equal(untouched.present, 0);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const first = decodePagemapEntry(view, 0);
    assert.equal(first.present, true);
    assert.ok(first.pfn > 0, 'root sees PFNs');
    // Each written page is its own physical page.
    assert.notEqual(decodePagemapEntry(view, 1).pfn, first.pfn);
  });

  test('decode agrees with a bigint reading of the same 64-bit entries', () => {
    const bytes = readPagemapRange(subject.pid, subject.anonStart, 64);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < 64; i++) {
      const e = view.getBigUint64(i * 8, true);
      const d = decodePagemapEntry(view, i);
      assert.equal(d.present, ((e >> 63n) & 1n) === 1n);
      assert.equal(d.exclusive, ((e >> 56n) & 1n) === 1n);
      assert.equal(d.pfn, d.present ? Number(e & ((1n << 55n) - 1n)) : 0);
    }
  });

  test('a vanished process reads as gone', async () => {
    const s = await startSubject(1, 1);
    await s.kill();
    assert.throws(() => readPagemapRange(s.pid, s.anonStart, 1), /no such process/);
  });
});
