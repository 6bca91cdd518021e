// shared/proc/stat.ts against captured /proc/PID/stat (tests/fixtures/proc), read a second way by split.
import { readdirSync, readFileSync } from 'node:fs';
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { PF_KTHREAD, parseStat, parseStatExitSignal, statBytesThrough } from '../../../shared/proc/stat.js';
import { ProcParseError } from '../../../shared/proc/parse-error.js';
import { readFixture, readFixtureText, readStatReference, readStatusReference, statusKb } from '../../helpers/proc-reference.js';

const FIXTURES = ['node-idle', 'odd-paths', 'kthreadd'];

describe('parseStat on captured /proc/PID/stat', () => {
  for (const fixture of FIXTURES) {
    test(`${fixture}: every field agrees with a split of the text after the last ")"`, () => {
      const text = readFixtureText(fixture, 'stat');
      const ref = readStatReference(text);
      const stat = parseStat(readFixture(fixture, 'stat'));
      const f = ref.fields;
      assert.deepEqual(stat, {
        pid: Number(f[1]),
        comm: ref.comm,
        state: f[3],
        ppid: Number(f[4]),
        flags: Number(f[9]),
        minflt: Number(f[10]),
        majflt: Number(f[12]),
        utime: Number(f[14]),
        stime: Number(f[15]),
        numThreads: Number(f[20]),
        starttime: Number(f[22]),
        vsizeBytes: Number(f[23]),
        rssPages: Number(f[24]),
      });
    });
    test(`${fixture}: statBytesThrough(22) ends with the space after (22) starttime, as the split says`, () => {
      const bytes = readFixture(fixture, 'stat');
      const text = readFixtureText(fixture, 'stat');
      const f = readStatReference(text).fields;
      const end = statBytesThrough(bytes, bytes.length, 22);
      const close = text.lastIndexOf(')');
      assert.equal(text.slice(close + 2, end), `${f.slice(3, 23).join(' ')} `);
      assert.equal(statBytesThrough(bytes, end - 1, 22), end - 1, 'a text ending before that space: all of it');
    });
    test(`${fixture}: exit_signal is field 38 of the split`, () => {
      const text = readFixtureText(fixture, 'stat');
      assert.equal(parseStatExitSignal(readFixture(fixture, 'stat')), Number(readStatReference(text).fields[38]));
    });
    test(`${fixture}: vsize = VmSize × 1024 and num_threads = Threads from status`, () => {
      const stat = parseStat(readFixture(fixture, 'stat'));
      const status = readStatusReference(readFixtureText(fixture, 'status'));
      assert.equal(stat.vsizeBytes, statusKb(status, 'VmSize') * 1024);
      assert.equal(stat.numThreads, Number(status['Threads']));
      assert.equal(stat.pid, Number(status['Pid']));
      assert.equal(stat.ppid, Number(status['PPid']));
      assert.equal(stat.state, status['State']!.charAt(0));
    });
  }

  test('odd-paths: comm "odd) (comm x" holds ") (" and survives whole', () => {
    const stat = parseStat(readFixture('odd-paths', 'stat'));
    assert.equal(stat.comm, 'odd) (comm x');
    assert.equal(stat.state, 'S');
  });

  test('lastComm: returned as comm only while the bytes spell it (a rename of the same length, a non-ASCII comm are decoded)', () => {
    const bytes = readFixture('odd-paths', 'stat');
    const last = ['odd) (comm ', 'x'].join(''); // a string built at run time, not the literal: identity says which was returned
    assert.equal(parseStat(bytes, last).comm, last, 'the same bytes: the string kept');
    assert.ok(Object.is(parseStat(bytes, last).comm, last));
    assert.equal(parseStat(bytes, 'odd) (comm y').comm, 'odd) (comm x', 'renamed, same length: decoded');
    assert.equal(parseStat(bytes, 'odd) (comm').comm, 'odd) (comm x', 'renamed, shorter: decoded');
    // 'café' as UTF-8 bytes; its latin1 reading 'cafÃ©' has as many chars as bytes and must not pass for it.
    const cafe = new TextEncoder().encode('7 (café) S 1 7 7 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 5 1000 2\n');
    assert.equal(parseStat(cafe, 'caf\u00c3\u00a9').comm, 'café');
  });

  test('kthreadd: a kernel thread (PF_KTHREAD) has no memory (vsize 0, rss 0) and ppid 0', () => {
    const stat = parseStat(readFixture('kthreadd', 'stat'));
    assert.equal(stat.flags & PF_KTHREAD, PF_KTHREAD);
    assert.equal(parseStat(readFixture('node-idle', 'stat')).flags & PF_KTHREAD, 0, 'a user process is not one');
    assert.equal(stat.pid, 2);
    assert.equal(stat.comm, 'kthreadd');
    assert.equal(stat.ppid, 0);
    assert.equal(stat.vsizeBytes, 0);
    assert.equal(stat.rssPages, 0);
  });
});

describe('parseStatExitSignal on the live /proc', () => {
  test("this process's leader reads a signal (SIGCHLD), its other threads -1, also through /proc/TID", () => {
    const tids = readdirSync('/proc/self/task').map(Number);
    assert.ok(tids.length > 1, 'node runs helper threads');
    for (const tid of tids) {
      const signal = parseStatExitSignal(readFileSync(`/proc/${tid}/stat`));
      if (tid === process.pid) assert.equal(signal, 17, 'the leader: SIGCHLD, as spawned');
      else assert.equal(signal, -1, `thread ${tid}`);
    }
  });
});

describe('parseStat edge cases', () => {
  const node = readFixtureText('node-idle', 'stat');

  test('a comm holding a newline (prctl allows it; stat prints it raw)', () => {
    const comm = 'a)\n(b c)';
    const text = node.replace('(node)', `(${comm})`);
    const stat = parseStat(Buffer.from(text));
    assert.equal(stat.comm, comm);
    assert.equal(stat.vsizeBytes, Number(readStatReference(node).fields[23]));
  });

  test('bytes inside a larger reused buffer (subarray with an offset)', () => {
    const big = Buffer.alloc(4096, 0x58);
    const n = big.write(node, 100, 'latin1');
    const stat = parseStat(big.subarray(100, 100 + n));
    assert.equal(stat.pid, Number(readStatReference(node).fields[1]));
  });

  test('malformed input throws ProcParseError naming the line', () => {
    const cases: [string, RegExp][] = [
      ['', /stat line 1: empty/],
      [node.slice(0, 60), /stat line 1: truncated/],
      ['123 (x) S 1 2 3\n', /stat line 1: only \d+ fields/],
      ['123 x S 1\n', /stat line 1: no "\(comm\)"/],
      [node.replace(/\) S /, ') SS '), /field 3/],
      [node.replace(/^(\S+ \(node\) S )\d+/, '$1x'), /ppid/],
    ];
    for (const [text, message] of cases) {
      assert.throws(
        () => parseStat(Buffer.from(text)),
        (e: unknown) => e instanceof ProcParseError && message.test(e.message) && e.line === 1,
        JSON.stringify(text.slice(0, 40)),
      );
    }
  });

  test('the error after a comm with a newline names line 2', () => {
    const text = node.replace('(node)', '(a\nb)').replace(/\) S /, ') SS ');
    assert.throws(() => parseStat(Buffer.from(text)), (e: unknown) => e instanceof ProcParseError && e.line === 2);
  });
});
