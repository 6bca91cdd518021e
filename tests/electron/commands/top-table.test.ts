// TopTable keeps each process's printed line between ticks: whatever it kept, every tick's text must be the
// text a fresh table prints for that tick, on real ticks of a subject that changes and of processes that come and go.
// And its one frame buffer: a frame given away stays as it was, a frame bigger than the buffer grows it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { TopTable } from '../../../electron/commands/top-table.js';
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
      const limit = i === 5 ? 5 : Infinity; // --limit drops lines; tick 6 prints them anew
      assert.equal(table.format(tick, rows, limit), new TopTable().format(tick, rows.slice(0, limit)), `tick ${i}`);
      const row = rows.find((r) => r.pid === subject.pid);
      assert.ok(row !== undefined);
      if (previous !== undefined && previous.resKb !== row.resKb) sawSubjectChange = true;
      previous = row;
    }
    assert.ok(sawSubjectChange, 'the subject changed RES between two ticks');
  });

  test('lines left in place from the frame before: rows reordered, cut by a limit, back again, a detached frame', () => {
    const table = new TopTable();
    const tick = sampler.tick();
    const byPid = [...tick.rows].sort((a, b) => a.pid - b.pid);
    const swapped = [byPid[1]!, byPid[0]!, ...byPid.slice(2)];
    const orders: [ProcessRow[], number][] = [
      [byPid, Infinity],
      [byPid, Infinity],
      [byPid, 3], // the frame ends where the fourth line was
      [byPid, Infinity],
      [swapped, Infinity], // same lengths? then the same places, other lines
      [byPid.slice().reverse(), Infinity],
      [byPid, 4],
      [byPid, Infinity],
    ];
    for (const [i, [rows, limit]] of orders.entries()) {
      if (i === 6) table.detachFrame();
      assert.equal(table.format(tick, rows, limit), new TopTable().format(tick, rows.slice(0, limit)), `frame ${i}`);
    }
  });

  test('a detached frame keeps its bytes; frames past the first buffer (long command lines) grow it', async () => {
    const longArgv0 = `memscope-long-${'x'.repeat(16 * 1024)}`;
    const children = Array.from({ length: 6 }, () => spawn('sleep', ['600'], { argv0: longArgv0, stdio: 'ignore' }));
    try {
      await Promise.all(children.map((c) => once(c, 'spawn')));
      const table = new TopTable();
      const first = sampler.tick();
      const firstRows = [...first.rows].sort((a, b) => a.pid - b.pid);
      const frame = table.render(first, firstRows);
      assert.ok(frame.length > 96 * 1024, `frame of ${frame.length} bytes`);
      const copy = Buffer.from(frame);
      table.detachFrame();
      const second = sampler.tick();
      const secondRows = [...second.rows].sort((a, b) => a.pid - b.pid);
      assert.equal(table.render(second, secondRows).toString(), new TopTable().format(second, secondRows));
      assert.ok(frame.equals(copy), 'the detached frame was not written again');
      assert.equal(copy.toString(), new TopTable().format(first, firstRows));
    } finally {
      for (const c of children) c.kill('SIGKILL');
    }
  });
});
