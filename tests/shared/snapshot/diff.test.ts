// diffSnapshots on a hand-made pair (expected deltas worked out in diff-pair.ts) and on random pairs (sum invariants).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { diffSnapshots, identifyBacking, identifyMapping, readMappingAmounts, type MappingAmounts } from '../../../shared/snapshot/diff.js';
import { hexToBigInt } from '../../../shared/units.js';
import type { Mapping } from '../../../shared/proc/types.js';
import { makeMapping, makeSnapshot } from './build-snapshot.js';
import { makeAfter, makeBefore } from './diff-pair.js';
import { drawInt, makeSeededRandom } from '../history/seeded-random.js';

/** Amounts written in the order of the hand-computed comments: Size, Rss, Pss, Swap, Private_Dirty. */
function kb(sizeKb: number, rssKb: number, pssKb: number, swapKb: number, privateDirtyKb: number): MappingAmounts {
  return { sizeKb, rssKb, pssKb, swapKb, privateDirtyKb };
}

function sumAmounts(list: MappingAmounts[]): MappingAmounts {
  return list.reduce((s, x) => kb(s.sizeKb + x.sizeKb, s.rssKb + x.rssKb, s.pssKb + x.pssKb, s.swapKb + x.swapKb, s.privateDirtyKb + x.privateDirtyKb), kb(0, 0, 0, 0, 0));
}

describe('diffSnapshots on a hand-made pair', () => {
  const diff = diffSnapshots(makeBefore(), makeAfter());

  test('every mapping is classified, in address order, with hand-computed deltas', () => {
    const got = diff.mappings.map((m) => ({ change: m.change, at: (m.after ?? m.before)?.start, path: (m.after ?? m.before)?.path, deltaKb: m.deltaKb }));
    assert.deepEqual(got, [
      { change: 'unchanged', at: '55d0c0a00000', path: '/usr/bin/demo', deltaKb: kb(0, 0, 0, 0, 0) },
      { change: 'shrunk', at: '55d0c0a02000', path: '/usr/bin/demo', deltaKb: kb(0, 0, -2, 0, -4) },
      { change: 'grown', at: '55d0c1000000', path: '[heap]', deltaKb: kb(132, 136, 136, 0, 136) },
      { change: 'unchanged', at: '7f3dd7200000', path: '/dev/shm/buf', deltaKb: kb(0, 0, 0, 0, 0) },
      { change: 'grown', at: '7f3dd7300000', path: '/dev/shm/buf', deltaKb: kb(0, 32, 16, 0, 0) },
      { change: 'gone', at: '7f3dd8000000', path: '/usr/lib/locale/locale-archive', deltaKb: kb(-2048, -50, -50, 0, 0) },
      { change: 'new', at: '7f3dd8000000', path: '/usr/lib/locale/locale-archive', deltaKb: kb(2048, 50, 25, 0, 0) },
      { change: 'new', at: '7f3dd9400000', path: '', deltaKb: kb(128, 128, 128, 0, 128) },
      { change: 'grown', at: '7f3dd9800000', path: '', deltaKb: kb(0, 16, 16, 0, 16) },
      { change: 'gone', at: '7f3dd9a00000', path: '', deltaKb: kb(-64, -32, -32, 0, -32) },
      { change: 'shrunk', at: '7f3dd9b00000', path: '', deltaKb: kb(0, -8, -8, 8, -8) },
      { change: 'grown', at: '7f3dd9d00000', path: '/usr/lib/x86_64-linux-gnu/libc.so.6', deltaKb: kb(0, 10, 1, 0, 0) },
      { change: 'gone', at: '7f3dd9e00000', path: '/usr/lib/x86_64-linux-gnu/libm.so.6', deltaKb: kb(-400, -100, -10, 0, 0) },
      { change: 'unchanged', at: '7ffd5e100000', path: '[stack]', deltaKb: kb(0, 0, 0, 0, 0) },
    ]);
  });

  test('matched pairs keep both sides: the moved libc and the moved stack', () => {
    const libc = diff.mappings.find((m) => m.after?.path.endsWith('libc.so.6'));
    assert.equal(libc?.before?.start, '7f3dd9c00000');
    assert.equal(libc?.after?.start, '7f3dd9d00000');
    const stack = diff.mappings.find((m) => m.after?.path === '[stack]');
    assert.equal(stack?.before?.start, '7ffd5e000000');
    const heap = diff.mappings.find((m) => m.after?.path === '[heap]');
    assert.equal(heap?.before?.end, '55d0c1021000');
    assert.equal(heap?.after?.end, '55d0c1042000');
  });

  test('counts', () => {
    assert.deepEqual(diff.counts, { grown: 4, shrunk: 2, unchanged: 3, new: 2, gone: 3, split: 0, merged: 0 });
  });

  test('groups by backing file, hand-summed, sorted by |Rss delta| then |Size delta| then name', () => {
    assert.deepEqual(
      diff.groups.map((g) => [g.group, g.beforeCount, g.afterCount, g.deltaKb]),
      [
        ['[heap]', 1, 1, kb(132, 136, 136, 0, 136)],
        // before A+B+C = (336, 48, 48, 8, 48), after A+C+D = (400, 152, 152, 16, 152)
        ['[anon]', 3, 3, kb(64, 104, 104, 8, 104)],
        ['/usr/lib/x86_64-linux-gnu/libm.so.6', 1, 0, kb(-400, -100, -10, 0, 0)],
        ['/dev/shm/buf', 2, 2, kb(0, 32, 16, 0, 0)],
        ['/usr/lib/x86_64-linux-gnu/libc.so.6', 1, 1, kb(0, 10, 1, 0, 0)],
        ['/usr/bin/demo', 2, 2, kb(0, 0, -2, 0, -4)],
        ['/usr/lib/locale/locale-archive', 1, 1, kb(0, 0, -25, 0, 0)],
        ['[stack]', 1, 1, kb(0, 0, 0, 0, 0)],
      ],
    );
    const anon = diff.groups.find((g) => g.group === '[anon]');
    assert.deepEqual(anon?.beforeKb, kb(336, 48, 48, 8, 48));
    assert.deepEqual(anon?.afterKb, kb(400, 152, 152, 16, 152));
  });

  test('totals: VIRT/RSS/SWAP from top metrics, PSS from smaps_rollup', () => {
    assert.deepEqual(diff.totals, [
      { name: 'VIRT', beforeKb: 10240, afterKb: 10500, deltaKb: 260 },
      { name: 'RSS', beforeKb: 2048, afterKb: 2100, deltaKb: 52 },
      { name: 'PSS', beforeKb: 194, afterKb: 200, deltaKb: 6 },
      { name: 'SWAP', beforeKb: 0, afterKb: 8, deltaKb: 8 },
    ]);
    assert.equal(diff.sameProcess, true);
    assert.equal(diff.before.createdAt, '2025-01-31T12:00:00.000Z');
    assert.equal(diff.after.createdAt, '2025-01-31T12:05:00.000Z');
  });
});

describe('diffSnapshots rules', () => {
  test('PSS falls back to totals.Pss without a rollup, and is null when neither has it', () => {
    const a = makeSnapshot();
    const b = makeSnapshot();
    a.rollup = null;
    b.rollup = null;
    a.totals = { Pss: 100 };
    b.totals = { Pss: 90 };
    assert.deepEqual(diffSnapshots(a, b).totals[2], { name: 'PSS', beforeKb: 100, afterKb: 90, deltaKb: -10 });
    b.totals = {};
    assert.deepEqual(diffSnapshots(a, b).totals[2], { name: 'PSS', beforeKb: 100, afterKb: null, deltaKb: null });
  });

  test('another start time means another process', () => {
    const a = makeSnapshot();
    const b = makeSnapshot({ metrics: { startTicks: 999 } });
    assert.equal(diffSnapshots(a, b).sameProcess, false);
  });

  test('"[anon:name]" mappings match by address, not by name', () => {
    const a = makeSnapshot({ mappings: [makeMapping(0x1000n, 4, { path: '[anon:buf]' }, { Rss: 4 })] });
    const b = makeSnapshot({ mappings: [makeMapping(0x9000n, 4, { path: '[anon:buf]' }, { Rss: 4 })] });
    assert.deepEqual(diffSnapshots(a, b).mappings.map((m) => m.change), ['gone', 'new']);
  });

  test('overlap: an anonymous region grown downward is grown (issue 15: it was new + gone), a stack too', () => {
    const a = makeSnapshot({
      mappings: [
        makeMapping(0x7f0001000000n, 18516, {}, { Rss: 18516 }),
        makeMapping(0x7ffd5e000000n, 132, { path: '[stack]', kind: 'stack' }, { Rss: 12 }),
      ],
    });
    const b = makeSnapshot({
      mappings: [
        makeMapping(0x7f0001000000n + 18516n * 1024n - 59636n * 1024n, 59636, {}, { Rss: 59636 }),
        makeMapping(0x7ffd5dff0000n, 196, { path: '[stack]', kind: 'stack' }, { Rss: 40 }),
      ],
    });
    const d = diffSnapshots(a, b);
    assert.deepEqual(
      d.mappings.map((m) => [m.change, m.before?.start, m.after?.start, m.deltaKb.sizeKb, m.deltaKb.rssKb]),
      [
        ['grown', '7f0001000000', b.mappings[0]!.start, 41120, 41120],
        ['grown', '7ffd5e000000', '7ffd5dff0000', 64, 28],
      ],
    );
  });

  test('overlap: a thread arena whose rw-p part grew into its ---p reserve is one grown and one shrunk region', () => {
    const a = makeSnapshot({
      mappings: [makeMapping(0x7f0000000000n, 132, {}, { Rss: 132 }), makeMapping(0x7f0000021000n, 65404, { perms: '---p', kind: 'guard' })],
    });
    const b = makeSnapshot({
      mappings: [makeMapping(0x7f0000000000n, 264, {}, { Rss: 264 }), makeMapping(0x7f0000042000n, 65272, { perms: '---p', kind: 'guard' })],
    });
    assert.deepEqual(
      diffSnapshots(a, b).mappings.map((m) => [m.change, m.deltaKb.sizeKb]),
      [
        ['grown', 132],
        ['shrunk', -132],
      ],
    );
  });

  test('overlap: two mappings that became one are merged, with the summed delta; file pages must line up', () => {
    const lib = '/usr/lib/libz.so';
    const a = makeSnapshot({ mappings: [makeMapping(0x10000n, 8, {}, { Rss: 8 }), makeMapping(0x12000n, 8, { perms: 'r--p' }, { Rss: 4 }), makeMapping(0x20000n, 8, { path: lib })] });
    const b = makeSnapshot({ mappings: [makeMapping(0x10000n, 16, {}, { Rss: 16 }), makeMapping(0x20000n, 8, { path: lib, offset: '00001000' })] });
    const d = diffSnapshots(a, b);
    assert.deepEqual(
      d.mappings.map((m) => [m.change, m.parts?.before.length ?? null, m.parts?.after.length ?? null, m.deltaKb.rssKb]),
      [
        ['merged', 2, 1, 4],
        // same file at the same address but another offset: other file pages, so gone + new
        ['gone', null, null, 0],
        ['new', null, null, 0],
      ],
    );
    assert.deepEqual(d.counts, { grown: 0, shrunk: 0, split: 0, merged: 1, new: 1, gone: 1, unchanged: 0 });
  });

  test('mappings without smaps still get Size from their addresses', () => {
    const m = makeMapping(0x7f0000000000n, 12, {});
    delete m.smaps;
    assert.deepEqual(readMappingAmounts(m), kb(12, 0, 0, 0, 0));
    const d = diffSnapshots(makeSnapshot({ mappings: [] }), makeSnapshot({ mappings: [m] }));
    assert.deepEqual(d.mappings[0]?.deltaKb, kb(12, 0, 0, 0, 0));
  });

  test('a change in any one amount alone decides grown or shrunk (Size, then Rss, Pss, Swap, Private_Dirty)', () => {
    const fields = ['Rss', 'Pss', 'Swap', 'Private_Dirty'] as const;
    for (const field of fields) {
      for (const sign of [1, -1]) {
        const before = makeMapping(0x4000n, 64, {}, { [field]: 8 });
        const after = makeMapping(0x4000n, 64, {}, { [field]: 8 + sign * 4 });
        const d = diffSnapshots(makeSnapshot({ mappings: [before] }), makeSnapshot({ mappings: [after] }));
        assert.equal(d.mappings[0]?.change, sign > 0 ? 'grown' : 'shrunk', `${field} ${sign}`);
      }
    }
    // Size wins over Rss: a mapping that got bigger but had pages reclaimed is grown.
    const before = makeMapping(0x4000n, 64, {}, { Rss: 64 });
    const after = makeMapping(0x4000n, 128, {}, { Rss: 8 });
    assert.equal(diffSnapshots(makeSnapshot({ mappings: [before] }), makeSnapshot({ mappings: [after] })).mappings[0]?.change, 'grown');
  });

  test('random snapshots: every mapping appears once; mapping deltas, group deltas and whole sums agree', () => {
    const random = makeSeededRandom(31);
    const paths = ['', '', '', '[heap]', '/usr/lib/libx.so', '/usr/lib/liby.so', '[anon:pool]'];
    const makeRandomMappings = (): Mapping[] => {
      const out: Mapping[] = [];
      let at = 0x7f0000000000n;
      const count = drawInt(random, 0, 30);
      let heapSeen = false;
      for (let i = 0; i < count; i++) {
        at += BigInt(drawInt(random, 1, 8)) * 0x1000n * 16n;
        let path = paths[drawInt(random, 0, paths.length - 1)] as string;
        if (path === '[heap]' && heapSeen) path = '';
        if (path === '[heap]') heapSeen = true;
        const sizeKb = drawInt(random, 1, 8) * 4;
        const rss = drawInt(random, 0, sizeKb / 4) * 4;
        out.push(
          makeMapping(at, sizeKb, { path, perms: random() < 0.5 ? 'rw-p' : 'r--p', offset: drawInt(random, 0, 2) === 0 ? '00000000' : '00001000' }, {
            Rss: rss,
            Pss: drawInt(random, 0, rss),
            Swap: drawInt(random, 0, 8),
            Private_Dirty: drawInt(random, 0, rss),
          }),
        );
        at += BigInt(sizeKb) * 1024n;
      }
      return out;
    };
    for (let round = 0; round < 200; round++) {
      const a = makeSnapshot({ mappings: makeRandomMappings() });
      const b = makeSnapshot({ mappings: makeRandomMappings() });
      const d = diffSnapshots(a, b);
      const befores = d.mappings.flatMap((m) => m.parts?.before ?? (m.before === null ? [] : [m.before]));
      const afters = d.mappings.flatMap((m) => m.parts?.after ?? (m.after === null ? [] : [m.after]));
      assert.equal(befores.length, a.mappings.length);
      assert.equal(afters.length, b.mappings.length);
      assert.equal(new Set(befores).size, a.mappings.length);
      assert.equal(new Set(afters).size, b.mappings.length);
      const whole = sumAmounts(b.mappings.map(readMappingAmounts));
      const wholeBefore = sumAmounts(a.mappings.map(readMappingAmounts));
      const expected = kb(
        whole.sizeKb - wholeBefore.sizeKb,
        whole.rssKb - wholeBefore.rssKb,
        whole.pssKb - wholeBefore.pssKb,
        whole.swapKb - wholeBefore.swapKb,
        whole.privateDirtyKb - wholeBefore.privateDirtyKb,
      );
      assert.deepEqual(sumAmounts(d.mappings.map((m) => m.deltaKb)), expected);
      assert.deepEqual(sumAmounts(d.groups.map((g) => g.deltaKb)), expected);
      for (const m of d.mappings) {
        if (m.parts !== undefined) {
          assert.equal(m.change, m.parts.after.length < m.parts.before.length ? 'merged' : 'split');
          assert.ok(m.parts.before.length + m.parts.after.length > 2);
        } else if (m.before !== null && m.after !== null) {
          // A pair is one region by the documented rule: overlapping with the same backing, else the same identity.
          const overlaps = hexToBigInt(m.before.start) < hexToBigInt(m.after.end) && hexToBigInt(m.after.start) < hexToBigInt(m.before.end);
          const sameBacking = identifyBacking(m.before, hexToBigInt(m.before.start)) === identifyBacking(m.after, hexToBigInt(m.after.start));
          assert.ok((overlaps && sameBacking) || identifyMapping(m.before) === identifyMapping(m.after), JSON.stringify(m));
        }
      }
    }
  });
});
