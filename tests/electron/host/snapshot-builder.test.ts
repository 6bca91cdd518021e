// A snapshot agrees with itself (issue 15 item 5): the service's exportSnapshot takes the header's
// VIRT/RES/SHR/SWAP from the status read next to smaps, not from the last tick. The subject grows after
// the tick; the header must say what the mappings say.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MemscopeService } from '../../../electron/host/service.js';
import { startSubject, type Subject } from '../../helpers/subject.js';

describe('exportSnapshot: header and mappings from one read', () => {
  let subject: Subject;
  before(async () => {
    subject = await startSubject(64, 4);
  });
  after(() => subject.kill());

  test('the subject touches 32 MiB after the last tick: header RES = Σ smaps Rss = totals.Rss, times labelled', async () => {
    const service = new MemscopeService();
    try {
      const tick = service.tickNow();
      const tickResKb = tick.rows.find((r) => r.pid === subject.pid)?.resKb ?? 0;
      assert.equal(await subject.command('touch 32'), 'ok');
      const snapshot = await service.exportSnapshot(subject.pid);
      const sumRssKb = snapshot.mappings.reduce((s, m) => s + Number(m.smaps?.Rss ?? 0), 0);
      assert.ok(sumRssKb >= tickResKb + 32 * 1024, `the subject grew: ${sumRssKb} kB vs ${tickResKb} kB at the tick`);
      assert.equal(snapshot.process.metrics.resKb, sumRssKb);
      assert.equal(snapshot.totals.Rss, sumRssKb);
      assert.equal(snapshot.process.status.VmRSS, `${sumRssKb} kB`);
      // VIRT = VmSize = Σ Size but [vsyscall], which lies outside the process's mm.
      const vmSizeKb = snapshot.mappings.filter((m) => m.path !== '[vsyscall]').reduce((s, m) => s + Number(m.smaps?.Size ?? 0), 0);
      assert.equal(snapshot.process.metrics.virtKb, vmSizeKb);
      const t = snapshot.readTimes;
      assert.ok(t !== undefined);
      assert.equal(t.tickMs, tick.tMs);
      assert.ok(t.statusMs <= t.smapsStartMs && t.smapsStartMs <= t.smapsEndMs);
    } finally {
      service.stop();
    }
  });
});
