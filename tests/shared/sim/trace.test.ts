// Trace parsing: malloclab .rep and JSON, error messages with line numbers, and a cross-check of
// the parser against the C harness's own parser on every malloclab trace.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MALLOCLAB_TRACES_DIR } from '../../helpers/paths.js';
import {
  TraceParseError,
  formatJsonTrace,
  formatRepTrace,
  parseJsonTrace,
  parseRepTrace,
  packTraceOps,
  parseTrace,
  readTraceOpKind,
  type Trace,
} from '../../../shared/sim/trace.js';
import { replayWithRealGlibc } from './malloc/glibc/real-glibc.js';

function opsOf(t: Trace): string[] {
  const out: string[] = [];
  for (let i = 0; i < t.length; i++) out.push(`${readTraceOpKind(t, i)} ${t.ids[i]} ${t.sizes[i]}`);
  return out;
}

function throwsAt(fn: () => unknown, line: number, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof TraceParseError, String(e));
    assert.equal(e.line, line, e.message);
    assert.match(e.message, pattern);
    assert.match(e.message, new RegExp(`^line ${line}: `));
    return true;
  });
}

describe('parseRepTrace', () => {
  test('2- and 4-integer headers, comments, blank lines and CRLF', () => {
    const four = parseRepTrace('20000\n3\n4\n1\n# comment\n\na 0 10\r\nf 0\n  r 1 5  \n# end\n');
    const two = parseRepTrace('3\n4\na 0 10\nf 0\nr 1 5');
    assert.deepEqual(four.header, [20000, 3, 4, 1]);
    assert.deepEqual(two.header, [3, 4]);
    assert.deepEqual(opsOf(four), ['a 0 10', 'f 0 0', 'r 1 5']);
    assert.deepEqual(opsOf(two), opsOf(four));
    assert.equal(four.slotCount, 2);
    assert.equal(four.slots[0], four.slots[1]);
    assert.notEqual(four.slots[0], four.slots[2]);
  });

  test('errors name the line and the problem', () => {
    throwsAt(() => parseRepTrace('2\n2\na 0 10\nx 1 2\n'), 4, /unknown op 'x'/);
    throwsAt(() => parseRepTrace('a 0\n'), 1, /'a' needs an ID and a SIZE/);
    throwsAt(() => parseRepTrace('a 0 1\nr 3\n'), 2, /'r' needs an ID and a SIZE/);
    throwsAt(() => parseRepTrace('a 0 1\nf\n'), 2, /'f' needs an ID/);
    throwsAt(() => parseRepTrace('a 0 1\n\n\nf 0 7\n'), 4, /unexpected '7' after 'f 0'/);
    throwsAt(() => parseRepTrace('a -1 10\n'), 1, /id '-1' is not a non-negative integer/);
    throwsAt(() => parseRepTrace('a 1 1.5\n'), 1, /size '1.5' is not a non-negative integer/);
    throwsAt(() => parseRepTrace('a 1 99999999999999999999\n'), 1, /too large/);
    throwsAt(() => parseRepTrace('1\na 1 1\n5\n'), 3, /bare number '5' after the first op/);
    throwsAt(() => parseRepTrace('1 2\n'), 1, /header line '1 2' must hold one integer/);
  });
});

describe('parseJsonTrace', () => {
  test('the JSON form equals the .rep form', () => {
    const rep = parseRepTrace('a 0 10\nf 0\nr 7 0\n');
    const json = parseJsonTrace('[{"op":"a","id":0,"size":10},{"op":"f","id":0},{"op":"r","id":7,"size":0}]');
    assert.deepEqual(opsOf(json), opsOf(rep));
    assert.deepEqual(opsOf(parseTrace(' \n[{"op":"r","id":3,"size":5},{"op":"f","id":3}]')), ['r 3 5', 'f 3 0']);
  });

  test('errors name the line of the offending op', () => {
    const text = '[\n{"op":"a","id":0,"size":10},\n{"op":"q","id":1}\n]';
    throwsAt(() => parseJsonTrace(text), 3, /op 1: unknown op "q"/);
    throwsAt(() => parseJsonTrace('[\n {"op":"a","id":0}\n]'), 2, /op 0: size undefined is not a non-negative integer/);
    throwsAt(() => parseJsonTrace('[{"op":"a","id":0,"size":1},\n\n{"op":"f","id":-2}]'), 3, /op 1: id -2/);
    throwsAt(() => parseJsonTrace('[{"op":"f","id":0,"size":4}]'), 1, /'f' takes no size/);
    throwsAt(() => parseJsonTrace('[{"op":"a","id":0,"size":4,"x":1}]'), 1, /unexpected key "x"/);
    throwsAt(() => parseJsonTrace('{"op":"a"}'), 1, /must be an array/);
    assert.throws(() => parseJsonTrace('[{"op":'), /not valid JSON/);
  });
});

describe('ids', () => {
  test('a free of an id no earlier op used is refused with its line and op; realloc of one is realloc(NULL, n)', () => {
    throwsAt(() => parseRepTrace('2\na 0 10\n\nf 7\n'), 4, /free of unknown id 7 at op 1 /);
    throwsAt(() => parseJsonTrace('[{"op":"a","id":0,"size":1},\n{"op":"f","id":0},\n{"op":"f","id":9}]'), 3, /free of unknown id 9 at op 2 /);
    assert.throws(() => packTraceOps([{ op: 'f', id: 4 }]), /free of unknown id 4 at op 0 /);
    assert.deepEqual(opsOf(parseRepTrace('r 7 10\nf 7\nf 7\n')), ['r 7 10', 'f 7 0', 'f 7 0'], 'a second free is the program\'s business (a double free)');
  });
});

describe('malloclab traces', () => {
  const names = readdirSync(MALLOCLAB_TRACES_DIR).filter((f) => f.endsWith('.rep')).sort();
  test('round-trip through .rep and JSON text', () => {
    assert.ok(names.length > 0);
    for (const name of names) {
      const t = parseRepTrace(readFileSync(join(MALLOCLAB_TRACES_DIR, name), 'utf8'));
      assert.deepEqual(opsOf(parseRepTrace(formatRepTrace(t))), opsOf(t), name);
      assert.deepEqual(opsOf(parseJsonTrace(formatJsonTrace(t))), opsOf(t), name);
    }
  });

  test('the C harness parses the original files into the same ops', () => {
    for (const name of names) {
      const text = readFileSync(join(MALLOCLAB_TRACES_DIR, name), 'utf8');
      const t = parseRepTrace(text);
      // The harness reads the trace as we write it; compare op, id and size record by record.
      const real = replayWithRealGlibc(t, '');
      assert.equal(real.length, t.length, name);
      real.forEach((rec, i) => {
        assert.equal(rec.op, readTraceOpKind(t, i), `${name} op ${i}`);
        assert.equal(rec.id, t.ids[i], `${name} op ${i}`);
        if (rec.op !== 'f') assert.equal(rec.size, t.sizes[i], `${name} op ${i}`);
      });
    }
  });
});
