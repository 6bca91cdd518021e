// Live: spawns tests/harness/odd-paths.c, which reports what it mapped, and reads its /proc files
// the way the host does (into one reused buffer, passing a subarray) to parse them with shared/proc.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHarness } from '../../helpers/c-build.js';
import { parseMaps } from '../../../shared/proc/maps.js';
import { parseSmaps, parseSmapsRollup } from '../../../shared/proc/smaps.js';
import { parseStat } from '../../../shared/proc/stat.js';
import { parseStatm } from '../../../shared/proc/statm.js';
import { parseStatus, parseStatusMemory } from '../../../shared/proc/status.js';
import { checkVmSize } from '../../../shared/proc/vmsize.js';
import { mappingSizeKb } from '../../../shared/units.js';
import type { Mapping } from '../../../shared/proc/types.js';
import { readSubjectReport, type SubjectReport } from '../../helpers/proc-reference.js';
import { spawnUntilReady } from '../../helpers/ready-harness.js';

/** A comm with the characters that break naive stat parsing: ") (" and a newline (7 bytes ≤ 15). */
const COMM = 'x) (y\nz';

const buffer = Buffer.alloc(1 << 20);

/** Reads /proc/PID/<file> into the shared buffer, as electron/host does, and returns the filled part. */
function readProc(pid: number, file: string): Uint8Array {
  const fd = openSync(`/proc/${pid}/${file}`, 'r');
  try {
    let n = 0;
    for (;;) {
      const got = readSync(fd, buffer, n, buffer.length - n, null);
      if (got === 0) break;
      n += got;
    }
    return buffer.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

describe('odd-paths subject, parsed live', () => {
  let child: ChildProcess;
  let dir: string;
  let pid: number;
  let report: Map<string, SubjectReport>;
  let exe: string;

  before(async () => {
    const binary = buildHarness('odd-paths.c');
    dir = join(mkdtempSync(join(tmpdir(), 'memscope live (')), 'a dir with spaces');
    let out: string;
    ({ child, out } = await spawnUntilReady(binary, [dir, COMM]));
    pid = child.pid!;
    report = readSubjectReport(out);
    exe = readlinkSync(`/proc/${pid}/exe`);
  });

  after(() => {
    child?.kill('SIGKILL');
    if (dir !== undefined) rmSync(join(dir, '..'), { recursive: true, force: true });
  });

  const find = (list: Mapping[], r: SubjectReport): Mapping => {
    const m = list.find((x) => x.start === r.start);
    assert.ok(m !== undefined, `${r.what}: no mapping starts at ${r.start}`);
    return m;
  };

  test('maps: every region the subject mapped is there, with its size and its path as the kernel prints it', () => {
    const maps = parseMaps(readProc(pid, 'maps'), exe);
    for (const what of ['spaced', 'newline', 'utf8', 'deleted', 'memfd', 'posixshm', 'sysvshm', 'shanon', 'guard', 'anon']) {
      const r = report.get(what)!;
      const m = find(maps, r);
      assert.equal(mappingSizeKb(m.start, m.end), r.sizeKb, what);
      assert.equal(m.path, r.path, what);
    }
    assert.ok(report.get('spaced')!.path.startsWith(dir), 'paths really are in the spaced temp dir');
  });

  test('smaps: Rss of each region = the kB the subject touched; the private anonymous one is all Anonymous', () => {
    const smaps = parseSmaps(readProc(pid, 'smaps'), exe);
    for (const what of ['spaced', 'newline', 'utf8', 'deleted', 'memfd', 'posixshm', 'sysvshm', 'shanon', 'guard', 'anon']) {
      const r = report.get(what)!;
      const m = find(smaps, r);
      assert.equal(m.smaps!['Size'], r.sizeKb, what);
      assert.equal(m.smaps!['Rss'], r.touchedKb, what);
    }
    const anon = find(smaps, report.get('anon')!);
    assert.equal(anon.smaps!['Anonymous'], 400);
    assert.equal(anon.smaps!['Private_Dirty'], 400);
  });

  test('kinds: files, shared memory, guard, anon, and the .bss behind the executable', () => {
    const maps = parseMaps(readProc(pid, 'maps'), exe);
    const kinds = Object.fromEntries(
      ['spaced', 'deleted', 'memfd', 'posixshm', 'sysvshm', 'shanon', 'guard', 'anon'].map((w) => [w, find(maps, report.get(w)!).kind]),
    );
    assert.deepEqual(kinds, { spaced: 'file', deleted: 'file', memfd: 'shm', posixshm: 'shm', sysvshm: 'shm', shanon: 'shm', guard: 'guard', anon: 'anon' });
    const bssMiddle = BigInt(`0x${report.get('bss')!.start}`) + 512n * 1024n;
    const bss = maps.find((m) => BigInt(`0x${m.start}`) <= bssMiddle && bssMiddle < BigInt(`0x${m.end}`))!;
    assert.equal(bss.kind, 'bss');
    assert.ok(maps.some((m) => m.kind === 'text' && m.path === exe));
  });

  test('stat: comm with ") (" and a newline comes back whole; ppid is this test process', () => {
    const stat = parseStat(readProc(pid, 'stat'));
    assert.equal(stat.comm, COMM);
    assert.equal(stat.pid, pid);
    assert.equal(stat.ppid, process.pid);
    assert.equal(stat.state, 'S');
    assert.equal(stat.numThreads, 1);
  });

  test('status: Name is the same comm, escaped by the kernel ("\\n" printed as backslash-n)', () => {
    assert.equal(parseStatus(readProc(pid, 'status'))['Name'], COMM.replace('\n', '\\n'));
  });

  test('one paused process, five files, one story: VmSize, statm, Σ Size, Σ Rss, rollup agree', () => {
    const memory = parseStatusMemory(readProc(pid, 'status'));
    const statm = parseStatm(readProc(pid, 'statm'));
    const stat = parseStat(readProc(pid, 'stat'));
    const smaps = parseSmaps(readProc(pid, 'smaps'), exe);
    const rollup = parseSmapsRollup(readProc(pid, 'smaps_rollup'));
    const check = checkVmSize(smaps, memory.vmSizeKb);
    assert.ok(check.ok, `Σ sizes ${check.sumKb} vs VmSize ${check.vmSizeKb}`);
    assert.equal(statm.sizePages * 4, memory.vmSizeKb);
    assert.equal(stat.vsizeBytes, memory.vmSizeKb * 1024);
    const sumRss = smaps.reduce((s, m) => s + (m.smaps!['Rss'] as number), 0);
    assert.equal(sumRss, memory.vmRssKb);
    assert.equal(rollup.fields['Rss'], sumRss);
    assert.equal(memory.uid, process.getuid!());
  });
});
