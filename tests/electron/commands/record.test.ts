// `memscope record` on real programs: C subjects whose calls are known (tests/harness/record-*.c) must be
// recorded op for op, threads and their exits included; python3 end to end; status, refusals and usage errors.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { buildHarness } from '../../helpers/c-build.js';
import { assertOneLineError, runMemscope, type CliResult } from '../../helpers/cli.js';
import { oracleMissing, requireOracle } from '../../helpers/oracles.js';
import { CLI_PATH } from '../../helpers/paths.js';
import { assertProjectParserAgrees, checkRecording, opLines, readRecordedTrace } from './record-trace.js';

const dir = mkdtempSync(join(tmpdir(), 'memscope-record-'));
/** A cache of this file's own, so the first run builds the shim as a user's first run would. */
const cacheHome = join(dir, 'cache');
after(() => rmSync(dir, { recursive: true, force: true }));

/** `memscope record ARGS…` with this file's shim cache (and env overrides), in cwd. */
function record(args: string[], env: NodeJS.ProcessEnv = {}, cwd = dir): CliResult {
  const r = spawnSync(process.execPath, [CLI_PATH, 'record', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    cwd,
    env: { ...process.env, XDG_CACHE_HOME: cacheHome, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let traceCount = 0;
const newTracePath = () => join(dir, `t${traceCount++}.trace`);

/** record-sequence.c's calls, as its comments spell them. */
const SEQUENCE = ['a 0 100', 'c 1 3 40', 'r 0 5000', 'f 1', 'a 2 0', 'r 2 0', 'r 3 24', 'a 4 200000', 'f 4', 't 64', 'f 3', 'f 0'];

describe('memscope record: a known single-threaded sequence', () => {
  const subject = buildHarness('record-sequence.c');

  test('the trace is exactly what the program did, op for op; its exit status (3) passes through', () => {
    const trace = newTracePath();
    const r = record(['-o', trace, subject]);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `recorded ${SEQUENCE.length} ops on 1 thread into ${trace}\n`);
    const t = readRecordedTrace(trace);
    assert.deepEqual(opLines(t), SEQUENCE);
    assert.ok(t.ops.every((op) => op.tid === 0));
    assert.equal(checkRecording(t), 1);
    assert.equal(t.header.addresses, false);
    assert.equal(t.header.stdcxx, false, 'a C program');
    assert.equal(t.header.cpus, Number(spawnSync('getconf', ['_NPROCESSORS_ONLN'], { encoding: 'utf8' }).stdout.trim()));
  });

  test('without -o the trace is memscope-CMD-TIME.trace in the current folder', () => {
    const here = mkdtempSync(join(dir, 'cwd-'));
    const r = record([subject], {}, here);
    assert.equal(r.code, 3, r.stderr);
    const [name = '', ...more] = readdirSync(here);
    assert.deepEqual(more, []);
    assert.match(name, /^memscope-record-sequence-[0-9a-f]{12}-\d{8}T\d{6}\.trace$/);
    assert.equal(r.stderr, `recorded ${SEQUENCE.length} ops on 1 thread into ${join(here, name)}\n`);
  });

  test('an existing TRACE is replaced whole, keeping its mode, with no temp file left beside it', () => {
    const here = mkdtempSync(join(dir, 'replace-'));
    const trace = join(here, 'old.trace');
    writeFileSync(trace, 'an older recording\n', { mode: 0o640 });
    assert.equal(record(['-o', trace, subject]).code, 3);
    assert.deepEqual(opLines(readRecordedTrace(trace)), SEQUENCE);
    assert.equal((statSync(trace).mode & 0o777).toString(8), '640');
    assert.deepEqual(readdirSync(here), ['old.trace']);
  });

  test('the shim is built once into $XDG_CACHE_HOME/memscope, keyed by its source, with no temp file left', () => {
    const built = readdirSync(join(cacheHome, 'memscope'));
    assert.equal(built.length, 1, built.join(' '));
    assert.match(built[0] ?? '', /^memscope-record-[0-9a-f]{16}\.so$/);
  });

  test('--addresses: each a/c/m/r line carries what glibc returned (=0 for realloc(p, 0)), the first block just past the tcache at brk0', () => {
    const trace = newTracePath();
    assert.equal(record(['--addresses', '-o', trace, subject]).code, 3);
    const t = readRecordedTrace(trace);
    assert.equal(t.header.addresses, true);
    assert.deepEqual(opLines(t), SEQUENCE);
    const byLine = new Map(t.ops.map((op) => [op.text, op.address]));
    // glibc 2.36 tcache_init takes the heap's first chunk (0x290 bytes); the first malloc follows it, +16 for its header.
    const heapStart = (t.header.brk0 + 15n) & ~15n;
    assert.equal(byLine.get('a 0 100'), heapStart + 0x290n + 0x10n);
    assert.equal(byLine.get('r 2 0'), 0n);
    const big = byLine.get('a 4 200000') ?? 0n;
    assert.ok(big > t.header.brk0 + (1n << 30n) || big < t.header.brk0, 'a 200000-byte block is mmapped, outside the brk heap');
    for (const op of t.ops) if (op.address !== null && op.address !== 0n) assert.equal(op.address % 16n, 0n, op.text);
    assertProjectParserAgrees(trace, t);
  });

  test('a signal ends the program before exit(): status 128+15, the trace flagged incomplete', () => {
    const trace = newTracePath();
    const r = record(['-o', trace, subject, 'term']);
    assert.equal(r.code, 128 + 15, r.stderr);
    assert.match(r.stderr, /^recorded 0 ops on 0 threads \(incomplete: no closing line, so the program ended without exit\(\)/);
    assert.equal(readRecordedTrace(trace).end, null);
  });

  test('a static binary is refused in one line, exit 1, and no trace is left', { skip: !existsSync('/usr/lib/x86_64-linux-gnu/libc.a') && 'needs libc.a (libc6-dev) for gcc -static' }, () => {
    const trace = newTracePath();
    const r = record(['-o', trace, buildHarness('record-sequence.c', ['-static'])]);
    assertOneLineError(r, 1, /^memscope: record: no malloc call reached the shim: ".*record-sequence.*" made none, is statically linked, or brings its own allocator/);
    assert.equal(existsSync(trace), false);
  });
});

describe('memscope record → memscope sim malloc', () => {
  test('a recorded churn replays exactly: the glibc model puts every block at the offset from brk0 where glibc put it', () => {
    const trace = newTracePath();
    assert.equal(record(['--addresses', '-o', trace, buildHarness('record-replayable.c'), '20000']).code, 0);
    const t = readRecordedTrace(trace);
    const sim = runMemscope(['sim', 'malloc', '--format', 'jsonl', trace]);
    assert.equal(sim.code, 0, sim.stderr);
    const rows = sim.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { i: number; region?: string; offset?: number | null });
    assert.equal(rows.length, t.ops.length);
    let heapOps = 0;
    let mmapOps = 0;
    for (const [i, op] of t.ops.entries()) {
      const row = rows[i]!;
      if (op.address === null || op.address === 0n) continue;
      const where = `op ${i} (${op.text} =${op.address.toString(16)}): ${JSON.stringify(row)}`;
      if (row.region === 'heap') {
        heapOps++;
        assert.equal(BigInt(row.offset ?? -1), op.address - t.header.brk0, where);
      } else {
        mmapOps++;
        assert.equal(row.region, 'mmap', where);
        assert.ok(op.address < t.header.brk0 || op.address > t.header.brk0 + (1n << 32n), where);
      }
    }
    assert.ok(heapOps > 10_000 && mmapOps > 10, `heap ${heapOps}, mmap ${mmapOps}`);
  });
});

describe('memscope record: every entry point', () => {
  test('memalign, posix_memalign, aligned_alloc, valloc (4096), pvalloc (rounded to pages), calloc, reallocarray, malloc_trim; refused calls are not ops', () => {
    const trace = newTracePath();
    const r = record(['-o', trace, buildHarness('record-aligned.c')]);
    assert.equal(r.code, 0, r.stderr);
    const t = readRecordedTrace(trace);
    assertProjectParserAgrees(trace, t);
    assert.deepEqual(opLines(t), ['m 0 64 100', 'm 1 256 1000', 'm 2 128 256', 'm 3 4096 10', 'm 4 4096 8192', 'c 5 10 10', 'r 5 200', 'f 0', 'f 1', 'f 2', 'f 3', 'f 4', 'f 5', 't 0']);
    checkRecording(t);
  });
});

describe('memscope record: C++ (operator new and delete)', { skip: oracleMissing('g++') }, () => {
  /** record-cxx.cc: a round on main, 2 threads of 2 rounds one after another, a round on main; each deletes the round before's blocks. */
  const cxx = () => [buildHarness('record-cxx.cc', ['-std=c++17', '-pthread', '-lstdc++']), '2', '2'];
  /** ld.so's calloc of a new thread's DTV (_dl_allocate_tls): one entry per TLS module, and libtcmalloc_minimal is one more. */
  const DTV_CALLOC = /^c (\d+) (\d+) 16$/;

  test('each new and delete is one op, the same under glibc and under TCMalloc (which has its own operator new)', { skip: oracleMissing('libtcmalloc-minimal') }, () => {
    const traceOf = (env: NodeJS.ProcessEnv) => {
      const trace = newTracePath();
      const r = record(['-o', trace, ...cxx()], env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^\d+ deletes\n$/);
      const t = readRecordedTrace(trace);
      assertProjectParserAgrees(trace, t);
      assert.equal(checkRecording(t), 3);
      assert.equal(t.header.stdcxx, true, 'the program needs libstdc++ itself');
      return t;
    };
    const glibc = traceOf({});
    const tcmalloc = traceOf({ LD_PRELOAD: requireOracle('libtcmalloc-minimal') });
    const lines = opLines(glibc);
    assert.equal(lines[0], 'a 0 72704', "libstdc++'s emergency pool, the program's own first call");
    // 6 rounds (main, 2 threads × 2, main): new Line (and nothrow) is operator new(192, align_val_t(64)), new Line[n]
    // the aligned array new, all `m`; operator new(100…199, align_val_t(32)) has SIZE rounded up to 32, as libstdc++
    // asks aligned_alloc; new(0) asks malloc for 1 byte.
    assert.equal(lines.filter((l) => /^m \d+ 64 \d+$/.test(l)).length, 18, lines.join(', '));
    assert.deepEqual(lines.filter((l) => /^m \d+ 32 \d+$/.test(l)).map((l) => Number(l.split(' ')[3]) % 32), [0, 0, 0, 0, 0, 0]);
    assert.equal(lines.filter((l) => /^a \d+ 1$/.test(l)).length, 6);
    const dtvOf = (l: string) => l.replace(DTV_CALLOC, 'c $1 DTV 16');
    assert.deepEqual(opLines(tcmalloc).map(dtvOf), lines.map(dtvOf), 'the same ops under either allocator');
    for (const [i, l] of lines.entries()) {
      const g = DTV_CALLOC.exec(l);
      if (g !== null) assert.equal(Number(DTV_CALLOC.exec(opLines(tcmalloc)[i]!)?.[2]), Number(g[2]) + 1, `op ${i}: one more TLS module under TCMalloc`);
    }
  });

  test('a new that fails still throws std::bad_alloc (nothrow: NULL), recorded as a failed call; calls after it are recorded', () => {
    const HUGE = 2 ** 46;
    for (const env of oracleMissing('libtcmalloc-minimal') === false ? [{}, { LD_PRELOAD: requireOracle('libtcmalloc-minimal') }] : [{}]) {
      const trace = newTracePath();
      const r = record(['--addresses', '-o', trace, ...cxx(), String(HUGE)], env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`new of ${HUGE} bytes threw std::bad_alloc\nnew \\(std::nothrow\\) of ${HUGE} bytes returned NULL\n$`));
      const t = readRecordedTrace(trace);
      checkRecording(t);
      const last = t.ops.slice(-4);
      assert.deepEqual(last.map((op) => [op.kind, op.args[1], op.address === 0n]), [['a', HUGE, true], ['a', HUGE, true], ['a', 16, false], ['f', undefined, false]], JSON.stringify(env));
    }
  });
});

describe('memscope record: threads', () => {
  const BLOCKS = 300;

  // 10 pairs: 21 threads, more than glibc's 8 arenas per core here, so arenas are shared and reused.
  for (const PAIRS of [3, 10]) test(`${PAIRS} producer/consumer pairs: every block freed on another thread, threads numbered in order, each exit after its last op`, () => {
    const trace = newTracePath();
    const r = record(['-o', trace, buildHarness('record-threads.c', ['-pthread']), String(PAIRS), String(BLOCKS)]);
    assert.equal(r.code, 0, r.stderr);
    const t = readRecordedTrace(trace);
    const threads = checkRecording(t);
    assertProjectParserAgrees(trace, t);
    assert.equal(threads, 1 + 2 * PAIRS);
    assert.match(r.stderr, new RegExp(`^recorded ${t.ops.length} ops on ${threads} threads into `));
    const allocatedOn = new Map<number, number>();
    for (let k = 0; k < PAIRS; k++) {
      const blocks = t.ops.filter((op) => op.kind === 'a' && op.args[1] === 1000 + k);
      assert.equal(blocks.length, BLOCKS, `pair ${k}'s blocks`);
      assert.equal(new Set(blocks.map((op) => op.tid)).size, 1, `pair ${k}: one producer`);
      for (const op of blocks) allocatedOn.set(op.args[0]!, op.tid);
    }
    const crossFrees = t.ops.filter((op) => op.kind === 'f' && allocatedOn.has(op.args[0]!));
    assert.equal(crossFrees.length, PAIRS * BLOCKS);
    for (const op of crossFrees) assert.notEqual(op.tid, allocatedOn.get(op.args[0]!), `f ${op.args[0]} on its producer's thread`);
    const exits = t.ops.filter((op) => op.kind === 'x').map((op) => op.tid);
    assert.deepEqual([...exits].sort((a, b) => a - b), Array.from({ length: 2 * PAIRS }, (_, i) => i + 1), 'every worker thread exits once, main never');
  });
});

describe('memscope record: a thread exit', () => {
  test("a TSD destructor's free comes before the thread's x; libc's own cleanup after it passes through, counted untracked", () => {
    const trace = newTracePath();
    const r = record(['-o', trace, buildHarness('record-thread-exit.c', ['-pthread'])]);
    assert.equal(r.code, 0, r.stderr);
    const t = readRecordedTrace(trace);
    assert.equal(checkRecording(t), 2, 'main and the worker, no third thread made of its leftovers');
    const worker = t.ops.filter((op) => op.tid === 1);
    const block = worker.find((op) => op.text.startsWith('a ') && op.args[1] === 4321);
    assert.ok(block, 'the worker mallocs 4321 bytes');
    const freed = worker.findIndex((op) => op.text === `f ${block.args[0]}`);
    assert.ok(freed >= 0 && freed < worker.length - 1, 'its destructor frees the block on the worker');
    assert.equal(worker.at(-1)?.text, 'x 1', "the worker's last op is its exit");
    assert.ok((t.end?.untracked ?? 0) >= 1, "the strerror buffer's free, after x");
  });
});

describe('memscope record: fork and exec', () => {
  const subject = buildHarness('record-fork.c');
  const sizesOf = (path: string) => readRecordedTrace(path).ops.map((op) => op.text);

  test('without --follow only the process itself is recorded', () => {
    const trace = newTracePath();
    const r = record(['-o', trace, subject]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(sizesOf(trace), ['a 0 1111', 'a 1 4444']);
    assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith(`${trace.split('/').at(-1)}.`)), []);
  });

  test('--follow: the fork child into TRACE.PID, its exec\'d image into TRACE.PID.2, each a trace of its own', () => {
    const trace = newTracePath();
    const r = record(['--follow', '-o', trace, subject]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(sizesOf(trace), ['a 0 1111', 'a 1 4444']);
    const children = readdirSync(dir).filter((n) => n.startsWith(`${trace.split('/').at(-1)}.`)).sort();
    assert.equal(children.length, 2, children.join(' '));
    const [forked = '', execd = ''] = children;
    assert.match(execd, new RegExp(`^${forked.replaceAll('.', '\\.')}\\.2$`));
    assert.deepEqual(sizesOf(join(dir, forked)), ['a 0 2222']);
    assert.deepEqual(sizesOf(join(dir, execd)), ['a 0 3333']);
    assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('recorded ')).length, 3, r.stderr);
  });
});

describe('memscope record: processes that move the ground under the shim', () => {
  test('--follow: children forked before the parent made its first call are recorded too (they recorded nothing)', () => {
    const trace = newTracePath();
    const r = record(['--follow', '-o', trace, buildHarness('record-forks.c'), '3']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(opLines(readRecordedTrace(trace)), ['a 0 4444']);
    const children = readdirSync(dir).filter((n) => n.startsWith(`${trace.split('/').at(-1)}.`));
    assert.deepEqual(children.map((n) => opLines(readRecordedTrace(join(dir, n)))[0]).sort(), ['a 0 1000', 'a 0 1001', 'a 0 1002']);
  });

  test("errno stays the program's in an exec'd child whose trace name was taken (open_child_trace's EEXIST showed through)", () => {
    const trace = newTracePath();
    const r = record(['--follow', '-o', trace, buildHarness('record-errno.c'), 'fork']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'errno kept\nerrno kept\n', 'the exec\'d child, then the parent');
    assert.match(r.stderr, /\.\d+\.2\n$/, 'the image wrote TRACE.PID.2');
  });

  test('a program that closes every descriptor above 2 keeps being recorded (it failed with EBADF)', () => {
    const trace = newTracePath();
    const r = record(['-o', trace, buildHarness('record-fds.c'), 'close']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(opLines(readRecordedTrace(trace)), ['a 0 10', 'f 0', 'a 1 20', 'f 1', 'a 2 20', 'f 2', 'a 3 20', 'f 3']);
  });

  test("a program that dup2s a file of its own over every descriptor: the trace stays out of it (its closing lines went in)", () => {
    const trace = newTracePath();
    const own = join(dir, 'own-file');
    const r = record(['-o', trace, buildHarness('record-fds.c'), 'dup2', own]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(own, 'utf8'), 'mine\n');
    const t = readRecordedTrace(trace);
    assert.equal(t.end?.ops, 8);
    assert.equal(opLines(t).length, 8);
  });
});

describe('memscope record: python3 end to end', { skip: oracleMissing('python3') }, () => {
  test('a threaded json round trip: its output untouched, the trace consistent, threads and their exits recorded', () => {
    const python = requireOracle('python3');
    const script = [
      'import json, threading',
      'def work(): json.loads(json.dumps([{"k": str(i), "v": [i] * 20} for i in range(300)]))',
      'ts = [threading.Thread(target=work) for _ in range(3)]',
      '[t.start() for t in ts]; [t.join() for t in ts]',
      'print("done", flush=True)',
    ].join('\n');
    const trace = newTracePath();
    // PYTHONMALLOC=malloc: every object through malloc, not only those pymalloc's arenas pass on
    const r = record(['-o', trace, python, '-c', script], { PYTHONMALLOC: 'malloc' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'done\n');
    const t = readRecordedTrace(trace);
    const threads = checkRecording(t);
    assertProjectParserAgrees(trace, t);
    assert.ok(threads >= 4, `threads: ${threads}`);
    assert.ok(t.ops.length > 100_000, `ops: ${t.ops.length}`);
    // Thread.join returns when the thread's Python state is released, before its TSD destructors: the
    // process may exit (closing the trace) while a worker is still on its way out, so its `x` may be missing.
    const exits = t.ops.filter((op) => op.kind === 'x').map((op) => op.tid);
    assert.ok(exits.length >= 1 && exits.every((tid) => tid >= 1), `worker exits: ${exits.join(' ')}`);
    assert.equal(t.end?.untracked, 0);
  });
});

describe('memscope record: signals', { skip: oracleMissing('python3') }, () => {
  test('SIGTERM to memscope reaches CMD; memscope reports what the shim flushed (a call 200 ms after the last flush flushes), status 128+15', async () => {
    const trace = newTracePath();
    // Start-up's calls fill far less than the buffer; the bytearray's malloc, 0.4 s later, flushes them.
    const script = 'import time\ntime.sleep(0.4)\nb = bytearray(100000)\nprint("ready", flush=True)\ntime.sleep(60)';
    const child = spawn(process.execPath, [CLI_PATH, 'record', '-o', trace, requireOracle('python3'), '-c', script], {
      env: { ...process.env, XDG_CACHE_HOME: cacheHome },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [first] = (await once(child.stdout, 'data')) as [Buffer];
    assert.match(first.toString(), /^r/); // python is up (its line may come in pieces)
    child.kill('SIGTERM');
    const [code] = (await once(child, 'close')) as [number | null];
    assert.equal(code, 128 + 15, stderr);
    const counted = /^recorded (\d+) ops on 1 thread \(incomplete: /.exec(stderr);
    assert.ok(counted, stderr);
    assert.ok(Number(counted[1]) > 1000, `python's start-up calls are in the trace: ${counted[1]}`);
  });
});

describe('memscope record: a full disk', () => {
  // A 64 KiB tmpfs holds the header and the first 64 KiB of a 200,000-op churn's 2 MB trace, then write(2) says ENOSPC.
  const full = join(dir, 'full');
  mkdirSync(full);
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', full], { encoding: 'utf8' });
  const refused = mount.status !== 0 && `mount -t tmpfs was refused here (needs root): ${(mount.stderr || String(mount.error)).trim()}`;
  after(() => {
    // Lazily when busy (a failed test's program still holding a file there): the tmpfs never outlives the run, and the
    // file's own after() can remove its folder.
    if (!refused && spawnSync('umount', [full]).status !== 0) spawnSync('umount', ['-l', full]);
  });
  const churn = () => [buildHarness('record-replayable.c'), '200000'];
  /** Each test starts on an empty tmpfs, whatever the one before left there. */
  const emptyFull = () => {
    for (const name of readdirSync(full)) rmSync(join(full, name), { force: true });
  };

  test('a new TRACE: exit 1, one line naming the cause, no file left (not even the temp file)', { skip: refused }, () => {
    emptyFull();
    const trace = join(full, 'new.trace');
    const r = record(['-o', trace, ...churn()]);
    assertOneLineError(r, 1, /^memscope: cannot write ".*\/full\/new\.trace": no space left on device$/);
    assert.equal(r.stdout, '');
    assert.deepEqual(readdirSync(full), []);
  });

  test('the program still runs to its end, its output untouched (python3 printing after 200,000 mallocs)', { skip: refused || oracleMissing('python3') }, () => {
    emptyFull();
    const script = 'b = [bytes(100 + i % 7) for i in range(200000)]\nprint("made", len(b), flush=True)';
    const r = record(['-o', join(full, 'py.trace'), requireOracle('python3'), '-c', script], { PYTHONMALLOC: 'malloc' });
    assertOneLineError(r, 1, /^memscope: cannot write ".*\/full\/py\.trace": no space left on device$/);
    assert.equal(r.stdout, 'made 200000\n');
    assert.deepEqual(readdirSync(full), []);
  });

  /** Fills the tmpfs to its last byte: then even a trace's header line cannot be written. */
  const fillUp = () => {
    emptyFull();
    try {
      writeFileSync(join(full, 'filler'), Buffer.alloc(128 * 1024));
    } catch (err) {
      assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
    }
  };
  const failedLine = (path: string) => new RegExp(`^memscope: cannot write "${path.replaceAll('.', '\\.')}": no space left on device$`);

  test('two processes whose writes fail are both named, one line each (only the last was), exit 1, no trace left', { skip: refused }, () => {
    fillUp();
    const trace = join(full, 'fork.trace');
    // record-fork.c: the parent's header write fails, so its fork child records nothing; the child's exec'd image does, into TRACE.PID.
    const r = record(['--follow', '-o', trace, buildHarness('record-fork.c')]);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 2, r.stderr);
    assert.match(lines[0]!, failedLine(trace));
    assert.match(lines[1]!, new RegExp(`^memscope: cannot write "${trace.replaceAll('.', '\\.')}\\.\\d+": no space left on device$`));
    assert.deepEqual(readdirSync(full), ['filler']);
  });

  test('more failed writes than the status file names: 8 lines naming them, one counting the rest, exit 1', { skip: refused }, () => {
    fillUp();
    const trace = join(full, 'forks.trace');
    const r = record(['--follow', '-o', trace, buildHarness('record-forks.c'), '10']); // 10 children and the parent: 11 failures
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 9, r.stderr);
    for (const line of lines.slice(0, 8)) assert.match(line, new RegExp(`^memscope: cannot write "${trace.replaceAll('.', '\\.')}\\.\\d+": no space left on device$`));
    assert.equal(lines[8], 'memscope: record: 3 more trace writes failed (not named)');
    assert.deepEqual(readdirSync(full), ['filler']);
  });

  test("the program's errno is its own after a malloc whose trace write failed (ENOSPC did not show through)", { skip: refused }, () => {
    fillUp();
    const trace = join(full, 'errno.trace');
    const r = record(['-o', trace, buildHarness('record-errno.c')]);
    assert.equal(r.stdout, 'errno kept\n');
    assertOneLineError(r, 1, failedLine(trace));
  });

  test('an existing TRACE stays as it was, byte for byte and mode', { skip: refused }, () => {
    emptyFull();
    const trace = join(full, 'old.trace');
    writeFileSync(trace, 'an older recording\n', { mode: 0o640 });
    const r = record(['-o', trace, ...churn()]);
    assertOneLineError(r, 1, /^memscope: cannot write ".*\/full\/old\.trace": no space left on device$/);
    assert.equal(readFileSync(trace, 'utf8'), 'an older recording\n');
    assert.equal((statSync(trace).mode & 0o777).toString(8), '640');
    assert.deepEqual(readdirSync(full), ['old.trace']);
  });
});

describe('memscope record: usage and failures', () => {
  test('bad usage exits 2 in one line: no CMD, an unknown option, -o without a value, -o -', () => {
    assertOneLineError(record([]), 2, /record: expected CMD/);
    assertOneLineError(record(['--bogus', 'ls']), 2, /record: Unknown option "--bogus"/);
    assertOneLineError(record(['-o']), 2, /record: .*-o/);
    assertOneLineError(record(['-o', '-', 'ls']), 2, /record: -o - is not supported/);
  });

  test("CMD's own options stay CMD's: memscope's end at CMD", () => {
    const trace = newTracePath();
    const r = record(['-o', trace, buildHarness('record-sequence.c'), '-o', '--bogus']);
    assert.equal(r.code, 128 + 15, r.stderr); // any argument makes the subject end by SIGTERM
  });

  test('a CMD that does not exist, an unwritable TRACE: one line, exit 1', () => {
    const trace = newTracePath();
    assertOneLineError(record(['-o', trace, join(dir, 'no-such-program')]), 1, /cannot run ".*no-such-program": no such file/);
    assert.equal(existsSync(trace), false, 'no empty trace is left');
    assertOneLineError(record(['-o', join(dir, 'no-such-dir', 't.trace'), '/bin/true']), 1, /cannot write ".*t\.trace": no such file/);
  });

  test('-o a file in /proc: one line saying the folder takes no new file, exit 1 (it said "no such file")', () => {
    assertOneLineError(record(['-o', '/proc/version', '/bin/true']), 1, /^memscope: cannot write "\/proc\/version": "\/proc" does not let files be created/);
  });

  test('-o a character device: it stays that device, even when nothing was recorded (as root, -o /dev/null deleted /dev/null)', () => {
    // A null device of the test's own (mknod c 1 3), so the real /dev/null is never at risk.
    const device = join(dir, 'null-device');
    const made = spawnSync('mknod', ['-m', '666', device, 'c', '1', '3']);
    assert.equal(made.status, 0, `mknod: ${made.stderr}`);
    assertOneLineError(record(['-o', device, '/bin/true']), 1, /no malloc call reached the shim/);
    assert.ok(statSync(device).isCharacterDevice(), 'still a character device');
    assert.equal(readdirSync(dir).filter((f) => f.startsWith('null-device')).length, 1, 'no temp file beside it');
  });

  test('-o a character device of a program that allocates: its ops counted by the shim, not read back (it said "no malloc call reached the shim")', () => {
    const device = join(dir, 'null-device-2');
    assert.equal(spawnSync('mknod', ['-m', '666', device, 'c', '1', '3']).status, 0);
    const r = record(['-o', device, buildHarness('record-sequence.c')]);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stderr, `recorded ${SEQUENCE.length} ops on 1 thread into ${device}\n`);
    assert.ok(statSync(device).isCharacterDevice());
  });

  test('-o a character device, the program ended by a signal: the trace is said incomplete, uncounted', () => {
    const device = join(dir, 'null-device-4');
    assert.equal(spawnSync('mknod', ['-m', '666', device, 'c', '1', '3']).status, 0);
    const r = record(['-o', device, buildHarness('record-sequence.c'), 'term']);
    assert.equal(r.code, 128 + 15, r.stderr);
    assert.equal(r.stderr, `recorded an incomplete trace into ${device} (no closing line, so the program ended without exit(); a device or FIFO is not read back to count its ops)\n`);
  });

  test('--follow with a device: one line, exit 2, no DEVICE.PID files made beside it', () => {
    const device = join(dir, 'null-device-3');
    assert.equal(spawnSync('mknod', ['-m', '666', device, 'c', '1', '3']).status, 0);
    assertOneLineError(record(['--follow', '-o', device, buildHarness('record-fork.c')]), 2, /^memscope: record: --follow writes each child's trace beside TRACE as TRACE\.PID, and ".*null-device-3" is a device or FIFO/);
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('null-device-3')), ['null-device-3']);
  });

  test('-o a FIFO with a reader: the reader gets one whole trace, even when the program execs itself (memscope hung)', { timeout: 60_000 }, async () => {
    const fifo = join(dir, 'trace-fifo');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
    let received = '';
    reader.stdout.on('data', (d: Buffer) => (received += d.toString()));
    const readerDone = once(reader, 'close');
    const child = spawn(process.execPath, [CLI_PATH, 'record', '-o', fifo, buildHarness('record-errno.c'), 'exec'], {
      env: { ...process.env, XDG_CACHE_HOME: cacheHome },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
      killSignal: 'SIGKILL', // a memscope stuck in a FIFO's open runs no signal handler
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = (await once(child, 'close')) as [number | null];
    const stuck = setTimeout(() => reader.kill(), 10_000); // a reader whose writer never closed would wait forever
    await readerDone;
    clearTimeout(stuck);
    assert.equal(code, 0, stderr);
    assert.equal(stdout, 'errno kept\n');
    assert.equal(stderr, `recorded 1 op on 1 thread into ${fifo}\n`);
    const lines = received.split('\n');
    assert.equal(lines.filter((l) => l.startsWith('# memscope-trace 2 ')).length, 1, received);
    assert.deepEqual(lines.filter((l) => /^[acmrftx] /.test(l)), ['a 0 10'], 'the first image only: the exec\'d one is not the main trace');
    assert.match(received, /\n# end ops=1 threads=1 untracked=0 internal=\d+\n$/);
  });

  test("-o a FIFO whose reader leaves: the program runs to its end, the write's EPIPE reported (the shim's SIGPIPE killed it)", () => {
    const fifo = join(dir, 'short-fifo');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const reader = spawn('head', ['-c', '1', fifo], { stdio: 'ignore' }); // reads the first bytes of a 2 MB trace, then leaves
    const r = record(['-o', fifo, buildHarness('record-replayable.c'), '200000', 'done']);
    reader.kill();
    assert.equal(r.stdout, 'done\n');
    assertOneLineError(r, 1, /^memscope: cannot write ".*short-fifo": its reader closed it$/);
  });

  test('a set-user-ID program (run as another user, so in secure mode): one line saying the loader ignored LD_PRELOAD, exit 1', { skip: process.getuid?.() !== 0 && 'chown to nobody needs root' }, () => {
    const here = mkdtempSync(join(dir, 'setuid-'));
    const program = join(here, 'suid-sequence');
    copyFileSync(buildHarness('record-sequence.c'), program);
    chownSync(program, 65534, 65534); // nobody: the euid it runs with differs from ours, even as root
    chmodSync(program, 0o4755);
    const trace = join(here, 't.trace');
    assertOneLineError(record(['-o', trace, program]), 1, /^memscope: record: no malloc call reached the shim: ".*suid-sequence" is set-user-ID or set-group-ID, so the loader ignored LD_PRELOAD/);
    assert.deepEqual(readdirSync(here), ['suid-sequence']);
  });

  test('no C compiler on PATH: one line naming cc, exit 1', () => {
    const r = record(['-o', newTracePath(), buildHarness('record-sequence.c')], { PATH: join(dir, 'empty-bin'), XDG_CACHE_HOME: join(dir, 'fresh-cache') });
    assertOneLineError(r, 1, /^memscope: record: no C compiler: cc is not on PATH/);
  });
});
