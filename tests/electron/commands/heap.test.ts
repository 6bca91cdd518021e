// `memscope heap` against real processes: tests/harness/heap-subject.c builds a known glibc heap (in the main
// arena and in thread arenas), reports its own mallinfo2(), and memscope must agree field for field.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { HeapReport } from '../../../shared/heap/report.js';
import { ApiError } from '../../../shared/errors.js';
import { readLiveHeap } from '../../../electron/host/proc/heap-reader.js';
import { assertAgreesWithMallocInfo, readHeapJson, startHeapSubject, withHeapSubject, withPythonHalfFreedDict } from '../../helpers/heap-subject.js';
import { assertOneLineError, runMemscope } from '../../helpers/cli.js';
import { CLI_PATH } from '../../helpers/paths.js';
import { oracleMissing } from '../../helpers/oracles.js';

/** This machine's glibc 2.36. */
const LIBC_PATH = '/lib/x86_64-linux-gnu/libc.so.6';

/** The one-letter state of /proc/PID/stat (T: stopped). */
function processState(pid: number): string {
  return /\) (\S) /.exec(readFileSync(`/proc/${pid}/stat`, 'latin1'))?.[1] ?? '';
}

/** Every chunk of an arena is in use, free on a list, or top: together they are its system memory. */
function assertArenaAddsUp(report: HeapReport): void {
  for (const a of report.arenas) {
    const freeBytes = Object.values(a.free).reduce((sum, t) => sum + t.bytes, 0);
    // A thread arena's heap also holds heap_info and the malloc_state before its first chunk.
    const headerBytes = a.main ? 0 : Number.parseInt(a.heaps[0]?.start ?? '0', 16) % (64 * 1024 * 1024);
    assert.equal(a.in_use.bytes + freeBytes + a.top_bytes + headerBytes, a.system_bytes, `arena ${a.index}`);
  }
}

/** A report's own totals agree: each arena's chunks tile its system memory, mallinfo2 sums the arenas, the explainer sums Rss. */
function assertReportAddsUp(report: HeapReport): void {
  assertArenaAddsUp(report);
  const sum = (f: (a: HeapReport['arenas'][number]) => number) => report.arenas.reduce((total, a) => total + f(a), 0);
  const m = report.mallinfo2;
  assert.equal(m.arena, sum((a) => a.system_bytes));
  assert.equal(m.uordblks + m.fordblks, m.arena);
  assert.equal(m.smblks, sum((a) => a.free.fastbins.chunks));
  assert.equal(m.fsmblks, sum((a) => a.free.fastbins.bytes));
  assert.equal(m.ordblks, sum((a) => a.free.unsorted.chunks + a.free.smallbins.chunks + a.free.largebins.chunks + 1));
  assert.equal(m.keepcost, report.arenas[0]?.top_bytes);
  const e = report.explain;
  const parts = [e.live, e.metadata, e.top, ...Object.values(e.free)];
  assert.equal(parts.reduce((total, p) => total + p.rss_bytes, 0), e.rss_bytes);
  assert.equal(parts.reduce((total, p) => total + p.private_dirty_bytes, 0), e.private_dirty_bytes);
  assert.equal(report.trim.arenas.reduce((total, a) => total + a.releasable_bytes, 0), report.trim.releasable_bytes);
}

describe('memscope heap', () => {
  test('agrees field for field with the process\'s own mallinfo2(), and finds every kind of chunk', async () => {
    await withHeapSubject([], (subject) => {
      const report = readHeapJson(subject.pid);
      assert.equal(report.libc, '2.36');
      assert.deepEqual(report.mallinfo2, subject.mallinfo2);
      assertAgreesWithMallocInfo(report, subject.mallocInfo);
      assert.equal(report.arenas.length, 1);
      const main = report.arenas[0]!;
      assert.equal(main.main, true);
      // The subject's known heap (heap-subject.c build_heap).
      assert.deepEqual(main.free.tcache.chunks, 28);
      assert.deepEqual(main.free.fastbins, { chunks: 2, bytes: 64 });
      assert.equal(main.free.unsorted.chunks, 1);
      assert.ok(main.free.smallbins.chunks >= 25, JSON.stringify(main.free.smallbins));
      assert.equal(main.free.largebins.chunks, 1);
      assert.equal(report.mmapped.chunks, 2);
      assertArenaAddsUp(report);
      const heapLine = readFileSync(`/proc/${subject.pid}/maps`, 'latin1').split('\n').find((l) => l.endsWith('[heap]')) ?? '';
      assert.equal(main.heaps[0]?.start, heapLine.split('-')[0]);
      const text = runMemscope(['heap', String(subject.pid)]);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /^arena 0 \(main\) at [0-9a-f]+: /m);
      assert.match(text.stdout, new RegExp(`^mallinfo2: arena=${subject.mallinfo2.arena} ordblks=${subject.mallinfo2.ordblks} `, 'm'));
    });
  });

  test('a heap of 100,000 more chunks: still mallinfo2 field for field, and every chunk accounted for', async () => {
    await withHeapSubject(['0', 'fill', '100000'], (subject) => {
      const report = readHeapJson(subject.pid);
      assert.deepEqual(report.mallinfo2, subject.mallinfo2);
      assertAgreesWithMallocInfo(report, subject.mallocInfo);
      const main = report.arenas[0]!;
      const chunks = main.in_use.chunks + Object.values(main.free).reduce((sum, t) => sum + t.chunks, 0);
      assert.ok(chunks > 100_000, String(chunks));
      assertArenaAddsUp(report);
    });
  });

  test('walks the thread arenas too: mallinfo2 sums them as glibc does', async () => {
    await withHeapSubject(['3'], (subject) => {
      const report = readHeapJson(subject.pid);
      assert.deepEqual(report.mallinfo2, subject.mallinfo2);
      assertAgreesWithMallocInfo(report, subject.mallocInfo);
      assert.equal(report.arenas.length, 4);
      assert.deepEqual(report.arenas.map((a) => a.main), [true, false, false, false]);
      for (const a of report.arenas) assert.equal(a.free.fastbins.chunks, 2, `arena ${a.index}`);
      assertArenaAddsUp(report);
    });
  });

  test('exited threads: their arenas stay on the ring with their flushed tcaches, and mallinfo2 still agrees', async () => {
    await withHeapSubject(['3', 'exited'], (subject) => {
      const report = readHeapJson(subject.pid);
      assert.deepEqual(report.mallinfo2, subject.mallinfo2);
      assertAgreesWithMallocInfo(report, subject.mallocInfo);
      assert.equal(report.arenas.length, 4);
      // Thread exit flushes the tcache into the arena's bins and frees the tcache struct (tcache_thread_shutdown).
      for (const a of report.arenas.slice(1)) assert.equal(a.free.tcache.chunks, 0, `arena ${a.index}`);
      assertArenaAddsUp(report);
    });
  });

  test('a real program: python3 holding a dict of big strings, half of them deleted, reads whole and adds up', { skip: oracleMissing('python3') }, async () => {
    await withPythonHalfFreedDict((pid) => {
      const report = readHeapJson(pid, '--freeze');
      assert.equal(report.libc, '2.36');
      assert.ok(report.mallinfo2.arena > 20 * 1024 * 1024, String(report.mallinfo2.arena));
      const main = report.arenas[0]!;
      const freeChunks = Object.values(main.free).reduce((sum, t) => sum + t.chunks, 0);
      assert.ok(freeChunks >= 20_000, JSON.stringify(main.free));
      assertArenaAddsUp(report);
    });
  });

  test('--chunks lists every chunk: contiguous in each heap, top last, the states add up to the totals', async () => {
    await withHeapSubject(['2'], (subject) => {
      const report = readHeapJson(subject.pid, '--chunks');
      assert.deepEqual(report.mallinfo2, subject.mallinfo2);
      for (const a of report.arenas) {
        const chunks = a.chunks ?? [];
        assert.equal(chunks.length, a.in_use.chunks + Object.values(a.free).reduce((n, t) => n + t.chunks, 0) + 1, `arena ${a.index}`);
        assert.equal(chunks[0]?.address, a.heaps[0]?.start);
        for (let k = 1; k < chunks.length; k++) {
          assert.equal(Number.parseInt(chunks[k]!.address, 16), Number.parseInt(chunks[k - 1]!.address, 16) + chunks[k - 1]!.size, `arena ${a.index} chunk ${k}`);
        }
        assert.deepEqual(chunks.at(-1), { address: Number.parseInt(a.heaps[0]!.end, 16) - a.top_bytes === Number.parseInt(chunks.at(-1)!.address, 16) ? chunks.at(-1)!.address : 'top not last', size: a.top_bytes, state: 'top' });
        const bytesOf = (state: string) => chunks.filter((c) => c.state === state).reduce((n, c) => n + c.size, 0);
        assert.equal(bytesOf('in_use'), a.in_use.bytes);
        for (const [kind, t] of Object.entries(a.free)) assert.equal(bytesOf(kind), t.bytes, `arena ${a.index} ${kind}`);
      }
      assert.equal(readHeapJson(subject.pid).arenas[0]?.chunks, undefined, 'without --chunks, no chunk list');
      const text = runMemscope(['heap', String(subject.pid), '--chunks']);
      assert.equal(text.code, 0, text.stderr);
      const top = report.arenas[0]!.chunks!.at(-1)!;
      assert.match(text.stdout, new RegExp(`^\\s+0\\s+${top.address}\\s+${top.size} top$`, 'm'));
    });
  });

  test('--freeze stops the process for the read and resumes it', async () => {
    await withHeapSubject(['1'], (subject) => {
      const report = readHeapJson(subject.pid, '--freeze');
      assert.deepEqual(report.mallinfo2, subject.mallinfo2);
      assert.ok(report.frozen !== null && report.frozen.stoppedMs > 0);
      assert.notEqual(processState(subject.pid), 'T');
    });
  });

  test('--freeze and Ctrl-C during the stop: the process is resumed, then memscope dies of the signal', async () => {
    // 1,000,000 chunks: the stop lasts ~200 ms, long enough to be seen by polling on a busy machine.
    await withHeapSubject(['0', 'fill', '1000000'], async (subject) => {
      const run = spawn(process.execPath, [CLI_PATH, 'heap', String(subject.pid), '--freeze', '--json'], { stdio: ['ignore', 'ignore', 'pipe'] });
      const exited = once(run, 'exit');
      // Wait until memscope has stopped the subject, then interrupt it as a terminal would. Polled until memscope
      // exits (or a minute passes), not for a count of polls: on a busy machine its start can outlast 5,000 polls of 1 ms.
      let stopped = false;
      for (const deadline = Date.now() + 60_000; !stopped && run.exitCode === null && Date.now() < deadline; ) {
        stopped = processState(subject.pid) === 'T';
        if (!stopped) await new Promise((r) => setTimeout(r, 1));
      }
      run.kill('SIGINT');
      const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
      assert.ok(stopped, 'memscope never stopped the subject (the 1,000,000-chunk read stops it for ~200 ms)');
      assert.notEqual(processState(subject.pid), 'T', 'the subject was left stopped');
      assert.equal(signal, 'SIGINT', `exit ${code}`);
    });
  });

  test('a heap changing under the read, 100 reads: every answer adds up or says it was torn, none crashes', async () => {
    await withHeapSubject(['0', 'churn'], async (subject) => {
      let whole = 0;
      for (let i = 0; i < 100; i++) {
        // Every fourth read freezes it (an attempt stopped inside malloc is retried); the others race its mallocs.
        const freeze = i % 4 === 3;
        try {
          assertReportAddsUp((await readLiveHeap(subject.pid, { freeze })).report);
          whole++;
        } catch (err) {
          if (!(err instanceof ApiError) || err.code !== 'torn' || freeze) throw err;
          assert.match(err.message, /^torn read: .*; try --freeze$/);
        }
      }
      assert.ok(whole >= 25, `${whole} of 100 reads held together (every frozen one must)`);
      // Through the CLI: the JSON adds up, or one line and exit 1.
      for (let i = 0; i < 5; i++) {
        const r = runMemscope(['heap', String(subject.pid), '--json']);
        if (r.code === 0) assertReportAddsUp(JSON.parse(r.stdout) as HeapReport);
        else assertOneLineError(r, 1, /torn read/);
      }
      assertReportAddsUp(readHeapJson(subject.pid, '--freeze'));
    });
  });

  test('bad input: one line, the right exit code', async () => {
    assertOneLineError(runMemscope(['heap', '1']), 1, /\/proc\/1\/(maps|mem): permission denied/);
    assertOneLineError(runMemscope(['heap', '2']), 1, /unsupported libc: pid 2 has no libc\.so\.6 mapped/);
    assertOneLineError(runMemscope(['heap', 'abc']), 2, /not a pid/);
    assertOneLineError(runMemscope(['heap']), 2, /expected PID/);
    const gone = await startHeapSubject([]);
    await gone.kill();
    assertOneLineError(runMemscope(['heap', String(gone.pid)]), 1, /no such process/);
    await withHeapSubject([], (statik) => {
      assertOneLineError(runMemscope(['heap', String(statik.pid)]), 1, /unsupported libc: pid \d+ has no libc\.so\.6 mapped/);
    }, { extraFlags: ['-static'] });
  });

  test('another glibc version: "unsupported libc 2.99", exit 1', async () => {
    // This machine's libc with its banner saying 2.99 (same length, nothing else changed), loaded by the subject.
    const dir = mkdtempSync(join(tmpdir(), 'memscope-libc-'));
    try {
      const libc = readFileSync(LIBC_PATH);
      const from = Buffer.from('release version 2.36');
      let at = libc.indexOf(from);
      assert.ok(at >= 0, 'the banner is in libc');
      for (; at >= 0; at = libc.indexOf(from, at + 1)) libc.write('release version 2.99', at, 'latin1');
      writeFileSync(join(dir, 'libc.so.6'), libc);
      await withHeapSubject([], (subject) => {
        assertOneLineError(runMemscope(['heap', String(subject.pid)]), 1, /unsupported libc 2\.99: memscope heap reads glibc 2\.36/);
      }, { env: { ...process.env, LD_LIBRARY_PATH: dir } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
