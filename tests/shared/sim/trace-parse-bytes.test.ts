// The byte reader: fed in chunks of any size (lines cut anywhere) it reads what one pass over the whole text
// reads, errors keep their line numbers across chunks, random spacing reads back the ops it was written from,
// and ids of any size map to slots (the array fast path and the Map beyond it agree).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MALLOCLAB_TRACES_DIR } from '../../helpers/paths.js';
import { TraceParseError, TraceTextReader, formatRepTrace, packTraceOps, parseTraceBytes, readTraceOpKind, type Trace, type TraceOp } from '../../../shared/sim/trace.js';
import { encodeUtf8 } from '../../../shared/proc/bytes.js';
import { createRng } from '../../../shared/sim/rng.js';

/** Every field of every op and the trace's own fields, for comparing whole traces. */
function describeTrace(t: Trace): string[] {
  const out = [`v${t.version} cpus=${t.cpus} brk0=${t.brk0} header=${t.header.join(',')} slots=${t.slotCount} threads=${t.threadCount}`];
  for (let i = 0; i < t.length; i++) {
    const ret = t.returned === null ? '' : ` =${t.returned[i]}`;
    out.push(`${readTraceOpKind(t, i)} ${t.ids[i]} ${t.slots[i]} ${t.sizes[i]} ${t.aux[i]} ${t.tids[i]}${ret}`);
  }
  return out;
}

/** Reads bytes fed in chunks whose sizes come from sizeOf. */
function readInChunks(bytes: Uint8Array, sizeOf: () => number): Trace {
  const reader = new TraceTextReader();
  for (let at = 0; at < bytes.length; ) {
    const n = Math.max(1, sizeOf());
    // A fresh copy per chunk, then scribbled over: the reader must keep nothing it was lent.
    const chunk = new Uint8Array(bytes.subarray(at, at + n));
    reader.feed(chunk);
    chunk.fill(0x7a);
    at += n;
  }
  return reader.finish();
}

const V2_TEXT = '# memscope-trace 2 cpus=4 brk0=5000 addresses\na 0 24 =5010\n@ 1\nc 1 3 8 =7f0010\nm 2 4096 100 =7f1000\n@ 0\nr 0 4000 =5040\nf 1\nt 0\nx 1\n';

describe('TraceTextReader', () => {
  test('chunks of 1, 2, 3, 7 and random sizes read exactly what the whole text reads', () => {
    const names = readdirSync(MALLOCLAB_TRACES_DIR).filter((f) => f.endsWith('.rep')).sort().slice(0, 4);
    const texts = [...names.map((n) => readFileSync(join(MALLOCLAB_TRACES_DIR, n))), encodeUtf8(V2_TEXT), encodeUtf8('\n\n  [\n{"op":"a","id":0,"size":10},\n{"op":"f","id":0}]\n')];
    const rng = createRng(7);
    for (const bytes of texts) {
      const whole = describeTrace(parseTraceBytes(bytes));
      for (const size of [1, 2, 3, 7]) assert.deepEqual(describeTrace(readInChunks(bytes, () => size)), whole, `chunks of ${size}`);
      assert.deepEqual(describeTrace(readInChunks(bytes, () => rng.nextInt(1, 5000))), whole, 'random chunks');
    }
  });

  test('an error keeps its line number wherever the chunks are cut', () => {
    const bytes = encodeUtf8('4\n2\na 0 10\n\n# c\nr 0 20\nf 1\n');
    for (const size of [1, 2, 5, 100]) {
      assert.throws(
        () => readInChunks(bytes, () => size),
        (e: unknown) => e instanceof TraceParseError && e.line === 7 && /free of unknown id 1 at op 2/.test(e.message),
      );
    }
  });

  test('streamed (takeOps after each chunk), the chunks\' ops put together are the whole trace; op numbers and slots count from its start', () => {
    const names = readdirSync(MALLOCLAB_TRACES_DIR).filter((f) => f.endsWith('.rep')).sort().slice(0, 4);
    const rng = createRng(11);
    for (const name of names) {
      const bytes = readFileSync(join(MALLOCLAB_TRACES_DIR, name));
      const whole = parseTraceBytes(bytes);
      for (const sizeOf of [() => 3, () => rng.nextInt(1, 5000)]) {
        const reader = new TraceTextReader('any', bytes.length);
        const ops: string[] = [];
        let slotCount = 0;
        const take = (): void => {
          if (reader.streamable !== true) return;
          const base = reader.opBase;
          const t = reader.takeOps();
          for (let i = 0; i < t.length; i++) ops.push(`${base + i} ${readTraceOpKind(t, i)} ${t.ids[i]} ${t.slots[i]} ${t.sizes[i]} ${t.aux[i]} ${t.tids[i]}`);
          slotCount = t.slotCount;
          // The chunk is a view the reader reuses: scribbled over, it must not change what comes next.
          t.sizes.fill(0);
        };
        for (let at = 0; at < bytes.length; ) {
          const n = Math.max(1, sizeOf());
          reader.feed(new Uint8Array(bytes.subarray(at, at + n)));
          take();
          at += n;
        }
        reader.finish();
        take();
        const want: string[] = [];
        for (let i = 0; i < whole.length; i++) want.push(`${i} ${readTraceOpKind(whole, i)} ${whole.ids[i]} ${whole.slots[i]} ${whole.sizes[i]} ${whole.aux[i]} ${whole.tids[i]}`);
        assert.deepEqual(ops, want, name);
        assert.equal(slotCount, whole.slotCount, name);
      }
    }
  });

  test('streamed, a huge file\'s size does not size the arrays: they hold one chunk (a 20 GB size hint threw RangeError)', () => {
    const bytes = readFileSync(join(MALLOCLAB_TRACES_DIR, 'binary2-bal.rep'));
    const reader = new TraceTextReader('any', 20e9, true);
    reader.feed(bytes); // one chunk of ~12,000 ops: the arrays grow past their first 1,024 within it
    const t = reader.takeOps();
    assert.equal(t.length, parseTraceBytes(bytes).length);
    assert.ok(t.kinds.buffer.byteLength <= 2 * t.length, `arrays of ${t.kinds.buffer.byteLength} ops for a chunk of ${t.length}`);
  });

  test('streamable: null until the first line is read, then true for malloclab text, false for memscope-trace 2 and JSON', () => {
    const cases: [string, boolean][] = [['a 0 10\nf 0\n', true], ['2\n2\na 0 1\n', true], [V2_TEXT, false], ['[{"op":"a","id":0,"size":10}]\n', false]];
    for (const [text, want] of cases) {
      const reader = new TraceTextReader();
      reader.feed(encodeUtf8(text.slice(0, 1)));
      assert.equal(reader.streamable, text.startsWith('[') ? false : null, text);
      reader.feed(encodeUtf8(text.slice(1)));
      assert.equal(reader.streamable, want, text);
    }
  });

  test('streamed, an error names its line and its op number in the whole trace', () => {
    const reader = new TraceTextReader();
    reader.feed(encodeUtf8('a 0 10\na 1 10\n'));
    assert.equal(reader.takeOps().length, 2);
    reader.feed(encodeUtf8('f 1\nf 0\n'));
    assert.equal(reader.takeOps().length, 2);
    assert.throws(
      () => reader.feed(encodeUtf8('f 7\n')),
      (e: unknown) => e instanceof TraceParseError && e.line === 5 && /free of unknown id 7 at op 4/.test(e.message),
    );
    const header = new TraceTextReader();
    header.feed(encodeUtf8('a 0 10\n'));
    header.takeOps();
    assert.throws(() => header.feed(encodeUtf8('5\n')), /line 2: bare number '5' after the first op/);
  });

  test('a Buffer lent as a chunk (whose slice() is a view) is copied, not kept', () => {
    const json = Buffer.from('[{"op":"a","id":0,"size":10},\n{"op":"f","id":0}]');
    const reader = new TraceTextReader();
    reader.feed(json);
    json.fill(0x20);
    assert.equal(reader.finish().length, 2);
  });

  test('a last line without a newline is read; a text of blanks is an empty trace', () => {
    assert.equal(parseTraceBytes(encodeUtf8('a 0 1\nf 0')).length, 2);
    assert.equal(parseTraceBytes(encodeUtf8(' \n\t\n')).length, 0);
    assert.equal(parseTraceBytes(new Uint8Array(0)).length, 0);
  });
});

/** Blanks the format allows between fields (and around a line). */
const BLANKS = [' ', '  ', '\t', ' \t ', '\v', '\f'];

describe('random spacing', () => {
  test('ops written with any blanks, CRLF, comments and leading zeros read back as written', () => {
    const rng = createRng(42);
    const pick = <T>(xs: readonly T[]): T => xs[rng.nextInt(0, xs.length)]!;
    for (let round = 0; round < 20; round++) {
      const addresses = rng.nextInt(0, 2) === 1;
      const ops: TraceOp[] = [];
      const lines = [`# memscope-trace 2 cpus=${rng.nextInt(1, 65)}${addresses ? ' addresses' : ''}`];
      const live: number[] = [];
      let threads = 1;
      let tid = 0;
      const field = (v: number): string => pick(BLANKS) + (rng.nextInt(0, 8) === 0 ? '00' : '') + String(v);
      const ret = (v: number): string => (addresses ? `${pick(BLANKS)}=${rng.nextInt(0, 2) === 1 ? v.toString(16) : v.toString(16).toUpperCase()}` : '');
      for (let k = 0; k < 300; k++) {
        const roll = rng.nextInt(0, 100);
        const id = rng.nextInt(0, 2) === 1 ? rng.nextInt(0, 50) : rng.nextInt(0, 2 ** 31) * 4096;
        const size = rng.nextInt(0, 1 << 20);
        const address = rng.nextInt(0, 2 ** 30) * 16;
        let line: string;
        if (roll < 30) {
          ops.push({ op: 'a', id, size, tid, ...(addresses ? { returned: address } : {}) });
          live.push(id);
          line = `a${field(id)}${field(size)}${ret(address)}`;
        } else if (roll < 45 && live.length > 0) {
          const victim = live[rng.nextInt(0, live.length)]!;
          ops.push({ op: 'f', id: victim, tid });
          line = `f${field(victim)}`;
        } else if (roll < 55) {
          ops.push({ op: 'r', id, size, tid, ...(addresses ? { returned: address } : {}) });
          live.push(id);
          line = `r${field(id)}${field(size)}${ret(address)}`;
        } else if (roll < 70) {
          const letter = roll < 62 ? 'c' : 'm';
          const aux = rng.nextInt(0, 5000);
          ops.push({ op: letter, id, aux, size, tid, ...(addresses ? { returned: address } : {}) });
          live.push(id);
          line = `${letter}${field(id)}${field(aux)}${field(size)}${ret(address)}`;
        } else if (roll < 75) {
          ops.push({ op: 't', id: -1, size, tid });
          line = `t${field(size)}`;
        } else if (roll < 85) {
          tid = rng.nextInt(0, threads + 1);
          line = `@${field(tid)}`;
          if (tid === threads) {
            // A new thread runs an op at once, so packTraceOps (which numbers threads by their ops) meets it in the same place.
            threads++;
            ops.push({ op: 't', id: -1, size: 0, tid });
            line += '\nt 0';
          }
        } else {
          line = pick(['', '#', '# a comment', '# memscope-traces: a comment too (no blank after the magic)']);
        }
        lines.push(pick(['', ' ', '\t']) + line + pick(['', ' ', '\r', ' \r']));
      }
      const text = lines.join('\n') + pick(['', '\n']);
      const expected = packTraceOps(ops, { cpus: 1 });
      const got = parseTraceBytes(encodeUtf8(text));
      assert.deepEqual(describeTrace(got).slice(1), describeTrace(expected).slice(1), `round ${round}`);
      assert.equal(got.threadCount, threads, 'every thread an @ line named');
    }
  });
});

describe('ids', () => {
  test('small, huge and mixed ids keep one slot per id (array fast path, Map beyond it)', () => {
    const ids = [0, 5, 1 << 22, (1 << 22) - 1, 2 ** 40, 5, 2 ** 53 - 1, 0, 1 << 22, 3_000_000];
    const ops: TraceOp[] = ids.map((id) => ({ op: 'a', id, size: 1 }));
    const t = parseTraceBytes(encodeUtf8(formatRepTrace(packTraceOps(ops))));
    assert.deepEqual([...t.ids], ids);
    assert.deepEqual([...t.slots], [0, 1, 2, 3, 4, 1, 5, 0, 2, 6]);
    assert.equal(t.slotCount, 7);
    assert.throws(() => parseTraceBytes(encodeUtf8('a 9007199254740992 1\n')), /id 9007199254740992 is too large/);
  });

  test('ids and sizes stay in 32-bit arrays while they fit, and widen keeping every earlier value when one does not', () => {
    // 3,000 ops cross the builder's first growth; the wide values come after it, then small ones again.
    const small: TraceOp[] = Array.from({ length: 3000 }, (_, k) => ({ op: 'a', id: k, size: (k * 37) % 5000 }));
    const narrow = parseTraceBytes(encodeUtf8(formatRepTrace(packTraceOps(small))));
    assert.ok(narrow.ids instanceof Int32Array && narrow.sizes instanceof Uint32Array);
    const ops: TraceOp[] = [...small, { op: 'a', id: 2 ** 31, size: 2 ** 32 }, { op: 'r', id: 1, size: 2 ** 40 + 3 }, { op: 'a', id: 2 ** 31 - 1, size: 2 ** 32 - 1 }, { op: 'f', id: 7 }];
    const wide = parseTraceBytes(encodeUtf8(formatRepTrace(packTraceOps(ops))));
    assert.ok(wide.ids instanceof Float64Array && wide.sizes instanceof Float64Array);
    assert.deepEqual([...wide.ids], ops.map((o) => o.id));
    assert.deepEqual([...wide.sizes], ops.map((o) => o.size ?? 0));
    // t and x have id −1, which an Int32Array holds.
    const v2 = parseTraceBytes(encodeUtf8('# memscope-trace 2 cpus=2\na 0 10\n@ 1\nt 4096\nx 1\n'));
    assert.ok(v2.ids instanceof Int32Array);
    assert.deepEqual([...v2.ids], [0, -1, -1]);
    assert.deepEqual([...v2.sizes], [10, 4096, 0]);
  });
});

describe('plain lines (`a|r ID SIZE`, `f ID`, one space: the reader\'s tight loop)', () => {
  /** The same text with two spaces after each op letter: every line then goes the general way. */
  function spaced(text: string): string {
    return text.replace(/^([arf]) /gm, '$1  ');
  }

  test('read as the general path reads the same ops: threads, exits, 15- and 16-digit numbers, widening, slots', () => {
    const texts = [
      'a 0 10\na 5 20\nr 0 30\nf 5\nf 0\n',
      'a 123456789012345 1\na 1234567890123456 2\nr 1 4294967296\nf 123456789012345\n',
      `a 1 000000000000007\n${'a 2 1\n'.repeat(3000)}a 2147483648 1\nf 2147483648\n`,
      '# memscope-trace 2 cpus=2\na 0 10\n@ 1\na 1 20\nf 0\n@ 0\nf 1\nx 1\na 2 8\n',
    ];
    for (const text of texts) {
      const plain = parseTraceBytes(encodeUtf8(text));
      assert.deepEqual(describeTrace(plain), describeTrace(parseTraceBytes(encodeUtf8(spaced(text)))));
      assert.deepEqual(describeTrace(readInChunks(encodeUtf8(text), () => 3)), describeTrace(plain));
    }
  });

  test('their errors keep the general path\'s words and line numbers', () => {
    const cases: [string, RegExp][] = [
      ['a 1 5\n\nf 2\n', /free of unknown id 2 at op 1/],
      ['# memscope-trace 2 cpus=1\na 1 5\nx 0\nf 1\n', /'f' on thread 0 at op 2, after the thread exited \(op 1\)/],
      ['a 1 5\nf 1 9\n', /./],
    ];
    for (const [text, words] of cases) {
      let plainError: unknown = null;
      let spacedError: unknown = null;
      try {
        parseTraceBytes(encodeUtf8(text));
      } catch (e) {
        plainError = e;
      }
      try {
        parseTraceBytes(encodeUtf8(spaced(text)));
      } catch (e) {
        spacedError = e;
      }
      assert.ok(plainError instanceof TraceParseError && spacedError instanceof TraceParseError, text);
      assert.match(plainError.message, words);
      assert.equal(plainError.message, spacedError.message);
      assert.equal(plainError.line, spacedError.line);
    }
  });
});
