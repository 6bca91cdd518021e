// getHeap over browser mode's HTTP API: the same report as `memscope heap PID --json` of the same quiescent
// process with every chunk behind it (up to MAX_HEAP_VIEW_CHUNKS), its options validated before /proc, and its
// errors (denied, gone, unsupported libc) as codes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningServer } from '../../../../electron/host/http/server.js';
import { MemscopeService } from '../../../../electron/host/service.js';
import { MAX_HEAP_VIEW_CHUNKS, type HeapView } from '../../../../shared/api.js';
import type { HeapReport } from '../../../../shared/heap/report.js';
import { postApiCall } from '../../../helpers/api-post.js';
import { runMemscope } from '../../../helpers/cli.js';
import { startHeapSubject, type HeapSubject } from '../../../helpers/heap-subject.js';
import { startSubject } from '../../../helpers/subject.js';
import { startLoopbackServer } from './loopback-server.js';

/** What a report says about the heap (reads and frozen say how it was read, not what it holds). */
function heapFacts(r: HeapReport): Omit<HeapReport, 'reads' | 'frozen'> {
  const { reads: _reads, frozen: _frozen, ...facts } = r;
  return facts;
}

describe('getHeap over HTTP', () => {
  const service = new MemscopeService({ intervalMs: 1000 });
  let server: RunningServer;
  let base: string;
  let subject: HeapSubject;
  const call = (args: unknown[]) => postApiCall(base, server.token, 'getHeap', args);
  const errorOf = async (r: Response) => ((await r.json()) as { error: { code: string; message: string } }).error;

  before(async () => {
    subject = await startHeapSubject(['2']);
    ({ server, base } = await startLoopbackServer(service));
  });
  after(async () => {
    await server.close();
    service.stop();
    await subject.kill();
  });

  test('answers what `memscope heap PID --json` prints for the same quiescent process, and its own mallinfo2()', async () => {
    const r = await call([subject.pid]);
    assert.equal(r.status, 200);
    const { value } = (await r.json()) as { value: HeapView };
    const cli = runMemscope(['heap', String(subject.pid), '--json']);
    assert.equal(cli.code, 0, cli.stderr);
    assert.deepEqual(heapFacts(value.report), heapFacts(JSON.parse(cli.stdout) as HeapReport));
    assert.deepEqual(value.report.mallinfo2, subject.mallinfo2);
    assert.equal(value.report.arenas.length, 3, 'main + two thread arenas');
    assert.equal(value.report.frozen, null);
    // Every chunk behind the totals: per arena, the chunks of each kind add up to the report's.
    assert.ok(value.arenas !== null);
    assert.equal(value.arenas.length, 3);
    value.report.arenas.forEach((a, i) => {
      const detail = value.arenas?.[i];
      assert.ok(detail !== undefined);
      const inUse = detail.chunkKinds.reduce((n, k, c) => (k === 0 ? n + (detail.chunkSizes[c] ?? 0) : n), 0);
      assert.equal(inUse, a.in_use.bytes, `arena ${i} in use`);
      assert.equal(detail.chunkSizes.at(-1), a.top_bytes, `arena ${i} top is the last chunk`);
    });
    assert.equal(value.chunkCount, value.arenas.reduce((n, d) => n + d.chunkAddresses.length, 0));
    assert.equal(value.params.tcacheCount, 7, "glibc's default tcache_count, from mp_");
  });

  test('{ freeze: true } stops the process for the read, and reads the same heap', async () => {
    const r = await call([subject.pid, { freeze: true }]);
    assert.equal(r.status, 200);
    const { value } = (await r.json()) as { value: HeapView };
    assert.ok(value.report.frozen !== null && value.report.frozen.stoppedMs >= 0, JSON.stringify(value.report.frozen));
    assert.deepEqual(value.report.mallinfo2, subject.mallinfo2);
  });

  test(`past ${MAX_HEAP_VIEW_CHUNKS} chunks the chunks are not sent, the totals are`, async () => {
    const big = await startHeapSubject(['0', 'fill', String(MAX_HEAP_VIEW_CHUNKS + 10_000)]);
    try {
      const r = await call([big.pid]);
      assert.equal(r.status, 200);
      const { value } = (await r.json()) as { value: HeapView };
      assert.equal(value.arenas, null);
      assert.ok(value.chunkCount > MAX_HEAP_VIEW_CHUNKS, String(value.chunkCount));
      assert.deepEqual(value.report.mallinfo2, big.mallinfo2);
    } finally {
      await big.kill();
    }
  });

  test('bad arguments are refused before /proc with 400 bad-arg', async () => {
    for (const args of [[], ['1'], [subject.pid, null], [subject.pid, { freeze: 'yes' }], [subject.pid, { chunks: true }], [subject.pid, {}, 3]]) {
      const r = await call(args);
      assert.equal(r.status, 400, JSON.stringify(args));
      assert.equal((await errorOf(r)).code, 'bad-arg');
    }
  });

  test('pid 1 is denied (403), a process that exited is gone (404), a process without glibc malloc is one line (4xx)', async () => {
    const denied = await call([1]);
    assert.equal(denied.status, 403);
    assert.match((await errorOf(denied)).message, /^\/proc\/1\/(maps|mem): permission denied/);
    const exited = await startSubject(1, 1);
    await exited.kill();
    assert.equal((await call([exited.pid])).status, 404);
    // A kernel thread (kthreadd, pid 2) has no libc mapped.
    const unsupported = await call([2]);
    const error = await errorOf(unsupported);
    assert.equal(unsupported.status, 422, JSON.stringify(error));
    assert.equal(error.code, 'unsupported');
    assert.match(error.message, /^unsupported libc: /);
    assert.doesNotMatch(error.message, /\n/);
  });
});
