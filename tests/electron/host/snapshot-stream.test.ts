// streamSnapshot on real processes: the bytes are the old writer's (JSON.stringify(document, null, 1) + "\n")
// for the document they hold, the mappings are what readMappingsCore reads of the same quiescent process,
// and the header's RES/VIRT/SHR/SWAP come from the read the mappings come from (Σ smaps Rss = RES exactly).
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { parseStatusMemory } from '../../../shared/proc/status.js';
import type { Snapshot } from '../../../shared/snapshot/schema.js';
import { validateSnapshot } from '../../../shared/snapshot/validate.js';
import { readMappingsCore } from '../../../electron/host/proc/mappings-reader.js';
import { ProcReader } from '../../../electron/host/proc/proc-reader.js';
import { MemscopeService } from '../../../electron/host/service.js';
import { streamSnapshot } from '../../../electron/host/snapshot-stream.js';
import { buildHarness } from '../../helpers/c-build.js';
import { spawnUntilReady } from '../../helpers/ready-harness.js';
import { startSubject, type Subject } from '../../helpers/subject.js';

/**
 * A copy without the Pss fields, at any depth: a page's Pss is its size over how many processes map it, and
 * processes starting or exiting elsewhere (sharing libc's pages) change it between two reads of a quiet subject.
 */
function withoutPss<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutPss) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !/^(Swap)?Pss/.test(k)).map(([k, v]) => [k, withoutPss(v)])) as T;
}

/** Streams pid's snapshot into memory and returns its text. */
async function streamToText(pid: number): Promise<string> {
  const service = new MemscopeService();
  try {
    const tick = service.tickNow();
    const row = tick.rows.find((r) => r.pid === pid);
    assert.ok(row !== undefined);
    const head = { detail: await service.getProcess(pid), row, tickMs: tick.tMs, memTotalKb: tick.memTotalKb, intervalMs: service.intervalMs, samples: [] };
    const pieces: Buffer[] = [];
    const written = await streamSnapshot(new ProcReader(), pid, head, async (data) => {
      pieces.push(Buffer.from(data));
    });
    const text = Buffer.concat(pieces).toString('utf8');
    assert.equal(written.byteCount, Buffer.byteLength(text));
    return text;
  } finally {
    service.stop();
  }
}

describe('streamSnapshot', () => {
  let subject: Subject;
  let manyMaps: ChildProcess;
  before(async () => {
    subject = await startSubject(16, 8);
    ({ child: manyMaps } = await spawnUntilReady(buildHarness('many-maps.c'), ['3000']));
  });
  after(async () => {
    await subject.kill();
    manyMaps.kill('SIGKILL');
  });

  for (const which of ['subject-memory (16 MiB, 8 touched)', 'many-maps (3,000 mappings: ~50 pieces)'] as const) {
    test(`${which}: the old writer's bytes, readMappingsCore's mappings, header RES = Σ Rss`, async () => {
      const pid = which.startsWith('many') ? (manyMaps.pid ?? 0) : subject.pid;
      const text = await streamToText(pid);
      const snapshot = validateSnapshot(JSON.parse(text)) as Snapshot;
      assert.equal(text, `${JSON.stringify(snapshot, null, 1)}\n`, 'byte for byte what JSON.stringify(snapshot, null, 1) wrote');
      const core = readMappingsCore(new ProcReader(), pid);
      assert.deepEqual(snapshot.mappings.map(withoutPss), core.mappings.map(withoutPss));
      assert.deepEqual(withoutPss(snapshot.totals), withoutPss(core.totals));
      assert.deepEqual(withoutPss(snapshot.rollup), withoutPss(core.rollup));
      assert.deepEqual(snapshot.restricted, core.restricted);
      const sumRssKb = snapshot.mappings.reduce((s, m) => s + Number(m.smaps?.Rss ?? 0), 0);
      assert.equal(snapshot.process.metrics.resKb, sumRssKb, 'RES in the header = Σ smaps Rss of the same read');
      assert.equal(snapshot.process.metrics.virtKb, parseStatusMemory(new ProcReader().readProcFile(pid, 'status')).vmSizeKb);
      const t = snapshot.readTimes;
      assert.ok(t !== undefined && t.tickMs <= t.statusMs && t.statusMs <= t.smapsStartMs && t.smapsStartMs <= t.smapsEndMs, JSON.stringify(t));
    });
  }
});
