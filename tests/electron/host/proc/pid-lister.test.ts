// The pid list reused while no pid is allocated, against the live /proc: no process is missed, one that exits
// while the listing is reused still leaves its tombstone, and of the few pids allocated since, the processes are
// added and the threads are not. A sampler of given pids samples those that are processes, with the same rows.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, test } from 'node:test';
import { Sampler } from '../../../../electron/host/proc/sampler.js';
import { DEFAULT_COLUMNS } from '../../../../shared/proc/columns.js';
import { startSubject } from '../../../helpers/subject.js';

/** The pid namespace's last allocated pid, as the lister reads it. */
function readLastPid(): string {
  return readFileSync('/proc/loadavg', 'latin1').trim().split(' ')[4] ?? '';
}

function listProcPids(): Set<number> {
  return new Set(readdirSync('/proc').filter((n) => /^[0-9]+$/.test(n)).map(Number));
}

describe('Sampler pid list', () => {
  test('every process in /proc before and after a tick is in it, over ticks with and without a listing', async () => {
    const sampler = new Sampler({ columns: DEFAULT_COLUMNS });
    const subjects = [];
    try {
      for (let i = 0; i < 40; i++) {
        if (i % 10 === 5) subjects.push(await startSubject(1, 1)); // a new process at least every 10 ticks
        const before = listProcPids();
        const liveRows = sampler.tick().rows.filter((r) => r.rowStatus !== 'gone');
        const live = new Set(liveRows.map((r) => r.pid));
        const after = listProcPids();
        assert.equal(live.size, liveRows.length, `tick ${i + 1}: a pid listed twice`);
        for (const pid of before) if (after.has(pid)) assert.ok(live.has(pid), `tick ${i + 1}: pid ${pid} was in /proc all along, and is missing`);
      }
    } finally {
      sampler.close();
      for (const subject of subjects) await subject.kill();
    }
  });

  test('of the few pids allocated between two ticks, a new process is added and new threads are not', async (t) => {
    const sampler = new Sampler({ columns: DEFAULT_COLUMNS });
    try {
      // Other processes on the machine allocate pids too: try until few enough were (the tick probes them one by one).
      for (let attempt = 0; attempt < 40; attempt++) {
        sampler.tick();
        const lastPidBefore = Number(readLastPid());
        const worker = new Worker('setInterval(() => {}, 1000)', { eval: true });
        await once(worker, 'online');
        const subject = await startSubject(1, 1);
        const threads = readdirSync('/proc/self/task').map(Number).filter((tid) => tid > lastPidBefore);
        const rows = sampler.tick().rows;
        const allocatedCount = Number(readLastPid()) - lastPidBefore;
        await worker.terminate();
        await subject.kill();
        if (allocatedCount > 16) continue; // /proc was listed, not probed
        assert.ok(threads.length > 0, 'the worker started a thread');
        for (const tid of threads) assert.equal(rows.find((r) => r.pid === tid), undefined, `thread ${tid} of this process listed as a process`);
        assert.equal(rows.find((r) => r.pid === subject.pid)?.rowStatus, 'ok', 'the new process is in the tick');
        assert.equal(rows.filter((r) => r.pid === process.pid).length, 1);
        return;
      }
      t.skip('more than 16 pids were allocated between every two ticks on this machine (40 tries)');
    } finally {
      sampler.close();
    }
  });

  test('a process that exits while no pid is allocated leaves its tombstone, then disappears', async (t) => {
    const sampler = new Sampler({ columns: DEFAULT_COLUMNS });
    try {
      // Other processes on the machine allocate pids too: try until two ticks pass with none allocated.
      for (let attempt = 0; attempt < 40; attempt++) {
        const subject = await startSubject(1, 1);
        const lastPidBefore = readLastPid();
        const first = sampler.tick().rows.find((r) => r.pid === subject.pid);
        await subject.kill();
        const second = sampler.tick().rows.find((r) => r.pid === subject.pid);
        if (readLastPid() !== lastPidBefore) continue; // a pid was allocated: the second tick read /proc again
        assert.equal(first?.rowStatus, 'ok');
        assert.equal(second?.rowStatus, 'gone', 'the reused list still read the exited process, and found it gone');
        assert.equal(second?.resKb, first?.resKb);
        assert.equal(sampler.tick().rows.find((r) => r.pid === subject.pid), undefined);
        return;
      }
      t.skip('no two ticks passed without a pid allocated on this machine (40 tries)');
    } finally {
      sampler.close();
    }
  });
});

describe('Sampler of given pids (SamplerOptions.pids)', () => {
  test("only the given processes: a thread's id and an exited pid give no row; the row is the whole-machine tick's", async () => {
    const subject = await startSubject(1, 1);
    const exited = await startSubject(1, 1);
    await exited.kill();
    const tid = readdirSync(`/proc/${process.pid}/task`).map(Number).find((t) => t !== process.pid);
    assert.ok(tid !== undefined, 'the test runner has threads');
    const one = new Sampler({ columns: DEFAULT_COLUMNS, pids: [subject.pid, tid, exited.pid] });
    const all = new Sampler({ columns: DEFAULT_COLUMNS });
    try {
      const rows = one.tick().rows;
      const wholeRow = all.tick().rows.find((r) => r.pid === subject.pid);
      assert.deepEqual(rows.map((r) => r.pid), [subject.pid]);
      assert.deepEqual({ ...rows[0], cpuTimeS: 0 }, { ...wholeRow, cpuTimeS: 0 }, 'an idle subject: the same row');
      await subject.kill();
      assert.deepEqual(one.tick().rows.map((r) => [r.pid, r.rowStatus]), [[subject.pid, 'gone']], 'a tombstone, as in a whole-machine tick');
      assert.deepEqual(one.tick().rows, []);
    } finally {
      one.close();
      all.close();
      await subject.kill();
    }
  });
});
