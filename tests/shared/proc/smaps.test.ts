// shared/proc/smaps.ts against captured smaps/smaps_rollup (split reading) and the kernel's own totals in status.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseSmaps, parseSmapsRollup } from '../../../shared/proc/smaps.js';
import { SMAPS_FIELDS } from '../../../shared/proc/smaps-fields.js';
import { parseMaps } from '../../../shared/proc/maps.js';
import { ProcParseError } from '../../../shared/proc/parse-error.js';
import {
  headerOf,
  readFixture,
  readFixtureExe,
  readFixtureText,
  readSmapsReference,
  readSubjectReport,
  readStatusReference,
  sizeKbReference,
  statusKb,
} from '../../helpers/proc-reference.js';

const USER_FIXTURES = ['node-idle', 'odd-paths'];

function sumField(list: { smaps?: Record<string, number | string[]> }[], key: string): number {
  let total = 0;
  for (const m of list) {
    const v = m.smaps?.[key];
    if (typeof v === 'number') total += v;
  }
  return total;
}

describe('parseSmaps on captured /proc/PID/smaps', () => {
  for (const fixture of USER_FIXTURES) {
    test(`${fixture}: headers and every field agree with a split/regex reading`, () => {
      const ref = readSmapsReference(readFixtureText(fixture, 'smaps'));
      const parsed = parseSmaps(readFixture(fixture, 'smaps'), readFixtureExe(fixture));
      assert.equal(parsed.length, ref.length);
      assert.deepEqual(
        parsed.map(({ start, end, perms, offset, dev, inode, path, smaps }) => ({ start, end, perms, offset, dev, inode, path, fields: smaps })),
        ref,
      );
    });

    test(`${fixture}: the same mappings as maps (headers and kinds), captured the same moment`, () => {
      const exe = readFixtureExe(fixture);
      const fromSmaps = parseSmaps(readFixture(fixture, 'smaps'), exe).map(headerOf);
      assert.deepEqual(fromSmaps, parseMaps(readFixture(fixture, 'maps'), exe));
    });

    test(`${fixture}: kernel totals: Σ Size = VmSize (without [vsyscall]), Σ Rss = VmRSS, Σ Anonymous = RssAnon, Σ Swap = VmSwap`, () => {
      const parsed = parseSmaps(readFixture(fixture, 'smaps'));
      const status = readStatusReference(readFixtureText(fixture, 'status'));
      const noGate = parsed.filter((m) => m.path !== '[vsyscall]');
      assert.equal(sumField(noGate, 'Size'), statusKb(status, 'VmSize'));
      assert.equal(sumField(parsed, 'Rss'), statusKb(status, 'VmRSS'));
      assert.equal(sumField(parsed, 'Anonymous'), statusKb(status, 'RssAnon'));
      assert.equal(sumField(parsed, 'Swap'), statusKb(status, 'VmSwap'));
    });

    test(`${fixture}: each mapping's Size is its address range`, () => {
      for (const m of parseSmaps(readFixture(fixture, 'smaps'))) {
        assert.equal(m.smaps!['Size'], sizeKbReference(m.start, m.end), `${m.start}-${m.end}`);
      }
    });

    test(`${fixture}: rollup = Σ smaps (Rss exactly; Pss within the per-mapping rounding the kernel does)`, () => {
      const parsed = parseSmaps(readFixture(fixture, 'smaps'));
      const rollup = parseSmapsRollup(readFixture(fixture, 'smaps_rollup'));
      for (const key of ['Rss', 'Shared_Clean', 'Shared_Dirty', 'Private_Clean', 'Private_Dirty', 'Referenced', 'Anonymous', 'Swap', 'Locked']) {
        assert.equal(rollup.fields[key], sumField(parsed, key), key);
      }
      // Each mapping's Pss is floored to kB on its own; the rollup floors the exact total once,
      // so the rollup is at least the sum and less than the sum + one kB per mapping.
      const sumPss = sumField(parsed, 'Pss');
      const rollupPss = rollup.fields['Pss'] as number;
      assert.ok(rollupPss >= sumPss && rollupPss < sumPss + parsed.length, `${rollupPss} vs ${sumPss}`);
      const ref = readSmapsReference(readFixtureText(fixture, 'smaps_rollup'))[0]!;
      assert.deepEqual(rollup, { start: ref.start, end: ref.end, fields: ref.fields });
      assert.equal(rollup.start, parsed[0]!.start);
    });
  }

  test('kthreadd: empty smaps → no mappings; its (empty) rollup is refused with a clear error', () => {
    assert.deepEqual(parseSmaps(readFixture('kthreadd', 'smaps')), []);
    assert.throws(() => parseSmapsRollup(readFixture('kthreadd', 'smaps_rollup')), (e: unknown) => e instanceof ProcParseError && /empty/.test(e.message));
  });

  test('odd-paths: the 1 MiB anonymous region the subject touched 100 pages of has Rss = Anonymous = 400 kB', () => {
    const anon = readSubjectReport(readFixtureText('odd-paths', 'subject-output.txt')).get('anon')!;
    const m = parseSmaps(readFixture('odd-paths', 'smaps')).find((x) => x.start === anon.start);
    assert.ok(m !== undefined);
    assert.equal(m.smaps!['Size'], anon.sizeKb);
    assert.equal(anon.touchedKb, 400);
    assert.equal(m.smaps!['Rss'], 400);
    assert.equal(m.smaps!['Anonymous'], 400);
  });

  test('VmFlags is a word list; equal lists are shared and frozen', () => {
    const parsed = parseSmaps(readFixture('node-idle', 'smaps'));
    const first = parsed[0]!.smaps!['VmFlags'];
    assert.ok(Array.isArray(first));
    const same = parsed.filter((m) => String(m.smaps!['VmFlags']) === String(first));
    assert.ok(same.length > 1, 'fixture has repeated VmFlags');
    assert.ok(same.every((m) => m.smaps!['VmFlags'] === first));
    assert.ok(Object.isFrozen(first));
  });

  test('bytes inside a larger reused buffer parse the same as alone', () => {
    const alone = readFixture('node-idle', 'smaps');
    const big = Buffer.alloc(alone.length + 4096, 0x61);
    Buffer.from(alone).copy(big, 1001); // odd offset: the 4-byte reads must not assume alignment
    assert.deepEqual(parseSmaps(big.subarray(1001, 1001 + alone.length)), parseSmaps(alone));
  });
});

describe('parseSmaps: fields beyond the known table, and mappings that differ', () => {
  const header = (start: string) => `${start}-${(BigInt(`0x${start}`) + 0x1000n).toString(16)} rw-p 00000000 00:00 0 \n`;

  test('every SMAPS_FIELDS key is stored under its own name (through the template path too), in any order', () => {
    const keys = SMAPS_FIELDS.map((f) => f.key);
    const line = (k: string, i: number) => (k === 'VmFlags' ? `${k}: rd wr \n` : `${k}:   ${i + 1} kB\n`);
    const body = keys.map(line).join('');
    const reversed = keys.map(line).reverse().join('');
    const parsed = parseSmaps(Buffer.from(header('7f0000000000') + body + header('7f0000002000') + body + header('7f0000004000') + reversed));
    for (const m of parsed) {
      assert.equal(Object.keys(m.smaps!).length, keys.length);
      keys.forEach((k, i) => assert.deepEqual(m.smaps![k], k === 'VmFlags' ? ['rd', 'wr'] : i + 1, k));
    }
    assert.deepEqual(Object.keys(parsed[2]!.smaps!), [...keys].reverse(), 'the keys in the order printed');
  });

  test('unknown future fields survive: numbers as numbers, anything else as its words', () => {
    const text =
      header('7f0000000000') +
      'Size:                  4 kB\nFutureThing:        12 kB\nFutureCount:    7\nFutureMode:     strict lazy \nFutureOdd:   12 MB\nVmFlags: rd wr \n' +
      header('7f0000002000') +
      'Size:                  4 kB\nFutureThing:        13 kB\nFutureCount:    8\nFutureMode:     off\nFutureOdd:   1x\nVmFlags: rd \n';
    const [a, b] = parseSmaps(Buffer.from(text));
    assert.deepEqual(a!.smaps, { Size: 4, FutureThing: 12, FutureCount: 7, FutureMode: ['strict', 'lazy'], FutureOdd: ['12', 'MB'], VmFlags: ['rd', 'wr'] });
    assert.deepEqual(b!.smaps, { Size: 4, FutureThing: 13, FutureCount: 8, FutureMode: ['off'], FutureOdd: ['1x'], VmFlags: ['rd'] });
  });

  test('a mapping missing a field, or with an extra one, gets exactly the keys it printed', () => {
    const text =
      header('7f0000000000') +
      'Size:                  4 kB\nRss:                   4 kB\nSwap:                  0 kB\n' +
      header('7f0000002000') +
      'Size:                  4 kB\nSwap:                  0 kB\n' + // no Rss
      header('7f0000004000') +
      'Size:                  4 kB\nRss:                   0 kB\nProtectionKey:         0\nSwap:                  1 kB\n' +
      header('7f0000006000') +
      'Size:                  4 kB\nRss:                   4 kB\nSwap:                  2 kB\n';
    const parsed = parseSmaps(Buffer.from(text)).map((m) => m.smaps);
    assert.deepEqual(parsed, [
      { Size: 4, Rss: 4, Swap: 0 },
      { Size: 4, Swap: 0 },
      { Size: 4, Rss: 0, ProtectionKey: 0, Swap: 1 },
      { Size: 4, Rss: 4, Swap: 2 },
    ]);
    assert.deepEqual(Object.keys(parsed[1]!), ['Size', 'Swap']);
  });
});

describe('parseSmaps: malformed input', () => {
  const text = readFixtureText('node-idle', 'smaps');
  const lines = text.split('\n');

  test('a field line before any header: line 1', () => {
    assert.throws(() => parseSmaps(Buffer.from(`Rss:   4 kB\n${text}`)), (e: unknown) => e instanceof ProcParseError && e.line === 1 && /before any mapping header/.test(e.message));
  });

  test('a line that is neither header nor "Key:" names its line', () => {
    const n = 30;
    const broken = lines.map((l, i) => (i === n - 1 ? l.replace(':', '') : l)).join('\n');
    assert.throws(() => parseSmaps(Buffer.from(broken)), (e: unknown) => e instanceof ProcParseError && e.line === n && /Key: value/.test(e.message));
  });

  test('a broken header inside smaps names its line', () => {
    const n = lines.findIndex((l, i) => i > 100 && /^[0-9a-f]+-/.test(l)) + 1;
    const broken = lines.map((l, i) => (i === n - 1 ? l.replace(/ [-r][-w][-x][ps] /, ' r?xp ') : l)).join('\n');
    assert.throws(() => parseSmaps(Buffer.from(broken)), (e: unknown) => e instanceof ProcParseError && e.file === 'smaps' && e.line === n && /permissions/.test(e.message));
  });

  test('cut in the middle of a line: truncated, naming the last line', () => {
    const cut = text.slice(0, text.length - 5);
    assert.throws(() => parseSmaps(Buffer.from(cut)), (e: unknown) => e instanceof ProcParseError && e.line === lines.length - 1 && /truncated/.test(e.message));
  });

  test('cut at a line end inside the last mapping: truncated (fewer fields than the others)', () => {
    const cut = `${lines.slice(0, lines.length - 6).join('\n')}\n`;
    assert.throws(() => parseSmaps(Buffer.from(cut)), (e: unknown) => e instanceof ProcParseError && /truncated: the last mapping has \d+ of the \d+ fields/.test(e.message));
  });

  test('a key named __proto__ is refused rather than turned into a prototype', () => {
    const bad = '7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \n__proto__:   4 kB\n';
    assert.throws(() => parseSmaps(Buffer.from(bad)), (e: unknown) => e instanceof ProcParseError && e.line === 2);
  });

  test('a rollup with two headers, or a non-[rollup] header, is refused', () => {
    const rollup = readFixtureText('node-idle', 'smaps_rollup');
    assert.throws(() => parseSmapsRollup(Buffer.from(rollup + rollup)), /exactly one "\[rollup\]"/);
    assert.throws(() => parseSmapsRollup(Buffer.from(rollup.replace('[rollup]', '[heap]'))), /exactly one "\[rollup\]"/);
  });
});
