// formatDiff: exact totals table, cell-by-cell column alignment of the mapping and group tables.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { diffSnapshots } from '../../../shared/snapshot/diff.js';
import { formatDiff, formatSignedKb } from '../../../shared/snapshot/format-diff.js';
import { makeSnapshot } from './build-snapshot.js';
import { makeAfter, makeBefore } from './diff-pair.js';

/** The lines of the table that follows the line `title`, up to the next blank line. */
function sliceTable(lines: string[], title: string): string[] {
  const from = lines.indexOf(title);
  assert.ok(from >= 0, `no ${title}`);
  const rest = lines.slice(from + 1);
  const end = rest.indexOf('');
  return end < 0 ? rest : rest.slice(0, end);
}

/**
 * Checks a rendered table cell by cell against expected cells: a left-aligned cell starts where its
 * header title starts, a right-aligned one ends where its title ends.
 */
function assertAligned(table: string[], titles: string[], rightAligned: Set<string>, rows: string[][]): void {
  const header = table[0] as string;
  assert.equal(table.length, rows.length + 1);
  // Titles in order, each searched after the previous one.
  const starts: number[] = [];
  let from = 0;
  for (const t of titles) {
    const at = header.indexOf(t, from);
    assert.ok(at >= 0, `title ${t}`);
    starts.push(at);
    from = at + t.length;
  }
  rows.forEach((cells, r) => {
    const line = table[r + 1] as string;
    cells.forEach((cell, c) => {
      const title = titles[c] as string;
      const start = rightAligned.has(title) ? (starts[c] as number) + title.length - cell.length : (starts[c] as number);
      assert.equal(line.slice(start, start + cell.length), cell, `row ${r} column ${title}: ${JSON.stringify(line)}`);
      assert.ok(start === 0 || line[start - 1] === ' ', `row ${r} column ${title} not separated`);
    });
  });
}

describe('formatDiff', () => {
  const lines = formatDiff(diffSnapshots(makeBefore(), makeAfter()));

  test('header: both sides and the counts', () => {
    assert.deepEqual(lines.slice(0, 3), [
      'before: pid 4242 (demo) at 2025-01-31T12:00:00.000Z',
      'after:  pid 4242 (demo) at 2025-01-31T12:05:00.000Z',
      'mappings: 4 grown, 2 shrunk, 0 split, 0 merged, 2 new, 3 gone, 3 unchanged',
    ]);
  });

  test('totals table, exactly', () => {
    assert.deepEqual(sliceTable(lines, 'TOTALS (kB)'), [
      '      before  after  delta',
      'VIRT   10240  10500   +260',
      'RSS     2048   2100    +52',
      'PSS      194    200     +6',
      'SWAP       0      8     +8',
    ]);
  });

  test('mappings table: changed mappings only, columns aligned, signed deltas, perms change shown', () => {
    const titles = ['change', 'start', 'end', 'perms', 'Size', 'Rss', 'Pss', 'Swap', 'Private_Dirty', 'path'];
    assertAligned(sliceTable(lines, 'MAPPINGS (deltas in kB)'), titles, new Set(['Size', 'Rss', 'Pss', 'Swap', 'Private_Dirty']), [
      ['shrunk', '55d0c0a02000', '55d0c0a03000', 'rw-p', '0', '0', '-2', '0', '-4', '/usr/bin/demo'],
      ['grown', '55d0c1000000', '55d0c1042000', 'rw-p', '+132', '+136', '+136', '0', '+136', '[heap]'],
      ['grown', '7f3dd7300000', '7f3dd7310000', 'rw-s', '0', '+32', '+16', '0', '0', '/dev/shm/buf'],
      ['gone', '7f3dd8000000', '7f3dd8200000', 'r--p', '-2048', '-50', '-50', '0', '0', '/usr/lib/locale/locale-archive'],
      ['new', '7f3dd8000000', '7f3dd8200000', 'r--s', '+2048', '+50', '+25', '0', '0', '/usr/lib/locale/locale-archive'],
      ['new', '7f3dd9400000', '7f3dd9420000', 'rw-p', '+128', '+128', '+128', '0', '+128'],
      ['grown', '7f3dd9800000', '7f3dd9804000', '---p->rw-p', '0', '+16', '+16', '0', '+16'],
      ['gone', '7f3dd9a00000', '7f3dd9a10000', 'rw-p', '-64', '-32', '-32', '0', '-32'],
      ['shrunk', '7f3dd9b00000', '7f3dd9b40000', 'rw-p', '0', '-8', '-8', '+8', '-8'],
      ['grown', '7f3dd9d00000', '7f3dd9e8b000', 'r-xp', '0', '+10', '+1', '0', '0', '/usr/lib/x86_64-linux-gnu/libc.so.6'],
      ['gone', '7f3dd9e00000', '7f3dd9e64000', 'r-xp', '-400', '-100', '-10', '0', '0', '/usr/lib/x86_64-linux-gnu/libm.so.6'],
    ]);
  });

  test('groups table: non-zero groups only, sorted, counts before->after', () => {
    const titles = ['maps', 'Size', 'Rss', 'Pss', 'Swap', 'Private_Dirty', 'group'];
    assertAligned(sliceTable(lines, 'GROUPS (deltas in kB)'), titles, new Set(titles.slice(0, 6)), [
      ['1->1', '+132', '+136', '+136', '0', '+136', '[heap]'],
      ['3->3', '+64', '+104', '+104', '+8', '+104', '[anon]'],
      ['1->0', '-400', '-100', '-10', '0', '0', '/usr/lib/x86_64-linux-gnu/libm.so.6'],
      ['2->2', '0', '+32', '+16', '0', '0', '/dev/shm/buf'],
      ['1->1', '0', '+10', '+1', '0', '0', '/usr/lib/x86_64-linux-gnu/libc.so.6'],
      ['2->2', '0', '0', '-2', '0', '-4', '/usr/bin/demo'],
      ['1->1', '0', '0', '-25', '0', '0', '/usr/lib/locale/locale-archive'],
    ]);
  });

  test('no line ends in a space', () => {
    for (const line of lines) assert.equal(line, line.trimEnd());
  });

  test('includeUnchanged lists every mapping; maxGroups caps the groups', () => {
    const all = formatDiff(diffSnapshots(makeBefore(), makeAfter()), { includeUnchanged: true, maxGroups: 2 });
    assert.equal(sliceTable(all, 'MAPPINGS (deltas in kB)').length, 1 + 14);
    assert.equal(sliceTable(all, 'GROUPS (deltas in kB)').length, 1 + 2);
  });

  test('identical snapshots say nothing changed; different processes get a note', () => {
    const same = formatDiff(diffSnapshots(makeSnapshot(), makeSnapshot()));
    assert.deepEqual(sliceTable(same, 'MAPPINGS (deltas in kB)'), ['no mapping changed']);
    assert.deepEqual(sliceTable(same, 'GROUPS (deltas in kB)'), ['no group changed']);
    assert.ok(!same.some((l) => l.startsWith('note:')));
    const other = formatDiff(diffSnapshots(makeSnapshot(), makeSnapshot({ metrics: { startTicks: 1 } })));
    assert.ok(other.some((l) => l.startsWith('note: different processes')));
  });

  test('a missing total prints "-"', () => {
    const a = makeSnapshot();
    const b = makeSnapshot();
    a.rollup = null;
    a.totals = {};
    assert.ok(sliceTable(formatDiff(diffSnapshots(a, b)), 'TOTALS (kB)').includes('PSS        -    194      -'));
  });
});

describe('formatSignedKb', () => {
  test('explicit sign, zero unsigned, one decimal for fractions', () => {
    assert.equal(formatSignedKb(132), '+132');
    assert.equal(formatSignedKb(-8), '-8');
    assert.equal(formatSignedKb(0), '0');
    assert.equal(formatSignedKb(-0), '0');
    assert.equal(formatSignedKb(1.25), '+1.3');
    assert.equal(formatSignedKb(-0.5), '-0.5');
  });
});
