// shared/proc/vmsize.ts: Σ mapping sizes (without [vsyscall]) = VmSize on captured processes.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { checkVmSize } from '../../../shared/proc/vmsize.js';
import { parseMaps } from '../../../shared/proc/maps.js';
import { readFixture, readFixtureText, readMapsReference, readStatusReference, sizeKbReference, statusKb } from '../../helpers/proc-reference.js';

describe('checkVmSize', () => {
  for (const fixture of ['node-idle', 'odd-paths']) {
    test(`${fixture}: Σ sizes without [vsyscall] = VmSize, [vsyscall] is one 4 kB page`, () => {
      const vmSizeKb = statusKb(readStatusReference(readFixtureText(fixture, 'status')), 'VmSize');
      const check = checkVmSize(parseMaps(readFixture(fixture, 'maps')), vmSizeKb);
      const ref = readMapsReference(readFixtureText(fixture, 'maps'));
      const allKb = ref.reduce((s, r) => s + sizeKbReference(r.start, r.end), 0);
      assert.deepEqual(check, { sumKb: allKb - 4, vmSizeKb, vsyscallKb: 4, ok: true });
    });
  }

  test('a missing mapping is noticed', () => {
    const maps = parseMaps(readFixture('node-idle', 'maps'));
    const vmSizeKb = statusKb(readStatusReference(readFixtureText('node-idle', 'status')), 'VmSize');
    const dropped = maps[10]!;
    const check = checkVmSize(maps.filter((m) => m !== dropped), vmSizeKb);
    assert.equal(check.ok, false);
    assert.equal(vmSizeKb - check.sumKb, sizeKbReference(dropped.start, dropped.end));
  });

  test('kernel thread: no mappings, VmSize 0', () => {
    assert.deepEqual(checkVmSize(parseMaps(readFixture('kthreadd', 'maps')), 0), { sumKb: 0, vmSizeKb: 0, vsyscallKb: 0, ok: true });
  });
});
