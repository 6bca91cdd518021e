// shared/proc/group.ts: per-path sums against a regex reading of the same smaps; totals preserved.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { groupByBackingFile, groupChunks, indexChunkByName, mappingName } from '../../../shared/proc/group.js';
import type { Mapping } from '../../../shared/proc/types.js';
import { SMAPS_FIELDS } from '../../../shared/proc/smaps-fields.js';
import { parseSmaps } from '../../../shared/proc/smaps.js';
import { parseMaps } from '../../../shared/proc/maps.js';
import {
  readFixture,
  readFixtureExe,
  readFixtureText,
  readSmapsReference,
  readStatusReference,
  sizeKbReference,
  statusKb,
} from '../../helpers/proc-reference.js';

for (const fixture of ['node-idle', 'odd-paths']) {
  describe(`groupByBackingFile on ${fixture}`, () => {
    const exe = readFixtureExe(fixture);
    const groups = groupByBackingFile(parseSmaps(readFixture(fixture, 'smaps'), exe));
    const ref = readSmapsReference(readFixtureText(fixture, 'smaps'));

    test('each path: mapping count, size and every additive field summed, as the regex reading sums them', () => {
      const paths = [...new Set(ref.filter((r) => r.path !== '').map((r) => r.path))];
      for (const path of paths) {
        const mine = ref.filter((r) => r.path === path);
        const group = groups.find((g) => g.key === path);
        assert.ok(group !== undefined, path);
        assert.equal(group.mappingCount, mine.length, path);
        assert.equal(group.sizeKb, mine.reduce((s, r) => s + sizeKbReference(r.start, r.end), 0), path);
        for (const key of ['Rss', 'Pss', 'Private_Dirty', 'Shared_Clean', 'Anonymous', 'Swap', 'Referenced']) {
          assert.equal(group.smapsSums[key], mine.reduce((s, r) => s + (r.fields[key] as number), 0), `${path} ${key}`);
        }
      }
    });

    test('pathless mappings are grouped by kind and are all accounted for', () => {
      const pathless = ref.filter((r) => r.path === '').length;
      const inKindGroups = groups.filter((g) => /^\[(anon|guard|bss|shm)\]$/.test(g.key)).reduce((s, g) => s + g.mappingCount, 0);
      assert.equal(inKindGroups, pathless);
    });

    test('totals are preserved: Σ sizeKb = Σ mapping sizes, Σ Rss = VmRSS; keys are unique', () => {
      const status = readStatusReference(readFixtureText(fixture, 'status'));
      assert.equal(groups.reduce((s, g) => s + g.sizeKb, 0), ref.reduce((s, r) => s + sizeKbReference(r.start, r.end), 0));
      assert.equal(groups.reduce((s, g) => s + g.smapsSums['Rss']!, 0), statusKb(status, 'VmRSS'));
      assert.equal(new Set(groups.map((g) => g.key)).size, groups.length);
      assert.equal(groups.reduce((s, g) => s + g.mappingCount, 0), ref.length);
    });

    test('per-mapping properties (KernelPageSize, MMUPageSize, THPeligible) are not summed; VmFlags is not a number', () => {
      for (const g of groups) {
        for (const f of SMAPS_FIELDS) if (!f.additive) assert.ok(!(f.key in g.smapsSums), `${g.key} ${f.key}`);
        assert.ok(!('VmFlags' in g.smapsSums));
      }
    });

    test("the executable's group is 'text', keyed by its path", () => {
      const g = groups.find((x) => x.key === exe)!;
      assert.equal(g.kind, 'text');
      assert.equal(g.mappingCount, ref.filter((r) => r.path === exe).length);
    });
  });
}

describe('groupByBackingFile details', () => {
  test('node-idle: libc is one lib group; groups come in order of first address', () => {
    const maps = parseMaps(readFixture('node-idle', 'maps'), readFixtureExe('node-idle'));
    const groups = groupByBackingFile(maps);
    const libc = groups.find((g) => g.key.endsWith('/libc.so.6'))!;
    assert.equal(libc.kind, 'lib');
    assert.equal(libc.mappingCount, readFixtureText('node-idle', 'maps').split('\n').filter((l) => l.endsWith('/libc.so.6')).length);
    const firstIndex = groups.map((g) => maps.findIndex((m) => (m.path === '' ? `[${m.kind}]` : m.path) === g.key));
    assert.deepEqual(firstIndex, [...firstIndex].sort((a, b) => a - b));
    assert.deepEqual(libc.smapsSums, {}, 'maps only: no smaps sums');
  });

  test('empty input (kernel thread) gives no groups', () => {
    assert.deepEqual(groupByBackingFile([]), []);
  });
});

// groupChunks against groupByBackingFile of the same mappings (order, kinds, counts, sums), on a real process's smaps
// cut into chunks of 4 as a re-read holds them: a chunk changed, dropped or added, the others kept as the same arrays.
describe('groupChunks (a re-read groups only what changed)', () => {
  const mappings = parseSmaps(readFixture('node-idle', 'smaps'), readFixtureExe('node-idle'));
  const cut = (list: readonly Mapping[]) => Array.from({ length: Math.ceil(list.length / 4) }, (_, i) => list.slice(i * 4, i * 4 + 4));
  const chunks = cut(mappings);
  const heldGroups = groupChunks(chunks);
  const held = { chunks, groups: heldGroups };
  const keysOf = (chunk: readonly Mapping[]) => new Set(chunk.map(mappingName));
  /** The index of a chunk holding a mapping of a group of several mappings spread over other chunks too (libc). */
  const libcChunk = chunks.findIndex((c) => c.some((m) => m.path.endsWith('/libc.so.6')));

  test('without held groups: groupByBackingFile of the chunks, in order of first appearance', () => {
    assert.deepEqual(heldGroups, groupByBackingFile(mappings));
    assert.ok(heldGroups.length > 5 && libcChunk >= 0, `${heldGroups.length} groups`);
  });

  test("a chunk whose Rss moved: its groups summed again exactly, every other group the held object", () => {
    const moved = (chunks[libcChunk] as Mapping[]).map((m) => (m.path.endsWith('/libc.so.6') ? { ...m, smaps: { ...m.smaps, Rss: (m.smaps?.Rss as number) + 8, Pss: (m.smaps?.Pss as number) + 4 } } : m));
    const next = chunks.map((c, i) => (i === libcChunk ? moved : c));
    const groups = groupChunks(next, held);
    assert.deepEqual(groups, groupByBackingFile(next.flat()));
    const changed = keysOf(moved);
    for (const [i, g] of groups.entries()) {
      if (changed.has(g.key)) continue;
      assert.equal(g, heldGroups[i], `${g.key} was summed again though none of its chunks changed`);
    }
    const libc = groups.find((g) => g.key.endsWith('/libc.so.6'));
    const heldLibc = heldGroups.find((g) => g.key.endsWith('/libc.so.6'));
    assert.equal(libc?.smapsSums['Rss'], (heldLibc?.smapsSums['Rss'] as number) + 8 * moved.filter((m) => m.path.endsWith('/libc.so.6')).length);
  });

  test('a chunk read again with the same numbers (a new array): every group the held object', () => {
    const next = chunks.map((c, i) => (i === libcChunk ? c.map((m) => ({ ...m })) : c));
    const groups = groupChunks(next, held);
    assert.equal(groups.length, heldGroups.length);
    for (const [i, g] of groups.entries()) assert.equal(g, heldGroups[i], g.key);
  });

  test('a chunk gone and a new one with a new file: groups as groupByBackingFile gives them, in address order', () => {
    const first = chunks[1]?.[0] as Mapping;
    const added = [{ ...first, path: '/tmp/memscope-new-file', kind: 'file' as const }];
    const gone = chunks.length - 2;
    const next = chunks.flatMap((c, i) => (i === gone ? [] : i === 1 ? [c, added] : [c]));
    const groups = groupChunks(next, held);
    assert.deepEqual(groups, groupByBackingFile(next.flat()));
    assert.equal(groups.findIndex((g) => g.key === '/tmp/memscope-new-file'), groupByBackingFile(next.flat()).findIndex((g) => g.key === '/tmp/memscope-new-file'));
    // And back: the chunk of the new file goes, and its group with it.
    const back = groupChunks(chunks, { chunks: next, groups });
    assert.deepEqual(back, heldGroups);
    assert.ok(!back.some((g) => g.key === '/tmp/memscope-new-file'));
  });
});

// indexChunkByName against a plain grouping of the same chunk; a chunk of one key lists the chunk array itself (no copy
// of its mappings held beside it), and the index is made once per chunk array.
describe('indexChunkByName', () => {
  const mappings = parseSmaps(readFixture('node-idle', 'smaps'), readFixtureExe('node-idle'));

  test('every chunk of 4: the keys in order of first appearance and their mappings in address order', () => {
    for (let i = 0; i < mappings.length; i += 4) {
      const chunk = mappings.slice(i, i + 4);
      const expected = new Map<string, Mapping[]>();
      for (const m of chunk) expected.set(mappingName(m), [...(expected.get(mappingName(m)) ?? []), m]);
      assert.deepEqual([...indexChunkByName(chunk)], [...expected]);
      assert.equal(indexChunkByName(chunk), indexChunkByName(chunk), 'made once per chunk array');
    }
  });

  test('a chunk whose mappings have one key lists the chunk array itself', () => {
    const libc = mappings.filter((m) => m.path.endsWith('/libc.so.6'));
    assert.ok(libc.length > 1, `${libc.length} libc mappings`);
    const index = indexChunkByName(libc);
    assert.deepEqual([...index.keys()], [mappingName(libc[0] as Mapping)]);
    assert.equal(index.get(mappingName(libc[0] as Mapping)), libc);
  });
});
