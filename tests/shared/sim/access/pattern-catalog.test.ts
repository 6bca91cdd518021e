// The built-in patterns: each one's run() makes exactly accessCount accesses, all inside its buffers;
// the specs users type; and the locality each pair is there to show (hand-derivable miss counts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_PATTERN_ACCESSES, recordPattern } from '../../../../shared/sim/access/access-pattern.js';
import { findPatternKind, parsePatternSpec, PATTERN_KINDS } from '../../../../shared/sim/access/pattern-catalog.js';
import { MAX_LIST_NODES, shuffleOrder } from '../../../../shared/sim/access/patterns.js';
import { simulateCache } from '../../../../shared/sim/cache/simulate.js';

const SMALL: Record<string, string> = {
  'row-major': 'rows=40,cols=30',
  'col-major': 'rows=40,cols=30',
  'array-walk': 'count=500',
  'list-walk': 'count=500,node=32',
  aos: 'count=300,fields=4,read=2',
  soa: 'count=300,fields=4,read=3',
  'matmul-naive': 'n=12',
  'matmul-blocked': 'n=12,block=4',
  sequential: 'bytes=4K',
  strided: 'bytes=64K,stride=4096,passes=3',
  random: 'bytes=64K,count=700,seed=9',
};

describe('pattern catalog', () => {
  for (const kind of PATTERN_KINDS) {
    test(`${kind.name}: accessCount accesses, each inside a buffer, 8 bytes, aligned`, () => {
      const p = parsePatternSpec(`${kind.name}:${SMALL[kind.name] ?? ''}`);
      const rec = recordPattern(p);
      let count = 0;
      p.run({ access: () => count++ });
      assert.equal(count, p.accessCount);
      assert.equal(rec.length, p.accessCount);
      for (let i = 0; i < rec.length; i++) {
        const a = rec.addresses[i]!;
        assert.ok(p.buffers.some((b) => a >= b.base && a + rec.sizes[i]! <= b.base + b.sizeBytes), `access ${a.toString(16)} outside the buffers`);
        assert.equal(a % 8, 0);
      }
    });
  }

  test('defaults build, unknown names and parameters are one-line bad-arg errors', () => {
    for (const kind of PATTERN_KINDS) assert.ok(parsePatternSpec(kind.name).accessCount > 0);
    assert.equal(findPatternKind('nope'), undefined);
    const badArg = (spec: string, re: RegExp) => assert.throws(() => parsePatternSpec(spec), (e: Error & { code?: string }) => e.code === 'bad-arg' && re.test(e.message));
    badArg('nope', /unknown pattern/);
    badArg('row-major:depth=3', /unknown parameter "depth"/);
    badArg('row-major:rows=x', /bad value/);
    badArg('matmul-blocked:n=10,block=4', /must divide/);
    badArg('aos:fields=2,read=3', /must not exceed/);
  });

  test('shuffleOrder is a seeded permutation', () => {
    const order = shuffleOrder(1000, 4);
    assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
    assert.deepEqual(order, shuffleOrder(1000, 4));
    assert.notDeepEqual(order, shuffleOrder(1000, 5));
  });

  test('locality: row-major misses once per line, column-major once per element when a column outgrows L1', () => {
    const l1 = [{ name: 'L1d', sizeBytes: 32768, ways: 8, lineBytes: 64, writeAllocate: true }];
    const rows = 1024;
    const cols = 512; // a 4 KiB row: a column's 1024 lines share one set
    const row = simulateCache(l1, parsePatternSpec(`row-major:rows=${rows},cols=${cols}`)).levels[0]!;
    const col = simulateCache(l1, parsePatternSpec(`col-major:rows=${rows},cols=${cols}`)).levels[0]!;
    assert.equal(row.misses, (rows * cols * 8) / 64);
    assert.equal(col.misses, rows * cols);
    const aos = simulateCache(l1, parsePatternSpec('aos:count=4096,fields=8,read=1')).levels[0]!;
    const soa = simulateCache(l1, parsePatternSpec('soa:count=4096,fields=8,read=1')).levels[0]!;
    assert.equal(aos.misses, 4096); // one 64-byte record per line
    assert.equal(soa.misses, 4096 / 8); // eight fields per line
  });
});

describe('pattern bounds', () => {
  const PAST_BOUND: Record<string, string> = {
    'row-major': 'rows=100000,cols=100000',
    'col-major': 'rows=100000,cols=100000',
    'array-walk': 'count=2G',
    'list-walk': 'count=1G',
    aos: 'count=2G',
    soa: 'count=2G',
    'matmul-naive': 'n=1000',
    'matmul-blocked': 'n=1024',
    sequential: 'bytes=16G',
    strided: 'bytes=64M,stride=8,passes=200',
    random: 'count=99999999999999',
  };
  const badArg = (spec: string, re: RegExp) => assert.throws(() => parsePatternSpec(spec), (e: Error & { code?: string }) => e.code === 'bad-arg' && re.test(e.message));

  for (const kind of PATTERN_KINDS) {
    test(`${kind.name}: more than ${MAX_PATTERN_ACCESSES} accesses is refused before anything is built`, () => {
      badArg(`${kind.name}:${PAST_BOUND[kind.name] ?? ''}`, new RegExp(`^pattern ${kind.name}: \\d+ accesses, more than 1000000000 \\(the simulator's bound\\)$`));
    });
  }

  test('exactly at the bound a pattern builds; one access more is refused', () => {
    assert.equal(parsePatternSpec(`random:count=${MAX_PATTERN_ACCESSES}`).accessCount, MAX_PATTERN_ACCESSES);
    assert.equal(parsePatternSpec(`sequential:bytes=${MAX_PATTERN_ACCESSES * 8}`).accessCount, MAX_PATTERN_ACCESSES);
    badArg(`random:count=${MAX_PATTERN_ACCESSES + 1}`, /more than 1000000000/);
  });

  test(`a list walk holds at most ${MAX_LIST_NODES} nodes (its visiting order), shuffled only when it runs`, () => {
    assert.equal(parsePatternSpec(`list-walk:count=${MAX_LIST_NODES}`).accessCount, 2 * MAX_LIST_NODES);
    badArg(`list-walk:count=${MAX_LIST_NODES + 1}`, /count 67108865 is more than 67108864 nodes \(the simulator's bound/);
  });
});
