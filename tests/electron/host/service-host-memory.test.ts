// MemscopeService's host-memory history: each tick records MemTotal - MemAvailable from /proc/meminfo, read then.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { MemscopeService } from '../../../electron/host/service.js';
import { DEFAULT_COLUMNS } from '../../../shared/proc/columns.js';

/** MemTotal - MemAvailable now, read with a regex (not our parser). */
function usedKbNow(): number {
  const text = readFileSync('/proc/meminfo', 'latin1');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(text)?.[1]);
  return kb('MemTotal') - kb('MemAvailable');
}

describe('MemscopeService records the host memory every tick', () => {
  test('each tick adds a point of used memory as /proc/meminfo says at that moment, before and after stop()', async () => {
    const service = new MemscopeService({ baseColumns: DEFAULT_COLUMNS });
    try {
      for (const round of ['first', 'after stop()']) {
        // MemAvailable moves as other processes run: compare on a tick with the same value read right before and after.
        let matched = false;
        for (let attempt = 0; attempt < 200 && !matched; attempt++) {
          const before = usedKbNow();
          const tick = service.tickNow();
          const after = usedKbNow();
          const points = (await service.getHostHistory()).points;
          assert.equal(points.at(-1)?.tMs, tick.tMs, `${round}: a point for the tick`);
          if (before !== after) continue;
          assert.equal(points.at(-1)?.usedKb, before, `${round}: used memory`);
          matched = true;
        }
        assert.ok(matched, `${round}: no quiet moment in 200 ticks`);
        service.stop(); // closes the kept fds; the next tick opens them again
      }
    } finally {
      service.stop();
    }
  });

  test('the kept /proc/meminfo is read again each tick: a root whose meminfo changes gives each tick its own value', async () => {
    const root = mkdtempSync(join(tmpdir(), 'memscope-meminfo-'));
    const service = new MemscopeService({ baseColumns: DEFAULT_COLUMNS, procRoot: root });
    try {
      const used: number[] = [];
      for (const availableKb of [1000, 250, 999]) {
        writeFileSync(join(root, 'meminfo'), `MemTotal:        1024 kB\nMemFree:          100 kB\nMemAvailable:    ${availableKb} kB\n`);
        service.tickNow();
        used.push((await service.getHostHistory()).points.at(-1)?.usedKb ?? NaN);
      }
      assert.deepEqual(used, [24, 774, 25]);
    } finally {
      service.stop();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
