// /metrics per process, live: a subject's series equal /proc on the tick, a scrape renders the
// last tick (memory changed since does not show until the next tick), the text passes promtool
// and the reference reader, and every name is documented in README.md (Running memscope on a fleet).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { MetricsCollector } from '../../../../electron/host/metrics/metrics-collector.js';
import { parseMetricsConfig } from '../../../../electron/host/metrics/metrics-config.js';
import { MemscopeService } from '../../../../electron/host/service.js';
import { listMetricNames } from '../../../../shared/metrics/metric-names.js';
import { referenceStatusNumbers } from '../../../helpers/proc-reference.js';
import { startSubject, type Subject } from '../../../helpers/subject.js';
import { checkWithPromtool, findSamples, readExposition, type ReferenceExposition } from '../../../shared/metrics/exposition-reference.js';
import { readReadmeSection } from '../../../helpers/readme.js';
import { oracleMissing } from '../../../helpers/oracles.js';

/** /proc/PID/stat fields after "(comm)", numbered as proc(5) numbers them: map[10] is minflt. */
function referenceStat(pid: number): Record<number, number> {
  const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const rest = text.slice(text.lastIndexOf(')') + 2).trim().split(' ');
  const out: Record<number, number> = {};
  rest.forEach((v, i) => (out[i + 3] = Number(v)));
  return out;
}

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

function valueOf(exp: ReferenceExposition, name: string, labels: Record<string, string>): number {
  const found = findSamples(exp, name, labels);
  assert.equal(found.length, 1, `${name}${JSON.stringify(labels)}: ${found.length} samples`);
  return found[0]?.value ?? NaN;
}

describe('memscope /metrics, one series per process', () => {
  const service = new MemscopeService({ intervalMs: 60_000 }); // never started: the test ticks by hand
  let collector: MetricsCollector;
  let subject: Subject;
  before(async () => {
    subject = await startSubject(19, 9);
    // Host memory refreshed hourly: nothing but the test's own ticks changes the text.
    collector = new MetricsCollector(service, parseMetricsConfig('{"hostRefreshSeconds": 3600}', 'test'));
    service.tickNow();
    await collector.start();
  });
  after(async () => {
    collector.close();
    service.stop();
    await subject.kill();
  });

  test("the subject's memory, faults and CPU equal /proc on the tick", async () => {
    service.tickNow();
    const exp = readExposition(await collector.render());
    const pid = String(subject.pid);
    const status = referenceStatusNumbers(subject.pid);
    const stat = referenceStat(subject.pid);
    const labels = { pid, comm: readFileSync(`/proc/${pid}/comm`, 'utf8').replace(/\n$/, ''), user: userInfo().username };
    assert.equal(valueOf(exp, 'memscope_process_resident_bytes', labels), (status['VmRSS'] ?? NaN) * 1024);
    assert.equal(valueOf(exp, 'memscope_process_virtual_bytes', labels), (status['VmSize'] ?? NaN) * 1024);
    assert.equal(valueOf(exp, 'memscope_process_shared_bytes', labels), ((status['RssFile'] ?? NaN) + (status['RssShmem'] ?? NaN)) * 1024);
    assert.equal(valueOf(exp, 'memscope_process_swap_bytes', labels), (status['VmSwap'] ?? NaN) * 1024);
    assert.equal(valueOf(exp, 'memscope_process_minor_faults_total', labels), stat[10]);
    assert.equal(valueOf(exp, 'memscope_process_major_faults_total', labels), stat[12]);
    assert.equal(valueOf(exp, 'memscope_process_cpu_seconds_total', labels), ((stat[14] ?? NaN) + (stat[15] ?? NaN)) / CLK_TCK);
    // No config: no smaps_rollup reads, so no PSS for anyone.
    assert.equal(findSamples(exp, 'memscope_process_pss_bytes').length, 0);
  });

  test('a scrape shows the last tick: memory touched since appears only after the next tick', async () => {
    service.tickNow();
    const pid = String(subject.pid);
    const before = valueOf(readExposition(await collector.render()), 'memscope_process_resident_bytes', { pid });
    assert.equal(await subject.command('touch 4'), 'ok');
    const grown = (referenceStatusNumbers(subject.pid)['VmRSS'] ?? NaN) * 1024;
    assert.ok(grown >= before + 4 * 1024 * 1024, `/proc shows the growth: ${grown} vs ${before}`);
    const again = valueOf(readExposition(await collector.render()), 'memscope_process_resident_bytes', { pid });
    assert.equal(again, before, 'no tick, no change: the scrape did not read /proc');
    service.tickNow();
    const after = valueOf(readExposition(await collector.render()), 'memscope_process_resident_bytes', { pid });
    assert.equal(after, grown);
  });

  test('one series per live process of the tick, each with pid, comm and user', async () => {
    const tick = service.tickNow();
    const exp = readExposition(await collector.render());
    const live = tick.rows.filter((r) => r.rowStatus !== 'gone');
    const cpu = findSamples(exp, 'memscope_process_cpu_seconds_total');
    assert.deepEqual(cpu.map((s) => Number(s.labels['pid'])).sort((a, b) => a - b), live.map((r) => r.pid).sort((a, b) => a - b));
    for (const s of cpu) assert.deepEqual(Object.keys(s.labels), ['pid', 'comm', 'user']);
    assert.equal(valueOf(exp, 'memscope_sampling_processes', {}), tick.cost.processCount);
    assert.equal(valueOf(exp, 'memscope_sampling_wall_seconds', {}), tick.cost.wallMs / 1000);
    assert.ok(valueOf(exp, 'memscope_host_memory_total_bytes', {}) > 0);
  });

  test('promtool check metrics finds nothing to say, and every family is typed and named as listed', { skip: oracleMissing('promtool') }, async () => {
    const text = await collector.render();
    const check = checkWithPromtool(text);
    assert.equal(check.status, 0, check.output);
    assert.equal(check.output, '');
    const exp = readExposition(text);
    const known = new Set(listMetricNames());
    for (const [name, family] of exp.families) {
      assert.ok(known.has(name), `${name} is in the metric table`);
      assert.ok(family.help.length > 0);
      assert.equal(name.endsWith('_total'), family.type === 'counter', name);
    }
  });

  test('smaps configured per process: PSS/USS/SwapPss only for the matched processes', async () => {
    const config = parseMetricsConfig(JSON.stringify({ smaps: [{ cmdline: ['subject-memory-[0-9a-f]+ 19 9$'] }] }), 'test');
    const withSmaps = new MetricsCollector(service, config);
    try {
      service.tickNow();
      await withSmaps.start();
      const exp = readExposition(await withSmaps.render());
      for (const name of ['memscope_process_pss_bytes', 'memscope_process_uss_bytes', 'memscope_process_swap_pss_bytes']) {
        assert.deepEqual(findSamples(exp, name).map((s) => s.labels['pid']), [String(subject.pid)], name);
      }
      const rollup = readFileSync(`/proc/${subject.pid}/smaps_rollup`, 'utf8');
      const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(rollup)?.[1]);
      const uss = valueOf(exp, 'memscope_process_uss_bytes', { pid: String(subject.pid) });
      const pss = valueOf(exp, 'memscope_process_pss_bytes', { pid: String(subject.pid) });
      // The subject is idle; only its file pages (libc, its binary) can turn shared or private as
      // other processes map or drop them, so that is the most PSS and USS may have moved since.
      const fileBytes = (kb('Rss') - kb('Anonymous')) * 1024;
      assert.ok(Math.abs(uss - (kb('Private_Clean') + kb('Private_Dirty')) * 1024) <= fileBytes, `USS ${uss}`);
      assert.ok(Math.abs(pss - kb('Pss') * 1024) <= fileBytes, `PSS ${pss}`);
      assert.ok(uss >= kb('Anonymous') * 1024 && pss >= uss, 'USS covers the private anonymous pages; PSS >= USS');
      assert.equal(valueOf(exp, 'memscope_smaps_processes', {}), 1);
    } finally {
      withSmaps.close();
    }
  });

  test('README.md (Running memscope on a fleet) lists every metric name', () => {
    const doc = readReadmeSection('Running memscope on a fleet');
    for (const name of listMetricNames()) assert.ok(doc.includes(`\`${name}\``), `${name} documented`);
  });
});
