// `memscope maps` of a process that maps files whose names hold ESC sequences and C1 controls: the table and
// --groups show them as visible escapes, --json keeps the exact path.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runMemscope } from '../../helpers/cli.js';
import { HOSTILE_DIR_NAME, HOSTILE_DIR_SHOWN, startHostilePathsSubject, type HostilePathsSubject } from './hostile-paths.js';

/** A character a terminal acts on (LF only as the line end). */
const CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/;

describe('maps with hostile file names', () => {
  let subject: HostilePathsSubject;
  before(async () => {
    subject = await startHostilePathsSubject();
  });
  after(() => subject.stop());

  test('the table: every path escaped, no control character printed, one line per mapping', () => {
    const r = runMemscope(['maps', String(subject.pid)]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, CONTROL);
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
    assert.doesNotMatch(r.stdout, CONTROL);
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
