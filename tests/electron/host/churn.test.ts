// Processes that appear and vanish while being read: no tick fails, vanished rows become tombstones.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { readMappingsReport } from '../../../electron/host/proc/mappings-reader.js';
import { ProcReader } from '../../../electron/host/proc/proc-reader.js';
import { Sampler } from '../../../electron/host/proc/sampler.js';
import { MemscopeService } from '../../../electron/host/service.js';
import { isApiError } from '../../../shared/errors.js';
import { startSubject } from '../../helpers/subject.js';

/** How long the shell churns at least, and at most while no short-lived process was caught alive and gone. */
const CHURN_MS = 1500;
const PATIENCE_MS = 30_000;

test('ticks and mapping reads never fail while short-lived processes churn', async () => {
  const sampler = new Sampler();
  const reader = new ProcReader();
  let stop = false;
  let spawned = 0;
  // A shell that keeps forking short-lived children, so pids vanish between and during reads.
  const churn = spawn('sh', ['-c', 'while :; do /bin/true & /bin/true & wait; done'], { stdio: 'ignore' });
  const seenGone = new Set<number>();
  try {
    // At least CHURN_MS of churn, then until both premises below hold: on a loaded machine the shell may fork
    // few children in CHURN_MS, and no tick may catch one of them alive (seen on 2 busy cores).
    const start = Date.now();
    const caughtBoth = () => spawned > 0 && seenGone.size > 0;
    while (!stop && (Date.now() - start < CHURN_MS || (!caughtBoth() && Date.now() - start < PATIENCE_MS))) {
      const tick = sampler.tick();
      for (const row of tick.rows) {
        if (row.rowStatus === 'gone') seenGone.add(row.pid);
        if (row.comm === 'true') {
          spawned++;
          try {
            readMappingsReport(reader, row.pid); // may race the exit: only gone/denied are acceptable
          } catch (err) {
            assert.ok(isApiError(err) && (err.code === 'gone' || err.code === 'denied'), String(err));
          }
        }
      }
      await sleep(5);
    }
  } finally {
    stop = true;
    churn.kill('SIGKILL');
    sampler.close();
  }
  assert.ok(spawned > 0, 'caught some short-lived processes alive');
  assert.ok(seenGone.size > 0, 'and saw some of them vanish as tombstones');
});

test('the service keeps a tiered per-process history of VIRT/RES/SHR/SWAP', async () => {
  const subject = await startSubject(4, 2);
  const service = new MemscopeService({ historyCapacity: 5 });
  try {
    for (let i = 0; i < 8; i++) service.tickNow();
    const history = await service.getHistory(subject.pid);
    assert.equal(history.samples.filter((s) => s.bucket === undefined).length, 5, 'capacity bounds the ticks kept one by one');
    assert.equal(history.samples.reduce((n, s) => n + (s.bucket?.sampleCount ?? 0), 0), 3, 'older ticks live on in buckets');
    for (let i = 1; i < history.samples.length; i++) {
      assert.ok((history.samples[i]?.tMs ?? 0) >= (history.samples[i - 1]?.tMs ?? 0), 'oldest first');
    }
    const last = history.samples.at(-1);
    const row = (await service.listProcesses()).rows.find((r) => r.pid === subject.pid);
    assert.equal(last?.resKb, row?.resKb);
    assert.equal(last?.virtKb, row?.virtKb);
  } finally {
    service.stop();
    await subject.kill();
  }
});
