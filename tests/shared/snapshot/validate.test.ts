// validateSnapshot / parseSnapshotText: valid documents pass untouched; each defect is named by path and kind.
// Fixtures: tests/fixtures/snapshots/ (see its README).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApiError } from '../../../shared/errors.js';
import { parseSnapshotText } from '../../../shared/snapshot/parse-snapshot-text.js';
import { SnapshotError } from '../../../shared/snapshot/snapshot-error.js';
import { validateSnapshot } from '../../../shared/snapshot/validate.js';
import { REPO_ROOT } from '../../helpers/paths.js';
import { makeMapping, makeSnapshot } from './build-snapshot.js';

const FIXTURES = resolve(REPO_ROOT, 'tests/fixtures/snapshots');

function readFixture(name: string): string {
  return readFileSync(resolve(FIXTURES, name), 'utf8');
}

/** Runs fn, asserts it throws a SnapshotError, returns it. */
function catchSnapshotError(fn: () => unknown): SnapshotError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof SnapshotError, `expected SnapshotError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a SnapshotError, nothing was thrown');
}

type Doc = Record<string, unknown>;

/** A deep copy of a valid snapshot, as plain JSON, for mutation. */
function copyValid(): Doc {
  return JSON.parse(JSON.stringify(makeSnapshot())) as Doc;
}

/** The object at root[k1][k2]…, for mutating a JSON document in place. */
function dig(root: Doc, ...keys: (string | number)[]): Doc {
  let at: unknown = root;
  for (const k of keys) at = (at as Doc)[k];
  assert.ok(typeof at === 'object' && at !== null, `no object at ${keys.join('.')}`);
  return at as Doc;
}

describe('validateSnapshot: valid documents', () => {
  test('a snapshot built in the test passes and is returned as is (no copy)', () => {
    const s = makeSnapshot();
    assert.equal(validateSnapshot(s), s);
  });

  test('round trip: JSON text → parseSnapshotText → the same document', () => {
    const s = makeSnapshot();
    assert.deepEqual(parseSnapshotText(JSON.stringify(s, null, 2)), s);
  });

  test('the hand-written fixture valid.json passes, with its values intact', () => {
    const s = parseSnapshotText(readFixture('valid.json'));
    assert.equal(s.process.pid, 31337);
    assert.equal(s.mappings.length, 5);
    assert.equal(s.mappings[2]?.path, '[heap]');
    assert.deepEqual(s.mappings[2]?.smaps?.VmFlags, ['rd', 'wr', 'mr', 'mw', 'me', 'ac', 'sd']);
  });

  test('the example in shared/snapshot/FORMAT.md is a valid snapshot', () => {
    const doc = readFileSync(resolve(REPO_ROOT, 'shared/snapshot/FORMAT.md'), 'utf8');
    const example = /```json\n([\s\S]*?)```/.exec(doc);
    assert.ok(example !== null, 'no json example in the doc');
    const s = parseSnapshotText(example[1] as string);
    assert.equal(s.mappings[0]?.path, '[heap]');
  });

  test('optional and nullable parts: no smaps on a mapping, exe null, rollup null, empty lists', () => {
    const s = copyValid();
    delete dig(s, 'mappings', 0).smaps;
    dig(s, 'process').exe = null;
    s.rollup = null;
    dig(s, 'history').samples = [];
    s.restricted = ['smaps: permission denied'];
    assert.doesNotThrow(() => validateSnapshot(s));
  });

  test('unknown extra fields are allowed at every level (additive changes within version 1)', () => {
    const s = copyValid();
    s.futureField = { a: 1 };
    dig(s, 'host').cpuModel = 'x';
    dig(s, 'mappings', 1).protectionKey = 0;
    assert.doesNotThrow(() => validateSnapshot(s));
  });

  test('a leading byte-order mark is ignored', () => {
    assert.doesNotThrow(() => parseSnapshotText(`\ufeff${JSON.stringify(makeSnapshot())}`));
  });

  test('SnapshotError is an ApiError with code malformed, and its message starts with the path', () => {
    const e = catchSnapshotError(() => validateSnapshot({ format: 'memscope-snapshot', version: 1 }));
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 'malformed');
    assert.equal(e.path, 'createdAt');
    assert.match(e.message, /^snapshot createdAt: /);
  });
});

describe('parseSnapshotText: fixture files', () => {
  test('truncated.json: "truncated", at the end of the text (last line)', () => {
    const text = readFixture('truncated.json');
    const e = catchSnapshotError(() => parseSnapshotText(text));
    assert.equal(e.path, '');
    const lines = text.split('\n');
    const lastLine = lines.length;
    const column = (lines[lines.length - 1] as string).length + 1;
    assert.match(e.message, /^snapshot: truncated: unexpected end of JSON input/);
    assert.ok(e.message.includes(`line ${lastLine}, column ${column} (offset ${text.length})`), e.message);
    // The cut falls inside a string.
    assert.match(e.message, /expected '"' closing the string/);
  });

  test('not-json.txt: "not JSON" with the position of the first bad character', () => {
    // "5629e1a00000-…": "5629e1" is a complete JSON number (exponent form); "a" at offset 6 is junk.
    const e = catchSnapshotError(() => parseSnapshotText(readFixture('not-json.txt')));
    assert.equal(
      e.message,
      'snapshot: not JSON: unexpected character "a" at line 1, column 7 (offset 6); expected end of input',
    );
  });

  test('wrong-format.json: path format, names the expected format', () => {
    const e = catchSnapshotError(() => parseSnapshotText(readFixture('wrong-format.json')));
    assert.equal(e.path, 'format');
    assert.match(e.message, /expected "memscope-snapshot", got the string "memscope-snapshots"/);
  });

  test('version-2.json: path version, says which versions are supported', () => {
    const e = catchSnapshotError(() => parseSnapshotText(readFixture('version-2.json')));
    assert.equal(e.path, 'version');
    assert.match(e.message, /unsupported version 2/);
    assert.match(e.message, /reads version 1$/);
  });

  test('missing-mappings.json: path mappings, says it is missing', () => {
    const e = catchSnapshotError(() => parseSnapshotText(readFixture('missing-mappings.json')));
    assert.equal(e.path, 'mappings');
    assert.match(e.message, /expected an array, got nothing \(missing\)/);
  });

  test('bad-hex.json: upper-case address rejected at mappings[3].start', () => {
    const e = catchSnapshotError(() => parseSnapshotText(readFixture('bad-hex.json')));
    assert.equal(e.path, 'mappings[3].start');
    assert.match(e.message, /lowercase hex/);
    assert.match(e.message, /"7F1C3A200000"/);
  });
});

describe('parseSnapshotText: syntax errors', () => {
  test('empty and whitespace-only text is "not JSON: the file is empty"', () => {
    for (const text of ['', '  \n', '\ufeff']) {
      assert.equal(catchSnapshotError(() => parseSnapshotText(text)).message, 'snapshot: not JSON: the file is empty');
    }
  });

  test('a missing comma is "not JSON" at the right line and column', () => {
    const text = '{\n  "format": "memscope-snapshot"\n  "version": 1\n}';
    // Line 3 starts with two spaces; the offending '"' is at column 3.
    const e = catchSnapshotError(() => parseSnapshotText(text));
    assert.equal(e.message, `snapshot: not JSON: unexpected character "\\"" at line 3, column 3 (offset ${text.indexOf('"version"')}); expected ',' or '}'`);
  });

  test('every strict prefix of a valid document is reported as truncated at its end', () => {
    const text = JSON.stringify(makeSnapshot({ mappings: [makeMapping(0x1000n, 4, {})] }));
    for (let cut = 1; cut < text.length; cut += 7) {
      const prefix = text.slice(0, cut);
      const e = catchSnapshotError(() => parseSnapshotText(prefix));
      assert.ok(e.message.startsWith('snapshot: truncated:'), `cut ${cut}: ${e.message}`);
      assert.ok(e.message.includes(`(offset ${cut})`), `cut ${cut}: ${e.message}`);
    }
  });

  test('trailing junk after the document is not JSON', () => {
    const text = `${JSON.stringify(makeSnapshot())}\nx`;
    const e = catchSnapshotError(() => parseSnapshotText(text));
    assert.match(e.message, /^snapshot: not JSON: unexpected character "x" at line 2, column 1/);
  });
});

describe('validateSnapshot: each malformed value is named by its path', () => {
  const cases: { name: string; mutate: (s: Doc) => unknown; path: string; message: RegExp }[] = [
    { name: 'root not an object', mutate: () => [1], path: '', message: /expected an object, got a list/ },
    { name: 'root null', mutate: () => null, path: '', message: /got null/ },
    { name: 'format missing', mutate: (s) => { delete s.format; }, path: 'format', message: /got nothing \(missing\)/ },
    { name: 'version as a string', mutate: (s) => { s.version = '1'; }, path: 'version', message: /expected a number/ },
    { name: 'version 0', mutate: (s) => { s.version = 0; }, path: 'version', message: /unsupported version 0; this memscope reads version 1/ },
    { name: 'createdAt not ISO', mutate: (s) => { s.createdAt = 'yesterday'; }, path: 'createdAt', message: /ISO-8601/ },
    { name: 'createdAt without zone', mutate: (s) => { s.createdAt = '2025-01-31T12:00:00'; }, path: 'createdAt', message: /ISO-8601/ },
    { name: 'host missing', mutate: (s) => { delete s.host; }, path: 'host', message: /expected an object/ },
    { name: 'host.kernel a number', mutate: (s) => { dig(s, 'host').kernel = 6; }, path: 'host.kernel', message: /expected a string, got the number 6/ },
    { name: 'host.pageSizeBytes 0', mutate: (s) => { dig(s, 'host').pageSizeBytes = 0; }, path: 'host.pageSizeBytes', message: /integer >= 1/ },
    { name: 'host.memTotalKb fractional', mutate: (s) => { dig(s, 'host').memTotalKb = 1.5; }, path: 'host.memTotalKb', message: /integer/ },
    { name: 'process.pid negative', mutate: (s) => { dig(s, 'process').pid = -4; }, path: 'process.pid', message: /integer >= 1/ },
    { name: 'process.exe a number', mutate: (s) => { dig(s, 'process').exe = 5; }, path: 'process.exe', message: /string or null/ },
    { name: 'cmdline element', mutate: (s) => { dig(s, 'process').cmdline = ['a', 2]; }, path: 'process.cmdline[1]', message: /expected a string/ },
    { name: 'status value a number', mutate: (s) => { dig(s, 'process', 'status').VmRSS = 2048; }, path: 'process.status.VmRSS', message: /expected a string/ },
    { name: 'status key with a space', mutate: (s) => { dig(s, 'process', 'status')['Vm RSS'] = 1; }, path: 'process.status["Vm RSS"]', message: /expected a string/ },
    { name: 'metrics field missing', mutate: (s) => { delete dig(s, 'process', 'metrics').resKb; }, path: 'process.metrics.resKb', message: /missing/ },
    { name: 'metrics rowStatus unknown', mutate: (s) => { dig(s, 'process', 'metrics').rowStatus = 'dead'; }, path: 'process.metrics.rowStatus', message: /one of ok, gone, restricted/ },
    { name: 'metrics pid differs', mutate: (s) => { dig(s, 'process', 'metrics').pid = 1; }, path: 'process.metrics.pid', message: /is 1 but process.pid is 4242/ },
    { name: 'mappings an object', mutate: (s) => { s.mappings = {}; }, path: 'mappings', message: /expected an array, got an object/ },
    { name: 'mapping null', mutate: (s) => { dig(s, 'mappings')[2] = null; }, path: 'mappings[2]', message: /expected an object/ },
    { name: 'start with 0x', mutate: (s) => { dig(s, 'mappings', 0).start = '0x55d0c0a00000'; }, path: 'mappings[0].start', message: /without 0x/ },
    { name: 'end above 64 bits', mutate: (s) => { dig(s, 'mappings', 0).end = '10000000000000000'; }, path: 'mappings[0].end', message: /at most 16 digits/ },
    { name: 'end not above start', mutate: (s) => { dig(s, 'mappings', 1).end = dig(s, 'mappings', 1).start; }, path: 'mappings[1].end', message: /not above start/ },
    { name: 'end below start, leading zeros', mutate: (s) => { dig(s, 'mappings', 1).start = '00f000'; dig(s, 'mappings', 1).end = 'e000'; }, path: 'mappings[1].end', message: /not above start/ },
    { name: 'perms', mutate: (s) => { dig(s, 'mappings', 3).perms = 'rwxq'; }, path: 'mappings[3].perms', message: /"r-xp"/ },
    { name: 'offset upper case', mutate: (s) => { dig(s, 'mappings', 4).offset = '0002800A'; }, path: 'mappings[4].offset', message: /lowercase hex/ },
    { name: 'dev', mutate: (s) => { dig(s, 'mappings', 0).dev = 'fd01'; }, path: 'mappings[0].dev', message: /major:minor/ },
    { name: 'inode string', mutate: (s) => { dig(s, 'mappings', 0).inode = '12'; }, path: 'mappings[0].inode', message: /integer/ },
    { name: 'path missing', mutate: (s) => { delete dig(s, 'mappings', 5).path; }, path: 'mappings[5].path', message: /missing/ },
    { name: 'kind unknown', mutate: (s) => { dig(s, 'mappings', 2).kind = 'brk'; }, path: 'mappings[2].kind', message: /expected one of text, data, bss, heap/ },
    { name: 'smaps a list', mutate: (s) => { dig(s, 'mappings', 3).smaps = []; }, path: 'mappings[3].smaps', message: /expected an object/ },
    { name: 'smaps Rss as text', mutate: (s) => { dig(s, 'mappings', 3, 'smaps').Rss = '16 kB'; }, path: 'mappings[3].smaps.Rss', message: /number or a list of strings, got the string "16 kB"/ },
    { name: 'smaps negative', mutate: (s) => { dig(s, 'mappings', 3, 'smaps').Swap = -8; }, path: 'mappings[3].smaps.Swap', message: /non-negative/ },
    { name: 'VmFlags element', mutate: (s) => { dig(s, 'mappings', 0, 'smaps').VmFlags = ['rd', 7]; }, path: 'mappings[0].smaps.VmFlags[1]', message: /expected a string/ },
    { name: 'rollup a string', mutate: (s) => { s.rollup = 'n/a'; }, path: 'rollup', message: /expected an object/ },
    { name: 'rollup field', mutate: (s) => { dig(s, 'rollup').Pss = null; }, path: 'rollup.Pss', message: /got null/ },
    { name: 'totals missing', mutate: (s) => { delete s.totals; }, path: 'totals', message: /expected an object/ },
    { name: 'totals value', mutate: (s) => { dig(s, 'totals').Rss = '1004'; }, path: 'totals.Rss', message: /non-negative number/ },
    { name: 'history.intervalMs 0', mutate: (s) => { dig(s, 'history').intervalMs = 0; }, path: 'history.intervalMs', message: /positive/ },
    { name: 'history.samples missing', mutate: (s) => { delete dig(s, 'history').samples; }, path: 'history.samples', message: /expected an array/ },
    { name: 'sample tMs', mutate: (s) => { dig(s, 'history', 'samples', 1).tMs = '2025'; }, path: 'history.samples[1].tMs', message: /epoch ms/ },
    { name: 'sample resKb', mutate: (s) => { dig(s, 'history', 'samples', 0).resKb = -1; }, path: 'history.samples[0].resKb', message: /non-negative/ },
    { name: 'restricted not a list', mutate: (s) => { s.restricted = 'smaps'; }, path: 'restricted', message: /list of strings/ },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const s = copyValid();
      const replaced = c.mutate(s);
      const value = replaced === undefined ? s : replaced;
      const e = catchSnapshotError(() => validateSnapshot(value));
      assert.equal(e.path, c.path, e.message);
      assert.match(e.message, c.message);
      assert.ok(e.message.startsWith(c.path === '' ? 'snapshot: ' : `snapshot ${c.path}: `), e.message);
    });
  }
});

describe('validateSnapshot: scale', () => {
  test('20,000 mappings validate, returned as they are; a bad field in the last one is still found', () => {
    const mappings = [];
    for (let i = 0; i < 20_000; i++) mappings.push(makeMapping(0x7f0000000000n + BigInt(i) * 0x10000n, 16, {}, { Rss: 4, Pss: 4 }));
    const s = makeSnapshot({ mappings });
    // No timing here (speed lives in benchmarks): the document comes back as is, not a deep copy.
    assert.equal(validateSnapshot(s), s);
    (s.mappings[19_999]?.smaps as Record<string, unknown>).Rss = 'x';
    assert.equal(catchSnapshotError(() => validateSnapshot(s)).path, 'mappings[19999].smaps.Rss');
  });
});
