// `memscope record` of programs that start children as make, shells and Python do: posix_spawn (glibc's is a
// clone(CLONE_VM|CLONE_VFORK)), vfork with and without exec, system() and popen() (sh in between), a child killed
// by a signal, a grandchild (tests/harness/record-spawn.c). The parent's trace must stay whole, each child's be its
// own with --follow and absent without it, and every trace must replay through `memscope sim malloc`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { buildHarness } from '../../helpers/c-build.js';
import { runMemscope, type CliResult } from '../../helpers/cli.js';
import { CLI_PATH } from '../../helpers/paths.js';
import { checkRecording, opLines, readRecordedTrace, type RecordedTrace } from './record-trace.js';

const dir = mkdtempSync(join(tmpdir(), 'memscope-record-spawn-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const subject = buildHarness('record-spawn.c');

let traceCount = 0;
/** `memscope record OPTIONS… -o TRACE CMD…` (with a shim cache of this file's own); TRACE a fresh path unless given. */
function record(options: string[], cmd: string[], trace = join(dir, `t${traceCount++}.trace`)): CliResult & { trace: string } {
  const r = spawnSync(process.execPath, [CLI_PATH, 'record', ...options, '-o', trace, ...cmd], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, trace };
}

/** record-spawn MODE recorded. */
const recordMode = (mode: string, options: string[] = [], extra: string[] = []) => record(options, [subject, mode, ...extra]);

/** The TRACE.PID (and TRACE.PID.N) files beside trace, sorted. */
function childTraces(trace: string): string[] {
  const prefix = `${basename(trace)}.`;
  return readdirSync(dir).filter((n) => n.startsWith(prefix)).sort().map((n) => join(dir, n));
}

/** The pids the harness printed (`spawned PID`), in order. */
const spawnedPids = (stdout: string) => [...stdout.matchAll(/^spawned (\d+)$/gm)].map((m) => m[1]!);

/** `sim malloc` replays the trace (exit 0), one row per op. */
function assertReplays(path: string, trace: RecordedTrace): void {
  const sim = runMemscope(['sim', 'malloc', '--format', 'jsonl', path]);
  assert.equal(sim.code, 0, `${path}: ${sim.stderr}`);
  assert.equal(sim.stdout.trimEnd().split('\n').filter((l) => l !== '').length, trace.ops.length, path);
}

/** A whole trace (one header, the ops, the closing line counting them) that replays; returns its op lines. */
function wholeTrace(path: string): string[] {
  const t = readRecordedTrace(path);
  checkRecording(t);
  assertReplays(path, t);
  return opLines(t);
}

/** memscope's closing message: one `recorded …` line per trace, the main one first. */
const recordedLines = (stderr: string) => stderr.trimEnd().split('\n').filter((l) => l.startsWith('recorded '));

const PARENT = ['a 0 1111', 'a 1 4444'];
const IMAGE = ['a 0 3333', 'f 0'];

describe('memscope record: posix_spawn', () => {
  test('without --follow the parent is recorded whole and the spawned child not at all', () => {
    const r = recordMode('spawn');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(spawnedPids(r.stdout).length, 1);
    assert.deepEqual(wholeTrace(r.trace), PARENT);
    assert.deepEqual(childTraces(r.trace), []);
    assert.deepEqual(recordedLines(r.stderr), [`recorded 2 ops on 1 thread into ${r.trace}`]);
  });

  test('--follow: the spawned image of the same binary is TRACE.PID, named in the summary; the parent stays whole', () => {
    const r = recordMode('spawn', ['--follow']);
    assert.equal(r.code, 0, r.stderr);
    const [pid] = spawnedPids(r.stdout);
    assert.deepEqual(wholeTrace(r.trace), PARENT);
    assert.deepEqual(childTraces(r.trace), [`${r.trace}.${pid}`]);
    assert.deepEqual(wholeTrace(`${r.trace}.${pid}`), IMAGE);
    assert.deepEqual(recordedLines(r.stderr), [`recorded 2 ops on 1 thread into ${r.trace}`, `recorded 2 ops on 1 thread into ${r.trace}.${pid}`]);
  });

  test('--follow: another binary spawned is recorded as it is on its own; its exit status (3) comes back through the parent', () => {
    const other = buildHarness('record-sequence.c');
    const alone = record([], [other]);
    assert.equal(alone.code, 3, alone.stderr);
    const r = recordMode('spawn-other', ['--follow'], [other]);
    assert.equal(r.code, 3, r.stderr);
    const [pid] = spawnedPids(r.stdout);
    assert.deepEqual(wholeTrace(r.trace), PARENT);
    assert.deepEqual(wholeTrace(`${r.trace}.${pid}`), wholeTrace(alone.trace));
  });

  test('--follow: a grandchild gets its trace too, each process its own calls', () => {
    const r = recordMode('grandchild', ['--follow']);
    assert.equal(r.code, 0, r.stderr);
    const pids = spawnedPids(r.stdout); // the parent's child and the grandchild, printed by their parents
    assert.equal(pids.length, 2, r.stdout);
    assert.deepEqual(wholeTrace(r.trace), PARENT);
    assert.deepEqual(childTraces(r.trace), pids.map((pid) => `${r.trace}.${pid}`).sort());
    assert.deepEqual(childTraces(r.trace).map((path) => wholeTrace(path).join()).sort(), [IMAGE.join(), 'a 0 6666']);
    assert.equal(recordedLines(r.stderr).length, 3, r.stderr);
  });

  test('--follow: a child killed by a signal leaves its trace incomplete and says so; the parent stays whole', () => {
    const r = recordMode('killed', ['--follow']);
    assert.equal(r.code, 0, r.stderr);
    const [pid] = spawnedPids(r.stdout);
    assert.deepEqual(wholeTrace(r.trace), PARENT);
    const killed = readRecordedTrace(`${r.trace}.${pid}`);
    assert.equal(killed.end, null);
    assertReplays(`${r.trace}.${pid}`, killed);
    assert.match(recordedLines(r.stderr)[1] ?? '', new RegExp(`^recorded \\d+ ops? on \\d+ threads? \\(incomplete: .*\\) into ${r.trace}\\.${pid}$`));
  });
});

describe('memscope record: vfork', () => {
  for (const follow of [false, true]) {
    const flags = follow ? ['--follow'] : [];
    const named = follow ? '--follow' : 'without --follow';

    test(`${named}: vfork, dup2 and close in the child, then exec: the parent whole; the image ${follow ? 'its own trace' : 'unrecorded'}`, () => {
      const r = recordMode('vfork-exec', flags);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(wholeTrace(r.trace), PARENT);
      assert.deepEqual(childTraces(r.trace).map(wholeTrace), follow ? [IMAGE] : []);
    });

    test(`${named}: a vfork child's malloc and free (in the parent's heap) are in the parent's trace, before the exec'd image`, () => {
      const r = recordMode('vfork-malloc', flags);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(wholeTrace(r.trace), ['a 0 1111', 'a 1 2222', 'f 1', 'a 2 4444']);
      assert.deepEqual(childTraces(r.trace).map(wholeTrace), follow ? [IMAGE] : []);
    });

    test(`${named}: vfork and _exit without exec: the parent's trace and closing line are its own, no child trace`, () => {
      const r = recordMode('vfork-exit', flags);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(wholeTrace(r.trace), ['a 0 1111', 'a 1 2222', 'f 1', 'a 2 4444']);
      assert.deepEqual(childTraces(r.trace), []);
      assert.deepEqual(recordedLines(r.stderr), [`recorded 4 ops on 1 thread into ${r.trace}`]);
    });

    test(`${named}: vfork before the parent's first call: the parent still writes TRACE (the child decided for it, in its memory: nothing recorded)`, () => {
      const r = recordMode('vfork-first', flags);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(wholeTrace(r.trace), ['a 0 4444']);
      assert.deepEqual(childTraces(r.trace).map(wholeTrace), follow ? [IMAGE] : []);
    });

    test(`${named}: a vfork child that closed every descriptor mallocs after the flush period: the parent's trace keeps its calls (the parent's write overwrote them)`, () => {
      const r = recordMode('vfork-closed', flags);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(wholeTrace(r.trace), ['a 0 1111', 'a 1 2222', 'f 1', 'a 2 4444']);
      assert.deepEqual(childTraces(r.trace).map(wholeTrace), follow ? [IMAGE] : []);
    });
  }

  test("a vfork child's 200,000 calls, more than the buffer holds: written through the descriptor it shares with its parent, all in the parent's trace", () => {
    const r = recordMode('vfork-many');
    assert.equal(r.code, 0, r.stderr);
    const ops = wholeTrace(r.trace);
    assert.equal(ops.length, 200_002);
    assert.deepEqual([ops[0], ops[1], ops.at(-2), ops.at(-1)], ['a 0 1111', 'a 1 2222', 'f 100000', 'a 100001 4444']);
  });

  test("the same from a vfork child that closed its descriptors: the parent's trace stays whole, the calls past a full buffer counted unrecorded", () => {
    const r = recordMode('vfork-closed-many');
    assert.equal(r.code, 0, r.stderr);
    const ops = wholeTrace(r.trace);
    assert.deepEqual([ops[0], ops[1]], ['a 0 1111', 'a 1 2222']);
    assert.match(ops.at(-1) ?? '', /^a \d+ 4444$/);
    const t = readRecordedTrace(r.trace);
    assert.ok(t.end !== null && t.end.untracked > 0 && t.end.untracked + ops.length >= 200_002, JSON.stringify(t.end));
    assert.match(r.stderr, /calls passed through unrecorded: .*a vfork child's calls once the buffer was full/);
  });

  test("-o a device: the counts memscope reads from the shim's status file are the parent's own, whatever its vfork child did", () => {
    for (const [mode, ops] of [['vfork-exit', 4], ['vfork-first', 1], ['vfork-closed', 4]] as const) {
      const r = record([], [subject, mode], '/dev/null');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, `recorded ${ops} op${ops === 1 ? '' : 's'} on 1 thread into /dev/null\n`, mode);
    }
  });

  test("--addresses: the vfork child's block is where glibc put it in the parent's heap, as the replay puts it", () => {
    const r = recordMode('vfork-malloc', ['--addresses']);
    assert.equal(r.code, 0, r.stderr);
    const t = readRecordedTrace(r.trace);
    const sim = runMemscope(['sim', 'malloc', '--format', 'jsonl', r.trace]);
    assert.equal(sim.code, 0, sim.stderr);
    const rows = sim.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { region?: string; offset?: number | null });
    for (const [i, op] of t.ops.entries()) {
      if (op.kind !== 'a') continue;
      assert.equal(rows[i]?.region, 'heap', op.text);
      assert.equal(BigInt(rows[i]?.offset ?? -1), (op.address ?? 0n) - t.header.brk0, op.text);
    }
  });
});

describe('memscope record: system() and popen() (sh in between)', () => {
  for (const mode of ['system', 'popen']) {
    test(`${mode} without --follow: only the parent, whole`, () => {
      const r = recordMode(mode);
      assert.equal(r.code, 0, r.stderr);
      const ops = wholeTrace(r.trace);
      assert.equal(ops[0], 'a 0 1111');
      assert.match(ops.at(-1) ?? '', /^a \d+ 4444$/);
      assert.deepEqual(childTraces(r.trace), []);
    });

    test(`${mode} --follow: sh and the program it runs each get a whole trace, named in the summary`, () => {
      const r = recordMode(mode, ['--follow']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(wholeTrace(r.trace)[0], 'a 0 1111');
      const children = childTraces(r.trace);
      const ops = children.map(wholeTrace);
      assert.equal(ops.filter((o) => o.join() === IMAGE.join()).length, 1, 'the program sh ran');
      assert.deepEqual(recordedLines(r.stderr).slice(1).map((l) => l.split(' into ')[1]), children);
    });
  }
});
