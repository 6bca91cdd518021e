// Browser mode's HTTP API: token, validation, errors with codes (as statuses, or as 200 ApiReplies for a client
// sending API_REPLY_HEADER, as the app does), the SSE tick stream, static files.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { startServer, type RunningServer } from '../../../../electron/host/http/server.js';
import { MemscopeService } from '../../../../electron/host/service.js';
import { API_REPLY_HEADER } from '../../../../shared/api.js';
import { postApiCall } from '../../../helpers/api-post.js';
import { sendRaw } from '../../../helpers/raw-http.js';
import { REPO_ROOT } from '../../../helpers/paths.js';
import { referenceStatusNumbers } from '../../../helpers/proc-reference.js';
import { startSubject, type Subject } from '../../../helpers/subject.js';
import { startLoopbackServer } from './loopback-server.js';

describe('memscope serve HTTP API', () => {
  const service = new MemscopeService({ intervalMs: 200 });
  let server: RunningServer;
  let base: string;
  let subject: Subject;
  const call = (method: string, args: unknown[], token: string | null = server.token) => postApiCall(base, token, method, args);

  before(async () => {
    subject = await startSubject(8, 4);
    service.start();
    ({ server, base } = await startLoopbackServer(service));
  });
  after(async () => {
    await server.close();
    service.stop();
    await subject.kill();
  });

  test('binds 127.0.0.1 and prints a URL carrying a random token', () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{20,}$/);
  });

  test('no token or a wrong token: 401, for calls and for the event stream', async () => {
    assert.equal((await call('listProcesses', [], null)).status, 401);
    assert.equal((await call('listProcesses', [], 'wrong-token-wrong-token')).status, 401);
    assert.equal((await fetch(`${base}/api/events`)).status, 401);
  });

  test('with the token: the subject is listed with RES equal to /proc', async () => {
    const r = await call('listProcesses', []);
    assert.equal(r.status, 200);
    const { value } = (await r.json()) as { value: { rows: { pid: number; resKb: number }[] } };
    const row = value.rows.find((p) => p.pid === subject.pid);
    assert.ok(row);
    assert.equal(row.resKb, referenceStatusNumbers(subject.pid)['VmRSS']);
  });

  test('getMappings over HTTP equals the service called directly', async () => {
    const r = await call('getMappings', [subject.pid]);
    const { value } = (await r.json()) as { value: { mappings: { start: string }[] } };
    const direct = await service.getMappings(subject.pid);
    assert.deepEqual(value.mappings.map((m) => m.start), direct.mappings.map((m) => m.start));
  });

  test('getMapping returns the one mapping starting at an address, null when none does', async () => {
    const r = await call('getMapping', [subject.pid, subject.anonStart]);
    assert.equal(r.status, 200);
    const { value } = (await r.json()) as { value: { start: string; kind: string; smaps: Record<string, number> } };
    assert.equal(value.start, subject.anonStart);
    assert.equal(value.kind, 'anon');
    assert.equal(value.smaps['Rss'], 4 * 1024, 'the subject touched 4 MiB of it');
    const none = await call('getMapping', [subject.pid, '1000']);
    assert.equal(((await none.json()) as { value: unknown }).value, null);
    assert.equal((await call('getMapping', [subject.pid, '0xZZ'])).status, 400);
  });

  test('arguments are validated before /proc: bad pid 400, unknown method 400, gone 404, denied 403', async () => {
    for (const bad of ['../1', -5, 1.5, '1e3', null]) {
      const r = await call('getMappings', [bad]);
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'bad-arg');
    }
    assert.equal((await call('getMappings', [])).status, 400);
    assert.equal((await call('rmRf', [])).status, 400);
    const gone = await startSubject(1, 1);
    await gone.kill();
    assert.equal((await call('getMappings', [gone.pid])).status, 404);
    const denied = await call('getMappings', [1]);
    assert.equal(denied.status, 403);
    assert.match(((await denied.json()) as { error: { message: string } }).error.message, /permission denied/);
  });

  test('with API_REPLY_HEADER every call\'s outcome is a 200 ApiReply; without it the same errors keep their statuses', async () => {
    const gone = await startSubject(1, 1);
    await gone.kill();
    const asReply = (method: string, args: unknown[]) => postApiCall(base, server.token, method, args, { [API_REPLY_HEADER.name]: API_REPLY_HEADER.value });
    const cases: { method: string; args: unknown[]; status: number; code: string | null }[] = [
      { method: 'describeSource', args: [], status: 200, code: null },
      { method: 'getMappings', args: [gone.pid], status: 404, code: 'gone' },
      { method: 'getMappings', args: [1], status: 403, code: 'denied' },
      { method: 'getHeap', args: [1], status: 403, code: 'denied' },
      { method: 'getMappings', args: ['../1'], status: 400, code: 'bad-arg' },
      { method: 'openSnapshot', args: ['{"format":"memscope-snapshot","version":2}'], status: 422, code: 'malformed' },
    ];
    for (const c of cases) {
      const what = `${c.method}(${JSON.stringify(c.args)})`;
      const plain = await call(c.method, c.args);
      const plainBody = (await plain.json()) as { value?: unknown; error?: { code: string; message: string } };
      assert.equal(plain.status, c.status, `${what} without the header`);
      assert.equal(plainBody.error?.code ?? null, c.code, what);
      const enveloped = await asReply(c.method, c.args);
      assert.equal(enveloped.status, 200, `${what} with the header`);
      const reply = (await enveloped.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
      assert.deepEqual(reply, c.code === null ? { ok: true, value: plainBody.value } : { ok: false, error: plainBody.error }, what);
    }
    // Refusals of the request itself stay statuses: wrong token, a body that is not JSON, no such method.
    const refused = async (init: RequestInit, path = 'describeSource') => (await fetch(`${base}/api/${path}`, { method: 'POST', ...init })).status;
    const headers = { [API_REPLY_HEADER.name]: API_REPLY_HEADER.value, authorization: `Bearer ${server.token}` };
    assert.equal(await refused({ headers: { ...headers, authorization: 'Bearer wrong-token-wrong-token' } }), 401);
    assert.equal(await refused({ headers, body: '{"args": [' }), 400);
    assert.equal(await refused({ headers, body: '{"args": []}' }, 'rmRf'), 400);
  });

  test('a malformed snapshot is refused with 422 and the reason', async () => {
    const r = await call('openSnapshot', ['{"format":"memscope-snapshot","version":2}']);
    assert.equal(r.status, 422);
    assert.match(((await r.json()) as { error: { message: string } }).error.message, /version/);
  });

  test('ticks stream as Server-Sent Events', async () => {
    const controller = new AbortController();
    const r = await fetch(`${base}/api/events?token=${server.token}`, { signal: controller.signal });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = r.body?.getReader();
    assert.ok(reader);
    let text = '';
    while ((text.match(/event: tick/g) ?? []).length < 2) {
      const { value, done } = await reader.read();
      if (done === true) break;
      text += Buffer.from(value).toString('utf8');
    }
    controller.abort();
    const seqs = [...text.matchAll(/"seq":(\d+)/g)].map((m) => Number(m[1]));
    assert.ok(seqs.length >= 2 && (seqs[1] ?? 0) > (seqs[0] ?? 0), `two ticks in order: ${seqs.join(',')}`);
  });

  test('static files need no token; paths cannot escape the app folder', async () => {
    const index = await fetch(`${base}/`);
    assert.equal(index.status, 200);
    assert.match(await index.text(), /<div id="root">/);
    const escape = await fetch(`${base}/%2e%2e/%2e%2e/package.json`);
    assert.doesNotMatch(await escape.text(), /"name": "memscope"/);
    // A path that is not valid percent-encoding is the client's mistake (400), not the server's (500).
    const malformed = await fetch(`${base}/%E0%A4%A`);
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as { error: { code: string } }).error.code, 'bad-arg');
  });

  test("the app's files answer GET and HEAD only: PUT, DELETE, POST, TRACE get 405 (they got the page with 200)", async () => {
    assert.equal((await fetch(`${base}/`, { method: 'HEAD' })).status, 200);
    for (const method of ['PUT', 'DELETE', 'POST', 'PATCH']) {
      const r = await fetch(`${base}/index.html`, { method, body: method === 'DELETE' ? undefined : 'x' });
      assert.equal(r.status, 405, method);
      assert.equal(r.headers.get('allow'), 'GET, HEAD', method);
      assert.doesNotMatch(await r.text(), /<div id="root">/, method);
    }
    // fetch refuses to send TRACE: node's http.request does.
    assert.equal((await sendRaw(`${base}/`, 'TRACE', {})).status, 405);
  });
});

describe('an event-stream client that stops reading (a stalled tunnel, a stopped browser)', () => {
  /** The kernel's loopback buffers (a few MB) fill before the server's backlog grows: generous, never reached when fixed. */
  const STALL_DEADLINE_MS = 60_000;

  test('is closed once its unsent ticks pass the bound, while a client that reads keeps streaming', async () => {
    const service = new MemscopeService({ intervalMs: 100 });
    service.start();
    const server = await startServer(service, { host: '127.0.0.1', port: 0, staticDir: `${REPO_ROOT}/dist/renderer`, maxEventBacklogBytes: 1024 * 1024 });
    const { port } = server.server.address() as { port: number };
    const controller = new AbortController();
    const stalled = connect(port, '127.0.0.1');
    try {
      await once(stalled, 'connect');
      const reading = await fetch(`http://127.0.0.1:${port}/api/events?token=${server.token}`, { signal: controller.signal });
      const reader = reading.body!.getReader();
      stalled.write(`GET /api/events?token=${server.token} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      stalled.pause(); // reads nothing more: every tick is left to the server to hold
      const connections = () => new Promise<number>((resolve, reject) => server.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
      const startMs = Date.now();
      let ticksRead = 0;
      // Unbounded, the stalled stream stayed open and the server held every tick for it.
      while ((await connections()) > 1) {
        assert.ok(Date.now() - startMs < STALL_DEADLINE_MS, 'the stalled event stream is still open');
        const { value } = await reader.read();
        ticksRead += (Buffer.from(value ?? []).toString('utf8').match(/event: tick/g) ?? []).length;
        await sleep(10);
      }
      const { value, done } = await reader.read();
      assert.equal(done, false, 'the client that reads is still streaming');
      assert.ok(ticksRead > 0 && value !== undefined);
    } finally {
      controller.abort();
      stalled.destroy();
      await server.close();
      service.stop();
    }
  });
});
