// shared/proc/group.ts: per-path sums against a regex reading of the same smaps; totals preserved.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { groupByBackingFile } from '../../../shared/proc/group.js';
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
