// A real `memscope serve --metrics`: the page's security headers, where the token is accepted (Bearer
// with any case of the scheme on /api and /metrics alike; ?token= only on GET /api/events), and request
// bodies that are JSON but not an object, and which files a browser may keep (the content-hashed assets only).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startServe, type ServeProcess } from '../../../helpers/browser.js';
import { REPO_ROOT } from '../../../helpers/paths.js';
import { sendRaw } from '../../../helpers/raw-http.js';

describe('memscope serve: headers, token placement, body shape', () => {
  let serve: ServeProcess;
  before(async () => {
    serve = await startServe(['--metrics', '-d', '0.5']);
  });
  after(() => serve.stop());

  test('index.html (any route, with ?token=) carries the CSP as a header, X-Frame-Options, Referrer-Policy and no-store', async () => {
    for (const path of ['/', `/?token=${serve.token}`, '/index.html', '/no/such/route']) {
      const r = await fetch(`${serve.base}${path}`);
      assert.equal(r.status, 200, path);
      assert.match(r.headers.get('content-type') ?? '', /^text\/html/, path);
      const csp = r.headers.get('content-security-policy') ?? '';
      assert.match(csp, /(^|; )frame-ancestors 'none'(;|$)/, path);
      assert.match(csp, /(^|; )default-src 'self'(;|$)/, path);
      assert.doesNotMatch(csp, /\[::1\]/, `${path}: no source Chromium rejects as invalid`);
      assert.equal(r.headers.get('x-frame-options'), 'DENY', path);
      assert.equal(r.headers.get('referrer-policy'), 'no-referrer', path);
      assert.equal(r.headers.get('cache-control'), 'no-store', path);
      await r.arrayBuffer();
    }
  });

  test('the built assets (named after their content) are kept a year, immutable; index.html, a missing asset and the API are never stored', async () => {
    const assets = readdirSync(join(REPO_ROOT, 'dist/renderer/assets'));
    const kinds = ['.js', '.css', '.js.map'].map((ext) => assets.find((name) => name.endsWith(ext)));
    assert.ok(kinds.every((name) => name !== undefined), `a script, a style sheet and a source map among ${assets.join(' ')}`);
    for (const name of kinds) {
      const r = await fetch(`${serve.base}/assets/${name}`);
      assert.equal(r.status, 200, name);
      assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable', name);
      await r.arrayBuffer();
    }
    // A hashed name no build made is answered with index.html, which must not be kept under that name.
    for (const path of ['/assets/index-NOSUCH00.js', '/', '/index.html', '/assets/']) {
      const r = await fetch(`${serve.base}${path}`);
      assert.equal(r.headers.get('cache-control'), 'no-store', path);
      await r.arrayBuffer();
    }
    const api = await fetch(`${serve.base}/api/describeSource`, { method: 'POST', headers: { authorization: `Bearer ${serve.token}` } });
    assert.equal(api.headers.get('cache-control'), 'no-store');
    await api.arrayBuffer();
  });

  test('the Bearer scheme is case-insensitive (RFC 7235) on /api and on /metrics', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
      const api = await fetch(`${serve.base}/api/describeSource`, { method: 'POST', headers: { authorization: `${scheme} ${serve.token}` } });
      assert.equal(api.status, 200, `${scheme} on /api`);
      const metrics = await fetch(`${serve.base}/metrics`, { headers: { authorization: `${scheme} ${serve.token}` } });
      assert.equal(metrics.status, 200, `${scheme} on /metrics`);
      await Promise.all([api.arrayBuffer(), metrics.arrayBuffer()]);
    }
    assert.equal((await fetch(`${serve.base}/api/describeSource`, { method: 'POST', headers: { authorization: `Basic ${serve.token}` } })).status, 401);
  });

  test('a ?token= query is accepted on GET /api/events only', async () => {
    const query = `?token=${encodeURIComponent(serve.token)}`;
    assert.equal((await fetch(`${serve.base}/api/describeSource${query}`, { method: 'POST' })).status, 401);
    assert.equal((await fetch(`${serve.base}/api/getSystem${query}`, { method: 'POST', body: '{"args":[]}' })).status, 401);
    assert.equal((await fetch(`${serve.base}/metrics${query}`)).status, 401);
    const events = await sendRaw(`${serve.base}/api/events${query}`, 'GET', {});
    assert.equal(events.status, 200);
    assert.match(events.body, /^retry: /);
  });

  test('a JSON body that is not an object (null, a number, an array, a string) is 400 bad-arg, never 500', async () => {
    for (const body of ['null', '42', '[1,2]', '"args"', 'true']) {
      for (const method of ['describeSource', 'listProcesses']) {
        const r = await fetch(`${serve.base}/api/${method}`, { method: 'POST', headers: { authorization: `Bearer ${serve.token}` }, body });
        assert.equal(r.status, 400, `${method} ${body}`);
        const { error } = (await r.json()) as { error: { code: string; message: string } };
        assert.equal(error.code, 'bad-arg', `${method} ${body}`);
        assert.doesNotMatch(error.message, /Cannot read properties/, `${method} ${body}`);
      }
    }
  });

  test('an argument nested 10,000 deep (JSON.stringify overflows on it) is 400 bad-arg naming it, never 500', async () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const calls: [string, string][] = [
      ['getMappings', `[${deep}]`],
      ['getMapping', `[1, ${deep}]`],
      ['getPages', `[1, "1000", ${deep}]`],
      ['translateAddress', `[1, ${deep}]`],
      ['getHeap', `[1, {"freeze": ${deep}}]`],
      ['getMappingsIfChanged', `[1, ${deep}]`],
      ['getMappingChunks', `[1, "ab", ${deep}]`],
    ];
    for (const [method, args] of calls) {
      const r = await fetch(`${serve.base}/api/${method}`, { method: 'POST', headers: { authorization: `Bearer ${serve.token}` }, body: `{"args": ${args}}` });
      const { error } = (await r.json()) as { error: { code: string; message: string } };
      assert.equal(r.status, 400, `${method}: ${error.message}`);
      assert.equal(error.code, 'bad-arg', method);
      assert.match(error.message, /an array too deep to show/, method);
    }
  });
});
