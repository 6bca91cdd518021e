// MemscopeService's columns part: what clients show (setTableView, checked as every transport checks it)
// decides the files the next tick reads, as the union over clients; PSS only for the rows a client names.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { MemscopeService } from '../../../electron/host/service.js';
import { ApiError } from '../../../shared/errors.js';
import { DEFAULT_COLUMNS, MAX_ROLLUP_PIDS } from '../../../shared/proc/columns.js';
import { callApi } from '../../../shared/validate-args.js';
import { startSubject, type Subject } from '../../helpers/subject.js';

describe('MemscopeService reads the files of the columns its clients show', () => {
  let subject: Subject;
  before(async () => {
    subject = await startSubject(16, 8);
  });
  after(() => subject.kill());

  test('two tabs with different columns are both served from the next tick on; the union is read', async () => {
    const service = new MemscopeService({ historyCapacity: 0, baseColumns: DEFAULT_COLUMNS });
    try {
      assert.deepEqual(service.tickNow().cost.sources, ['stat', 'statm', 'cmdline']);
      await callApi(service, 'setTableView', ['tab-a', { columns: [...DEFAULT_COLUMNS, 'user'], rollupPids: [] }]);
      await callApi(service, 'setTableView', ['tab-b', { columns: [...DEFAULT_COLUMNS, 'pssKb'], rollupPids: [subject.pid] }]);
      // PSS moves whenever another process maps or unmaps a page the subject shares (libc's): compare with
      // the rollup read right before and right after a tick that saw the same value both times.
      const readPssKb = () => Number(/\nPss:\s+(\d+) kB/.exec(readFileSync(`/proc/${subject.pid}/smaps_rollup`, 'latin1'))?.[1]);
      let tick = service.tickNow();
      let [pssBefore, pssAfter] = [NaN, NaN];
      for (let attempt = 0; attempt < 20 && !(pssBefore === pssAfter); attempt++) {
        pssBefore = readPssKb();
        tick = service.tickNow();
        pssAfter = readPssKb();
      }
      assert.equal(pssBefore, pssAfter, 'the subject\'s PSS held still across one tick in 20 tries');
      assert.deepEqual(tick.cost.sources, ['stat', 'status', 'cmdline', 'smaps_rollup']);
      const row = tick.rows.find((r) => r.pid === subject.pid);
      assert.equal(row?.user, userInfo().username, 'tab a: USER');
      assert.equal(row?.pssKb, pssAfter, 'tab b: PSS of its row on screen');
      assert.equal(tick.rows.find((r) => r.pid === 1)?.pssKb, undefined, 'not on any screen: no rollup');
    } finally {
      service.stop();
    }
  });

  test('setTableView refuses unknown columns, too many pids and bad client ids as bad-arg', async () => {
    const service = new MemscopeService({ historyCapacity: 0, baseColumns: DEFAULT_COLUMNS });
    try {
      const refused = async (args: unknown[], pattern: RegExp) =>
        assert.rejects(async () => callApi(service, 'setTableView', args), (err: unknown) => err instanceof ApiError && err.code === 'bad-arg' && pattern.test(err.message));
      await refused(['tab', { columns: ['pid', 'nope'], rollupPids: [] }], /unknown column "nope"/);
      await refused(['tab', { columns: ['pssKb'], rollupPids: Array.from({ length: MAX_ROLLUP_PIDS + 1 }, (_, i) => i + 1) }], /at most 200/);
      await refused(['tab', { columns: ['pid'], rollupPids: [-1] }], /not a pid/);
      await refused(['../x', { columns: ['pid'], rollupPids: [] }], /bad client id/);
      await refused(['tab', null], /expected \{columns/);
    } finally {
      service.stop();
    }
  });
});

describe('a snapshot taken while the ticks read no status', () => {
  test('still carries USER and SWAP (read from status for it), and validates', async () => {
    const subject = await startSubject(8, 4);
    const service = new MemscopeService({ historyCapacity: 0, baseColumns: DEFAULT_COLUMNS });
    try {
      assert.ok(!service.tickNow().cost.sources.includes('status'));
      const snapshot = await service.exportSnapshot(subject.pid);
      assert.equal(snapshot.process.metrics.user, userInfo().username);
      assert.equal(snapshot.process.metrics.uid, process.getuid?.());
      const vmSwap = /\nVmSwap:\s+(\d+) kB/.exec(readFileSync(`/proc/${subject.pid}/status`, 'latin1'))?.[1];
      assert.equal(snapshot.process.metrics.swapKb, Number(vmSwap));
    } finally {
      service.stop();
      await subject.kill();
    }
  });
});
