// MemscopeService as the CLI drives it: ticked on demand, with or without histories (`memscope top` keeps none),
// and getMappingsJson, the text `memscope maps --json` prints, against getMappings on a live subject.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MemscopeService } from '../../../electron/host/service.js';
import type { MappingsReport } from '../../../shared/api.js';
import { isApiError } from '../../../shared/errors.js';
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

describe('getMappingsJson (memscope maps --json)', () => {
  let subject: Subject;
  const service = new MemscopeService();
  before(async () => {
    subject = await startSubject(8, 4);
  });
  after(async () => {
    service.stop();
    await subject.kill();
  });

  /** The report without its groups, as JSON text. */
  const coreText = ({ groups: _groups, ...core }: MappingsReport): string => JSON.stringify(core);

  test('the text of getMappings without groups, key order included', async () => {
    // Pss of shared libraries moves when other processes map or drop them: compare only with readings
    // that did not change around the call.
    for (let attempt = 1; attempt <= 5; attempt++) {
      const beforeText = coreText(await service.getMappings(subject.pid));
      const text = Buffer.concat(service.getMappingsJson(subject.pid).map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part)))).toString('utf8');
      const afterText = coreText(await service.getMappings(subject.pid));
      if (beforeText !== afterText) continue;
      assert.equal(text, beforeText);
      return;
    }
    assert.fail('the subject\'s mappings changed around every reading');
  });

  test('a bad pid is refused before /proc is read; a pid that exited is gone', async () => {
    for (const bad of [0, -1, 1.5]) assert.throws(() => service.getMappingsJson(bad), (err) => isApiError(err) && err.code === 'bad-arg');
    const gone = await startSubject(1, 1);
    await gone.kill();
    assert.throws(() => service.getMappingsJson(gone.pid), (err) => isApiError(err) && err.code === 'gone');
  });
});
