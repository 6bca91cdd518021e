// The host's cache geometry as read from sysfs, against glibc's getconf (which asks the CPU through cpuid,
// not sysfs) for L1d and L2 and against lscpu's per-instance sizes for every level.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { readHostCacheGeometry } from '../../../../electron/host/system/cache-geometry.js';
import { parseSizeBytes } from '../../../../shared/units.js';

function getconf(name: string): number | null {
  try {
    const text = execFileSync('getconf', [name], { encoding: 'utf8' }).trim();
    return /^[1-9][0-9]*$/.test(text) ? Number(text) : null;
  } catch {
    return null;
  }
}

describe('readHostCacheGeometry', () => {
  const host = readHostCacheGeometry();

  test('reads the machine, not the fallback', () => {
    assert.equal(host.source, 'sysfs', host.problems.join('; '));
    assert.equal(host.levels[0]?.name, 'L1d');
  });

  test('L1d and L2 agree with getconf (cpuid) where it answers', (t) => {
    let compared = 0;
    for (const [i, prefix] of [[0, 'LEVEL1_DCACHE'], [1, 'LEVEL2_CACHE']] as const) {
      const level = host.levels[i];
      const size = getconf(`${prefix}_SIZE`);
      if (level === undefined || size === null) continue;
      assert.equal(level.sizeBytes, size, `${prefix}_SIZE`);
      const ways = getconf(`${prefix}_ASSOC`);
      if (ways !== null) assert.equal(level.ways, ways, `${prefix}_ASSOC`);
      const line = getconf(`${prefix}_LINESIZE`);
      if (line !== null) assert.equal(level.lineBytes, line, `${prefix}_LINESIZE`);
      compared++;
    }
    if (compared === 0) t.skip('getconf reports no cache sizes here');
  });

  test("every level's size is lscpu's total over its instances", (t) => {
    let text = '';
    try {
      text = execFileSync('lscpu', [], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
    } catch {
      t.skip('no lscpu');
      return;
    }
    for (const level of host.levels) {
      const m = new RegExp(`^${level.name} cache:\\s+([0-9.]+ [KMG]i?B)(?: \\(([0-9]+) instances?\\))?`, 'm').exec(text);
      if (m === null) continue;
      const [value, unit] = m[1]!.split(' ');
      const total = Number(value) * parseSizeBytes(`1${unit}`);
      assert.equal(level.sizeBytes, total / Number(m[2] ?? 1), level.name);
    }
  });
});
