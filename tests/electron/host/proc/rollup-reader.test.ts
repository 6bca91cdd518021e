// PSS/USS/SWAP-PSS for the rows on screen: the sampler's figures against the subject's own smaps_rollup,
// read right after; only the asked-for pids are read; a refused rollup (pid 1 here, even to root) is a
// row's note, never a failed tick.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Sampler } from '../../../../electron/host/proc/sampler.js';
import { DEFAULT_COLUMNS } from '../../../../shared/proc/columns.js';
import type { ProcessRow } from '../../../../shared/proc/types.js';
import { startStaticSubject, startSubject, type Subject } from '../../../helpers/subject.js';

/** One smaps_rollup field in kB, parsed here independently of memscope's parser. */
function rollupKb(pid: number, key: string): number {
  const line = readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1')
    .split('\n')
    .find((l) => l.startsWith(`${key}:`));
  assert.ok(line, `${key} in smaps_rollup`);
  return Number(/(\d+) kB/.exec(line)?.[1]);
}

/** Why pid 1's rollup cannot be the EACCES case here, or false when it is refused. */
function initRollupReadable(): string | false {
  try {
    readFileSync('/proc/1/smaps_rollup');
    return '/proc/1/smaps_rollup is readable on this machine: no refused rollup to show';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EACCES' ? false : `/proc/1/smaps_rollup: ${(err as Error).message}`;
  }
}

function rowOf(rows: ProcessRow[], pid: number): ProcessRow {
  const row = rows.find((r) => r.pid === pid && r.rowStatus !== 'gone');
  assert.ok(row, `pid ${pid} is in the tick`);
  return row;
}

describe('smaps_rollup columns for the rows on screen', () => {
  let subject: Subject;
  let other: Subject;
  const sampler = new Sampler({ columns: [...DEFAULT_COLUMNS, 'pssKb', 'ussKb', 'swapPssKb'] });
  before(async () => {
    // Static: its Pss holds still between the tick's read and the test's (a libc mapped or unmapped by any process
    // moves a dynamic subject's Pss in between).
    subject = await startStaticSubject(48, 20);
    other = await startSubject(16, 4);
  });
  after(async () => {
    sampler.close();
    await subject.kill();
    await other.kill();
  });

  test('PSS, USS and SWAP-PSS equal the subject smaps_rollup; a pid not asked for is not read', () => {
    sampler.setRollupPids([subject.pid]);
    const tick = sampler.tick();
    const row = rowOf(tick.rows, subject.pid);
    assert.equal(row.pssKb, rollupKb(subject.pid, 'Pss'));
    assert.equal(row.ussKb, rollupKb(subject.pid, 'Private_Clean') + rollupKb(subject.pid, 'Private_Dirty'));
    assert.equal(row.swapPssKb, rollupKb(subject.pid, 'SwapPss'));
    assert.ok((row.pssKb ?? 0) >= 20 * 1024, `the 20 MiB it touched are its own: Pss ${row.pssKb}`);
    assert.equal(rowOf(tick.rows, other.pid).pssKb, undefined, 'off screen: no rollup read');
    assert.deepEqual(tick.cost.rollup && [tick.cost.rollup.readCount, tick.cost.rollup.deferredCount], [1, 0]);
    assert.ok(tick.cost.sources.includes('smaps_rollup'));
  });

  test('no pid asked for: no smaps_rollup read and none in the cost', () => {
    sampler.setRollupPids([]);
    const tick = sampler.tick();
    assert.equal(tick.cost.rollup, undefined);
    assert.ok(!tick.cost.sources.includes('smaps_rollup'));
    assert.equal(rowOf(tick.rows, subject.pid).pssKb, undefined);
  });

  test('a refused rollup (pid 1, even to root) is the row note "permission denied", not an error', { skip: initRollupReadable() }, () => {
    sampler.setRollupPids([1, subject.pid]);
    let tick = sampler.tick();
    // Both are read within one tick's ROLLUP_BUDGET_MS unless the first read outlasts it (a busy machine): the pid
    // deferred then goes first at the next tick, and the other keeps its figures.
    if (tick.cost.rollup?.deferredCount !== 0) tick = sampler.tick();
    const init = rowOf(tick.rows, 1);
    assert.equal(tick.error, undefined);
    assert.equal(init.rowStatus, 'ok');
    assert.equal(init.pssKb, undefined);
    assert.match(init.rollupError ?? '', /permission denied/);
    assert.equal(rowOf(tick.rows, subject.pid).pssKb, rollupKb(subject.pid, 'Pss'));
  });
});
