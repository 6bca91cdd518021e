// MemscopeService as the CLI drives it: ticked on demand, with or without histories (`memscope top` keeps none).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MemscopeService } from '../../../electron/host/service.js';
import { startSubject, type Subject } from '../../helpers/subject.js';

describe('MemscopeService ticked on demand', () => {
  let subject: Subject;
  before(async () => {
    subject = await startSubject(8, 4);
  });
  after(() => subject.kill());

  test('by default every tick adds a sample to each process history', async () => {
    const service = new MemscopeService();
    try {
      const ticks = [service.tickNow(), service.tickNow()];
      const samples = (await service.getHistory(subject.pid)).samples;
      assert.deepEqual(
        samples.map((s) => [s.tMs, s.resKb]),
        ticks.map((t) => [t.tMs, t.rows.find((r) => r.pid === subject.pid)?.resKb]),
      );
    } finally {
      service.stop();
    }
  });

  test('history past the every-tick tier still starts at the first tick, older ticks in labelled buckets', async () => {
    const service = new MemscopeService({ historyCapacity: 5 });
    try {
      const ticks = Array.from({ length: 40 }, () => service.tickNow());
      const history = await service.getHistory(subject.pid);
      const first = history.samples[0];
      const firstTickMs = ticks[0]?.tMs;
      assert.equal(first?.bucket?.fromMs ?? first?.tMs, firstTickMs, 'the first point is the first tick');
      assert.equal(history.startedMs, firstTickMs);
      assert.equal(history.exitedMs, null);
      assert.equal(history.samples.reduce((n, s) => n + (s.bucket?.sampleCount ?? 1), 0), 40, 'every tick counted once');
      const rows = ticks.map((t) => t.rows.find((r) => r.pid === subject.pid));
      // Ticks are folded in order: each point takes the next sampleCount ticks (by index, not by time: two ticks taken
      // within one millisecond share a tMs, and a bucket's time range would then also claim the next point's tick).
      let next = 0;
      for (const s of history.samples) {
        const count = s.bucket?.sampleCount ?? 1;
        const folded = rows.slice(next, next + count);
        assert.equal(s.bucket?.fromMs ?? s.tMs, ticks[next]?.tMs, 'a point starts at its first tick');
        assert.equal(s.tMs, ticks[next + count - 1]?.tMs, 'a point is stamped with its last tick');
        next += count;
        if (s.bucket === undefined) continue;
        assert.equal(s.bucket.max.resKb, Math.max(...folded.map((r) => r?.resKb ?? 0)), 'max is the largest RES read');
        assert.equal(s.bucket.min.resKb, Math.min(...folded.map((r) => r?.resKb ?? 0)), 'min is the smallest RES read');
      }
    } finally {
      service.stop();
    }
  });

  test('historyCapacity 0 (memscope top): the same ticks, and no history kept', async () => {
    const service = new MemscopeService({ historyCapacity: 0 });
    try {
      service.tickNow();
      const tick = service.tickNow();
      assert.equal(tick.seq, 2);
      assert.equal(tick.error, undefined);
      const row = tick.rows.find((r) => r.pid === subject.pid);
      assert.ok(row !== undefined && row.rowStatus === 'ok' && row.resKb >= 4 * 1024, JSON.stringify(row));
      assert.equal(await service.listProcesses(), tick);
      assert.deepEqual((await service.getHistory(subject.pid)).samples, []);
    } finally {
      service.stop();
    }
  });
});
