// shared/proc/maps.ts against captured maps (regex reading), the kernel's path column rule, and bad input.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseMaps } from '../../../shared/proc/maps.js';
import { ProcParseError } from '../../../shared/proc/parse-error.js';
import { readFixture, readFixtureExe, readFixtureText, readMapsReference, readSubjectReport } from '../../helpers/proc-reference.js';

describe('parseMaps on captured /proc/PID/maps', () => {
  for (const fixture of ['node-idle', 'odd-paths']) {
    test(`${fixture}: every header field agrees with a regex reading of each line`, () => {
      const ref = readMapsReference(readFixtureText(fixture, 'maps'));
      const maps = parseMaps(readFixture(fixture, 'maps'), readFixtureExe(fixture));
      assert.equal(maps.length, ref.length);
      assert.deepEqual(
        maps.map(({ start, end, perms, offset, dev, inode, path }) => ({ start, end, perms, offset, dev, inode, path })),
        ref,
      );
      assert.ok(maps.every((m) => m.smaps === undefined));
    });
  }

  test('kthreadd: empty maps → no mappings', () => {
    assert.equal(readFixture('kthreadd', 'maps').length, 0);
    assert.deepEqual(parseMaps(readFixture('kthreadd', 'maps')), []);
  });

  test('odd-paths: paths come out exactly as the subject says the kernel prints them', () => {
    const report = readSubjectReport(readFixtureText('odd-paths', 'subject-output.txt'));
    const maps = parseMaps(readFixture('odd-paths', 'maps'));
    for (const what of ['spaced', 'newline', 'utf8', 'deleted', 'memfd', 'posixshm', 'sysvshm', 'shanon', 'guard', 'anon']) {
      const r = report.get(what)!;
      const m = maps.find((x) => x.start === r.start);
      assert.ok(m !== undefined, `${what}: no mapping at ${r.start}`);
      assert.equal(m.path, r.path, what);
    }
    // The pieces that make these paths hard, checked literally.
    const paths = maps.map((m) => m.path);
    assert.ok(paths.includes('/tmp/x y/a file (1).bin'));
    assert.ok(paths.includes('/tmp/x y/new\\012line.bin'));
    assert.ok(paths.includes('/tmp/x y/café ✓.bin'));
    assert.ok(paths.includes('/tmp/x y/gone soon.bin (deleted)'));
  });

  test('[vsyscall] keeps its 64-bit addresses exactly', () => {
    const maps = parseMaps(readFixture('node-idle', 'maps'));
    const v = maps.find((m) => m.path === '[vsyscall]')!;
    assert.equal(v.start, 'ffffffffff600000');
    assert.equal(v.end, 'ffffffffff601000');
    assert.equal(v.perms, '--xp');
  });

  test('bytes inside a larger reused buffer parse the same as alone', () => {
    const alone = readFixture('odd-paths', 'maps');
    const big = Buffer.alloc(alone.length + 300, 0x37); // '7': hex-looking garbage around the text
    Buffer.from(alone).copy(big, 150);
    assert.deepEqual(parseMaps(big.subarray(150, 150 + alone.length)), parseMaps(alone));
  });
});

describe('parseMaps: the path column', () => {
  // Lines built as the kernel does: "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu " then, if named,
  // pad to 72 columns and one more ' ' (seq_pad), then the name.
  function kernelLine(head: string, name: string): string {
    if (name === '') return `${head}\n`;
    return `${head.padEnd(72, ' ')} ${name}\n`;
  }

  test('a path that begins with spaces after the padding column keeps them', () => {
    const head = '7f0000000000-7f0000001000 r--p 00000000 fe:00 12345 ';
    const [m] = parseMaps(Buffer.from(kernelLine(head, '  two leading spaces')));
    assert.equal(m!.path, '  two leading spaces');
  });

  test('a header wider than 72 columns is followed by exactly one more space', () => {
    const head = 'ffffffffff600000-ffffffffff601000 r--p 123456789abcdef0 fff:fffff 123456789012345 ';
    assert.ok(head.length > 72, 'precondition');
    const [m] = parseMaps(Buffer.from(kernelLine(head, ' /x')));
    assert.equal(m!.path, ' /x');
    assert.equal(m!.offset, '123456789abcdef0');
    assert.equal(m!.dev, 'fff:fffff');
    assert.equal(m!.inode, 123456789012345);
  });

  test('an anonymous line ends "0 " with no padding: empty path', () => {
    const [m] = parseMaps(Buffer.from('7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \n'));
    assert.equal(m!.path, '');
    assert.equal(m!.inode, 0);
  });
});

describe('parseMaps: malformed input', () => {
  const text = readFixtureText('node-idle', 'maps');
  const lines = text.split('\n');

  function breakLine(n: number, edit: (l: string) => string): string {
    return lines.map((l, i) => (i === n - 1 ? edit(l) : l)).join('\n');
  }

  const cases: [string, number, (l: string) => string, RegExp][] = [
    ['start-end without "-"', 5, (l) => l.replace('-', '+'), /start-end/],
    ['bad perms letter', 7, (l) => l.replace(/ [-r][-w][-x][ps] /, ' rwzp '), /permissions/],
    ['short perms', 9, (l) => l.replace(/ ([-r][-w][-x])[ps] /, ' $1 '), /4 permission letters/],
    ['offset not hex', 11, (l) => l.replace(/ ([0-9a-f]{8}) /, ' 0000zz00 '), /offset/],
    ['device without ":"', 13, (l) => l.replace(/ (\w\w):(\w\w) /, ' $1-$2 '), /device/],
    ['inode not decimal', 15, (l) => l.replace(/^(\S+ \S+ \S+ \S+ )\d+/, (_, head: string) => `${head}12a4`), /inode/],
  ];
  for (const [name, lineNo, edit, message] of cases) {
    test(`${name}: ProcParseError names line ${lineNo}`, () => {
      assert.throws(
        () => parseMaps(Buffer.from(breakLine(lineNo, edit))),
        (e: unknown) => e instanceof ProcParseError && e.file === 'maps' && e.line === lineNo && message.test(e.message),
      );
    });
  }

  test('text cut in the middle of a line is reported as truncated', () => {
    const cut = text.slice(0, text.indexOf('\n', 1000) - 10);
    const lastLine = cut.split('\n').length;
    assert.throws(() => parseMaps(Buffer.from(cut)), (e: unknown) => e instanceof ProcParseError && e.line === lastLine && /truncated/.test(e.message));
  });
});
