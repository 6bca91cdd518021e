// TopTable keeps each process's printed line between ticks: whatever it kept, every tick's text must be the
// text a fresh table prints for that tick, on real ticks of a subject that changes and of processes that come and go.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TopTable } from '../../../electron/commands/top.js';
import { Sampler } from '../../../electron/host/proc/sampler.js';
import { DEFAULT_COLUMNS } from '../../../shared/proc/columns.js';
import type { ProcessRow } from '../../../shared/proc/types.js';
import { startSubject, type Subject } from '../../helpers/subject.js';

describe('TopTable reuses lines only where they are unchanged', () => {
  let subject: Subject;
  const sampler = new Sampler({ columns: DEFAULT_COLUMNS });
  before(async () => {
    subject = await startSubject(32, 4);
  });
  after(async () => {
    sampler.close();
    await subject.kill();
  });

  test('each tick prints what a fresh table prints: idle rows, a subject touching memory, one that exits, a limit', async () => {
    const table = new TopTable();
    const short = await startSubject(1, 1);
    const steps: (() => Promise<unknown>)[] = [
      async () => undefined,
      () => subject.command('touch 4'),
      async () => undefined,
      () => short.kill(),
      () => subject.command('touch 1'),
      async () => undefined,
      async () => undefined,
    ];
    let sawSubjectChange = false;
    let previous: ProcessRow | undefined;
    for (const [i, step] of steps.entries()) {
      await step();
      const tick = sampler.tick();
      const rows = [...tick.rows].sort((a, b) => a.pid - b.pid);
      const shown = i === 5 ? rows.slice(0, 5) : rows; // --limit drops lines; tick 6 prints them anew
      assert.equal(table.format(tick, shown), new TopTable().format(tick, shown), `tick ${i}`);
      const row = rows.find((r) => r.pid === subject.pid);
      assert.ok(row !== undefined);
      if (previous !== undefined && previous.resKb !== row.resKb) sawSubjectChange = true;
      previous = row;
    }
    assert.ok(sawSubjectChange, 'the subject changed RES between two ticks');
  });
});
