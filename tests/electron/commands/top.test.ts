// `memscope top` with a process whose argv is hostile (any user chooses their argv): the table shows its
// control characters as visible escapes, one row per process, and --json keeps the exact command line.
// And what top costs: it opens only the /proc files its columns need (strace counts them).
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runMemscope, TERMINAL_CONTROL } from '../../helpers/cli.js';
import { oracleMissing, requireOracle } from '../../helpers/oracles.js';
import { CLI_PATH } from '../../helpers/paths.js';

/** Clears the screen, starts a new line, and sends a C1 CSI (U+009B) that 8-bit terminals act on. */
const HOSTILE_ARGV0 = 'memscope-hostile\x1b[2J\nfake-row\x9b31m';

describe('top with a hostile command line', () => {
  let child: ChildProcess;
  before(async () => {
    child = spawn('sleep', ['600'], { argv0: HOSTILE_ARGV0, stdio: 'ignore' });
    await once(child, 'spawn');
  });
  after(() => {
    child.kill('SIGKILL');
  });

  test('the table escapes ESC, newline and C1: no control character reaches the terminal, the row stays one line', () => {
    const r = runMemscope(['top', '-n', '1', '--sort', 'pid', '--limit', '100000']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, TERMINAL_CONTROL);
    const rows = r.stdout.split('\n').filter((l) => l.trimStart().startsWith(`${child.pid} `));
    assert.equal(rows.length, 1, r.stdout);
    assert.ok(rows[0]!.endsWith(' memscope-hostile\\x1b[2J\\nfake-row\\x9b31m 600'), rows[0]);
  });

  test('--json keeps the exact command line', () => {
    const r = runMemscope(['top', '-n', '1', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const row = (JSON.parse(r.stdout) as { pid: number; command: string }[]).find((p) => p.pid === child.pid);
    assert.equal(row?.command, `${HOSTILE_ARGV0} 600`);
  });
});

/** The /proc/PID/FILE files `memscope top ARGS` opened, counted by FILE, from strace's own log. */
function traceOpenedProcFiles(args: string[]): Map<string, number> {
  const dir = mkdtempSync(join(tmpdir(), 'memscope-top-strace-'));
  try {
    const log = join(dir, 'openat.log');
    const r = spawnSync(requireOracle('strace'), ['-f', '-qq', '-e', 'trace=openat', '-o', log, process.execPath, CLI_PATH, 'top', ...args], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const counts = new Map<string, number>();
    for (const m of readFileSync(log, 'utf8').matchAll(/openat\(AT_FDCWD, "\/proc\/\d+\/(\w+)"/g)) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
    return counts;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('top reads only the files its columns need (strace)', { skip: oracleMissing('strace') }, () => {
  test('the default columns open stat and statm of every process and no status file', () => {
    const opened = traceOpenedProcFiles(['-n', '2', '-d', '0.05']);
    assert.ok((opened.get('stat') ?? 0) > 10, `stat opened: ${JSON.stringify([...opened])}`);
    assert.ok((opened.get('statm') ?? 0) > 10, 'statm opened');
    assert.equal(opened.get('status') ?? 0, 0, 'no status file opened');
  });

  test('-o user,swap (and --sort swap alone) open status instead of statm', () => {
    for (const args of [['-o', 'pid,user,swap,command'], ['--sort', 'SWAP']]) {
      const opened = traceOpenedProcFiles(['-n', '1', ...args]);
      assert.ok((opened.get('status') ?? 0) > 10, `${args.join(' ')}: status opened`);
      assert.equal(opened.get('statm') ?? 0, 0, `${args.join(' ')}: statm not needed`);
    }
  });
});
