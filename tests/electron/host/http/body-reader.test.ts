// Request bodies against a real `memscope serve`: many concurrent large uploads are refused (413), not
// buffered, measured by the server's own RSS in /proc; the per-request bound; the budget comes back.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request, type ClientRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { MAX_BODY_BYTES, MAX_BUFFERED_BYTES } from '../../../../electron/host/http/body-reader.js';
import { postApiCall } from '../../../helpers/api-post.js';
import { startServe, type ServeProcess } from '../../../helpers/browser.js';

const MIB = 1024 * 1024;
/** Each upload declares this much; MAX_BUFFERED_BYTES holds ADMITTED of them. */
const DECLARED_BYTES = 64 * MIB;
const ADMITTED = MAX_BUFFERED_BYTES / DECLARED_BYTES;
/** Three times what the server may hold. */
const UPLOADS = 3 * ADMITTED;
/** What every upload still open sends before the server's RSS is read (half its body: no parse yet). */
const SENT_BYTES = 32 * MIB;
/** RSS beside the bodies held: the heap's own growth, socket buffers, a tick or two. */
const RSS_SLACK_BYTES = 128 * MIB;

/** The server's resident set now, from /proc. */
function rssBytes(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  assert.ok(kb !== undefined, `no VmRSS for ${pid}`);
  return Number(kb) * 1024;
}

/** Reads RSS until it stops moving (the server has read what the sockets held). */
async function settledRssBytes(pid: number): Promise<number> {
  let last = rssBytes(pid);
  for (let i = 0; i < 50; i++) {
    await sleep(200);
    const now = rssBytes(pid);
    if (Math.abs(now - last) < MIB) return now;
    last = now;
  }
  return last;
}

/** An upload in flight: its request and what the server answered so far. */
interface Upload {
  req: ClientRequest;
  status: number | null;
  body: string;
  closed: boolean;
}

/** Starts a POST whose headers (Content-Length or chunked) go out at once; the body is written later. */
function startUpload(serve: ServeProcess, headers: Record<string, string>): Upload {
  const req = request(`${serve.base}/api/describeSource`, { method: 'POST', headers: { authorization: `Bearer ${serve.token}`, ...headers } });
  const upload: Upload = { req, status: null, body: '', closed: false };
  req.on('response', (res) => {
    upload.status = res.statusCode ?? 0;
    res.setEncoding('utf8').on('data', (c: string) => (upload.body += c));
  });
  req.on('error', () => undefined); // the server closes refused uploads; what it answered is kept above
  req.on('close', () => (upload.closed = true));
  req.flushHeaders();
  return upload;
}

/** Resolves when the request can take more bytes, or is closed. */
function drained(req: ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      req.off('drain', done);
      req.off('close', done);
      resolve();
    };
    req.on('drain', done);
    req.on('close', done);
  });
}

/** Writes byteCount bytes of JSON whitespace, as fast as the server takes them. */
async function writeBytes(upload: Upload, byteCount: number): Promise<void> {
  const chunk = Buffer.alloc(MIB, 0x20);
  for (let sent = 0; sent < byteCount && !upload.closed; sent += chunk.length) {
    if (!upload.req.write(chunk)) await drained(upload.req);
  }
}

/** Waits until `count` uploads have an answer, or until `limitMs` (then the caller's asserts say what is missing). */
async function waitForAnswers(uploads: Upload[], count: number, limitMs: number): Promise<void> {
  for (let waitedMs = 0; waitedMs < limitMs && uploads.filter((u) => u.status !== null).length < count; waitedMs += 50) await sleep(50);
}

/** A small API call with a Content-Length. */
function smallCall(serve: ServeProcess): Promise<Response> {
  return postApiCall(serve.base, serve.token, 'describeSource', []);
}

describe('memscope serve request bodies', () => {
  let serve: ServeProcess;
  before(async () => {
    serve = await startServe(['-d', '0.5']);
  });
  after(() => serve.stop());

  test(`${UPLOADS} concurrent ${DECLARED_BYTES / MIB} MiB uploads: ${ADMITTED} held, the rest refused with 413 and not buffered (server RSS)`, async (t) => {
    const pid = serve.child.pid ?? 0;
    assert.equal((await smallCall(serve)).status, 200);
    const baselineBytes = await settledRssBytes(pid);

    const uploads = Array.from({ length: UPLOADS }, () => startUpload(serve, { 'content-length': String(DECLARED_BYTES) }));
    try {
      await waitForAnswers(uploads, UPLOADS - ADMITTED, 10_000);
      const open = uploads.filter((u) => u.status === null);
      await Promise.all(open.map((u) => writeBytes(u, SENT_BYTES)));
      const grownBytes = (await settledRssBytes(pid)) - baselineBytes;

      const heldBytes = ADMITTED * SENT_BYTES;
      t.diagnostic(`server RSS ${(baselineBytes / MIB).toFixed(0)} MiB before, +${(grownBytes / MIB).toFixed(0)} MiB with ${open.length} uploads open`);
      assert.ok(
        grownBytes < heldBytes + RSS_SLACK_BYTES,
        `server RSS grew ${(grownBytes / MIB).toFixed(0)} MiB for ${(heldBytes / MIB).toFixed(0)} MiB of admitted bodies (the clients sent ${((open.length * SENT_BYTES) / MIB).toFixed(0)} MiB)`,
      );
      const refused = uploads.filter((u) => u.status === 413);
      assert.equal(refused.length, UPLOADS - ADMITTED, `413s: ${uploads.map((u) => u.status).join(',')}`);
      assert.match(refused[0]?.body ?? '', /"code":"bad-arg".*holding 512 MiB of request bodies/);
      assert.equal(open.length, ADMITTED, 'the uploads within the budget are being read');

      // While the budget is spent: a small call and a chunked body (no Content-Length) are refused too.
      const small = await smallCall(serve);
      assert.equal(small.status, 413);
      assert.match(((await small.json()) as { error: { message: string } }).error.message, /retry later/);
      const chunked = startUpload(serve, { 'transfer-encoding': 'chunked' });
      chunked.req.end('{"args":[]}');
      await waitForAnswers([chunked], 1, 10_000);
      assert.equal(chunked.status, 413);
    } finally {
      for (const u of uploads) u.req.destroy();
    }

    // Aborted uploads give their share back: small calls work again.
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await smallCall(serve)).status;
      if (status !== 200) await sleep(100);
    }
    assert.equal(status, 200, 'the budget is released when uploads are aborted');
  });

  test('one body over the per-request bound is refused before it is read', async () => {
    const upload = startUpload(serve, { 'content-length': String(MAX_BODY_BYTES + 1) });
    try {
      await waitForAnswers([upload], 1, 10_000);
      assert.equal(upload.status, 413);
      assert.match(upload.body, /request body too large \(at most 256 MiB\)/);
    } finally {
      upload.req.destroy();
    }
    assert.equal((await smallCall(serve)).status, 200);
  });
});
