// The RSS explainer against smaps: for tests/harness/heap-subject.c and for a real python3, the parts of
// `memscope heap --json`'s explain add up to the Rss (and Private_Dirty) smaps shows for the heap mappings.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { ExplainPart, HeapExplain, HeapReport } from '../../../shared/heap/report.js';
import { runMemscope } from '../../helpers/cli.js';
import { readHeapJson, withHeapSubject, withPythonHalfFreedDict } from '../../helpers/heap-subject.js';
import { oracleMissing } from '../../helpers/oracles.js';

const HEAP_MAX_SIZE = 64 * 1024 * 1024;

/** Rss and Private_Dirty (bytes) of [heap] and the thread arenas' rw heap mappings, from smaps. */
function readHeapSmaps(pid: number, report: HeapReport): { rss: number; privateDirty: number } {
  const starts = new Set(report.arenas.filter((a) => !a.main).flatMap((a) => a.heaps.map((h) => Number.parseInt(h.start, 16) - (Number.parseInt(h.start, 16) % HEAP_MAX_SIZE))));
  const sums = { rss: 0, privateDirty: 0 };
  let counting = false;
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'latin1').split('\n')) {
    const header = /^([0-9a-f]+)-[0-9a-f]+ (\S+) /.exec(line);
    if (header !== null) counting = line.endsWith('[heap]') || (header[2]!.startsWith('rw') && starts.has(Number.parseInt(header[1]!, 16)));
    const field = /^(Rss|Private_Dirty):\s+(\d+) kB/.exec(line);
    if (field !== null && counting) sums[field[1] === 'Rss' ? 'rss' : 'privateDirty'] += Number(field[2]) * 1024;
  }
  return sums;
}

function sumParts(e: HeapExplain, key: keyof ExplainPart): number {
  return [e.live, e.metadata, ...Object.values(e.free), e.top].reduce((sum, p) => sum + p[key], 0);
}

function assertAddsUp(pid: number, report: HeapReport): void {
  const e = report.explain;
  const smaps = readHeapSmaps(pid, report);
  assert.equal(sumParts(e, 'rss_bytes'), smaps.rss, JSON.stringify(e));
  assert.equal(e.rss_bytes, smaps.rss);
  assert.equal(sumParts(e, 'private_dirty_bytes'), smaps.privateDirty, JSON.stringify(e));
  assert.equal(e.private_dirty_bytes, smaps.privateDirty);
  assert.equal(e.mappings.length, report.arenas.reduce((n, a) => n + a.heaps.length, 0));
  assert.match(e.verdict, /^\S+ \S+ of this process's \S+ \S+ RSS is free memory glibc keeps: \S+ \S+ in free chunks between live ones \(fragmentation\), \S+ \S+ at the top; malloc_trim\(0\) would return (at least )?\S+ \S+ now$/);
}

describe('the RSS explainer', () => {
  for (const args of [[], ['3'], ['3', 'exited'], ['0', 'holes', '300'], ['1', 'bigarena']]) {
    test(`heap-subject ${args.join(' ')}: the parts add up to smaps' Rss and Private_Dirty of the heap mappings`, async () => {
      await withHeapSubject(args, (subject) => {
        const report = readHeapJson(subject.pid);
        assertAddsUp(subject.pid, report);
        if (args.includes('bigarena')) assert.equal(report.arenas[1]?.heaps.length, 2, 'the thread arena grew a second heap');
        if (args.includes('holes')) {
          // The live 4-32 KiB chunks were written whole (memset): their bodies are resident.
          let written = 0;
          for (let i = 1; i < 300; i += 2) written += 4096 * (1 + (i % 8)) + 100;
          assert.ok(report.explain.live.rss_bytes >= written, `${report.explain.live.rss_bytes} < ${written}`);
          const freeRss = Object.values(report.explain.free).reduce((sum, p) => sum + p.rss_bytes, 0);
          assert.ok(freeRss >= report.trim.releasable_bytes - report.trim.top_bytes, 'what trim madvises is resident free memory');
        }
        const text = runMemscope(['heap', String(subject.pid)]);
        assert.equal(text.code, 0, text.stderr);
        assert.ok(text.stdout.includes(report.explain.verdict.split(':')[0]!), text.stdout);
      });
    });
  }

  test('a real program: python3 holding a big dict, half of it deleted: the parts add up to smaps Rss', { skip: oracleMissing('python3') }, async () => {
    await withPythonHalfFreedDict((pid) => {
      const report = readHeapJson(pid, '--freeze');
      assertAddsUp(pid, report);
      const e = report.explain;
      const freeRss = Object.values(e.free).reduce((sum, p) => sum + p.rss_bytes, 0);
      // 25,000 freed strings of ~650 bytes: about 16 MB of resident free chunks between live ones.
      assert.ok(freeRss > 10 * 1024 * 1024, JSON.stringify(e));
      assert.ok(e.live.rss_bytes > 10 * 1024 * 1024, JSON.stringify(e));
    });
  });
});
