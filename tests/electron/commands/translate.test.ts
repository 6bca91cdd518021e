// `memscope translate` as a user runs it: a table or JSON for a live subject, one-line errors with exit 2.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertOneLineError, runMemscope, TERMINAL_CONTROL } from '../../helpers/cli.js';
import { startSubject, type Subject } from '../../helpers/subject.js';
import { HOSTILE_DIR_NAME, HOSTILE_DIR_SHOWN, startHostilePathsSubject } from './hostile-paths.js';

const memscope = (...args: string[]) => runMemscope(args);

describe('memscope translate', () => {
  let subject: Subject;
  before(async () => {
    subject = await startSubject(4, 2);
  });
  after(async () => subject.kill());

  test('prints the walk level by level, and --json the same report', () => {
    const text = memscope('translate', String(subject.pid), `0x${subject.anonStart}`);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`address ${subject.anonStart}`));
    assert.match(text.stdout, /^ {2}PGD index +\d+ +bits 4[78]\.\./m);
    assert.match(text.stdout, /^ {2}PTE index +\d+ +bits 20\.\.12/m);
    assert.match(text.stdout, /^pagemap: present/m);
    const json = memscope('translate', String(subject.pid), subject.anonStart, '--json');
    assert.equal(json.code, 0, json.stderr);
    const r = JSON.parse(json.stdout) as { walk: { level: string; index: number }[]; pagemap: { present: boolean } };
    assert.equal(r.pagemap.present, true);
    for (const step of r.walk) assert.match(text.stdout, new RegExp(`${step.level} index +${step.index} `));
  });

  test('a kernel thread (kthreadd, pid 2): exit 1, one line saying it has no user address space', () => {
    assertOneLineError(memscope('translate', '2', '1000'), 1, /pid 2 is a kernel thread: it has no user address space/);
  });

  test('bad input: one line on stderr, exit 2', () => {
    const cases: [string[], RegExp][] = [
      [[String(subject.pid), 'nothex'], /not a hex address/],
      [[String(subject.pid), '0x10000000000000000'], /out of range/],
      [[String(subject.pid), '0000800000000000'], /not canonical/],
      [[String(subject.pid), '1000'], /not mapped/],
      [['abc', '1000'], /not a pid/],
      [[String(subject.pid)], /expected PID ADDR/],
    ];
    for (const [args, pattern] of cases) {
      const r = memscope('translate', ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0] ?? '', /^memscope: /);
      assert.match(lines[0] ?? '', pattern);
    }
  });
});

test('translate: a hostile file name is escaped in the text, exact in --json', async () => {
  const hostile = await startHostilePathsSubject();
  try {
    const spaced = hostile.report.get('spaced')!;
    const text = memscope('translate', String(hostile.pid), spaced.start);
    assert.equal(text.code, 0, text.stderr);
    assert.doesNotMatch(text.stdout, TERMINAL_CONTROL);
    assert.ok(text.stdout.includes(spaced.path.replace(HOSTILE_DIR_NAME, HOSTILE_DIR_SHOWN)), text.stdout);
    const json = JSON.parse(memscope('translate', String(hostile.pid), spaced.start, '--json').stdout) as { mapping: { path: string } };
    assert.equal(json.mapping.path, spaced.path);
  } finally {
    hostile.stop();
  }
});
