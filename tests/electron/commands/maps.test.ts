// `memscope maps` of a process that maps files whose names hold ESC sequences and C1 controls: the table and
// --groups show them as visible escapes, --json keeps the exact path. The table reads smaps as pmap -X does,
// smaps_rollup only to say why it is missing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { readMappingsTable } from '../../../electron/host/proc/mappings-reader.js';
import { ProcReader } from '../../../electron/host/proc/proc-reader.js';
import { runMemscope, TERMINAL_CONTROL } from '../../helpers/cli.js';
import { HOSTILE_DIR_NAME, HOSTILE_DIR_SHOWN, startHostilePathsSubject, type HostilePathsSubject } from './hostile-paths.js';

describe('maps with hostile file names', () => {
  let subject: HostilePathsSubject;
  before(async () => {
    subject = await startHostilePathsSubject();
  });
  after(() => subject.stop());

  test('the table: every path escaped, no control character printed, one line per mapping', () => {
    const r = runMemscope(['maps', String(subject.pid)]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, TERMINAL_CONTROL);
    for (const what of ['spaced', 'newline', 'utf8']) {
      const m = subject.report.get(what)!;
      const line = r.stdout.split('\n').find((l) => l.trimStart().startsWith(`${m.start} `));
      assert.ok(line !== undefined, what);
      assert.ok(line.endsWith(m.path.replace(HOSTILE_DIR_NAME, HOSTILE_DIR_SHOWN)), line);
    }
  });

  test('--groups: the backing files escaped the same way', () => {
    const r = runMemscope(['maps', String(subject.pid), '--groups']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, TERMINAL_CONTROL);
    assert.ok(r.stdout.includes(subject.report.get('spaced')!.path.replace(HOSTILE_DIR_NAME, HOSTILE_DIR_SHOWN)), r.stdout);
  });

  test('--json keeps the exact path', () => {
    const r = runMemscope(['maps', String(subject.pid), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { mappings: { start: string; path: string }[] };
    const spaced = subject.report.get('spaced')!;
    assert.equal(doc.mappings.find((m) => m.start === spaced.start)?.path, spaced.path);
    assert.ok(spaced.path.includes(HOSTILE_DIR_NAME));
  });
});

/** A real ProcReader that notes the name of every /proc/PID file it reads. */
class NotingReader extends ProcReader {
  readonly files: string[] = [];

  override readProcFile(pid: number, file: string): Uint8Array {
    this.files.push(file);
    return super.readProcFile(pid, file);
  }
}

describe('the table reads what it shows', () => {
  test('a process with mappings: status and smaps, not smaps_rollup (a second walk of its page tables)', () => {
    const reader = new NotingReader();
    const parts = readMappingsTable(reader, process.pid);
    assert.deepEqual(reader.files, ['status', 'smaps']);
    assert.doesNotMatch(parts.map((p) => (typeof p === 'string' ? p : Buffer.from(p).toString('utf8'))).join(''), /not read/);
  });

  test('a kernel thread (kthreadd, pid 2): no mappings, and the rollup read after smaps says why', (t) => {
    if (readFileSync('/proc/2/comm', 'utf8') !== 'kthreadd\n') return t.skip('pid 2 is not kthreadd here');
    const r = runMemscope(['maps', '2']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^0 mappings; sizes sum to 0 kB = VmSize 0 kB\nnot read: smaps_rollup: a kernel thread has no user address space\n$/m);
  });
});
