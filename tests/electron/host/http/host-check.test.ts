// DNS rebinding: a real `memscope serve` answers only Host names that mean it (loopback names when bound
// to loopback; also this machine's names when bound elsewhere), with raw requests since fetch sets Host itself.
import assert from 'node:assert/strict';
import { hostname, networkInterfaces } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { acceptedHostNames } from '../../../../electron/host/http/host-check.js';
import { startServe, type ServeProcess } from '../../../helpers/browser.js';
import { sendRaw } from '../../../helpers/raw-http.js';

describe('Host header check, serve bound to 127.0.0.1', () => {
  let serve: ServeProcess;
  let port: string;
  before(async () => {
    serve = await startServe();
    port = new URL(serve.base).port;
  });
  after(() => serve.stop());

  const describeSource = (host: string, origin?: string) =>
    sendRaw(`${serve.base}/api/describeSource`, 'POST', { host, authorization: `Bearer ${serve.token}`, ...(origin === undefined ? {} : { origin }) }, '{"args":[]}');

  test('loopback names are answered, on the bound port or another (an SSH tunnel forwards its local port)', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`, 'localhost:7879', '127.0.0.1']) {
      const r = await describeSource(host);
      assert.equal(r.status, 200, host);
    }
  });

  test('any other name gets 421 and nothing else: no data, no CORS header, also for the page and /metrics', async () => {
    const origin = `http://localhost:${port}`;
    for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1.evil.example:${port}`, `localhost.evil.example:${port}`, `${hostname()}:${port}`, '10.0.0.1', `[::2]:${port}`]) {
      const r = await describeSource(host, origin);
      assert.equal(r.status, 421, host);
      assert.equal(r.headers['access-control-allow-origin'], undefined, host);
      assert.doesNotMatch(r.body, /hostname/, host);
      assert.match(r.body, /not this server/, host);
      const page = await sendRaw(`${serve.base}/`, 'GET', { host });
      assert.equal(page.status, 421, `${host}: the page`);
      const preflight = await sendRaw(`${serve.base}/api/listProcesses`, 'OPTIONS', { host, origin, 'access-control-request-method': 'POST' });
      assert.equal(preflight.status, 421, `${host}: the preflight`);
      assert.equal(preflight.headers['access-control-allow-origin'], undefined, `${host}: the preflight`);
    }
  });
});

describe('Host header check, serve bound to 0.0.0.0 (every interface)', () => {
  let serve: ServeProcess;
  let port: string;
  before(async () => {
    serve = await startServe(['--host', '0.0.0.0'], { captureStderr: true }); // (its "listening on 0.0.0.0" warning)
    port = new URL(serve.base).port;
  });
  after(() => serve.stop());

  test("this machine's hostname, its interface addresses and loopback names are answered; other names are not", async () => {
    const call = (host: string) => sendRaw(`http://127.0.0.1:${port}/api/describeSource`, 'POST', { host, authorization: `Bearer ${serve.token}` }, '{"args":[]}');
    const interfaceAddress = Object.values(networkInterfaces()).flat().find((a) => a?.family === 'IPv4' && !a.internal)?.address;
    const hosts = [`${hostname()}:${port}`, `127.0.0.1:${port}`, `localhost:${port}`, ...(interfaceAddress === undefined ? [] : [`${interfaceAddress}:${port}`])];
    for (const host of hosts) assert.equal((await call(host)).status, 200, host);
    assert.equal((await call(`evil.example:${port}`)).status, 421);
  });
});

test('accepted names: loopback-bound is loopback names only; a named --host adds itself', () => {
  assert.deepEqual([...acceptedHostNames('127.0.0.1')].sort(), ['127.0.0.1', '[::1]', 'localhost']);
  assert.deepEqual([...acceptedHostNames('::1')].sort(), ['127.0.0.1', '[::1]', 'localhost']);
  const named = acceptedHostNames('Box.Example');
  assert.ok(named.has('box.example') && named.has(hostname().toLowerCase()));
  assert.ok(!named.has('evil.example'));
});
