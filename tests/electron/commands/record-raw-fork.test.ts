// `memscope record` of fork children in which no pthread_atfork handler runs: glibc's _Fork and a raw
// clone(SIGCHLD) (tests/harness/record-raw-fork.c). The parent's trace must hold exactly the parent's ops (none of
// its buffer written twice, none of the child's calls), the child's trace with --follow exactly the child's, and
// every trace must replay through `memscope sim malloc`; a _Fork while another thread holds the shim's lock
// (tests/harness/record-fork-locked.cc) must not leave the child stuck on it. Also run with the shim's fallback for kernels without
// MADV_WIPEONFORK (MEMSCOPE_RECORD_NO_WIPEONFORK=1), which keeps the parent's trace whole but records no such child.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { buildHarness } from '../../helpers/c-build.js';
import { runMemscope, type CliResult } from '../../helpers/cli.js';
import { CLI_PATH } from '../../helpers/paths.js';
import { checkRecording, opLines, readRecordedTrace } from './record-trace.js';

const dir = mkdtempSync(join(tmpdir(), 'memscope-record-raw-fork-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const subject = buildHarness('record-raw-fork.c');

let traceCount = 0;
/** `memscope record OPTIONS… -o TRACE record-raw-fork MODE` with a shim cache of this file's own. */
function record(options: string[], mode: string, env: NodeJS.ProcessEnv = {}): CliResult & { trace: string } {
  const trace = join(dir, `t${traceCount++}.trace`);
  const r = spawnSync(process.execPath, [CLI_PATH, 'record', ...options, '-o', trace, subject, mode], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, XDG_CACHE_HOME: join(dir, 'cache'), ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, trace };
}

/** The harness's own count line `WHO PID ops N`: the pid and the ops it made. */
function counted(stdout: string, who: 'parent' | 'child'): { pid: string; opCount: number } {
  const m = new RegExp(`^${who} (\\d+) ops (\\d+)$`, 'm').exec(stdout);
  assert.ok(m, `no ${who} line in ${JSON.stringify(stdout)}`);
  return { pid: m[1]!, opCount: Number(m[2]) };
}

/** The parent's ops, as record-raw-fork.c's comment spells them. */
const PARENT_OPS = ['a 0 1111', 'a 1 4444', 'f 1', 'f 0'];

/** The TRACE.PID files beside trace. */
const childTraces = (trace: string) => readdirSync(dir).filter((n) => n.startsWith(`${basename(trace)}.`));

/** A whole trace that `sim malloc` replays (exit 0, one row per op); returns its op lines. */
function replayedOps(path: string): string[] {
  const t = readRecordedTrace(path);
  checkRecording(t);
  const sim = runMemscope(['sim', 'malloc', '--format', 'jsonl', path]);
  assert.equal(sim.code, 0, `${path}: ${sim.stderr}`);
  assert.equal(sim.stdout.trimEnd().split('\n').length, t.ops.length, path);
  return opLines(t);
}

for (const mode of ['_Fork', 'clone']) {
  describe(`memscope record: a ${mode} child (no atfork handler runs in it)`, () => {
    test("without --follow the parent's trace holds exactly the parent's ops, and no child trace is made", () => {
      const r = record([], mode);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(counted(r.stdout, 'parent').opCount, PARENT_OPS.length);
      counted(r.stdout, 'child');
      assert.deepEqual(replayedOps(r.trace), PARENT_OPS);
      assert.deepEqual(childTraces(r.trace), []);
    });

    test("--follow: the child's calls go to TRACE.PID, exactly its own; the parent's trace is the parent's", () => {
      const r = record(['--follow'], mode);
      assert.equal(r.code, 0, r.stderr);
      const child = counted(r.stdout, 'child');
      assert.deepEqual(replayedOps(r.trace), PARENT_OPS);
      assert.deepEqual(childTraces(r.trace), [`${basename(r.trace)}.${child.pid}`]);
      const childOps = replayedOps(`${r.trace}.${child.pid}`);
      assert.equal(childOps.length, child.opCount);
      assert.deepEqual(childOps, Array.from({ length: child.opCount }, (_, i) => (i % 2 === 0 ? `a ${i / 2} 2222` : `f ${(i - 1) / 2}`)));
      const childTrace = readRecordedTrace(`${r.trace}.${child.pid}`);
      assert.equal(childTrace.end?.untracked, 1, "the child's free of the parent's 1111");
    });

    test("without MADV_WIPEONFORK (the fallback), with --follow: the parent's trace is still exactly the parent's", () => {
      const r = record(['--follow'], mode, { MEMSCOPE_RECORD_NO_WIPEONFORK: '1' });
      assert.equal(r.code, 0, r.stderr);
      counted(r.stdout, 'child');
      assert.deepEqual(replayedOps(r.trace), PARENT_OPS);
      assert.deepEqual(childTraces(r.trace), [], 'the fallback records no such child (README)');
    });
  });
}

describe("memscope record: a _Fork child while another thread holds the shim's lock", () => {
  const locked = buildHarness('record-fork-locked.cc', ['-pthread', '-lstdc++']);
  const HUGE = 2 ** 46;

  for (const options of [[], ['--follow']]) {
    test(`${options.join(' ') || 'without --follow'}: the child runs and exits (it did not wait on the lock for good), the parent's trace is the parent's`, () => {
      const trace = join(dir, `t${traceCount++}.trace`);
      const r = spawnSync(process.execPath, [CLI_PATH, 'record', ...options, '-o', trace, locked], {
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') },
      });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /child exited\n$/);
      const child = counted(r.stdout, 'child');
      replayedOps(trace);
      const sizes = readRecordedTrace(trace).ops.filter((op) => op.kind === 'a').map((op) => op.args[1]);
      assert.deepEqual(sizes.slice(-3), [1111, HUGE, 4444], 'the failed new on the other thread between them');
      assert.ok(!sizes.includes(2222), "none of the child's calls");
      if (options.length === 0) assert.deepEqual(childTraces(trace), []);
      else assert.deepEqual(replayedOps(`${trace}.${child.pid}`), ['a 0 2222', 'f 0']);
    });
  }
});
