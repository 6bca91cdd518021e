// `memscope top` with a process whose argv is hostile (any user chooses their argv): the table shows its
// control characters as visible escapes, one row per process, and --json keeps the exact command line.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { runMemscope } from '../../helpers/cli.js';

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
    assert.doesNotMatch(r.stdout, /[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
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
