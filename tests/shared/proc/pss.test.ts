// shared/proc/pss.ts: smaps' Pss arithmetic (fs/proc/task_mmu.c smaps_account, show_smap), worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computePagePssShifted, convertPssShiftedToKb, PSS_SHIFT } from '../../../shared/proc/pss.js';

test('a page shared by n processes adds (4096 << 12) / n, floored per page', () => {
  assert.equal(PSS_SHIFT, 12);
  assert.equal(computePagePssShifted(1), 4096 * 4096);
  assert.equal(computePagePssShifted(2), 4096 * 2048);
  assert.equal(computePagePssShifted(3), 5592405); // 16777216 / 3 = 5592405.33…
  assert.equal(computePagePssShifted(201), 83468); // 16777216 / 201 = 83468.7…
});

test('the sum prints as (pss >> 12) >> 10 kB, each shift flooring', () => {
  assert.equal(convertPssShiftedToKb(3 * computePagePssShifted(3)), 3); // 16777215 >> 12 = 4095 bytes → 3 kB, not 4
  assert.equal(convertPssShiftedToKb(1000 * computePagePssShifted(201)), 19); // 83468000 >> 12 = 20377 bytes → 19 kB
  assert.equal(convertPssShiftedToKb(0), 0);
});
