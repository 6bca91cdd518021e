// writeSmapsTable (the maps table straight from smaps bytes) against formatTableRow over parseSmaps' objects of
// the same bytes: captured smaps (odd paths: spaces, "\012", UTF-8, " (deleted)"), this test process's own, and
// 3,000 mappings of many-maps.c; totals, VmSize sums and every row byte for byte.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { computeTableWidths, writeSmapsTable, type TableTotals, TABLE_FIELDS } from '../../../shared/proc/maps-table.js';
import { formatTableRow } from '../../../shared/proc/maps-table.js';
import { parseSmaps } from '../../../shared/proc/smaps.js';
import { sumSmapsAmounts } from '../../../shared/proc/smaps-fields.js';
import { checkVmSize } from '../../../shared/proc/vmsize.js';
import { ProcReader } from '../../../electron/host/proc/proc-reader.js';
import { buildHarness } from '../../helpers/c-build.js';
import { PROC_FIXTURES } from '../../helpers/paths.js';
import { spawnUntilReady } from '../../helpers/ready-harness.js';

function checkSameTable(bytes: Uint8Array, exe: string | null): void {
  const mappings = parseSmaps(bytes, exe);
  const sums = sumSmapsAmounts(mappings);
  const expectedTotals: TableTotals = {};
  for (const f of TABLE_FIELDS) if (sums[f] !== undefined) expectedTotals[f] = sums[f];
  const table = writeSmapsTable(bytes, exe);
  assert.ok(table !== null, 'kernel bytes are read plainly');
  assert.deepEqual(table.totals, expectedTotals);
  assert.equal(table.mappingCount, mappings.length);
  const v = checkVmSize(mappings, 0);
  assert.deepEqual([table.sumKb, table.vsyscallKb], [v.sumKb, v.vsyscallKb]);
  const widths = computeTableWidths(table.totals);
  const expected = mappings.map((m) => `${formatTableRow(m, widths)}\n`).join('');
  assert.equal(Buffer.from(table.renderRows(widths)).toString('utf8'), expected);
}

describe('writeSmapsTable', () => {
  for (const fixture of ['node-idle', 'odd-paths']) {
    test(`${fixture} (captured): the rows formatTableRow prints from parseSmaps`, () => {
      const dir = join(PROC_FIXTURES, fixture);
      checkSameTable(readFileSync(join(dir, 'smaps')), readFileSync(join(dir, 'exe'), 'utf8').trim());
    });
  }

  test('this process and many-maps.c (3,000 mappings), live', async () => {
    const reader = new ProcReader();
    checkSameTable(reader.readProcFileCopy(process.pid, 'smaps'), reader.readLink(process.pid, 'exe'));
    const { child } = await spawnUntilReady(buildHarness('many-maps.c'), ['3000']);
    try {
      const pid = child.pid ?? 0;
      checkSameTable(reader.readProcFileCopy(pid, 'smaps'), reader.readLink(pid, 'exe'));
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('bytes it does not read plainly go to parseSmaps: null when valid, its error when not', () => {
    const twice = new TextEncoder().encode('7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \nRss:   4 kB\nRss:   4 kB\n');
    assert.equal(writeSmapsTable(twice, null), null);
    assert.throws(() => writeSmapsTable(new TextEncoder().encode('Rss:   4 kB\n'), null), /smaps/);
  });
});
