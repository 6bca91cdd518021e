// TopSorter starts each tick from the last tick's order: whatever it kept, every tick's order must be the order a
// sort from scratch gives, on real ticks (a subject changing RES, processes that come and go) and on orders that
// change completely, list a pid twice or hold NaN.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TopSorter, sortRows } from '../../../electron/commands/top-sort.js';
import { Sampler } from '../../../electron/host/proc/sampler.js';
import { DEFAULT_COLUMNS, type ColumnId } from '../../../shared/proc/columns.js';
import type { ProcessRow } from '../../../shared/proc/types.js';
import { startSubject, type Subject } from '../../helpers/subject.js';

const pidsOf = (rows: readonly ProcessRow[]) => rows.map((r) => r.pid);

describe('TopSorter sorts exactly as a sort from scratch', () => {
  let subject: Subject;
  const sampler = new Sampler({ columns: [...DEFAULT_COLUMNS, 'minflt'] });
  before(async () => {
    subject = await startSubject(32, 4);
  });
  after(async () => {
    sampler.close();
    await subject.kill();
  });

  test('real ticks: a subject touching memory (it moves up the RES order), one process starting and exiting', async () => {
    const keys: ColumnId[] = ['resKb', 'cpuPct', 'minflt', 'command'];
    const sorters = keys.map((k) => new TopSorter(k));
    let short: Subject | undefined;
    const steps: (() => Promise<unknown>)[] = [
      async () => undefined,
      () => subject.command('touch 16'),
      async () => (short = await startSubject(1, 1)),
      () => subject.command('touch 28'),
      async () => short?.kill(),
      async () => undefined,
    ];
    for (const [i, step] of steps.entries()) {
      await step();
      const tick = sampler.tick();
      for (const [k, key] of keys.entries()) assert.deepEqual(pidsOf(sorters[k]!.sort(tick.rows)), pidsOf(sortRows(tick.rows, key)), `tick ${i}, ${key}`);
    }
  });

  test('an order turned upside down (past the insertion sort\'s bound), a pid listed twice, a NaN', () => {
    const rows = sampler.tick().rows;
    assert.ok(rows.length > 20, 'enough processes to reorder');
    const sorter = new TopSorter('resKb');
    assert.deepEqual(pidsOf(sorter.sort(rows)), pidsOf(sortRows(rows, 'resKb')));
    const reversed = rows.map((r) => ({ ...r, resKb: -r.resKb }));
    assert.deepEqual(pidsOf(sorter.sort(reversed)), pidsOf(sortRows(reversed, 'resKb')), 'upside down');
    const tombstoneAndNewcomer = [...rows, { ...rows[0]!, rowStatus: 'gone' as const, resKb: 1 }];
    assert.deepEqual(sorter.sort(tombstoneAndNewcomer), sortRows(tombstoneAndNewcomer, 'resKb'), 'a pid twice');
    const withNaN = rows.map((r, i) => (i === 3 ? { ...r, resKb: Number.NaN } : r));
    assert.deepEqual(pidsOf(sorter.sort(withNaN)), pidsOf(sortRows(withNaN, 'resKb')), 'a NaN');
    assert.deepEqual(pidsOf(sorter.sort(rows)), pidsOf(sortRows(rows, 'resKb')), 'and back');
  });
});
