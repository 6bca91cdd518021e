// /metrics per name group, live: groups sum their members as /proc shows them, a fixed-name group
// exists with 0 processes, templates name groups from captures, a group's counters never go down
// when a member exits, PSS sums smaps_rollup, and gone or denied processes are skipped, not fatal.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { MetricsCollector } from '../../../../electron/host/metrics/metrics-collector.js';
import { parseMetricsConfig } from '../../../../electron/host/metrics/metrics-config.js';
import { MemscopeService } from '../../../../electron/host/service.js';
import { referenceStatusNumbers } from '../../../helpers/proc-reference.js';
import { startSubject, type Subject } from '../../../helpers/subject.js';
import { oracleMissing } from '../../../helpers/oracles.js';
import { checkWithPromtool, findSamples, readExposition, type ReferenceExposition } from '../../../shared/metrics/exposition-reference.js';

const GROUP_REGEX = 'subject-memory-[0-9a-f]+ 13 5$';
const TEMPLATE_REGEX = 'subject-memory-[0-9a-f]+ (?<anon>11) 7$';

function groupValue(exp: ReferenceExposition, name: string, group: string): number {
  const found = findSamples(exp, name, { groupname: group });
  assert.equal(found.length, 1, `${name}{groupname="${group}"}: ${found.length} samples`);
  return found[0]?.value ?? NaN;
}

/** smaps_rollup field in bytes, read with a regex. */
function rollupBytes(pid: number, key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
  return Number(m?.[1]) * 1024;
}

describe('memscope /metrics, name groups', () => {
  const service = new MemscopeService({ intervalMs: 60_000 }); // the test ticks by hand
  const config = parseMetricsConfig(
    JSON.stringify({
      groups: [
        { name: 'subjects', cmdline: [GROUP_REGEX], smaps: true },
        { name: 'anon-{anon}', cmdline: [TEMPLATE_REGEX] },
        { name: 'absent', comm: ['^no-such-comm-here$'] },
      ],
      smapsRefreshSeconds: 1,
    }),
    'test',
  );
  let collector: MetricsCollector;
  let members: Subject[];
  let templated: Subject;
  before(async () => {
    members = [await startSubject(13, 5), await startSubject(13, 5), await startSubject(13, 5)];
    templated = await startSubject(11, 7);
    collector = new MetricsCollector(service, config);
    service.tickNow();
    await collector.start();
  });
  after(async () => {
    collector.close();
    service.stop();
    for (const s of [...members, templated]) await s.kill();
  });

  test('a group sums its members as /proc shows them; only groups are exported, no pid series', { skip: oracleMissing('promtool') }, async () => {
    service.tickNow();
    const text = await collector.render();
    const exp = readExposition(text);
    assert.equal(groupValue(exp, 'memscope_group_processes', 'subjects'), 3);
    const rss = members.reduce((sum, s) => sum + (referenceStatusNumbers(s.pid)['VmRSS'] ?? NaN) * 1024, 0);
    assert.equal(groupValue(exp, 'memscope_group_resident_bytes', 'subjects'), rss);
    const virt = members.reduce((sum, s) => sum + (referenceStatusNumbers(s.pid)['VmSize'] ?? NaN) * 1024, 0);
    assert.equal(groupValue(exp, 'memscope_group_virtual_bytes', 'subjects'), virt);
    assert.equal(findSamples(exp, 'memscope_process_resident_bytes').length, 0);
    const check = checkWithPromtool(text);
    assert.equal(check.status, 0, check.output);
  });

  test('a template names the group from a named capture; a fixed name with no match reads 0', async () => {
    service.tickNow();
    const exp = readExposition(await collector.render());
    assert.equal(groupValue(exp, 'memscope_group_processes', 'anon-11'), 1);
    assert.equal(groupValue(exp, 'memscope_group_resident_bytes', 'anon-11'), (referenceStatusNumbers(templated.pid)['VmRSS'] ?? NaN) * 1024);
    assert.equal(groupValue(exp, 'memscope_group_processes', 'absent'), 0);
    assert.equal(groupValue(exp, 'memscope_group_minor_faults_total', 'absent'), 0);
    // PSS only where the config asks for it.
    assert.deepEqual(findSamples(exp, 'memscope_group_pss_bytes').map((s) => s.labels['groupname']), ['subjects']);
  });

  test('PSS, USS and SwapPss of a group sum its members\' smaps_rollup', async () => {
    const fresh = new MetricsCollector(service, config); // its start() reads smaps_rollup now
    try {
      const before = members.map((s) => rollupBytes(s.pid, 'Pss'));
      service.tickNow();
      await fresh.start();
      const exp = readExposition(await fresh.render());
      const after = members.map((s) => rollupBytes(s.pid, 'Pss'));
      const pss = groupValue(exp, 'memscope_group_pss_bytes', 'subjects');
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      if (sum(before) === sum(after)) {
        assert.equal(pss, sum(after)); // nothing moved around the read: exact
      } else {
        // Another process mapped or dropped a shared file page meanwhile: PSS lies between the two readings.
        assert.ok(pss >= Math.min(sum(before), sum(after)) && pss <= Math.max(sum(before), sum(after)), `${pss}`);
      }
      const usses = members.map((s) => rollupBytes(s.pid, 'Private_Clean') + rollupBytes(s.pid, 'Private_Dirty'));
      const uss = groupValue(exp, 'memscope_group_uss_bytes', 'subjects');
      const fileBytes = sum(members.map((s) => rollupBytes(s.pid, 'Rss') - rollupBytes(s.pid, 'Anonymous')));
      assert.ok(Math.abs(uss - sum(usses)) <= fileBytes, `USS ${uss} vs ${sum(usses)}`);
      assert.equal(groupValue(exp, 'memscope_group_swap_pss_bytes', 'subjects'), sum(members.map((s) => rollupBytes(s.pid, 'SwapPss'))));
      assert.equal(findSamples(exp, 'memscope_smaps_processes')[0]?.value, 3);
    } finally {
      fresh.close();
    }
  });

  test('a member exits: the group has one process less and its counters do not go down', async () => {
    service.tickNow();
    const before = readExposition(await collector.render());
    const leaving = members.pop();
    assert.ok(leaving);
    await leaving.kill();
    service.tickNow();
    const after = readExposition(await collector.render());
    assert.equal(groupValue(after, 'memscope_group_processes', 'subjects'), 2);
    for (const name of ['memscope_group_minor_faults_total', 'memscope_group_major_faults_total', 'memscope_group_cpu_seconds_total']) {
      // Idle members: the exited one's last counts stay in the total, so it holds exactly.
      assert.equal(groupValue(after, name, 'subjects'), groupValue(before, name, 'subjects'), name);
    }
    const rss = members.reduce((sum, s) => sum + (referenceStatusNumbers(s.pid)['VmRSS'] ?? NaN) * 1024, 0);
    assert.equal(groupValue(after, 'memscope_group_resident_bytes', 'subjects'), rss);
  });

  test('a selected process that exits before its smaps_rollup is read, or is denied, is skipped', async () => {
    const everyone = parseMetricsConfig(JSON.stringify({ smaps: [{ comm: ['.*'] }], smapsMaxProcesses: 100000 }), 'test');
    const gone = await startSubject(1, 1);
    const skipping = new MetricsCollector(service, everyone);
    try {
      service.tickNow();
      await gone.kill(); // in the tick, gone before the collector's first smaps refresh
      await skipping.start();
      const exp = readExposition(await skipping.render());
      const pssPids = new Set(findSamples(exp, 'memscope_process_pss_bytes').map((s) => Number(s.labels['pid'])));
      assert.ok(findSamples(exp, 'memscope_process_resident_bytes', { pid: String(gone.pid) }).length === 1, 'still in the tick');
      assert.ok(!pssPids.has(gone.pid), 'no PSS for a process that is gone');
      assert.ok(pssPids.has(members[0]?.pid ?? -1));
      let initDenied = false;
      try {
        readFileSync('/proc/1/smaps_rollup');
      } catch (err) {
        initDenied = (err as NodeJS.ErrnoException).code === 'EACCES';
      }
      assert.equal(pssPids.has(1), !initDenied, `pid 1 smaps_rollup denied: ${initDenied}`);
      if (initDenied) assert.ok((findSamples(exp, 'memscope_smaps_unreadable_processes')[0]?.value ?? 0) >= 1);
    } finally {
      skipping.close();
    }
  });
});
