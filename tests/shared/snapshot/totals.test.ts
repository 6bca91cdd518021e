// sumSnapshotTotals against the hand-summed totals of the valid.json fixture.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseSnapshotText } from '../../../shared/snapshot/parse-snapshot-text.js';
import { sumSnapshotTotals } from '../../../shared/snapshot/totals.js';
import { REPO_ROOT } from '../../helpers/paths.js';
import { makeMapping } from './build-snapshot.js';

describe('sumSnapshotTotals', () => {
  test('reproduces the hand-summed totals of the valid.json fixture', () => {
    const s = parseSnapshotText(readFileSync(resolve(REPO_ROOT, 'tests/fixtures/snapshots/valid.json'), 'utf8'));
    assert.deepEqual(sumSnapshotTotals(s.mappings), { Size: 448, Rss: 200, Pss: 45, Private_Clean: 24, Private_Dirty: 16, Swap: 0 });
    assert.deepEqual(sumSnapshotTotals(s.mappings), s.totals);
  });

  test('leaves out per-mapping properties and VmFlags; mappings without smaps add nothing', () => {
    const a = makeMapping(0x1000n, 8, {}, { Rss: 8, Pss: 4 });
    const b = makeMapping(0x3000n, 4, {}, { Rss: 4, Pss: 4, Swap: 4 });
    const c = makeMapping(0x9000n, 4, {});
    delete c.smaps;
    const totals = sumSnapshotTotals([a, b, c]);
    assert.equal(totals.Size, 12);
    assert.equal(totals.Rss, 12);
    assert.equal(totals.Pss, 8);
    assert.equal(totals.Swap, 4);
    for (const absent of ['KernelPageSize', 'MMUPageSize', 'THPeligible', 'VmFlags']) assert.equal(totals[absent], undefined, absent);
    assert.deepEqual(sumSnapshotTotals([]), {});
  });
});
