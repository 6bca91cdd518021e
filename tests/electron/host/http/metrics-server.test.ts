// The /metrics HTTP server: the bearer token (401 without or with a wrong one, 200 with it),
// content type, gzip as Prometheus asks for it, other paths and methods, the refusal to serve a
// non-loopback address without a token, and handleMetricsRequest inside another server.
import assert from 'node:assert/strict';
import { createServer, get as httpGet, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { MetricsCollector } from '../../../../electron/host/metrics/metrics-collector.js';
import { parseMetricsConfig } from '../../../../electron/host/metrics/metrics-config.js';
import { handleMetricsRequest, startMetricsServer, type RunningMetricsServer } from '../../../../electron/host/http/metrics-server.js';
import { isLoopbackHost } from '../../../../shared/loopback.js';
import { MemscopeService } from '../../../../electron/host/service.js';
import { isApiError } from '../../../../shared/errors.js';
import { findSamples, readExposition } from '../../../shared/metrics/exposition-reference.js';
import { sendRaw } from '../../../helpers/raw-http.js';

const TOKEN = 'test-token-0123456789abcdef';

describe('memscope exporter HTTP server', () => {
  const service = new MemscopeService({ intervalMs: 60_000 });
  // Host memory refreshed hourly, so two scrapes without a tick between them return the same text.
  const collector = new MetricsCollector(service, parseMetricsConfig('{"hostRefreshSeconds": 3600}', 'test'));
  let running: RunningMetricsServer;
  const scrape = (headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }, path = '/metrics', method = 'GET') =>
    fetch(new URL(path, running.url), { method, headers });

  before(async () => {
    service.tickNow();
    running = await startMetricsServer(collector, { host: '127.0.0.1', port: 0, token: TOKEN });
  });
  after(async () => {
    await running.close();
    collector.close();
    service.stop();
  });

  test('binds 127.0.0.1 and names its /metrics URL', () => {
    assert.match(running.url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  });

  test('no token or a wrong one: 401 with a Bearer challenge; the right one: 200', async () => {
    const none = await scrape({});
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer /);
    assert.equal((await scrape({ authorization: 'Bearer wrong-token-wrong-token' })).status, 401);
    assert.equal((await scrape({ authorization: `Bearer ${TOKEN}x` })).status, 401);
    assert.equal((await scrape({ authorization: `Basic ${TOKEN}` })).status, 401);
    const ok = await scrape();
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    const exp = readExposition(await ok.text());
    assert.equal(findSamples(exp, 'memscope_process_resident_bytes', { pid: String(process.pid) }).length, 1);
  });

  /** One scrape through node:http (fetch would undo the encoding itself): the raw bytes and their encoding. */
  const scrapeRaw = (acceptEncoding: string | undefined) =>
    new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      const url = new URL(running.url);
      const headers = { authorization: `Bearer ${TOKEN}`, ...(acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding }) };
      const req = httpGet({ host: url.hostname, port: url.port, path: url.pathname, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
    });

  test('gzip when asked (Prometheus always asks): the same text, compressed', async () => {
    const plain = await (await scrape()).text();
    const raw = await scrapeRaw('gzip');
    assert.equal(raw.encoding, 'gzip');
    assert.ok(raw.body.length < plain.length / 3, `${raw.body.length} vs ${plain.length}`);
    assert.equal(gunzipSync(raw.body).toString('utf8'), plain);
  });

  test('Accept-Encoding is read with its weights (RFC 9110 §12.5.3): q=0 means "not acceptable"', async () => {
    const plain = await (await scrapeRaw(undefined)).body.toString('utf8');
    const cases: [string | undefined, 'gzip' | 'identity'][] = [
      [undefined, 'identity'],
      ['', 'identity'],
      ['gzip', 'gzip'],
      ['GZIP', 'gzip'],
      ['x-gzip', 'gzip'],
      ['gzip, deflate, br', 'gzip'],
      ['gzip;q=0', 'identity'],
      ['gzip; q=0.000', 'identity'],
      ['gzip;q=0.001', 'gzip'],
      ['gzip;q=0, identity', 'identity'],
      ['*;q=0, identity', 'identity'],
      ['*', 'gzip'],
      ['*;q=0.5, gzip;q=0', 'identity'],
      ['identity;q=0, gzip', 'gzip'],
      ['gzip;q=0.8, identity;q=0.9', 'identity'],
      ['gzip;q=0.9, identity;q=0.8', 'gzip'],
      ['deflate', 'identity'],
      ['gzipx, notgzip', 'identity'],
      ['gzip;q=1.5', 'identity'], // not a weight: the member is ignored
    ];
    for (const [header, expected] of cases) {
      const raw = await scrapeRaw(header);
      assert.equal(raw.encoding ?? 'identity', expected, `Accept-Encoding: ${String(header)}`);
      assert.equal((expected === 'gzip' ? gunzipSync(raw.body) : raw.body).toString('utf8'), plain, String(header));
    }
  });

  test('HEAD answers headers only; other methods 405; other paths 404', async () => {
    const head = await scrape(undefined, '/metrics', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    assert.equal((await scrape(undefined, '/metrics', 'POST')).status, 405);
    assert.equal((await scrape(undefined, '/')).status, 404);
    assert.equal((await scrape(undefined, '/api/listProcesses')).status, 404);
    assert.equal((await scrape(undefined, '/metrics?x=1')).status, 200);
  });

  test('a non-loopback address without a token is refused before anything is bound', async () => {
    // 192.0.2.1 (TEST-NET-1) is not on this machine: even a broken check could not bind it.
    await assert.rejects(startMetricsServer(collector, { host: '192.0.2.1', port: 0, token: null }), (err: unknown) => {
      assert.ok(isApiError(err));
      assert.equal(err.code, 'bad-arg');
      assert.match(err.message, /not loopback.*needs a bearer token: --token-file FILE/);
      return true;
    });
  });

  test('without a token, a request naming another Host (DNS rebinding) gets 421 and no metrics', async () => {
    const open = await startMetricsServer(collector, { host: '127.0.0.1', port: 0, token: null });
    try {
      const port = new URL(open.url).port;
      const evil = await sendRaw(open.url, 'GET', { host: `evil.example:${port}` });
      assert.equal(evil.status, 421);
      assert.doesNotMatch(evil.body, /memscope_process_/);
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
        const ok = await sendRaw(open.url, 'GET', { host });
        assert.equal(ok.status, 200, host);
        assert.match(ok.body, /memscope_process_/);
      }
    } finally {
      await open.close();
    }
  });

  test('loopback is 127.0.0.0/8, ::1 and localhost, nothing else', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) assert.ok(isLoopbackHost(h), h);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'example.org', '127.0.0.1.example.org', '']) assert.ok(!isLoopbackHost(h), h);
  });

  test('handleMetricsRequest answers /metrics inside another server and leaves other paths to it', async () => {
    const other: Server = createServer((req, res) => {
      if (handleMetricsRequest(req, res, { collector, token: TOKEN })) return;
      res.writeHead(418).end('mine');
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
    try {
      const address = other.address();
      const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
      assert.equal((await fetch(`${base}/metrics`)).status, 401);
      const ok = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(ok.status, 200);
      assert.ok(readExposition(await ok.text()).samples.length > 0);
      const mine = await fetch(`${base}/api/anything`);
      assert.equal(mine.status, 418);
      assert.equal(await mine.text(), 'mine');
    } finally {
      other.closeAllConnections();
      await new Promise<void>((r) => other.close(() => r()));
    }
  });
});
