// Browser mode's CORS (remote hosts, issue 6): the app on another loopback port may call /api with
// the token; a page anywhere else may not, whatever it sends; the token stays required either way.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isAllowedOrigin, type RunningServer } from '../../../../electron/host/http/server.js';
import { API_REPLY_HEADER } from '../../../../shared/api.js';
import { MemscopeService } from '../../../../electron/host/service.js';
import { sendRaw as send } from '../../../helpers/raw-http.js';
import { startLoopbackServer } from './loopback-server.js';

const PREFLIGHT = { 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' };

describe('memscope serve CORS', () => {
  const service = new MemscopeService({ intervalMs: 500 });
  let server: RunningServer;
  let base: string;

  before(async () => {
    service.start();
    ({ server, base } = await startLoopbackServer(service));
  });
  after(async () => {
    await server.close();
    service.stop();
  });

  const call = (origin: string | null, token: string | null) =>
    send(`${base}/api/describeSource`, 'POST', {
      'content-type': 'application/json',
      ...(origin === null ? {} : { origin }),
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    }, '{"args":[]}');

  test('a preflight from a loopback origin or the desktop app (app://memscope) is allowed, without a token', async () => {
    for (const origin of ['http://127.0.0.1:7878', 'http://localhost:5173', 'http://[::1]:9000', 'http://localhost', 'app://memscope']) {
      const r = await send(`${base}/api/listProcesses`, 'OPTIONS', { origin, ...PREFLIGHT });
      assert.equal(r.status, 204, origin);
      assert.equal(r.headers['access-control-allow-origin'], origin, 'echoes the origin, never *');
      const allowed = String(r.headers['access-control-allow-headers']).split(',').map((h) => h.trim().toLowerCase());
      // The app's transport sends API_REPLY_HEADER: a remote host's preflight must admit it.
      assert.ok(['authorization', 'content-type', API_REPLY_HEADER.name].every((h) => allowed.includes(h)), String(r.headers['access-control-allow-headers']));
      assert.match(String(r.headers['access-control-allow-methods']), /\bPOST\b/);
      assert.match(String(r.headers['vary']), /Origin/);
    }
  });

  test('a preflight from any other origin is refused and carries no Access-Control-Allow-Origin', async () => {
    for (const origin of ['http://evil.example', 'https://evil.example', 'http://127.0.0.1.evil.example', 'http://localhost.evil.example:7878', 'https://127.0.0.1:7878', 'null', 'file://', 'app://memscope.evil', 'app://other']) {
      const r = await send(`${base}/api/listProcesses`, 'OPTIONS', { origin, ...PREFLIGHT });
      assert.equal(r.status, 403, origin);
      assert.equal(r.headers['access-control-allow-origin'], undefined, origin);
    }
  });

  test('the token is still required from a loopback origin: 401 without it (readable by the page), 200 with it', async () => {
    const origin = 'http://127.0.0.1:7879';
    const without = await call(origin, null);
    assert.equal(without.status, 401);
    assert.equal(without.headers['access-control-allow-origin'], origin, 'the page can tell "token refused" from "unreachable"');
    assert.equal((await call(origin, 'not-the-token')).status, 401);
    const ok = await call(origin, server.token);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['access-control-allow-origin'], origin);
    assert.equal((JSON.parse(ok.body) as { value: { transport: string } }).value.transport, 'http');
  });

  test('a request from another origin is refused even with the right token', async () => {
    const r = await call('http://evil.example', server.token);
    assert.equal(r.status, 403);
    assert.equal(r.headers['access-control-allow-origin'], undefined);
    assert.doesNotMatch(r.body, /hostname/, 'nothing of the host is answered');
  });

  test('the event stream answers a loopback origin with the header EventSource needs, and only with the token', async () => {
    const origin = 'http://localhost:7879';
    const ok = await send(`${base}/api/events?token=${encodeURIComponent(server.token)}`, 'GET', { origin, accept: 'text/event-stream' });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['access-control-allow-origin'], origin);
    assert.match(String(ok.headers['content-type']), /^text\/event-stream/);
    assert.equal((await send(`${base}/api/events`, 'GET', { origin })).status, 401);
    assert.equal((await send(`${base}/api/events?token=${encodeURIComponent(server.token)}`, 'GET', { origin: 'http://evil.example' })).status, 403);
  });

  test('clients that send no Origin (curl, Prometheus, the CLI) are unaffected', async () => {
    const r = await call(null, server.token);
    assert.equal(r.status, 200);
    assert.equal(r.headers['access-control-allow-origin'], undefined);
  });

  test("the server's own origin is allowed when it is bound to a non-loopback name", () => {
    assert.equal(isAllowedOrigin('http://box.lan:7878', 'box.lan:7878'), true);
    assert.equal(isAllowedOrigin('http://evil.example:7878', 'box.lan:7878'), false);
    assert.equal(isAllowedOrigin('http://box.lan:7878', undefined), false);
  });
});
