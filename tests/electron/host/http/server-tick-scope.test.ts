// GET /api/events?pids=…: a stream narrowed to some processes' rows (issue 13), against real subjects' /proc. A
// client naming no scope (the table, an older client) still gets every row; a scope changes by opening a new stream.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { MemscopeService } from '../../../../electron/host/service.js';
import type { RunningServer } from '../../../../electron/host/http/server.js';
import type { Tick } from '../../../../shared/api.js';
import { MAX_SCOPE_PIDS } from '../../../../shared/tick-scope.js';
import { referenceStatusNumbers } from '../../../helpers/proc-reference.js';
import { startSubject, type Subject } from '../../../helpers/subject.js';
import { startLoopbackServer } from './loopback-server.js';

/** An open event stream: its ticks as they come, read one at a time. */
interface TickStream {
  next(): Promise<Tick>;
  /** Bytes of tick frames read so far. */
  bytes(): number;
  close(): void;
}

async function openStream(base: string, token: string, query = ''): Promise<TickStream> {
  const controller = new AbortController();
  const r = await fetch(`${base}/api/events?token=${token}${query}`, { signal: controller.signal });
  assert.equal(r.status, 200, await (r.status === 200 ? Promise.resolve('') : r.text()));
  const reader = r.body!.getReader();
  let text = '';
  let bytes = 0;
  return {
    async next() {
      for (;;) {
        const m = /event: tick\ndata: (.*)\n\n/.exec(text);
        if (m !== null) {
          text = text.slice((m.index ?? 0) + m[0].length);
          bytes += Buffer.byteLength(m[0]);
          return JSON.parse(m[1] ?? '') as Tick;
        }
        const { value, done } = await reader.read();
        if (done === true) throw new Error('the event stream ended');
        text += Buffer.from(value).toString('utf8');
      }
    },
    bytes: () => bytes,
    close: () => controller.abort(),
  };
}

describe('the tick stream narrowed to some pids (GET /api/events?pids=)', () => {
  const service = new MemscopeService({ intervalMs: 100 });
  let server: RunningServer;
  let base: string;
  let a: Subject;
  let b: Subject;

  before(async () => {
    [a, b] = await Promise.all([startSubject(8, 4), startSubject(8, 2)]);
    service.start();
    ({ server, base } = await startLoopbackServer(service));
  });
  after(async () => {
    await server.close();
    service.stop();
    await Promise.all([a.kill(), b.kill()]);
  });

  test('a stream naming pids gets their rows only, saying so in scope; one naming none gets every row', async () => {
    const narrow = await openStream(base, server.token, `&pids=${b.pid},${a.pid}`);
    const whole = await openStream(base, server.token);
    try {
      for (let i = 0; i < 3; i++) {
        const tick = await narrow.next();
        assert.deepEqual(tick.scope, [a.pid, b.pid].sort((x, y) => x - y), 'the scope, ascending');
        assert.deepEqual(tick.rows.map((r) => r.pid).sort(), [a.pid, b.pid].sort());
        assert.equal(tick.rows.find((r) => r.pid === a.pid)?.resKb, referenceStatusNumbers(a.pid)['VmRSS'], "A's row is its /proc");
      }
      const all = await whole.next();
      assert.equal(all.scope, undefined, 'a tick with every row names no scope');
      assert.ok(all.rows.some((r) => r.pid === a.pid) && all.rows.some((r) => r.pid === process.pid), `every process: ${all.rows.length} rows`);
      assert.ok(all.rows.length > 2);
    } finally {
      narrow.close();
      whole.close();
    }
  });

  test('a new stream in another scope starts at the latest tick, holding the new pid’s row', async () => {
    const first = await openStream(base, server.token, `&pids=${a.pid}`);
    let seen: Tick;
    try {
      seen = await first.next();
      seen = await first.next();
      assert.deepEqual(seen.rows.map((r) => r.pid), [a.pid]);
    } finally {
      first.close();
    }
    const second = await openStream(base, server.token, `&pids=${b.pid}`);
    try {
      const start = await second.next();
      const latest = await service.listProcesses();
      assert.ok(start.seq >= seen.seq && start.seq <= latest.seq, `the new stream starts at the latest tick: ${start.seq} after ${seen.seq}, latest ${latest.seq}`);
      assert.deepEqual(start.scope, [b.pid]);
      assert.deepEqual(start.rows.map((r) => r.pid), [b.pid]);
      const following = await second.next();
      assert.equal(following.seq, start.seq + 1, 'then every tick');
    } finally {
      second.close();
    }
  });

  test('a pid that exits: its tombstone comes in its scope, then ticks without its row', async () => {
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    const pid = child.pid;
    assert.ok(pid !== undefined);
    const stream = await openStream(base, server.token, `&pids=${pid}`);
    try {
      let tick = await stream.next();
      while (tick.rows.length === 0) tick = await stream.next(); // a tick before the child was listed
      assert.equal(tick.rows[0]?.rowStatus, 'ok');
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
      do tick = await stream.next();
      while (tick.rows[0]?.rowStatus === 'ok');
      assert.deepEqual(tick.rows.map((r) => [r.pid, r.rowStatus]), [[pid, 'gone']], 'the tombstone');
      const after = await stream.next();
      assert.deepEqual(after.scope, [pid]);
      assert.deepEqual(after.rows, [], 'no row: the process is gone');
    } finally {
      stream.close();
      child.kill('SIGKILL');
    }
  });

  test('an empty scope streams ticks without rows, far smaller than every row', async () => {
    const none = await openStream(base, server.token, '&pids=');
    const whole = await openStream(base, server.token);
    try {
      const tick = await none.next();
      assert.deepEqual(tick.rows, []);
      assert.deepEqual(tick.scope, []);
      await whole.next();
      assert.ok(none.bytes() * 20 < whole.bytes(), `bytes of one tick: ${none.bytes()} narrowed, ${whole.bytes()} whole`);
    } finally {
      none.close();
      whole.close();
    }
  });

  test('a malformed scope is refused with 400 before any stream opens', async () => {
    const tooMany = Array.from({ length: MAX_SCOPE_PIDS + 1 }, (_, i) => i + 1).join(',');
    for (const bad of ['abc', '1,,2', '-1', '0', '1e3', tooMany]) {
      const r = await fetch(`${base}/api/events?token=${server.token}&pids=${bad}`);
      assert.equal(r.status, 400, bad);
      assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'bad-arg', bad);
    }
  });
});
