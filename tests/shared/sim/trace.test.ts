// Trace parsing: malloclab .rep, memscope-trace 2 and JSON, error messages with line numbers, the byte
// reader fed in chunks of any size, and a cross-check of the parser against the C harness's own parser
// on every malloclab trace.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MALLOCLAB_TRACES_DIR } from '../../helpers/paths.js';
import {
  NO_SLOT,
  OP_CALLOC,
  OP_MEMALIGN,
  OP_THREAD_EXIT,
  OP_TRIM,
  TraceParseError,
  formatJsonTrace,
  formatRepTrace,
  parseJsonTrace,
  parseRepTrace,
  packTraceOps,
  parseTrace,
  readTraceOpKind,
  type Trace,
  type TraceOp,
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

/** Every field of every op, for comparing whole traces. */
function fieldsOf(t: Trace): string[] {
  const out: string[] = [];
  for (let i = 0; i < t.length; i++) {
    const ret = t.returned === null ? '' : ` =${t.returned[i]}`;
    out.push(`${readTraceOpKind(t, i)} id=${t.ids[i]} slot=${t.slots[i]} size=${t.sizes[i]} aux=${t.aux[i]} tid=${t.tids[i]}${ret}`);
  }
  return out;
}

describe('memscope-trace 2', () => {
  const text = [
    '# memscope-trace 2 cpus=8 brk0=55d0c3a2e000 addresses',
    'a 0 24 =55d0c3a2e2a0',
    'c 1 4 10 =55d0c3a2e2c0',
    '# a comment',
    '@ 1',
    'm 2 64 100 =7f00000008c0',
    'r 0 48 =55d0c3a2e2f0',
    '@ 0',
    'f 2',
    't 128',
    'x 1',
    'a 3 0 =0',
    '',
  ].join('\n');

  test('every op kind, threads and returned addresses land in the typed arrays', () => {
    const t = parseRepTrace(text);
    assert.equal(t.version, 2);
    assert.equal(t.cpus, 8);
    assert.equal(t.brk0, 0x55d0c3a2e000);
    assert.deepEqual(t.header, []);
    assert.equal(t.length, 8, 'the op index counts a c m r f t x lines, not @ or comments');
    assert.deepEqual(
      [...t.kinds].map((k, i) => `${k}:${readTraceOpKind(t, i)}`),
      ['0:a', `${OP_CALLOC}:c`, `${OP_MEMALIGN}:m`, '2:r', '1:f', `${OP_TRIM}:t`, `${OP_THREAD_EXIT}:x`, '0:a'],
    );
    assert.deepEqual([...t.ids], [0, 1, 2, 0, 2, -1, -1, 3]);
    assert.deepEqual([...t.slots], [0, 1, 2, 0, 2, NO_SLOT, NO_SLOT, 3]);
    assert.equal(t.slotCount, 4);
    assert.deepEqual([...t.sizes], [24, 10, 100, 48, 0, 128, 0, 0]);
    assert.deepEqual([...t.aux], [0, 4, 64, 0, 0, 0, 0, 0]);
    assert.deepEqual([...t.tids], [0, 0, 1, 1, 0, 0, 1, 0], 'x carries the exiting thread');
    assert.equal(t.threadCount, 2);
    assert.deepEqual([...(t.returned ?? [])], [0x55d0c3a2e2a0, 0x55d0c3a2e2c0, 0x7f00000008c0, 0x55d0c3a2e2f0, 0, 0, 0, 0]);
  });

  test('without addresses: no =HEX, returned is null; brk0 is optional; upper-case hex and CRLF are read', () => {
    const t = parseRepTrace('# memscope-trace 2 cpus=1\r\na 5 7\r\n@ 1\r\nf 5\r\n');
    assert.equal(t.returned, null);
    assert.equal(t.brk0, null);
    assert.deepEqual(fieldsOf(t), ['a id=5 slot=0 size=7 aux=0 tid=0', 'f id=5 slot=0 size=0 aux=0 tid=1']);
    const u = parseRepTrace('# memscope-trace 2 addresses cpus=2\na 1 1 =7F0A\n');
    assert.deepEqual([...(u.returned ?? [])], [0x7f0a]);
  });

  test('stdcxx=1: the program brings libstdc++ (its pool is in the trace); absent or 0 it is false, and it is written back', () => {
    const t = parseRepTrace('# memscope-trace 2 cpus=2 stdcxx=1\na 0 72704\n');
    assert.equal(t.stdcxx, true);
    assert.match(formatRepTrace(t), /^# memscope-trace 2 cpus=2 stdcxx=1\n/);
    assert.equal(parseRepTrace(formatRepTrace(t)).stdcxx, true);
    assert.equal(parseRepTrace('# memscope-trace 2 cpus=2 stdcxx=0\na 0 1\n').stdcxx, false);
    assert.equal(parseRepTrace('# memscope-trace 2 cpus=2\na 0 1\n').stdcxx, false);
    assert.equal(parseRepTrace('2\n1\na 0 1\n').stdcxx, false);
    throwsAt(() => parseRepTrace('# memscope-trace 2 cpus=2 stdcxx=yes\n'), 1, /stdcxx 'yes' is not 0 or 1/);
  });

  test('formatRepTrace writes it back: the same ops, threads and addresses', () => {
    const t = parseRepTrace(text);
    const again = parseRepTrace(formatRepTrace(t));
    assert.deepEqual(fieldsOf(again), fieldsOf(t));
    assert.deepEqual([again.version, again.cpus, again.brk0, again.threadCount], [2, 8, 0x55d0c3a2e000, 2]);
    assert.throws(() => formatJsonTrace(t), /op 1 \(c 1 4 10\): the JSON form holds a, f and r ops of one thread only/);
  });

  test('packTraceOps packs the same trace from objects', () => {
    const ops: TraceOp[] = [
      { op: 'a', id: 0, size: 24, returned: 0x55d0c3a2e2a0 },
      { op: 'c', id: 1, aux: 4, size: 10, returned: 0x55d0c3a2e2c0 },
      { op: 'm', id: 2, aux: 64, size: 100, tid: 1, returned: 0x7f00000008c0 },
      { op: 'r', id: 0, size: 48, tid: 1, returned: 0x55d0c3a2e2f0 },
      { op: 'f', id: 2 },
      { op: 't', id: -1, size: 128 },
      { op: 'x', id: -1, tid: 1 },
      { op: 'a', id: 3, size: 0, returned: 0 },
    ];
    const packed = packTraceOps(ops, { cpus: 8, brk0: 0x55d0c3a2e000 });
    assert.deepEqual(fieldsOf(packed), fieldsOf(parseRepTrace(text)));
    assert.equal(packed.version, 2);
    assert.equal(packTraceOps([{ op: 'a', id: 0, size: 1 }]).version, 1);
  });

  test('version 1 stays as it was: no v2 fields, and v2 lines are refused with the reason', () => {
    const t = parseRepTrace('2\n2\na 0 10\nf 0\n');
    assert.deepEqual([t.version, t.cpus, t.brk0, t.returned, t.threadCount], [1, null, null, null, 1]);
    assert.deepEqual([...t.aux, ...t.tids], [0, 0, 0, 0]);
    throwsAt(() => parseRepTrace('a 0 10\nc 1 2 3\n'), 2, /^line 2: unknown op 'c' \(expected a, f or r; 'c' lines need the '# memscope-trace 2' header\)$/);
    throwsAt(() => parseRepTrace('a 0 10\n@ 1\n'), 2, /unknown op '@'/);
    throwsAt(() => parseRepTrace('a 0 10 =1f\n'), 1, /^line 1: unexpected '=1f' after 'a 0 10'$/);
    throwsAt(() => parseRepTrace('# memscope-trace 2 cpus=1\na 0 10 =1f\n'), 2, /'=1f' after 'a 0 10' needs 'addresses' in the '# memscope-trace' header/);
  });

  test('bad headers name what is wrong, on line 1', () => {
    throwsAt(() => parseRepTrace('# memscope-trace 3 cpus=1\n'), 1, /memscope-trace version '3' is not supported \(this memscope reads version 2\)/);
    throwsAt(() => parseRepTrace('# memscope-trace\n'), 1, /'# memscope-trace' needs a version \(2\)/);
    throwsAt(() => parseRepTrace('# memscope-trace 2\na 0 1\n'), 1, /header needs cpus=N/);
    throwsAt(() => parseRepTrace('# memscope-trace 2 cpus=0\n'), 1, /cpus=0: a machine has at least 1 CPU/);
    throwsAt(() => parseRepTrace('# memscope-trace 2 cpus=four\n'), 1, /cpus 'four' is not a non-negative integer/);
    throwsAt(() => parseRepTrace('# memscope-trace 2 cpus=2 cpus=4\n'), 1, /header field 'cpus' is given twice/);
    throwsAt(() => parseRepTrace('# memscope-trace 2 cpus=2 pid=4\n'), 1, /unknown header field 'pid=4' \(expected cpus=N, brk0=HEX, stdcxx=0\|1 or addresses\)/);
    throwsAt(() => parseRepTrace('# memscope-trace 2 cpus=2 brk0=0x1000\n'), 1, /brk0 '0x1000' is not hex/);
    throwsAt(() => parseRepTrace('a 0 1\n# memscope-trace 2 cpus=2\n'), 2, /a '# memscope-trace' header must be the first line/);
    throwsAt(() => parseRepTrace('# memscope-trace 2 cpus=2\n3\n'), 2, /bare number '3' in a memscope-trace 2 trace/);
    assert.equal(parseRepTrace('# memscope-traces are described in TRACE-FORMAT.md\na 0 1\n').version, 1, 'a mere comment');
  });

  test('bad op lines name the line and the field', () => {
    const h = '# memscope-trace 2 cpus=2\n';
    throwsAt(() => parseRepTrace(`${h}c 1 2\n`), 2, /'c' needs an ID, an NMEMB and a SIZE$/);
    throwsAt(() => parseRepTrace(`${h}m 1\n`), 2, /'m' needs an ID, an ALIGN and a SIZE$/);
    throwsAt(() => parseRepTrace(`${h}t\n`), 2, /'t' needs a PAD$/);
    throwsAt(() => parseRepTrace(`${h}x\n`), 2, /'x' needs a TID$/);
    throwsAt(() => parseRepTrace(`${h}@ 1 2\n`), 2, /unexpected '2' after '@ 1'/);
    throwsAt(() => parseRepTrace(`${h}m 1 x 8\n`), 2, /align 'x' is not a non-negative integer/);
    throwsAt(() => parseRepTrace(`${h}q 1\n`), 2, /unknown op 'q' \(expected a, c, m, r, f, t, x or @\)/);
  });

  test('=HEX: required with addresses, read as hex, named when wrong', () => {
    const h = '# memscope-trace 2 cpus=2 addresses\n';
    throwsAt(() => parseRepTrace(`${h}a 0 8\n`), 2, /'a' needs '=HEX' after 'a 0 8' \(the header says addresses\)/);
    throwsAt(() => parseRepTrace(`${h}a 0 8 =\n`), 2, /address '' is not hex/);
    throwsAt(() => parseRepTrace(`${h}a 0 8 =12g4\n`), 2, /address '12g4' is not hex/);
    throwsAt(() => parseRepTrace(`${h}a 0 8 =fffffffffffffffff\n`), 2, /address fffffffffffffffff is too large/);
    throwsAt(() => parseRepTrace(`${h}a 0 8 =10 =20\n`), 2, /unexpected '=20' after 'a 0 8 =10'/);
    throwsAt(() => parseRepTrace(`${h}a 0 8 =10\nf 0 =10\n`), 3, /unexpected '=10' after 'f 0'/);
  });

  test('threads: numbered in order of first appearance, and none runs after its exit', () => {
    const h = '# memscope-trace 2 cpus=2\n';
    throwsAt(() => parseRepTrace(`${h}a 0 8\n@ 2\n`), 3, /thread 2 appears before thread 1 \(threads are numbered 0, 1, 2 … in order of first appearance\)/);
    throwsAt(() => parseRepTrace(`${h}@ 1\na 0 8\nx 1\nf 0\n`), 5, /'f' on thread 1 at op 2, after the thread exited \(op 1\)/);
    throwsAt(() => parseRepTrace(`${h}a 0 8\nx 1\nx 1\n`), 4, /'x' on thread 1 at op 2, after the thread exited \(op 1\)/);
    throwsAt(() => parseRepTrace(`${h}x 3\n`), 2, /thread 3 appears before thread 1/);
    const t = parseRepTrace(`${h}a 0 8\nx 1\n@ 2\nf 0\n`);
    assert.deepEqual([t.threadCount, ...t.tids], [3, 0, 1, 2], 'a thread that only exits still counts, in its place');
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
