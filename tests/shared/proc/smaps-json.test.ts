// shared/proc/smaps-json.ts against the object path it replaces for `memscope maps --json`:
// JSON.stringify(parseSmaps(bytes)) byte for byte, sumSmapsAmounts and checkVmSize, on the same bytes
// (captured fixtures, edited fixtures, seeded mutations, live processes), then the CLI's whole document.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMappingsCore, readMappingsJson } from '../../../electron/host/proc/mappings-reader.js';
import { ProcReader } from '../../../electron/host/proc/proc-reader.js';
import { ProcParseError } from '../../../shared/proc/parse-error.js';
import { parseSmaps } from '../../../shared/proc/smaps.js';
import { sumSmapsAmounts } from '../../../shared/proc/smaps-fields.js';
import { writeSmapsJson } from '../../../shared/proc/smaps-json.js';
import { checkVmSize } from '../../../shared/proc/vmsize.js';
import { createRng } from '../../../shared/sim/rng.js';
import { buildHarness } from '../../helpers/c-build.js';
import { runMemscope } from '../../helpers/cli.js';
import { PROC_FIXTURES } from '../../helpers/paths.js';
import { readFixture, readFixtureExe } from '../../helpers/proc-reference.js';
import { spawnUntilReady } from '../../helpers/ready-harness.js';

const FIXTURES = readdirSync(PROC_FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

function exeOf(fixture: string): string | null {
  try {
    return readFixtureExe(fixture);
  } catch {
    return null; // kthreadd: a kernel thread has no exe
  }
}

function encode(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

/**
 * The fast writer against the object path on the same bytes: the JSON bytes are JSON.stringify's,
 * totals are sumSmapsAmounts' (values and key order), the sums are checkVmSize's.
 */
function assertSameAsObjectPath(bytes: Uint8Array, exe: string | null, what: string): void {
  const mappings = parseSmaps(bytes, exe);
  const fast = writeSmapsJson(bytes, exe);
  assert.ok(fast !== null, `${what}: the fast path took these bytes`);
  const expected = Buffer.from(JSON.stringify(mappings), 'utf8');
  if (!expected.equals(fast.json)) {
    const got = Buffer.from(fast.json);
    let i = 0;
    while (i < got.length && got[i] === expected[i]) i++;
    assert.fail(`${what}: JSON differs at byte ${i}: …${got.subarray(i - 80, i + 80).toString()}… expected …${expected.subarray(i - 80, i + 80).toString()}…`);
  }
  assert.deepEqual(JSON.parse(Buffer.from(fast.json).toString('utf8')), JSON.parse(JSON.stringify(mappings)), what);
  assert.equal(fast.mappingCount, mappings.length, what);
  const totals = sumSmapsAmounts(mappings);
  assert.equal(JSON.stringify(fast.totals), JSON.stringify(totals), `${what}: totals, in sumSmapsAmounts' key order`);
  const vmSize = checkVmSize(mappings, 0);
  assert.deepEqual({ sumKb: fast.sumKb, vsyscallKb: fast.vsyscallKb }, { sumKb: vmSize.sumKb, vsyscallKb: vmSize.vsyscallKb }, what);
  // Written over (a copy of) the input: the same result, whether or not the text moved over it.
  const scratch = new Uint8Array(bytes);
  const over = writeSmapsJson(scratch, exe, { overwriteInput: true });
  assert.ok(over !== null, `${what}: overwriteInput`);
  assert.ok(expected.equals(over.json), `${what}: overwriteInput writes the same JSON`);
  assert.equal(JSON.stringify(over.totals), JSON.stringify(totals), `${what}: overwriteInput totals`);
  assert.deepEqual([over.mappingCount, over.sumKb, over.vsyscallKb], [fast.mappingCount, fast.sumKb, fast.vsyscallKb], what);
}

/** Whether writeSmapsJson with overwriteInput wrote its text over the input (its json aliases it). */
function writesOverInput(bytes: Uint8Array, exe: string | null): boolean {
  const scratch = new Uint8Array(bytes);
  return writeSmapsJson(scratch, exe, { overwriteInput: true })?.json.buffer === scratch.buffer;
}

/** The fixture's smaps `times` times over, each copy at addresses 2^36 higher (kernel-like text of any size). */
function repeatFixture(fixture: string, times: number): Uint8Array {
  const text = Buffer.from(readFixture(fixture, 'smaps')).toString('latin1');
  let out = '';
  for (let i = 0; i < times; i++) {
    out += text.replace(/^([0-9a-f]+)-([0-9a-f]+) /gm, (_line, start: string, end: string) => {
      const shift = (a: string): string => (BigInt(`0x${a}`) + (BigInt(i) << 36n)).toString(16).padStart(a.length, '0');
      return start.length > 12 ? `${start}-${end} ` : `${shift(start)}-${shift(end)} `;
    });
  }
  return encode(out);
}

/** Both paths throw the same ProcParseError (same line, same message) on these bytes. */
function assertSameError(bytes: Uint8Array, exe: string | null, what: string): ProcParseError {
  let expected: unknown;
  try {
    parseSmaps(bytes, exe);
  } catch (err) {
    expected = err;
  }
  assert.ok(expected instanceof ProcParseError, `${what}: parseSmaps refuses it`);
  assert.throws(
    () => writeSmapsJson(bytes, exe),
    (err: unknown) => err instanceof ProcParseError && err.message === expected.message && err.line === expected.line,
    what,
  );
  return expected;
}

/** One mapping of smaps text laid out as the kernel prints it (keys padded to 16 columns, numbers to 8): a few fields, and the caller's. */
function mappingText(header: string, fields: Record<string, string> = {}): string {
  const defaults: Record<string, string> = {
    Size: '4 kB',
    KernelPageSize: '4 kB',
    MMUPageSize: '4 kB',
    Rss: '4 kB',
    Pss: '4 kB',
    Swap: '0 kB',
    THPeligible: '0',
    VmFlags: 'rd wr mr mw me ac ',
  };
  const merged = { ...defaults, ...fields };
  return `${header}\n${Object.entries(merged)
    .map(([k, v]) => `${k}:${' '.repeat(Math.max(1, 16 - k.length - 1))}${v.padStart(v.endsWith(' kB') ? 11 : 8)}`)
    .join('\n')}\n`;
}

/** Three mappings of 9 fields each whose keys differ: a number in one mapping is words in another, Xss stands where Rss was. */
const IRREGULAR_KEYS =
  mappingText('00010000-00011000 rw-p 00000000 00:00 0 ', { Extra: 'a b' }) +
  mappingText('00011000-00012000 rw-p 00000000 00:00 0 ', { Extra: '5 kB' }) +
  mappingText('00012000-00013000 rw-p 00000000 00:00 0 ', { Extra: '1 kB' }).replace('Rss:', 'Xss:');

/** Two mappings with keys that Object.prototype also has. */
const PROTOTYPE_KEYS =
  mappingText('00010000-00011000 rw-p 00000000 00:00 0 ', { constructor: '4 kB', toString: '8 kB' }) +
  mappingText('00011000-00012000 rw-p 00000000 00:00 0 ', { constructor: '4 kB', toString: '8 kB' });

describe('writeSmapsJson on captured /proc/PID/smaps', () => {
  test('the fixtures include the three cases the README lists, kthreadd\'s smaps empty', () => {
    for (const fixture of ['kthreadd', 'node-idle', 'odd-paths']) assert.ok(FIXTURES.includes(fixture), fixture);
    assert.equal(readFixture('kthreadd', 'smaps').length, 0);
  });
  for (const fixture of FIXTURES) {
    test(`${fixture}: the same bytes as JSON.stringify(parseSmaps()), the same totals and VmSize sums`, () => {
      assertSameAsObjectPath(readFixture(fixture, 'smaps'), exeOf(fixture), fixture);
    });
  }
  test('kthreadd: an empty smaps is the empty list', () => {
    const fast = writeSmapsJson(readFixture('kthreadd', 'smaps'), null);
    assert.equal(Buffer.from(fast!.json).toString(), '[]');
    assert.deepEqual(fast!.totals, {});
  });
  test('odd-paths: spaces, "(deleted)", UTF-8 and the kernel\'s \\012 come out as the parser reads them; bss and shm kinds too', () => {
    const fast = writeSmapsJson(readFixture('odd-paths', 'smaps'), exeOf('odd-paths'));
    const list = JSON.parse(Buffer.from(fast!.json).toString('utf8')) as { path: string; kind: string }[];
    const paths = list.map((m) => m.path);
    for (const p of ['/tmp/x y/a file (1).bin', '/tmp/x y/café ✓.bin', '/tmp/x y/new\\012line.bin', '/tmp/x y/gone soon.bin (deleted)']) {
      assert.ok(paths.includes(p), p);
    }
    assert.ok(list.some((m) => m.kind === 'bss'));
    assert.ok(list.some((m) => m.kind === 'shm' && m.path === '/dev/zero (deleted)'));
    assert.equal(fast!.vsyscallKb, 4);
  });
});

describe('writeSmapsJson on edited smaps text', () => {
  const exe = '/usr/bin/x';
  const odd = ['"', '\\', '\t', '\x01', '\x1f', '\x7f', 'é', '✓', '𝄞', '\u2028'];

  test('paths with quotes, backslashes, control characters and UTF-8 (1 to 4 bytes) are escaped as JSON.stringify does', () => {
    let text = '';
    let address = 0x10000;
    for (const c of odd) {
      const start = address.toString(16).padStart(8, '0');
      address += 0x1000;
      text += mappingText(`${start}-${address.toString(16).padStart(8, '0')} r--p 00000000 fe:00 42                         /tmp/a${c}b ${c}${c}`);
    }
    assertSameAsObjectPath(new Uint8Array(Buffer.from(text, 'utf8')), exe, 'odd characters');
  });

  test('bytes that are not UTF-8 become U+FFFD exactly where the parser\'s decoder puts them', () => {
    const bad = [[0xff], [0xc3], [0xe2, 0x9c], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf0, 0x9d, 0x84], [0x80, 0x41], [0xe2, 0x28, 0xa1]];
    const parts: number[] = [];
    bad.forEach((seq, i) => {
      const start = (0x10000 + i * 0x1000).toString(16).padStart(8, '0');
      const end = (0x11000 + i * 0x1000).toString(16).padStart(8, '0');
      parts.push(...Buffer.from(`${start}-${end} r--p 00000000 fe:00 42                         /tmp/x`, 'latin1'), ...seq, ...Buffer.from('y', 'latin1'));
      parts.push(...Buffer.from(mappingText('').slice(1), 'latin1'));
    });
    assertSameAsObjectPath(new Uint8Array(parts), exe, 'ill-formed UTF-8');
  });

  test('unknown keys, textual values, tabs, "N " and bare numbers, leading zeros, 16+ digit and overflowing numbers', () => {
    const huge = '9'.repeat(400);
    const text =
      mappingText('00010000-00011000 rw-p 00000000 00:00 0 ', { FutureKb: '12 kB', Note: 'a "b" c\\d é', Tabbed: '\t4 kB', Spaced: '5 ', Bare: '7' }) +
      mappingText('00011000-00012000 rw-p 00000000 00:00 0 ', { FutureKb: '007 kB', Note: '', Tabbed: '12345678901234567 kB', Spaced: `${huge} kB`, Bare: '00' });
    assertSameAsObjectPath(encode(text), exe, 'unusual values');
  });

  test('mappings printing fewer fields, other orders, and a field that is a number here and words there: totals as sumSmapsAmounts', () => {
    const text =
      mappingText('00010000-00011000 rw-p 00000000 00:00 0 ', { Extra: '3 kB' }) +
      mappingText('00011000-00012000 rw-p 00000000 00:00 0 ', { Extra: 'not a number' }) +
      mappingText('00012000-00013000 rw-p 00000000 00:00 0 ').replace('Rss:', 'Xss:') +
      mappingText('00013000-00014000 rw-p 00000000 00:00 0 ').replace(/Pss: .*\n/, '') +
      mappingText('00014000-00015000 rw-p 00000000 00:00 0 ', { Extra: '5 kB' }).replace(/(Size: .*\n)(KernelPageSize: .*\n)/, '$2$1');
    assertSameAsObjectPath(encode(text), exe, 'changing shapes');
    assertSameAsObjectPath(encode(IRREGULAR_KEYS), exe, 'other keys in the same number of fields');
    assertSameAsObjectPath(encode(PROTOTYPE_KEYS), exe, 'keys Object.prototype also has');
  });

  test('the executable\'s text, data and bss, and [vsyscall] outside the VmSize sum', () => {
    const text =
      mappingText(`00400000-00401000 r-xp 00000000 fe:00 7                          ${exe}`) +
      mappingText(`00401000-00402000 rw-p 00001000 fe:00 7                          ${exe}`) +
      mappingText('00402000-00404000 rw-p 00000000 00:00 0 ') +
      mappingText('ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]');
    assertSameAsObjectPath(encode(text), exe, 'exe and vsyscall');
    const fast = writeSmapsJson(encode(text), exe)!;
    assert.deepEqual([fast.sumKb, fast.vsyscallKb], [16, 4]);
  });

  test('what a JS object would not keep as printed (a key twice, a key of digits) is left to parseSmaps: null', () => {
    const twice = mappingText('00010000-00011000 rw-p 00000000 00:00 0 ').replace('Pss:', 'Rss:');
    const digits = mappingText('00010000-00011000 rw-p 00000000 00:00 0 ', { '123': '4 kB' });
    const backwards = mappingText('00012000-00011000 rw-p 00000000 00:00 0 ');
    for (const [what, text] of [['twice', twice], ['digits', digits], ['end below start', backwards]] as const) {
      const bytes = encode(text);
      assert.doesNotThrow(() => parseSmaps(bytes, exe), what);
      assert.equal(writeSmapsJson(bytes, exe), null, what);
    }
  });

  test('malformed input throws parseSmaps\' ProcParseError, naming the same line', () => {
    const whole = readFixture('odd-paths', 'smaps');
    const text = Buffer.from(whole).toString('latin1');
    const cut = assertSameError(whole.subarray(0, whole.length - 7), exe, 'cut mid-line');
    assert.match(cut.message, /^smaps line 875: truncated/);
    const lastHeader = text.lastIndexOf('\nffffffffff600000');
    const shortLast = encode(`${text.slice(0, text.indexOf('\n', lastHeader + 1) + 1)}Size:                  4 kB\n`);
    assert.match(assertSameError(shortLast, exe, 'last mapping cut at a line end').message, /truncated: the last mapping has 1 of the 24 fields/);
    assert.match(assertSameError(encode(`Rss: 4 kB\n${text}`), exe, 'field before header').message, /line 1: field line before any mapping header/);
    assert.match(assertSameError(encode(text.replace('r-xp', 'r-zp')), exe, 'bad perms').message, /line 26: permissions/);
    assert.match(assertSameError(encode(text.replace('KSM:', 'KSM ')), exe, 'no colon').message, /expected "Key: value"/);
    assert.match(assertSameError(encode(text.replace('KSM:', '__proto__:')), exe, '__proto__').message, /__proto__/);
  });

  test('overwriteInput on a large text: the JSON moves over the input and comes out the same', () => {
    const big = repeatFixture('odd-paths', 12);
    assert.ok(writesOverInput(big, exeOf('odd-paths')), 'the text moved over the input');
    assertSameAsObjectPath(big, exeOf('odd-paths'), 'odd-paths ×12');
  });

  test('overwriteInput: text that would overtake the reading moves to a buffer of its own, still the same JSON', () => {
    // After 400 KB of ordinary mappings, one whose path is 100 KB of control characters (600 KB of JSON).
    const ordinary = Buffer.from(repeatFixture('node-idle', 6)).toString('latin1');
    const fields = ordinary.slice(ordinary.indexOf('\n') + 1, ordinary.indexOf('\nVmFlags:') + 1) + 'VmFlags: rd mr mw me \n';
    const path = `/tmp/${'\x01'.repeat(100_000)}`;
    const text =
      `${ordinary}7ff000000000-7ff000001000 r--p 00000000 fe:00 9                          ${path}\n${fields}` +
      `7ff000001000-7ff000002000 rw-p 00000000 00:00 0 \n${fields}`;
    const bytes = encode(text);
    assert.ok(writesOverInput(encode(ordinary), exeOf('node-idle')), 'the ordinary part alone moves over the input');
    assert.ok(!writesOverInput(bytes, exeOf('node-idle')), 'the text left the input');
    assertSameAsObjectPath(bytes, exeOf('node-idle'), 'overtaking text');
  });

  test('overwriteInput: once the input is overwritten, bytes parseSmaps must see give null (read again), never a wrong text', () => {
    const whole = repeatFixture('node-idle', 8);
    assert.ok(writesOverInput(whole, exeOf('node-idle')));
    const big = Buffer.from(whole).toString('latin1');
    const late = big.lastIndexOf('KSM:');
    for (const [what, text] of [
      ['a key twice, late', `${big.slice(0, late)}Rss:${big.slice(late + 4)}`],
      ['malformed, late', `${big.slice(0, late)}KSM ${big.slice(late + 4)}`],
      ['cut short, late', big.slice(0, big.lastIndexOf('\nSize:') + 1)],
    ] as const) {
      const bytes = encode(text);
      assert.equal(writeSmapsJson(new Uint8Array(bytes), exeOf('node-idle'), { overwriteInput: true }), null, what);
    }
  });

  test('seeded mutations of the fixtures: the same bytes, the same error, or (rarely) null with parseSmaps accepting', () => {
    const rng = createRng(20251126);
    const alphabet = [0x22, 0x5c, 0x09, 0x3a, 0x20, 0x0a, 0x30, 0x31, 0x39, 0x61, 0x6b, 0x42, 0x2d, 0x80, 0xc3, 0xa9, 0xe2, 0xed, 0xf0, 0xff];
    let same = 0;
    let errors = 0;
    let nulls = 0;
    for (let round = 0; round < 400; round++) {
      const fixture = round % 2 === 0 ? 'odd-paths' : 'node-idle';
      const bytes = Array.from(readFixture(fixture, 'smaps'));
      for (let edits = rng.nextInt(1, 4); edits > 0; edits--) {
        const at = rng.nextInt(0, bytes.length);
        const op = rng.nextInt(0, 3);
        if (op === 0) bytes.splice(at, 0, alphabet[rng.nextInt(0, alphabet.length)]!);
        else if (op === 1) bytes.splice(at, 1);
        else bytes[at] = alphabet[rng.nextInt(0, alphabet.length)]!;
      }
      const input = new Uint8Array(bytes);
      const exe = exeOf(fixture);
      let objectError: unknown;
      try {
        parseSmaps(input, exe);
      } catch (err) {
        objectError = err;
      }
      if (objectError !== undefined) {
        assertSameError(input, exe, `round ${round}`);
        errors++;
      } else if (writeSmapsJson(input, exe) === null) {
        nulls++;
      } else {
        assertSameAsObjectPath(input, exe, `round ${round}`);
        same++;
      }
    }
    assert.ok(same > 100 && errors > 50, `same ${same}, errors ${errors}, null ${nulls}`);
    assert.ok(nulls < 40, `null ${nulls}`);
  });
});

describe('writeSmapsJson with overwriteInput on seeded mutations past the point where it overwrites', () => {
  test('the same bytes as the object path, or null when parseSmaps must decide; never a wrong text', () => {
    const rng = createRng(4242);
    const exe = exeOf('node-idle');
    const base = Array.from(repeatFixture('node-idle', 8));
    const alphabet = [0x22, 0x5c, 0x09, 0x3a, 0x20, 0x0a, 0x30, 0x39, 0x61, 0x6b, 0x42, 0x2d, 0xc3, 0xff];
    let same = 0;
    let nulls = 0;
    for (let round = 0; round < 60; round++) {
      const bytes = base.slice();
      const at = rng.nextInt(bytes.length >> 1, bytes.length);
      bytes[at] = alphabet[rng.nextInt(0, alphabet.length)]!;
      const input = new Uint8Array(bytes);
      let expected: string | null = null;
      try {
        expected = JSON.stringify(parseSmaps(input, exe));
      } catch {
        // parseSmaps refuses it: overwriteInput must give null (or throw the same, had it not overwritten yet)
      }
      let over: ReturnType<typeof writeSmapsJson> = null;
      try {
        over = writeSmapsJson(new Uint8Array(input), exe, { overwriteInput: true });
      } catch (err) {
        assert.ok(err instanceof ProcParseError && expected === null, `round ${round}: ${String(err)}`);
        continue;
      }
      if (over === null) {
        nulls++;
        continue;
      }
      assert.ok(expected !== null, `round ${round}: text for bytes parseSmaps refuses`);
      assert.equal(Buffer.from(over.json).toString('utf8'), expected, `round ${round}`);
      same++;
    }
    assert.ok(same > 20 && nulls > 0, `same ${same}, null ${nulls}`);
  });
});

/** Reads /proc/PID/smaps whole into a fresh buffer (one read of the kernel's text for both paths). */
function readSmapsOnce(pid: number | 'self'): Uint8Array {
  return new Uint8Array(readFileSync(`/proc/${pid}/smaps`));
}

describe('writeSmapsJson on live processes (smaps read once, both paths on the same bytes)', () => {
  const children: ChildProcess[] = [];
  let dir: string;
  after(() => {
    for (const child of children) child.kill('SIGKILL');
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  test('this test process', () => {
    assertSameAsObjectPath(readSmapsOnce('self'), readlinkSync('/proc/self/exe'), 'self');
  });

  test('a subject with 3000 mappings', async () => {
    const { child } = await spawnUntilReady(buildHarness('many-maps.c'), ['3000']);
    children.push(child);
    const bytes = readSmapsOnce(child.pid!);
    const fast = writeSmapsJson(bytes, readlinkSync(`/proc/${child.pid}/exe`));
    assert.ok(fast !== null && fast.mappingCount > 3000);
    assertSameAsObjectPath(bytes, readlinkSync(`/proc/${child.pid}/exe`), 'many-maps');
  });

  test('a subject whose paths hold a double quote, a backslash, UTF-8, spaces and a newline', async () => {
    dir = mkdtempSync(join(tmpdir(), 'memscope json '));
    const odd = join(dir, 'q"b\\s é ✓ (x)');
    const { child } = await spawnUntilReady(buildHarness('odd-paths.c'), [odd]);
    children.push(child);
    const bytes = readSmapsOnce(child.pid!);
    assert.ok(Buffer.from(bytes).includes(Buffer.from(`${odd}/new\\012line.bin`, 'utf8')), 'the kernel printed the odd directory');
    assertSameAsObjectPath(bytes, readlinkSync(`/proc/${child.pid}/exe`), 'odd-paths');
  });
});

describe('readMappingsJson and `memscope maps PID --json`: the document readMappingsCore gives', () => {
  let root: string;
  before(() => {
    // A /proc copy made of the fixtures: both readers see the same bytes, so the documents must be equal byte for byte.
    root = mkdtempSync(join(tmpdir(), 'memscope proc '));
    FIXTURES.forEach((fixture, i) => {
      const pidDir = join(root, String(100 + i));
      mkdirSync(pidDir);
      for (const file of ['smaps', 'smaps_rollup', 'status']) writeFileSync(join(pidDir, file), readFixture(fixture, file));
      const exe = exeOf(fixture);
      if (exe !== null) symlinkSync(exe, join(pidDir, 'exe'));
    });
    // Irregular smaps (a key printed twice) go through the object path: still the same document.
    const twice = join(root, '200');
    mkdirSync(twice);
    writeFileSync(join(twice, 'smaps'), mappingText('00010000-00011000 rw-p 00000000 00:00 0 ').replace('Pss:', 'Rss:'));
    writeFileSync(join(twice, 'smaps_rollup'), readFixture('odd-paths', 'smaps_rollup'));
    writeFileSync(join(twice, 'status'), readFixture('odd-paths', 'status'));
    // Mappings printing other keys in the same number of fields; keys named like Object.prototype's members.
    for (const [pid, text] of [[400, IRREGULAR_KEYS], [401, PROTOTYPE_KEYS]] as const) {
      const pidDir = join(root, String(pid));
      mkdirSync(pidDir);
      writeFileSync(join(pidDir, 'smaps'), text);
      writeFileSync(join(pidDir, 'smaps_rollup'), readFixture('odd-paths', 'smaps_rollup'));
      writeFileSync(join(pidDir, 'status'), readFixture('odd-paths', 'status'));
    }
    // Large enough for the JSON to be written over the smaps bytes; then the same with a key twice
    // and with a malformed line near the end (found only after the bytes were overwritten).
    const big = Buffer.from(repeatFixture('node-idle', 8)).toString('latin1');
    const late = big.lastIndexOf('KSM:');
    for (const [pid, text] of [
      [300, big],
      [301, `${big.slice(0, late)}Rss:${big.slice(late + 4)}`],
      [302, `${big.slice(0, late)}KSM ${big.slice(late + 4)}`],
    ] as const) {
      const pidDir = join(root, String(pid));
      mkdirSync(pidDir);
      writeFileSync(join(pidDir, 'smaps'), encode(text));
      for (const file of ['smaps_rollup', 'status']) writeFileSync(join(pidDir, file), readFixture('node-idle', file));
      symlinkSync(exeOf('node-idle')!, join(pidDir, 'exe'));
    }
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('fixtures as /proc: byte for byte JSON.stringify(readMappingsCore())', () => {
    assert.ok(writesOverInput(readFileSync(join(root, '300', 'smaps')), exeOf('node-idle')), 'pid 300: written over the smaps bytes');
    for (const pid of [...FIXTURES.map((_fixture, i) => 100 + i), 200, 300, 301, 400, 401]) {
      const reader = new ProcReader(root);
      const parts = readMappingsJson(reader, pid);
      const document = Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part))));
      assert.equal(document.toString('utf8'), JSON.stringify(readMappingsCore(new ProcReader(root), pid)), `pid ${pid}`);
    }
  });

  test('totals hold every number of an additive key, whatever the other mappings print (FORMAT.md "totals"), on both paths', () => {
    // Each mapping prints 9 fields: Extra is words in the first; the third prints Xss where the others print Rss.
    const irregular = { Size: 12, Rss: 8, Pss: 12, Swap: 0, Extra: 6, Xss: 4 };
    const prototypeNamed = { Size: 8, Rss: 8, Pss: 8, Swap: 0, constructor: 8, toString: 16 };
    for (const [pid, expected] of [[400, irregular], [401, prototypeNamed]] as const) {
      const core = readMappingsCore(new ProcReader(root), pid);
      assert.equal(JSON.stringify(core.totals), JSON.stringify(expected), `pid ${pid}: readMappingsCore, values and key order`);
      const parts = readMappingsJson(new ProcReader(root), pid);
      const document = JSON.parse(Buffer.concat(parts.map((part) => Buffer.from(part))).toString('utf8')) as { totals: unknown };
      assert.deepEqual(document.totals, expected, `pid ${pid}: readMappingsJson`);
    }
  });

  test('a malformed line found after the smaps bytes were overwritten: readMappingsCore\'s ProcParseError', () => {
    let expected: unknown;
    try {
      readMappingsCore(new ProcReader(root), 302);
    } catch (err) {
      expected = err;
    }
    assert.ok(expected instanceof ProcParseError);
    assert.throws(() => readMappingsJson(new ProcReader(root), 302), (err: unknown) => err instanceof ProcParseError && err.message === expected.message);
  });

  let child: ChildProcess;
  before(async () => {
    // Statically linked: no shared library whose Pss moves when other processes start or exit.
    child = (await spawnUntilReady(buildHarness('many-maps.c', ['-static']), ['500'])).child;
  });
  after(() => child.kill('SIGKILL'));

  test('the CLI on an idle subject: deep-equal to JSON.parse(JSON.stringify(readMappingsCore())) read just before and after', () => {
    const pid = child.pid!;
    const readCore = (): string => JSON.stringify(readMappingsCore(new ProcReader(), pid));
    // An idle subject's smaps does not change; should anything move it anyway (e.g. THP), a reading
    // that differs before and after the CLI is not a comparison, so it is taken again.
    for (let attempt = 1; attempt <= 5; attempt++) {
      const beforeCore = readCore();
      const r = runMemscope(['maps', String(pid), '--json']);
      const afterCore = readCore();
      assert.equal(r.code, 0, r.stderr);
      if (beforeCore !== afterCore) continue;
      assert.ok(r.stdout.endsWith('}\n'));
      const cli = JSON.parse(r.stdout) as { mappings: unknown[] };
      assert.ok(cli.mappings.length > 500);
      assert.deepEqual(cli, JSON.parse(beforeCore));
      assert.equal(r.stdout, `${beforeCore}\n`, 'and the same text, key order included');
      return;
    }
    assert.fail('the subject\'s smaps changed around each of 5 CLI runs');
  });
});
