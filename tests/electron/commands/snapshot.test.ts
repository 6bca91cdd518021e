// `memscope snapshot PID -o FILE` as a user runs it: the file's mode (a replaced file keeps its own,
// a new one is 0600) and a SIGTERM that lands while the temp file exists (no .NAME.tmp-* left behind,
// the process dies of the signal), a device, FIFO or link named as FILE (written into, never replaced).
// And the most mappings a process may have (65,000 of many-maps.c), streamed:
// at most 100 MB of RSS (it held the whole document: 290 MB), a valid file with every mapping. And its status
// numbers come from one read: strace sees /proc/PID/status opened once, USER and SWAP agree with its lines.
// And it reads its own process only: 600 more processes running leave its peak RSS as it was (a whole-machine
// tick added ~24 MB), strace sees no /proc listing and no other pid's files, a thread's id is still no process.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, watch, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseSnapshotText } from '../../../shared/snapshot/parse-snapshot-text.js';
import { buildHarness } from '../../helpers/c-build.js';
import { assertOneLineError, runMemscope } from '../../helpers/cli.js';
import { oracleMissing, requireOracle } from '../../helpers/oracles.js';
import { CLI_PATH } from '../../helpers/paths.js';
import { spawnUntilReady } from '../../helpers/ready-harness.js';
import { startSubject } from '../../helpers/subject.js';

/** Mappings of the big subject: ~15 MB of snapshot JSON, so the write takes long enough to be caught. */
const BIG_SUBJECT_MAPPINGS = 20000;

const modeOf = (path: string) => statSync(path).mode & 0o777;
const tempFilesIn = (dir: string) => readdirSync(dir).filter((f) => /\.tmp-/.test(f));

/** (3) state of /proc/PID/stat: 'T' once SIGSTOP has taken effect. */
function isStopped(pid: number): boolean {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return stat.slice(stat.lastIndexOf(')') + 2).startsWith('T');
}

describe('memscope snapshot -o FILE', () => {
  let dir: string;
  let subject: ChildProcess;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'memscope-snapshot-'));
    ({ child: subject } = await spawnUntilReady(buildHarness('many-maps.c'), [String(BIG_SUBJECT_MAPPINGS)]));
  });
  after(() => {
    subject.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  test('a new file is 0600; a replaced file keeps its mode (0600 stays 0600, 0640 stays 0640)', () => {
    const pid = String(process.pid);
    const fresh = join(dir, 'fresh.json');
    assert.equal(runMemscope(['snapshot', pid, '-o', fresh]).code, 0);
    assert.equal(modeOf(fresh).toString(8), '600');

    for (const mode of [0o600, 0o640, 0o644]) {
      const existing = join(dir, `existing-${mode.toString(8)}.json`);
      writeFileSync(existing, 'old');
      chmodSync(existing, mode);
      const r = runMemscope(['snapshot', pid, '-o', existing]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(modeOf(existing).toString(8), mode.toString(8));
      assert.notEqual(readFileSync(existing, 'utf8'), 'old');
    }
    assert.deepEqual(tempFilesIn(dir), []);
  });

  test('-o /proc/version: one line saying /proc takes no new file (it said "no such file"), exit 1', () => {
    const r = runMemscope(['snapshot', String(process.pid), '-o', '/proc/version']);
    assertOneLineError(r, 1, /^memscope: cannot write "\/proc\/version": "\/proc" does not let files be created \(memscope writes a temp file there, then renames it\)$/);
  });

  // As root, `-o /dev/null` renamed a regular file over /dev/null: every later `> /dev/null` on the machine
  // then filled a file. A device node made here stands in for /dev/null, so the test cannot harm the real one.
  test('-o a character device: written into, still the device (mknod of /dev/null\'s numbers, 1:3)', (t) => {
    const device = join(dir, 'null');
    const made = spawnSync('mknod', ['-m', '666', device, 'c', '1', '3']);
    if (made.status !== 0) return t.skip(`mknod needs root: ${made.stderr.toString().trim()}`);
    const r = runMemscope(['snapshot', String(process.pid), '-o', device]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(statSync(device).isCharacterDevice(), 'the device was replaced by a regular file');
    assert.equal(statSync(device).rdev, statSync('/dev/null').rdev);
    assert.deepEqual(tempFilesIn(dir), []);
  });

  test('-o a FIFO: its reader gets the whole snapshot, the FIFO stays a FIFO', async () => {
    const fifo = join(dir, 'pipe.json');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    reader.stdout.on('data', (c: Buffer) => chunks.push(c));
    const writer = spawn(process.execPath, [CLI_PATH, 'snapshot', String(process.pid), '-o', fifo], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    writer.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const readerExit = once(reader, 'exit');
    try {
      const [code] = (await once(writer, 'exit')) as [number];
      assert.equal(code, 0, stderr);
      // checked before waiting for the reader: with the FIFO renamed over, cat would wait for a writer forever
      assert.ok(statSync(fifo).isFIFO(), 'the FIFO was replaced by a regular file');
      assert.equal(((await readerExit) as [number])[0], 0);
    } finally {
      reader.kill();
    }
    assert.equal(parseSnapshotText(Buffer.concat(chunks).toString('utf8')).process.pid, process.pid);
    assert.deepEqual(tempFilesIn(dir), []);
  });

  test('-o a symbolic link: the link stays, the file it points to is replaced (and keeps its mode)', () => {
    const file = join(dir, 'linked-target.json');
    const link = join(dir, 'link.json');
    writeFileSync(file, 'old', { mode: 0o640 });
    chmodSync(file, 0o640);
    symlinkSync(file, link);
    const r = runMemscope(['snapshot', String(process.pid), '-o', link]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(lstatSync(link).isSymbolicLink(), 'the link was replaced by a regular file');
    assert.equal(parseSnapshotText(readFileSync(file, 'utf8')).process.pid, process.pid);
    assert.equal(modeOf(file).toString(8), '640');
    assert.deepEqual(tempFilesIn(dir), []);
  });

  test('SIGTERM while the temp file exists: the temp file is removed, the old file is untouched, the process dies of SIGTERM', async () => {
    const target = join(dir, 'signalled.json');
    writeFileSync(target, 'old', { mode: 0o600 });
    // Stop the writer as soon as its temp file appears; only a stop that finds the temp file still
    // there is a signal "mid-write". The stop rarely comes late (~15 MB + fsync), so a few tries suffice.
    for (let attempt = 1; ; attempt++) {
      const child = spawn(process.execPath, [CLI_PATH, 'snapshot', String(subject.pid), '-o', target], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
      let midWrite = false;
      const watcher = watch(dir, (_event, name) => {
        if (child.pid === undefined || !String(name).startsWith('.signalled.json.tmp-') || child.exitCode !== null) return;
        watcher.close();
        child.kill('SIGSTOP');
        while (!isStopped(child.pid)) {
          // SIGSTOP takes effect within microseconds; wait for it before looking
        }
        midWrite = existsSync(join(dir, String(name)));
        if (midWrite) child.kill('SIGTERM'); // pending until SIGCONT
        child.kill('SIGCONT');
      });
      const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
      watcher.close();
      if (!midWrite) {
        assert.ok(attempt < 5, 'the writer was never caught while its temp file existed');
        continue;
      }
      assert.deepEqual(tempFilesIn(dir), []);
      assert.equal(signal, 'SIGTERM', `exit code ${String(code)}, stderr: ${stderr}`);
      assert.equal(readFileSync(target, 'utf8'), 'old');
      return;
    }
  });
});

/** The most RSS `memscope snapshot` may use, whatever the process (issue 13: it was 290 MB at 65,000 mappings). */
const SNAPSHOT_MAX_RSS_KB = 100 * 1024;

/** Prints the process's peak RSS (kB) on stderr as it exits: loaded before the CLI with --import. */
const PRINT_MAX_RSS = `data:text/javascript,process.on("exit",()=>process.stderr.write("maxrss_kb "+process.resourceUsage().maxRSS+"\\n"))`;

describe('memscope snapshot of 65,000 mappings', () => {
  let dir: string;
  let subject: ChildProcess;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'memscope-snapshot-big-'));
    ({ child: subject } = await spawnUntilReady(buildHarness('many-maps.c'), ['65000']));
  });
  after(() => {
    subject.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  test(`streamed: peak RSS ≤ ${SNAPSHOT_MAX_RSS_KB / 1024} MB, every mapping in a valid file`, () => {
    const path = join(dir, 'big.json');
    const r = spawnSync(process.execPath, ['--import', PRINT_MAX_RSS, CLI_PATH, 'snapshot', String(subject.pid), '-o', path], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const maxRssKb = Number(/maxrss_kb (\d+)/.exec(r.stderr)?.[1]);
    assert.ok(maxRssKb > 0, r.stderr);
    assert.ok(maxRssKb <= SNAPSHOT_MAX_RSS_KB, `peak RSS ${maxRssKb} kB`);
    const snapshot = parseSnapshotText(readFileSync(path, 'utf8'));
    assert.ok(snapshot.mappings.length > 65000, String(snapshot.mappings.length));
    assert.match(r.stderr, new RegExp(`^wrote .*big\\.json \\(${snapshot.mappings.length} mappings, ${statSync(path).size} bytes\\)$`, 'm'));
    assert.deepEqual(tempFilesIn(dir), []);
  });
});

describe('memscope snapshot reads status once (strace)', { skip: oracleMissing('strace') }, () => {
  test("one open of the subject's /proc/PID/status; USER, SWAP and the status lines are that read", async () => {
    const subject = await startSubject(8, 4);
    const dir = mkdtempSync(join(tmpdir(), 'memscope-snapshot-strace-'));
    try {
      const log = join(dir, 'openat.log');
      const path = join(dir, 'snap.json');
      const r = spawnSync(requireOracle('strace'), ['-f', '-qq', '-e', 'trace=openat', '-o', log, process.execPath, CLI_PATH, 'snapshot', String(subject.pid), '-o', path], {
        encoding: 'utf8',
        timeout: 120_000,
      });
      assert.equal(r.status, 0, r.stderr);
      const opened = readFileSync(log, 'utf8').split(`"/proc/${subject.pid}/status"`).length - 1;
      assert.equal(opened, 1, 'status opened once (the tick reads stat and statm; the snapshot its own status)');
      const { process: p } = parseSnapshotText(readFileSync(path, 'utf8'));
      assert.equal(p.metrics.uid, Number(p.status['Uid']?.split(/\s+/)[1]), 'USER is the effective uid of that read');
      assert.equal(p.metrics.user, userInfo().username);
      assert.equal(`${p.metrics.swapKb} kB`, p.status['VmSwap']);
      assert.equal(`${p.metrics.virtKb} kB`, p.status['VmSize']);
    } finally {
      await subject.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Idle processes started beside the subject: a whole-machine tick kept ~40 KB of history for each (24 MB more RSS). */
const EXTRA_PROCESS_COUNT = 600;

/** Most the snapshot's peak RSS may grow with EXTRA_PROCESS_COUNT more processes running (run-to-run noise is ~1 MB). */
const EXTRA_PROCESSES_MAX_GROWTH_KB = 6 * 1024;

/** Starts count idle `sleep`s and resolves once each has spawned. */
async function startSleeps(count: number): Promise<ChildProcess[]> {
  const sleeps: ChildProcess[] = [];
  for (let i = 0; i < count; i++) sleeps.push(spawn('sleep', ['3600'], { stdio: 'ignore' }));
  await Promise.all(sleeps.map((s) => once(s, 'spawn')));
  return sleeps;
}

/** Peak RSS (kB) of `memscope snapshot pid -o path`, which must succeed. */
function snapshotMaxRssKb(pid: number, path: string): number {
  const r = spawnSync(process.execPath, ['--import', PRINT_MAX_RSS, CLI_PATH, 'snapshot', String(pid), '-o', path], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const maxRssKb = Number(/maxrss_kb (\d+)/.exec(r.stderr)?.[1]);
  assert.ok(maxRssKb > 0, r.stderr);
  return maxRssKb;
}

describe('memscope snapshot reads its own process only', () => {
  test(`peak RSS with ${EXTRA_PROCESS_COUNT} more processes running is within ${EXTRA_PROCESSES_MAX_GROWTH_KB / 1024} MB of without (it grew ~24 MB)`, async () => {
    const subject = await startSubject(8, 4);
    const dir = mkdtempSync(join(tmpdir(), 'memscope-snapshot-busy-'));
    let sleeps: ChildProcess[] = [];
    try {
      const quietKb = snapshotMaxRssKb(subject.pid, join(dir, 'quiet.json'));
      sleeps = await startSleeps(EXTRA_PROCESS_COUNT);
      const busyKb = snapshotMaxRssKb(subject.pid, join(dir, 'busy.json'));
      assert.ok(busyKb - quietKb <= EXTRA_PROCESSES_MAX_GROWTH_KB, `peak RSS ${quietKb} kB, ${busyKb} kB with ${EXTRA_PROCESS_COUNT} more processes`);
      const quiet = parseSnapshotText(readFileSync(join(dir, 'quiet.json'), 'utf8')).process.metrics;
      const busy = parseSnapshotText(readFileSync(join(dir, 'busy.json'), 'utf8')).process.metrics;
      assert.deepEqual({ ...busy, cpuTimeS: 0 }, { ...quiet, cpuTimeS: 0 }, 'the same row of an idle subject');
    } finally {
      for (const s of sleeps) s.kill('SIGKILL');
      await subject.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('under strace: no /proc listing, no other process\'s /proc files opened', { skip: oracleMissing('strace') }, async () => {
    const subject = await startSubject(8, 4);
    const dir = mkdtempSync(join(tmpdir(), 'memscope-snapshot-own-'));
    try {
      const log = join(dir, 'openat.log');
      const r = spawnSync(requireOracle('strace'), ['-f', '-qq', '-e', 'trace=openat', '-o', log, process.execPath, CLI_PATH, 'snapshot', String(subject.pid), '-o', join(dir, 'snap.json')], {
        encoding: 'utf8',
        timeout: 120_000,
      });
      assert.equal(r.status, 0, r.stderr);
      const lines = readFileSync(log, 'utf8').split('\n').filter((l) => l !== '');
      // strace -f starts each line with the pid of the CLI's task that made the call: its own /proc files are its business.
      const ownPids = new Set(lines.map((l) => l.split(' ', 1)[0]));
      const others = lines.filter((l) => {
        const pid = /"\/proc\/(\d+)\//.exec(l)?.[1];
        return pid !== undefined && pid !== String(subject.pid) && !ownPids.has(pid);
      });
      assert.deepEqual(others, [], "another process's /proc files");
      assert.deepEqual(lines.filter((l) => /"\/proc\/?"/.test(l)), [], 'a listing of /proc');
    } finally {
      await subject.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a thread's id is no process: one line, exit 1 (as when /proc was listed)", () => {
    // This test runner's own threads (libuv's pool, V8's workers): /proc/TID/stat reads, but readdir of /proc lists no TID.
    const tid = readdirSync(`/proc/${process.pid}/task`).find((t) => t !== String(process.pid));
    assert.ok(tid !== undefined, 'the test runner has threads');
    const r = runMemscope(['snapshot', tid, '-o', join(tmpdir(), `memscope-snapshot-thread-${tid}.json`)]);
    assertOneLineError(r, 1, new RegExp(`process ${tid} does not exist`));
  });
});
