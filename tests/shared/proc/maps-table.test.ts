// writeSmapsTable (the maps table straight from smaps bytes) against formatTableRow over parseSmaps' objects of
// the same bytes, by its byte path and by its pattern path (with Node's latin1 decoder): captured smaps (odd
// paths: spaces, "\012", UTF-8, " (deleted)"), this test process's own, 3,000 mappings of many-maps.c, and
// captured smaps edited at random; totals, VmSize sums and every row byte for byte, or parseSmaps' error.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { computeTableWidths, writeSmapsTable, type Latin1Decoder, type TableTotals, TABLE_FIELDS } from '../../../shared/proc/maps-table.js';
import { formatTableRow } from '../../../shared/proc/maps-table.js';
import { parseSmaps } from '../../../shared/proc/smaps.js';
import { sumSmapsAmounts } from '../../../shared/proc/smaps-fields.js';
import { checkVmSize } from '../../../shared/proc/vmsize.js';
import { createRng } from '../../../shared/sim/rng.js';
import { ProcReader } from '../../../electron/host/proc/proc-reader.js';
import { buildHarness } from '../../helpers/c-build.js';
import { PROC_FIXTURES } from '../../helpers/paths.js';
import { spawnUntilReady } from '../../helpers/ready-harness.js';
import { editSmaps } from '../../helpers/smaps-edits.js';

const LATIN1: Latin1Decoder = (bytes, start, end) => Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');

/**
 * writeSmapsTable's result by both paths equals the table of parseSmaps' objects; `plain` asserts it is not
 * null (kernel bytes are read plainly), else null (left to parseSmaps) is accepted too.
 */
function checkSameTable(bytes: Uint8Array, exe: string | null, plain = true): void {
  const mappings = parseSmaps(bytes, exe);
  const sums = sumSmapsAmounts(mappings);
  const expectedTotals: TableTotals = {};
  for (const f of TABLE_FIELDS) if (sums[f] !== undefined) expectedTotals[f] = sums[f];
  for (const decode of [null, LATIN1]) {
    const table = writeSmapsTable(bytes, exe, decode);
    if (table === null && !plain) continue;
    assert.ok(table !== null, 'kernel bytes are read plainly');
    assert.deepEqual(table.totals, expectedTotals);
    assert.equal(table.mappingCount, mappings.length);
    const v = checkVmSize(mappings, 0);
    assert.deepEqual([table.sumKb, table.vsyscallKb], [v.sumKb, v.vsyscallKb]);
    const widths = computeTableWidths(table.totals);
    const expected = mappings.map((m) => `${formatTableRow(m, widths)}\n`).join('');
    assert.equal(Buffer.from(table.renderRows(widths)).toString('utf8'), expected);
  }
}

/** writeSmapsTable throws exactly what parseSmaps throws, or matches its table (checkSameTable). */
function checkSameOrSameError(bytes: Uint8Array, exe: string | null): void {
  let error: string | null = null;
  try {
    parseSmaps(bytes, exe);
  } catch (err) {
    error = (err as Error).message;
  }
  if (error === null) {
    checkSameTable(bytes, exe, false);
    return;
  }
  for (const decode of [null, LATIN1]) assert.throws(() => writeSmapsTable(bytes, exe, decode), { message: error });
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

  test('captured smaps edited at random (300 edits of 1 to 3 lines): the same table, null, or parseSmaps\' error', () => {
    const dir = join(PROC_FIXTURES, 'node-idle');
    const text = readFileSync(join(dir, 'smaps'), 'latin1');
    const exe = readFileSync(join(dir, 'exe'), 'utf8').trim();
    const rng = createRng(13);
    for (let k = 0; k < 300; k++) {
      let edited = text;
      for (let e = rng.nextInt(1, 4); e > 0; e--) edited = editSmaps(edited, rng);
      checkSameOrSameError(Buffer.from(edited, 'latin1'), exe);
    }
  });

  test("a last mapping cut short (fewer fields than the first): parseSmaps' error, not a table", () => {
    const lines = readFileSync(join(PROC_FIXTURES, 'node-idle', 'smaps'), 'latin1').split('\n');
    lines.splice(lines.length - 5, 1);
    checkSameOrSameError(Buffer.from(lines.join('\n'), 'latin1'), null);
    assert.throws(() => parseSmaps(Buffer.from(lines.join('\n'), 'latin1')), /truncated/);
  });

  test('bytes it does not read plainly go to parseSmaps: null when valid, its error when not', () => {
    const twice = new TextEncoder().encode('7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \nRss:   4 kB\nRss:   4 kB\n');
    assert.equal(writeSmapsTable(twice, null), null);
    assert.throws(() => writeSmapsTable(new TextEncoder().encode('Rss:   4 kB\n'), null), /smaps/);
  });
});
