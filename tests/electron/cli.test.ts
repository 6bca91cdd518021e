// The memscope CLI as a user runs it: real processes, real files, exit codes and one-line errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { readSmapsReference, referenceStatusNumbers } from '../helpers/proc-reference.js';
import { startSubject, type Subject } from '../helpers/subject.js';
import { CLI_NODE_FLAGS, assertOneLineError, runMemscope } from '../helpers/cli.js';
import { CLI_PATH } from '../helpers/paths.js';
const memscope = (...args: string[]) => runMemscope(args);



describe('memscope CLI', () => {
  let subject: Subject;
  let dir: string;
  before(async () => {
    subject = await startSubject(16, 6);
    dir = mkdtempSync(join(tmpdir(), 'memscope-cli-'));
  });
  after(async () => {
    await subject.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  test('top --json -n 2 prints one JSON array per tick with the required fields', () => {
    const r = memscope('top', '--json', '-n', '2', '-d', '0.1');
    assert.equal(r.code, 0, r.stderr);
    const ticks = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>[]);
    assert.equal(ticks.length, 2);
    const keys = ['pid', 'ppid', 'user', 'state', 'command', 'virtKb', 'resKb', 'shrKb', 'swapKb', 'cpuPct', 'memPct', 'cpuTimeS', 'threads', 'minflt', 'majflt'];
    for (const tick of ticks) {
      const row = tick.find((p) => p['pid'] === subject.pid);
      assert.ok(row, 'subject listed');
      for (const k of keys) assert.ok(k in row, `has ${k}`);
      assert.equal(row['resKb'], referenceStatusNumbers(subject.pid)['VmRSS']);
    }
  });

  test('top --sort and --limit: biggest RES first, K rows', () => {
    const r = memscope('top', '--json', '-n', '1', '--sort', 'RES', '--limit', '5');
    const rows = JSON.parse(r.stdout) as { resKb: number }[];
    assert.equal(rows.length, 5);
    for (let i = 1; i < rows.length; i++) assert.ok((rows[i - 1]?.resKb ?? 0) >= (rows[i]?.resKb ?? 0));
  });

  test('top table looks like top -b', () => {
    const r = memscope('top', '-n', '1', '--limit', '3');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /\n +PID +VIRT +RES +SHR S +%CPU +%MEM +TIME\+ COMMAND\n/);
    assert.match(r.stdout, /sampling: \d+ processes in [\d.]+ ms wall, [\d.]+ ms CPU \(stat\+statm\+cmdline\)/);
  });

  test('top -o picks the columns (ids or headers, COMMAND last) and the files: USER and SWAP read status', () => {
    const r = memscope('top', '-n', '1', '--limit', '3', '-o', 'command,pid,USER,swap,%cpu');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\n +PID USER +SWAP +%CPU COMMAND\n/);
    assert.match(r.stdout, /\(stat\+status\+cmdline\)/);
  });

  test('top -o with an unknown column, or a smaps_rollup one, is bad usage', () => {
    assertOneLineError(memscope('top', '-o', 'pid,nope'), 2, /unknown -o field "nope"/);
    assertOneLineError(memscope('top', '-o', 'pss'), 2, /in the app only/);
  });

  test('maps --json: mappings equal /proc/PID/maps, every smaps field present, totals and rollup', () => {
    const r = memscope('maps', String(subject.pid), '--json');
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { pid: number; mappings: { start: string; end: string; perms: string; path: string; kind: string; smaps: Record<string, unknown> }[]; rollup: Record<string, number>; totals: Record<string, number> };
    const maps = readSmapsReference(readFileSync(`/proc/${subject.pid}/maps`, 'utf8'));
    assert.equal(report.pid, subject.pid);
    assert.deepEqual(
      report.mappings.map((m) => `${m.start}-${m.end} ${m.perms} ${m.path}`),
      maps.map((m) => `${m.start}-${m.end} ${m.perms} ${m.path}`),
    );
    for (const m of report.mappings) {
      assert.ok(Array.isArray(m.smaps['VmFlags']));
      assert.equal(typeof m.smaps['Rss'], 'number');
    }
    assert.equal(report.totals['Rss'], report.rollup['Rss']);
    assert.equal(report.totals['Size'], report.mappings.reduce((s, m) => s + (m.smaps['Size'] as number), 0));
  });

  test('maps table ends with totals and the VmSize check', () => {
    const r = memscope('maps', String(subject.pid));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /sizes sum to (\d+) kB = VmSize \1 kB/);
  });

  test('snapshot -o writes a valid v1 document atomically; diff shows the anonymous region grew', async () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    assert.equal(memscope('snapshot', String(subject.pid), '-o', a).code, 0);
    assert.equal(await subject.command('touch 4'), 'ok');
    assert.equal(memscope('snapshot', String(subject.pid), '-o', b).code, 0);
    assert.deepEqual(readdirSync(dir).sort(), ['a.json', 'b.json'], 'no temp files left behind');
    const doc = JSON.parse(readFileSync(a, 'utf8')) as Record<string, unknown>;
    assert.equal(doc['format'], 'memscope-snapshot');
    assert.equal(doc['version'], 1);
    const r = memscope('diff', a, b, '--json');
    assert.equal(r.code, 0, r.stderr);
    const diff = JSON.parse(r.stdout) as { mappings: { change: string; after: { start: string } | null; deltaKb: { rssKb: number } }[] };
    const anon = diff.mappings.find((m) => m.after?.start === subject.anonStart);
    assert.ok(anon);
    assert.equal(anon.change, 'grown');
    assert.equal(anon.deltaKb.rssKb, 4 * 1024);
    assert.equal(memscope('diff', a, b).code, 0);
  });

  test('snapshot into a missing directory fails cleanly and leaves nothing', () => {
    const r = memscope('snapshot', String(subject.pid), '-o', join(dir, 'missing', 'x.json'));
    assertOneLineError(r, 1, /cannot write/);
  });

  test('bad pids: one line, exit 2, no stack trace', () => {
    for (const bad of ['../1', '-5', '1e3', '0', 'abc', '']) {
      assertOneLineError(memscope('maps', bad), 2, /pid|expected|Unknown option/i);
    }
  });

  test('a pid that does not exist, and pid 1 (denied even to root): exit 1, one line', async () => {
    const gone = await startSubject(1, 1);
    await gone.kill();
    assertOneLineError(memscope('maps', String(gone.pid)), 1, /no such process/);
    assertOneLineError(memscope('snapshot', String(gone.pid), '-o', join(dir, 'gone.json')), 1, /no such process|does not exist/);
    assertOneLineError(memscope('maps', '1'), 1, /permission denied/);
  });

  test('malformed snapshots: not JSON, truncated, wrong format, wrong version, missing file', () => {
    const good = join(dir, 'good.json');
    assert.equal(memscope('snapshot', String(subject.pid), '-o', good).code, 0);
    const text = readFileSync(good, 'utf8');
    const doc = JSON.parse(text) as Record<string, unknown>;
    const cases: [string, string, RegExp][] = [
      ['notjson.json', 'hello world', /not JSON/i],
      ['truncated.json', text.slice(0, Math.floor(text.length / 2)), /truncated/i],
      ['format.json', JSON.stringify({ ...doc, format: 'something-else' }), /format/],
      ['version.json', JSON.stringify({ ...doc, version: 2 }), /version/],
      ['nomappings.json', JSON.stringify({ ...doc, mappings: undefined }), /mappings/],
    ];
    for (const [name, content, pattern] of cases) {
      const p = join(dir, name);
      writeFileSync(p, content);
      assertOneLineError(memscope('diff', good, p), 1, pattern);
    }
    assertOneLineError(memscope('diff', good, join(dir, 'nope.json')), 1, /no such file/);
  });

  test('usage errors: unknown command, unknown flag, missing argument', () => {
    assertOneLineError(memscope('frobnicate'), 2, /unknown command/);
    assertOneLineError(memscope('top', '--bogus'), 2, /Unknown option/);
    assertOneLineError(memscope('maps'), 2, /expected PID/);
    assertOneLineError(memscope('top', '--sort', 'nonsense'), 2, /unknown --sort/);
  });

  test('the shebang runs as the kernel runs an installed memscope: its interpreter and one argument, flags node accepts', () => {
    const line = readFileSync(CLI_PATH, 'utf8').split('\n', 1)[0] ?? '';
    const m = /^#!(\S+)(?:\s+(.*))?$/.exec(line);
    assert.ok(m !== null, line);
    // binfmt_script: the interpreter, then the rest of the line as ONE argument, then the script's path.
    const r = spawnSync(m[1]!, [...(m[2] === undefined ? [] : [m[2]]), CLI_PATH, 'sim', 'malloc', '--workload', 'random', '--ops', '100'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^ops +100 \(/m);
    assert.ok(CLI_NODE_FLAGS.includes('--no-concurrent-recompilation'), line);
  });
});
