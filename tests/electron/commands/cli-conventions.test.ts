// The CLI's conventions, checked with the real CLI: exit status by class (0 ok, 1 failed at run time, 2 bad
// usage) as README "The CLI" states it, error messages that quote user input bounded and escaped, and `-d`
// bounded to what a Node timer can wait (beyond it, top/serve/exporter used to spin with a 1 ms timer).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MAX_QUOTED_CHARS } from '../../../shared/text/escape.js';
import { assertOneLineError, runMemscope, TERMINAL_CONTROL, type CliResult } from '../../helpers/cli.js';
import { CLI_PATH, REPO_ROOT } from '../../helpers/paths.js';
import { startSubject } from '../../helpers/subject.js';

const memscope = (...args: string[]) => runMemscope(args, { timeoutMs: 30_000 });

describe('exit status', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'memscope-exit-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('2, bad usage: unknown command or flag, bad value, missing argument, work beyond a documented bound', () => {
    assertOneLineError(memscope('frobnicate'), 2, /unknown command/);
    assertOneLineError(memscope('maps', '1', '--bogus'), 2, /maps: Unknown option "--bogus"; see memscope maps --help/);
    assertOneLineError(memscope('maps', 'abc'), 2, /not a pid: "abc"/);
    assertOneLineError(memscope('top', '--sort', 'nonsense'), 2, /unknown --sort field "nonsense"/);
    assertOneLineError(memscope('diff', 'a.json'), 2, /diff: expected A\.JSON B\.JSON \(missing\)/);
    assertOneLineError(memscope('top', '-d', '3000000'), 2, /-d/);
    assertOneLineError(memscope('sim', 'malloc', '--workload', 'random', '--ops', '999999999'), 2, /--ops/);
  });

  test('1, the process is gone', async () => {
    const gone = await startSubject(1, 1);
    await gone.kill();
    assertOneLineError(memscope('maps', String(gone.pid)), 1, /no such process/);
  });

  test('1, an input file that cannot be read: missing, a directory, a name too long', () => {
    const snapshot = join(REPO_ROOT, 'tests/fixtures/snapshots');
    assertOneLineError(memscope('diff', join(dir, 'nope.json'), join(dir, 'nope2.json')), 1, /cannot read ".*nope\.json": no such file/);
    assertOneLineError(memscope('diff', dir, dir), 1, /cannot read ".*": is a directory/);
    assertOneLineError(memscope('sim', 'pages', snapshot), 1, /cannot read ".*snapshots": is a directory/);
    assertOneLineError(memscope('sim', 'malloc', join(dir, 'missing.rep')), 1, /cannot read ".*missing\.rep": no such file/);
    assertOneLineError(memscope('sim', 'cache', dir), 1, /cannot read ".*": is a directory/);
    assertOneLineError(memscope('diff', `${dir}/${'n'.repeat(300)}`, 'b.json'), 1, /cannot read ".*…" \(\d+ more characters\): ENAMETOOLONG/);
  });

  test('1, a malformed input file', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, 'hello');
    assertOneLineError(memscope('diff', bad, bad), 1, /not JSON/);
    assertOneLineError(memscope('sim', 'pages', bad), 1, /bad\.json/);
  });

  test('1, an output that cannot be written: a read-only place, a missing directory', async () => {
    const subject = await startSubject(1, 1);
    try {
      assertOneLineError(memscope('snapshot', String(subject.pid), '-o', '/proc/version'), 1, /cannot write "\/proc\/version": /);
      assertOneLineError(memscope('snapshot', String(subject.pid), '-o', join(dir, 'missing', 'x.json')), 1, /cannot write ".*x\.json": no such file/);
    } finally {
      await subject.kill();
    }
  });

  test('1, a token or config file that cannot be used: missing, a directory, empty, not one printable line', () => {
    const empty = join(dir, 'empty.token');
    writeFileSync(empty, '', { mode: 0o600 });
    const spaced = join(dir, 'spaced.token');
    writeFileSync(spaced, 'two words\n', { mode: 0o600 });
    assertOneLineError(memscope('exporter', '--once', '--token-file', join(dir, 'nope')), 1, /cannot read --token-file ".*nope": no such file/);
    assertOneLineError(memscope('exporter', '--once', '--token-file', dir), 1, /is a directory/);
    assertOneLineError(memscope('exporter', '--once', '--token-file', empty), 1, /--token-file ".*empty\.token" is empty/);
    assertOneLineError(memscope('exporter', '--once', '--token-file', spaced), 1, /one line of printable ASCII/);
    assertOneLineError(memscope('serve', '--port', '0', '--token-file', join(dir, 'nope')), 1, /cannot read --token-file ".*nope": no such file/);
    assertOneLineError(memscope('exporter', '--once', '--config', join(dir, 'nope.json')), 1, /cannot read config ".*nope\.json": no such file/);
  });
});

describe('error messages quote user input bounded and escaped', () => {
  const long = 'x'.repeat(10_000);

  /** One line, at most MAX_QUOTED_CHARS characters of the input echoed, no control character, the rest counted. */
  function assertBounded(r: CliResult, code: number): void {
    assertOneLineError(r, code, /./);
    const line = r.stderr.trimEnd();
    assert.ok(!line.includes('x'.repeat(MAX_QUOTED_CHARS + 1)), `${line.length} characters: ${line.slice(0, 300)}`);
    assert.ok(line.length < 1000, `${line.length} characters`);
    assert.doesNotMatch(line, TERMINAL_CONTROL);
    assert.match(line, /…" \(\d+ more characters\)/);
  }

  test('a 10,000-character argument in every place that echoes one', () => {
    assertBounded(memscope(long), 2);
    assertBounded(memscope('maps', long), 2);
    assertBounded(memscope('maps', '1', `--${long}`), 2);
    assertBounded(memscope('maps', '1', long), 2);
    assertBounded(memscope('top', '--sort', long), 2);
    assertBounded(memscope('top', '-d', long), 2);
    assertBounded(memscope('top', long), 2);
    assertBounded(memscope('serve', '-d', long), 2);
    assertBounded(memscope('exporter', '--listen', long), 2);
    assertBounded(memscope('sim', long), 2);
    assertBounded(memscope('sim', 'malloc', '--format', long), 2);
    assertBounded(memscope('sim', 'tlb', '--page', long, 'seq'), 2);
    assertBounded(memscope('pages', '1', long), 2);
    assertBounded(memscope('translate', '1', long), 2);
    assertBounded(memscope('diff', long, long), 1);
    assertBounded(memscope('snapshot', String(process.pid), '-o', `/proc/${long}`), 1);
  });

  test('ESC sequences, newlines, C1 controls and invalid UTF-8 in arguments come out as visible escapes', () => {
    // Through a shell, so argv holds raw bytes: ESC [ 2 J, LF, 0xff (not UTF-8), U+009B (C1 CSI as UTF-8).
    const raw = 'a\\033[2J\\nb\\377c\\302\\233d';
    for (const args of [`maps "$(printf '${raw}')"`, `top --sort "$(printf '${raw}')"`, `maps 1 "--$(printf '${raw}')"`, `"$(printf '${raw}')"`]) {
      const r = spawnSync('/bin/sh', ['-c', `exec "$0" "$1" ${args}`, process.execPath, CLI_PATH]);
      assert.equal(r.status, 2, args);
      const stderr = new TextDecoder('utf-8', { fatal: true }).decode(r.stderr); // valid UTF-8, whatever argv held
      assert.equal(stderr.split('\n').length, 2, stderr);
      assert.doesNotMatch(stderr.trimEnd(), TERMINAL_CONTROL, args);
      assert.ok(stderr.includes('a\\x1b[2J\\nb\ufffdc\\x9bd'), stderr);
    }
  });
});

describe('-d is bounded by the longest timer (2147483.647 s)', () => {
  for (const [command, extra] of [
    ['top', ['-n', '2']],
    ['serve', ['--port', '0']],
    ['exporter', ['--once']],
  ] as const) {
    test(`${command} -d 3000000: exit 2, one line naming the bound`, () => {
      assertOneLineError(memscope(command, '-d', '3000000', ...extra), 2, /bad -d \(seconds\): "3000000" \(expected a number from [\d.]+ to 2147483\.647\)/);
    });
  }

  test('top -d 2147483.647 (the bound itself) is accepted', () => {
    const r = memscope('top', '-d', '2147483.647', '-n', '1', '--limit', '1');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
  });

  test('serve -d 0.01 is below its bound: exit 2', () => {
    assertOneLineError(memscope('serve', '-d', '0.01', '--port', '0'), 2, /from 0\.05 to 2147483\.647/);
  });
});
