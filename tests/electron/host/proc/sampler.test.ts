// The sampler against the live /proc of subjects we spawn, read at the same moment.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { userInfo } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Sampler } from '../../../../electron/host/proc/sampler.js';
import { DEFAULT_COLUMNS } from '../../../../shared/proc/columns.js';
import type { ProcessRow } from '../../../../shared/proc/types.js';
import { referenceStatusNumbers } from '../../../helpers/proc-reference.js';
import { oracleMissing, requireOracle } from '../../../helpers/oracles.js';
import { startSubject, waitUntilAsleep, type Subject } from '../../../helpers/subject.js';

function rowOf(rows: ProcessRow[], pid: number): ProcessRow {
  const row = rows.find((r) => r.pid === pid);
  assert.ok(row, `pid ${pid} is in the tick`);
  return row;
}

describe('Sampler on a live subject', () => {
  let subject: Subject;
  const sampler = new Sampler();
  before(async () => {
    subject = await startSubject(64, 24);
  });
  after(async () => {
    sampler.close();
    await subject.kill();
  });

  test('VIRT/RES/SHR/SWAP equal status VmSize/VmRSS/RssFile+RssShmem/VmSwap read at the same moment', () => {
    const row = rowOf(sampler.tick().rows, subject.pid);
    const status = referenceStatusNumbers(subject.pid);
    assert.equal(row.virtKb, status['VmSize']);
    assert.equal(row.resKb, status['VmRSS']);
    assert.equal(row.shrKb, (status['RssFile'] ?? NaN) + (status['RssShmem'] ?? NaN));
    assert.equal(row.swapKb, status['VmSwap']);
    assert.equal(row.threads, status['Threads']);
    assert.equal(row.ppid, process.pid);
    assert.ok('subject-memory-'.startsWith(row.comm) || row.comm.startsWith('subject-memory'), row.comm); // comm: first 15 bytes of the binary's name
    assert.equal(row.user, userInfo().username); // the subject runs as we do
    assert.equal(row.rowStatus, 'ok');
    // The subject touched 24 MiB of its 64 MiB: RES holds them, VIRT holds all 64.
    assert.ok(row.resKb >= 24 * 1024 && row.resKb < 24 * 1024 + 4096, `resKb ${row.resKb}`);
    assert.ok(row.virtKb >= 64 * 1024);
  });

  test('agrees with ps for every process present in both', () => {
    // Other processes (compilers, test workers) change between our read and ps's: compare only
    // the ones that did not change across a tick before and a tick after ps.
    const tick = sampler.tick();
    const ps = execFileSync('ps', ['-eo', 'pid=,ppid=,vsz=,rss=,comm='], { encoding: 'utf8' });
    const later = sampler.tick();
    let compared = 0;
    for (const line of ps.trim().split('\n')) {
      const [pid, ppid, vsz, rss] = line.trim().split(/\s+/).map(Number);
      const row = tick.rows.find((r) => r.pid === pid && r.rowStatus === 'ok');
      const again = later.rows.find((r) => r.pid === pid && r.rowStatus === 'ok');
      if (row === undefined || again === undefined || again.virtKb !== row.virtKb || again.resKb !== row.resKb) continue;
      assert.equal(row.ppid, ppid, `ppid of ${pid}`);
      assert.equal(row.virtKb, vsz, `VIRT of ${pid}`);
      assert.equal(row.resKb, rss, `RES of ${pid}`);
      compared++;
    }
    assert.ok(compared >= 5, `compared ${compared} processes`);
  });

  test('RES follows the subject touching 8 more MiB, and the minor faults are counted', async () => {
    assert.equal(await subject.command('touch 0'), 'ok'); // warm the command path (its stack, libc data pages)
    const before = rowOf(sampler.tick().rows, subject.pid);
    assert.equal(await subject.command('touch 8'), 'ok');
    const after = rowOf(sampler.tick().rows, subject.pid);
    // RES - SHR is RssAnon: exactly the 8 MiB written (RES itself may also gain a few code pages).
    assert.equal(after.resKb - after.shrKb - (before.resKb - before.shrKb), 8 * 1024);
    assert.ok(after.resKb - before.resKb >= 8 * 1024);
    assert.ok(after.minflt - before.minflt >= 2048, `one fault per 4 KiB page: ${after.minflt - before.minflt}`);
    assert.ok(after.minfltPerS > 0);
  });

  test('RES follows pages dropped with no fault and no change in stat (statm is read although stat is unchanged)', async () => {
    // stat's RSS is the kernel's per-CPU approximation (get_mm_rss), statm's the exact sum: 10 pages dropped by
    // madvise move statm, and often not stat's bytes at all (no fault; unless the subject woke on another CPU or
    // was charged a clock tick). Rounds go on until two had stat unchanged, the case a stat-keyed shortcut misses.
    const statmResKb = () => Number(readFileSync(`/proc/${subject.pid}/statm`, 'utf8').split(' ')[1]) * 4;
    const statText = () => readFileSync(`/proc/${subject.pid}/stat`, 'utf8');
    const light = new Sampler({ columns: DEFAULT_COLUMNS }); // statm, not status, gives RES
    let statStill = 0;
    try {
      for (let round = 0; round < 40 && statStill < 2; round++) {
        rowOf(light.tick().rows, subject.pid);
        const statBefore = statText();
        assert.equal(await subject.command('drop 10'), 'ok');
        const expected = statmResKb();
        if (statText() === statBefore) statStill++;
        const row = rowOf(light.tick().rows, subject.pid);
        assert.equal(row.resKb, expected, `round ${round}: RES after dropping 10 pages`);
        assert.equal(statmResKb(), expected, 'premise: the subject is idle between the reads');
      }
    } finally {
      light.close();
    }
    assert.equal(statStill, 2, 'premise: in two rounds the drop left stat as it was');
  });

  test('%CPU: a busy process shows CPU, an idle one none', async () => {
    const busy = execFileSync('sh', ['-c', 'sh -c "while :; do :; done" >/dev/null 2>&1 & echo $!'], { encoding: 'utf8' });
    const busyPid = Number(busy.trim());
    try {
      // The oracle: its utime+stime (clock ticks of 10 ms) over the same interval; on a loaded machine a busy loop
      // gets far less than a core, so its share is checked against the kernel's count, not a fixed floor.
      const cpuTicks = () => readFileSync(`/proc/${busyPid}/stat`, 'utf8').split(') ')[1]!.split(' ').slice(11, 13).reduce((a, v) => a + Number(v), 0);
      const startTicks = cpuTicks();
      const startMs = performance.now();
      sampler.tick();
      await sleep(600);
      const tick = sampler.tick();
      const expectedPct = ((cpuTicks() - startTicks) * 10 * 100) / (performance.now() - startMs);
      const b = rowOf(tick.rows, busyPid);
      assert.ok(b.cpuPct > 5 && b.cpuPct <= 105, `busy %CPU ${b.cpuPct}`);
      assert.ok(Math.abs(b.cpuPct - expectedPct) < 10, `busy %CPU ${b.cpuPct}, the kernel's count says ${expectedPct.toFixed(1)}`);
      assert.ok(rowOf(tick.rows, subject.pid).cpuPct < 5);
      assert.ok(b.cpuTimeS > 0);
    } finally {
      process.kill(busyPid, 'SIGKILL');
    }
  });

  test('a process that exits leaves one tombstone, then disappears', async () => {
    const short = await startSubject(1, 1);
    const first = rowOf(sampler.tick().rows, short.pid);
    assert.equal(first.rowStatus, 'ok');
    await short.kill();
    const tomb = rowOf(sampler.tick().rows, short.pid);
    assert.equal(tomb.rowStatus, 'gone');
    assert.equal(tomb.resKb, first.resKb, 'the tombstone keeps the last values read');
    // Field for field and key for key the last row, with its rates at 0 (--json prints rows in key order).
    assert.deepEqual(tomb, { ...first, rowStatus: 'gone', cpuPct: 0, minfltPerS: 0, majfltPerS: 0 });
    assert.deepEqual(Object.keys(tomb), Object.keys(first));
    assert.equal(sampler.tick().rows.find((r) => r.pid === short.pid), undefined);
  });

  test('pid 1 stays a full row although its smaps is unreadable even to root', () => {
    const init = rowOf(sampler.tick().rows, 1);
    assert.equal(init.rowStatus, 'ok');
    assert.ok(init.virtKb > 0);
  });

  test('USER is the effective user, as top shows it (real and effective uids differ)', { skip: oracleMissing('python3') || (process.getuid?.() !== 0 && 'setresuid to other users needs root') }, async () => {
    // real 65534 (nobody), effective 0 (root) — and the other way round.
    const script = (r: number, e: number) => `import os,sys,time; os.setresuid(${r},${e},0); print('ready', flush=True); time.sleep(30)`;
    const python3 = requireOracle('python3');
    const kids = [spawn(python3, ['-c', script(65534, 0)]), spawn(python3, ['-c', script(0, 65534)])];
    try {
      await Promise.all(kids.map((k) => once(k.stdout, 'data')));
      const rows = sampler.tick().rows;
      const [a, b] = kids.map((k) => rowOf(rows, k.pid ?? -1));
      assert.equal(a?.user, 'root');
      assert.equal(a?.uid, 0);
      assert.equal(b?.user, 'nobody');
      assert.equal(b?.uid, 65534);
    } finally {
      for (const k of kids) k.kill('SIGKILL');
    }
  });

  test('kernel threads have no memory and a [comm] command, as ps shows them', () => {
    const kthreadd = rowOf(sampler.tick().rows, 2);
    assert.equal(kthreadd.virtKb, 0);
    assert.equal(kthreadd.command, '[kthreadd]');
  });

  test('columns that do not need status leave it unread (only stat + statm)', () => {
    const light = new Sampler({ columns: ['pid', 'virtKb', 'resKb'] });
    try {
      const row = rowOf(light.tick().rows, subject.pid);
      const status = referenceStatusNumbers(subject.pid);
      assert.equal(row.virtKb, status['VmSize']);
      assert.equal(row.resKb, status['VmRSS']);
      assert.equal(row.user, '', 'user needs status: not read');
    } finally {
      light.close();
    }
  });
});

/** PF_KTHREAD in (9) flags of /proc/PID/stat, read with a split (include/linux/sched.h: 0x00200000). */
function isKernelThread(pid: number): boolean {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return (Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[6]) & 0x00200000) !== 0;
  } catch {
    return false; // gone since the tick
  }
}

/** The /proc/PID/FILE files this test process holds open, counted by FILE (the sampler's kept fds). */
function countKeptFiles(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const fd of readdirSync('/proc/self/fd')) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue; // the directory's own fd, closed by now
    }
    const m = /^\/proc\/\d+\/(\w+)$/.exec(target);
    if (m !== null) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
  }
  return counts;
}

describe('Sampler reads only the files of the requested columns', () => {
  let subject: Subject;
  before(async () => {
    subject = await startSubject(32, 8);
  });
  after(async () => {
    await subject.kill();
  });

  test('the default columns open stat and statm, never status; adding SWAP opens status from the next tick, removing it closes them', () => {
    const before = countKeptFiles();
    const sampler = new Sampler({ columns: DEFAULT_COLUMNS });
    try {
      const tick = sampler.tick();
      const kept = countKeptFiles();
      const live = tick.rows.filter((r) => r.rowStatus !== 'gone');
      const userProcesses = live.filter((r) => !isKernelThread(r.pid)).length;
      assert.deepEqual(tick.cost.sources, ['stat', 'statm', 'cmdline']);
      assert.equal((kept.get('status') ?? 0) - (before.get('status') ?? 0), 0, 'no status file open');
      assert.ok((kept.get('stat') ?? 0) - (before.get('stat') ?? 0) >= live.length - 5, `a stat fd per process (${live.length})`);
      // A kernel thread's statm is zeros for life: only user processes' are read.
      const statmFds = (kept.get('statm') ?? 0) - (before.get('statm') ?? 0);
      assert.ok(statmFds >= userProcesses - 5 && statmFds <= userProcesses + 5, `a statm fd per user process (${statmFds} for ${userProcesses})`);
      assert.equal(rowOf(tick.rows, subject.pid).swapKb, 0, 'SWAP not requested: not filled');

      sampler.setColumns([...DEFAULT_COLUMNS, 'swapKb']);
      const next = sampler.tick();
      assert.deepEqual(next.cost.sources, ['stat', 'status', 'cmdline'], 'status serves VIRT/RES/SHR too: statm is dropped');
      const withStatus = countKeptFiles();
      assert.ok((withStatus.get('status') ?? 0) - (before.get('status') ?? 0) >= live.length - 5, 'status read from this tick on');
      assert.equal((withStatus.get('statm') ?? 0) - (before.get('statm') ?? 0), 0, 'statm fds closed');
      const status = referenceStatusNumbers(subject.pid);
      const row = rowOf(next.rows, subject.pid);
      assert.equal(row.swapKb, status['VmSwap']);
      assert.equal(row.user, userInfo().username);

      sampler.setColumns(DEFAULT_COLUMNS);
      sampler.tick();
      assert.equal((countKeptFiles().get('status') ?? 0) - (before.get('status') ?? 0), 0, 'status fds closed again');
    } finally {
      sampler.close();
    }
  });

  test('the numbers do not depend on the columns: statm and status give the same VIRT/RES/SHR', async () => {
    // The subject is idle: both samplers read the same memory.
    await sleep(50);
    const light = new Sampler({ columns: DEFAULT_COLUMNS });
    const full = new Sampler();
    try {
      const a = rowOf(light.tick().rows, subject.pid);
      const b = rowOf(full.tick().rows, subject.pid);
      assert.deepEqual([a.virtKb, a.resKb, a.shrKb, a.command], [b.virtKb, b.resKb, b.shrKb, b.command]);
    } finally {
      light.close();
      full.close();
    }
  });
});

describe('Sampler: an idle process keeps its row object, a change makes a new one', () => {
  let subject: Subject;
  before(async () => {
    subject = await startSubject(32, 8);
  });
  after(async () => {
    await subject.kill();
  });

  test('idle → the same object; touching memory → a new row with the new RES and fault rate; rates back to 0 → a new row once', async () => {
    const sampler = new Sampler({ columns: DEFAULT_COLUMNS });
    try {
      assert.equal(await subject.command('touch 0'), 'ok'); // warm the command path, then it sleeps on stdin
      await waitUntilAsleep(subject.pid); // its state is in the row: R on its way back to stdin is a change
      sampler.tick();
      const idle = rowOf(sampler.tick().rows, subject.pid);
      assert.equal(rowOf(sampler.tick().rows, subject.pid), idle, 'nothing changed: the same row object');

      assert.equal(await subject.command('touch 2'), 'ok');
      await waitUntilAsleep(subject.pid);
      const touched = rowOf(sampler.tick().rows, subject.pid);
      assert.notEqual(touched, idle);
      assert.equal(touched.resKb - touched.shrKb - (idle.resKb - idle.shrKb), 2 * 1024, 'RssAnon grew by the 2 MiB written');
      assert.deepEqual([touched.virtKb, touched.resKb, touched.shrKb], statmKb(subject.pid), 'as statm says now');
      assert.ok(touched.minfltPerS > 0);

      const settled = rowOf(sampler.tick().rows, subject.pid);
      assert.notEqual(settled, touched, 'the fault rate falls to 0: a new row');
      assert.deepEqual([settled.minfltPerS, settled.cpuPct, settled.resKb], [0, 0, touched.resKb]);
      assert.equal(rowOf(sampler.tick().rows, subject.pid), settled, 'idle again: the same row object');

      sampler.setColumns([...DEFAULT_COLUMNS, 'user']);
      const withUser = rowOf(sampler.tick().rows, subject.pid);
      assert.equal(withUser.user, userInfo().username, 'a column added fills every row from the next tick, idle ones included');
      sampler.setColumns(DEFAULT_COLUMNS);
      assert.equal(rowOf(sampler.tick().rows, subject.pid).user, '', 'and a column removed empties them');
    } finally {
      sampler.close();
    }
  });

  test('a stat change past (22) starttime only (the scheduling policy, set by chrt) keeps the row object', async () => {
    const policyOf = (): string => readFileSync(`/proc/${subject.pid}/stat`, 'latin1').split(') ')[1]!.split(' ')[41 - 3]!;
    const sampler = new Sampler({ columns: DEFAULT_COLUMNS });
    try {
      assert.equal(await subject.command('touch 0'), 'ok');
      await waitUntilAsleep(subject.pid);
      sampler.tick();
      const idle = rowOf(sampler.tick().rows, subject.pid);
      const before = readFileSync(`/proc/${subject.pid}/stat`, 'latin1');
      execFileSync('chrt', ['--batch', '--pid', '0', String(subject.pid)]); // from outside: the subject does not run
      assert.equal(policyOf(), '3', '(41) policy is SCHED_BATCH');
      const after = readFileSync(`/proc/${subject.pid}/stat`, 'latin1');
      assert.equal(after.split(' ').slice(0, 22).join(' '), before.split(' ').slice(0, 22).join(' '), 'fields 1-22 as they were');
      assert.equal(rowOf(sampler.tick().rows, subject.pid), idle, 'the same row object');
    } finally {
      execFileSync('chrt', ['--other', '--pid', '0', String(subject.pid)]);
      sampler.close();
    }
  });

  test('a process renamed (same length) shows its new comm: last tick\'s comm string is kept only while stat spells it', async () => {
    // A task may rename only itself through /proc/PID/comm: sh writes its own, "sh" → "sx", when told to on stdin.
    const shell = spawn('sh', ['-c', 'read line; printf sx > /proc/$$/comm; read line'], { stdio: ['pipe', 'ignore', 'ignore'] });
    const sampler = new Sampler({ columns: DEFAULT_COLUMNS });
    const pid = shell.pid!;
    try {
      while (readFileSync(`/proc/${pid}/comm`, 'latin1') !== 'sh\n') await sleep(5); // exec'd
      sampler.tick();
      assert.equal(rowOf(sampler.tick().rows, pid).comm, 'sh');
      shell.stdin.write('\n');
      while (readFileSync(`/proc/${pid}/comm`, 'latin1') !== 'sx\n') await sleep(5);
      assert.equal(rowOf(sampler.tick().rows, pid).comm, 'sx');
    } finally {
      sampler.close();
      shell.kill();
    }
  });

  test('a kernel thread: its statm (zeros for life) is never opened, and its row says what statm says', () => {
    const sampler = new Sampler({ columns: DEFAULT_COLUMNS });
    try {
      const kthreadd = rowOf(sampler.tick().rows, 2);
      assert.ok(isKernelThread(2));
      assert.deepEqual([kthreadd.virtKb, kthreadd.resKb, kthreadd.shrKb, kthreadd.memPct], [...statmKb(2), 0]);
      assert.deepEqual(statmKb(2), [0, 0, 0]);
      const heldForKthreadd = readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === '/proc/2/statm';
        } catch {
          return false;
        }
      });
      assert.deepEqual(heldForKthreadd, [], 'no fd on /proc/2/statm');
      assert.equal(rowOf(sampler.tick().rows, 2), kthreadd, 'and it stays the same row');
    } finally {
      sampler.close();
    }
  });
});

/** VIRT, RES, SHR in kB from /proc/PID/statm read now (4 KiB pages). */
function statmKb(pid: number): number[] {
  return readFileSync(`/proc/${pid}/statm`, 'latin1').trim().split(' ').slice(0, 3).map((pages) => Number(pages) * 4);
}
