// isExitReading: a zombie, or an address space released by do_exit, is an exit; a kernel thread is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isExitReading } from '../../../shared/history/exit-reading.js';

test('a zombie, or VmSize 0 after a non-zero one, is a reading after the exit', () => {
  assert.equal(isExitReading({ state: 'Z', virtKb: 0 }, 50_000), true);
  assert.equal(isExitReading({ state: 'Z', virtKb: 0 }, undefined), true);
  assert.equal(isExitReading({ state: 'R', virtKb: 0 }, 50_000), true, 'exit_mm done, exit_notify not yet');
  assert.equal(isExitReading({ state: 'S', virtKb: 50_000 }, 50_000), false);
  assert.equal(isExitReading({ state: 'I', virtKb: 0 }, 0), false, 'a kernel thread never had an address space');
  assert.equal(isExitReading({ state: 'S', virtKb: 0 }, undefined), false, 'nothing to compare with');
});
