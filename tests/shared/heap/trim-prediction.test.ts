// trim.releasable_bytes against the real malloc_trim(0): tests/harness/heap-subject.c calls it on request, and the
// Rss its heap mappings lose (smaps before and after) must be exactly what `memscope heap --json` predicted.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { HeapReport } from '../../../shared/heap/report.js';
import { runMemscope } from '../../helpers/cli.js';
import { startHeapSubject } from '../../helpers/heap-subject.js';

const HEAP_MAX_SIZE = 64 * 1024 * 1024;

function readHeapJson(pid: number, ...flags: string[]): HeapReport {
  const r = runMemscope(['heap', String(pid), '--json', ...flags]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as HeapReport;
}

/** Rss (bytes) of [heap] and of the rw mappings at the 64 MiB-aligned heaps of the report's thread arenas, from smaps. */
function heapRssBytes(pid: number, report: HeapReport): number {
  const starts = new Set(report.arenas.filter((a) => !a.main).flatMap((a) => a.heaps.map((h) => Number.parseInt(h.start, 16) - (Number.parseInt(h.start, 16) % HEAP_MAX_SIZE))));
  let total = 0;
  let counting = false;
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'latin1').split('\n')) {
    const header = /^([0-9a-f]+)-[0-9a-f]+ (\S+) /.exec(line);
    if (header !== null) counting = line.endsWith('[heap]') || (header[2]!.startsWith('rw') && starts.has(Number.parseInt(header[1]!, 16)));
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss !== null && counting) total += Number(rss[1]) * 1024;
  }
  return total;
}

describe('trim.releasable_bytes', () => {
  for (const args of [[], ['0', 'holes', '300'], ['3'], ['3', 'exited'], ['2', 'holes', '100']]) {
    test(`heap-subject ${args.join(' ')}: the Rss malloc_trim(0) returns is the prediction, to the byte`, async () => {
      const subject = await startHeapSubject(args);
      try {
        const report = readHeapJson(subject.pid);
        assert.deepEqual(report.trim.skipped_arenas, []);
        assert.deepEqual(report.trim.arenas.map((a) => a.index), report.arenas.map((a) => a.index));
        assert.equal(report.trim.arenas.reduce((sum, a) => sum + a.releasable_bytes, 0), report.trim.releasable_bytes);
        if (args[0] !== '0' && args.length > 0) assert.ok(report.trim.arenas.slice(1).every((a) => a.releasable_bytes > 0), 'each thread arena has a 12000-byte unsorted chunk with a resident page');
        const before = heapRssBytes(subject.pid, report);
        const answer = await subject.ask('trim');
        const after = heapRssBytes(subject.pid, report);
        assert.equal(answer, `trimmed ${report.trim.result}`);
        assert.equal(before - after, report.trim.releasable_bytes, JSON.stringify(report.trim));
        if (args.includes('holes')) assert.ok(report.trim.releasable_bytes - report.trim.top_bytes > 100 * 4096, JSON.stringify(report.trim));
        // Trimmed, nothing resident is left to give back.
        assert.equal(readHeapJson(subject.pid).trim.releasable_bytes, 0);
      } finally {
        await subject.kill();
      }
    });
  }

  test('a thread arena of two heaps: free pages in both are predicted to the byte, its top is kept', async () => {
    const subject = await startHeapSubject(['1', 'bigarena']);
    try {
      const report = readHeapJson(subject.pid);
      assert.deepEqual(report.mallinfo2, subject.mallinfo2);
      assert.equal(report.arenas[1]?.heaps.length, 2, 'the thread arena grew a second heap');
      assert.deepEqual(report.trim.skipped_arenas, []);
      assert.doesNotMatch(report.explain.verdict, /at least/);
      // 50 written 100 KB chunks freed in the second heap: about 24 whole pages each.
      assert.ok((report.trim.arenas[1]?.releasable_bytes ?? 0) > 50 * 23 * 4096, JSON.stringify(report.trim));
      const before = heapRssBytes(subject.pid, report);
      assert.equal(await subject.ask('trim'), `trimmed ${report.trim.result}`);
      assert.equal(before - heapRssBytes(subject.pid, report), report.trim.releasable_bytes, JSON.stringify(report.trim));
      assert.equal(readHeapJson(subject.pid).trim.releasable_bytes, 0);
    } finally {
      await subject.kill();
    }
  });
});
