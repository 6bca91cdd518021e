// The sampler within an fd budget: beyond maxKeptFds it opens, reads and closes, with the same rows;
// a read that fails for a reason of ours (not the process's) makes the tick 'partial', and the process
// keeps its last row, marked 'restricted', until it can be read again.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Sampler } from '../../../../electron/host/proc/sampler.js';
import { MemscopeService } from '../../../../electron/host/service.js';
import { PROC_FIXTURES } from '../../../helpers/paths.js';
import { startSubject, type Subject } from '../../../helpers/subject.js';

const countOwnFds = () => readdirSync('/proc/self/fd').length;

describe('Sampler fd budget on the live /proc', () => {
  let subject: Subject;
  before(async () => {
    subject = await startSubject(8, 2);
  });
  after(async () => {
    await subject.kill();
  });

  test('maxKeptFds 0 keeps no fd between ticks and reads the same subject row as a sampler that keeps them', () => {
    const oneOff = new Sampler({ maxKeptFds: 0 });
    const kept = new Sampler();
    try {
      const fdsBefore = countOwnFds();
      const row = oneOff.tick().rows.find((r) => r.pid === subject.pid);
      assert.equal(countOwnFds(), fdsBefore);
      const keptRow = kept.tick().rows.find((r) => r.pid === subject.pid);
      assert.ok(countOwnFds() > fdsBefore);
      assert.ok(row !== undefined && keptRow !== undefined);
      assert.equal(row.rowStatus, 'ok');
      for (const field of ['resKb', 'virtKb', 'shrKb', 'swapKb', 'user', 'command', 'startTicks'] as const) assert.equal(row[field], keptRow[field], field);
    } finally {
      oneOff.close();
      kept.close();
    }
  });

  test('maxKeptFds 10 keeps at most 10 fds however many processes there are, /proc/loadavg included', () => {
    const fdsBefore = countOwnFds(); // before the sampler exists: whatever it opens counts
    const sampler = new Sampler({ maxKeptFds: 10 });
    try {
      for (let i = 0; i < 3; i++) {
        const tick = sampler.tick();
        assert.ok(tick.rows.length > 10);
        assert.equal(tick.error, undefined);
        assert.ok(countOwnFds() - fdsBefore <= 10, `tick ${i + 1}: ${countOwnFds() - fdsBefore} fds kept`);
      }
    } finally {
      sampler.close();
    }
    assert.equal(countOwnFds(), fdsBefore, 'close() closes every kept fd');
  });

  test('a sampler or service that never ticks holds no fd (`maps` and `translate` build a service and never tick it)', () => {
    const fdsBefore = countOwnFds();
    const sampler = new Sampler();
    const service = new MemscopeService();
    try {
      assert.equal(countOwnFds(), fdsBefore);
    } finally {
      sampler.close();
      service.stop();
    }
  });

  test('maxKeptFds 0, counted from before the sampler exists, keeps no fd between ticks', () => {
    const fdsBefore = countOwnFds();
    const sampler = new Sampler({ maxKeptFds: 0 });
    try {
      for (let i = 0; i < 3; i++) {
        assert.equal(sampler.tick().error, undefined);
        assert.equal(countOwnFds(), fdsBefore, `tick ${i + 1}`);
      }
    } finally {
      sampler.close();
    }
  });
});

describe('Sampler on a copy of /proc whose stat turns unreadable', () => {
  let root: string;
  const pid = 5050; // tests/fixtures/proc/node-idle
  const procDir = () => join(root, String(pid));
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'memscope-proc-'));
    copyFileSync('/proc/meminfo', join(root, 'meminfo'));
    mkdirSync(procDir());
    for (const file of ['stat', 'status']) copyFileSync(join(PROC_FIXTURES, 'node-idle', file), join(procDir(), file));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('a read failing with EISDIR (not gone, not denied) gives a partial tick; the process keeps its last row as restricted', () => {
    const sampler = new Sampler({ procRoot: root, maxKeptFds: 0 });
    try {
      const first = sampler.tick();
      assert.equal(first.error, undefined);
      const row = first.rows.find((r) => r.pid === pid);
      assert.equal(row?.rowStatus, 'ok');

      rmSync(join(procDir(), 'stat'));
      mkdirSync(join(procDir(), 'stat'));
      const second = sampler.tick();
      assert.equal(second.error?.kind, 'partial');
      assert.match(second.error?.message ?? '', /^1 of 1 processes not fully read: .*stat.*EISDIR/);
      const kept = second.rows.find((r) => r.pid === pid);
      assert.equal(kept?.rowStatus, 'restricted');
      assert.equal(kept.resKb, row?.resKb);

      rmSync(join(procDir(), 'stat'), { recursive: true });
      copyFileSync(join(PROC_FIXTURES, 'node-idle', 'stat'), join(procDir(), 'stat'));
      const third = sampler.tick();
      assert.equal(third.error, undefined);
      assert.equal(third.rows.find((r) => r.pid === pid)?.rowStatus, 'ok');
    } finally {
      sampler.close();
    }
  });
});
