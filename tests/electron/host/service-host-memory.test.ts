// MemscopeService's host-memory history: each tick records MemTotal - MemAvailable from /proc/meminfo, read then.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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
        for (let attempt = 0; attempt < 50 && !matched; attempt++) {
          const before = usedKbNow();
          const tick = service.tickNow();
          const after = usedKbNow();
          const points = (await service.getHostHistory()).points;
          assert.equal(points.at(-1)?.tMs, tick.tMs, `${round}: a point for the tick`);
          if (before !== after) continue;
          assert.equal(points.at(-1)?.usedKb, before, `${round}: used memory`);
          matched = true;
        }
        assert.ok(matched, `${round}: no quiet moment in 50 ticks`);
        service.stop(); // closes the kept fds; the next tick opens them again
      }
    } finally {
      service.stop();
    }
  });
});
