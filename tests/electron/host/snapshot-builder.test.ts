// A snapshot agrees with itself (issue 15 item 5): the service's exportSnapshot takes the header's
// VIRT/RES/SHR/SWAP from the status read next to smaps, not from the last tick. The subject grows after
// the tick; the header must say what the mappings say. Through a real `memscope serve` under strace, a snapshot
// opens the subject's status once: status lines, VIRT/RES/SHR/SWAP and USER all come from that read.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { MemscopeService } from '../../../electron/host/service.js';
import type { Snapshot } from '../../../shared/snapshot/schema.js';
import { postApiCall } from '../../helpers/api-post.js';
import { oracleMissing, requireOracle } from '../../helpers/oracles.js';
import { CLI_PATH } from '../../helpers/paths.js';
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

describe('exportSnapshot through memscope serve: status read once (strace)', { skip: oracleMissing('strace') }, () => {
  test("one open of the subject's /proc/PID/status per snapshot; USER and SWAP are that read's", async () => {
    const subject = await startSubject(8, 4);
    const dir = mkdtempSync(join(tmpdir(), 'memscope-export-strace-'));
    const log = join(dir, 'openat.log');
    const strace = spawn(requireOracle('strace'), ['-f', '-qq', '-e', 'trace=openat', '-o', log, process.execPath, CLI_PATH, 'serve', '--port', '0', '-d', '0.2'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(strace, 'close');
    try {
      const first = await createInterface({ input: strace.stdout })[Symbol.asyncIterator]().next();
      const m = /^(http:\/\/[^/]+)\/\?token=(.+)$/.exec(String(first.value).trim());
      assert.ok(m !== null, `serve printed ${String(first.value)}`);
      const statusOpens = () => readFileSync(log, 'utf8').split(`"/proc/${subject.pid}/status"`).length - 1;
      for (let i = 0; i < 2; i++) {
        const before = statusOpens();
        const r = await postApiCall(m[1]!, m[2]!, 'exportSnapshot', [subject.pid]);
        assert.equal(r.status, 200);
        const { value } = (await r.json()) as { value: Snapshot };
        // No page is open, so the ticks read stat and statm only: every status open is the snapshot's.
        assert.equal(statusOpens() - before, 1, `snapshot ${i + 1}: status opened once`);
        const { metrics, status } = value.process;
        assert.equal(metrics.uid, Number(status['Uid']?.split(/\s+/)[1]));
        assert.equal(metrics.user, userInfo().username);
        assert.equal(`${metrics.swapKb} kB`, status['VmSwap']);
        assert.equal(`${metrics.resKb} kB`, status['VmRSS']);
      }
    } finally {
      // The traced serve is strace's first line's pid: SIGTERM ends it cleanly, and strace with it.
      const servePid = Number(/^(\d+) /.exec(readFileSync(log, 'utf8'))?.[1]);
      if (servePid > 0) process.kill(servePid, 'SIGTERM');
      else strace.kill('SIGTERM');
      await exited;
      await subject.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
