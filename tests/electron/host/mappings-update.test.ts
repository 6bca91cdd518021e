// getMappingsIfChanged on many-maps.c (3,000 mappings that never change after "ready"): the first answer carries
// every chunk, a second one sent the first's fingerprint carries only chunks that changed (its own pages: none),
// and the chunks put together are getMappings' mappings; a malformed fingerprint is bad-arg before /proc is read.
// With the smallest chunks (cut by content), one mapping whose Rss moved, or one unmapped, sends its chunk alone
// (before: a chunk of 512, and after an unmap every chunk from there on). A re-read where only smaps numbers moved
// (a library's Pss, when other processes map it) carries those numbers, and they make the very chunks fingerprinted.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { buildMappingsUpdate, rememberSentMappings } from '../../../electron/host/mappings-update.js';
import { MemscopeService } from '../../../electron/host/service.js';
import { MAPPINGS_CHUNK_SIZE, MIN_MAPPINGS_CHUNK_SIZE, TARGET_MAPPINGS_CHUNKS } from '../../../shared/api.js';
import { isApiError } from '../../../shared/errors.js';
import { groupByBackingFile } from '../../../shared/proc/group.js';
import { applyMappingPatch } from '../../../shared/proc/mapping-patch.js';
import type { Mapping } from '../../../shared/proc/types.js';
import { validateApiArgs } from '../../../shared/validate-args.js';
import { buildHarness } from '../../helpers/c-build.js';
import { spawnUntilReady } from '../../helpers/ready-harness.js';
import { startSubject } from '../../helpers/subject.js';

const PAGES = 3000;
/** The longest chunk cut by content: 4 times the mean (electron/host/mappings-update.ts); 3,000 mappings get the smallest. */
const MAX_CHUNK = 4 * MIN_MAPPINGS_CHUNK_SIZE;

describe('getMappingsIfChanged', () => {
  const service = new MemscopeService();
  let child: ChildProcess;
  let pid: number;
  before(async () => {
    ({ child } = await spawnUntilReady(buildHarness('many-maps.c'), [String(PAGES)]));
    pid = child.pid ?? 0;
  });
  after(() => {
    service.stop();
    child.kill('SIGKILL');
  });

  test('sends again only the chunks of mappings that changed, and the chunks make up getMappings', async () => {
    const first = await service.getMappingsIfChanged(pid, null);
    assert.ok(first.mappingChunks.length >= Math.floor(PAGES / MAPPINGS_CHUNK_SIZE), `${first.mappingChunks.length} chunks`);
    assert.ok(first.mappingChunks.every((c) => c !== null && c.length <= MAPPINGS_CHUNK_SIZE), 'no fingerprint sent: every chunk comes');
    const firstMappings = first.mappingChunks.flatMap((c) => c ?? []);
    const full = await service.getMappings(pid);
    assert.deepEqual(
      firstMappings.map((m) => `${m.start}-${m.end} ${m.perms}`),
      full.mappings.map((m) => `${m.start}-${m.end} ${m.perms}`),
    );
    assert.deepEqual(Object.keys(first.report).sort(), Object.keys(full).filter((k) => k !== 'mappings').sort(), 'everything but the mappings');

    const second = await service.getMappingsIfChanged(pid, first.fingerprint);
    // Libraries' Pss moves when other processes map them; the subject's own pages, chunk after chunk, do not.
    const unchanged = second.mappingChunks.filter((c) => c === null).length;
    assert.ok(unchanged >= second.mappingChunks.length - 2, `${unchanged} of ${second.mappingChunks.length} chunks unchanged`);
    const merged: Mapping[] = second.mappingChunks.flatMap((c, i) => c ?? firstMappings.slice(i * MAPPINGS_CHUNK_SIZE, (i + 1) * MAPPINGS_CHUNK_SIZE));
    assert.deepEqual(
      merged.map((m) => m.start),
      full.mappings.map((m) => m.start),
    );
    const third = await service.getMappingsIfChanged(pid, second.fingerprint);
    assert.equal(third.fingerprint.split('.').length, third.mappingChunks.length, 'one hash per chunk');
  });

  test('in the smallest chunks, a mapping whose Rss moved crosses again with its chunk alone', async () => {
    const first = await service.getMappingsIfChanged(pid, null, MIN_MAPPINGS_CHUNK_SIZE);
    assert.equal(first.chunkMappings, MIN_MAPPINGS_CHUNK_SIZE);
    const firstMappings = first.mappingChunks.flatMap((c) => c ?? []);
    assert.ok(first.mappingChunks.every((c) => c !== null && c.length <= MAX_CHUNK), 'chunks near the size asked');
    assert.equal(first.report.groups, undefined, 'the caller groups the mappings');
    const report = await service.getMappings(pid);
    const regrouped = groupByBackingFile(buildMappingsUpdate(report, null, MIN_MAPPINGS_CHUNK_SIZE).mappingChunks.flatMap((c) => c ?? []));
    assert.deepEqual(regrouped, report.groups, 'as the host groups them');
    const meanMappings = firstMappings.length / first.mappingChunks.length;
    assert.ok(meanMappings > MIN_MAPPINGS_CHUNK_SIZE / 2 && meanMappings < MIN_MAPPINGS_CHUNK_SIZE * 2, `${meanMappings.toFixed(1)} mappings per chunk`);
    const full = await service.getMappings(pid);
    assert.deepEqual(
      firstMappings.map((m) => m.start),
      full.mappings.map((m) => m.start),
    );
    // The report read again, one of the subject's own pages (mid-report) with 4 KiB more Rss: what a live process does.
    // Against `full`'s own fingerprint, not `first`'s: between two reads the Pss of its shared libraries moves
    // whenever another process maps or unmaps them (the suite runs in parallel).
    const base = buildMappingsUpdate(full, null, MIN_MAPPINGS_CHUNK_SIZE);
    const moved = Math.floor(full.mappings.length / 2);
    const rssKb = Number(full.mappings[moved]?.smaps?.Rss ?? 0) + 4;
    const mappings = full.mappings.map((m, i) => (i === moved ? { ...m, smaps: { ...m.smaps, Rss: rssKb } } : m));
    const update = buildMappingsUpdate({ ...full, mappings }, base.fingerprint, MIN_MAPPINGS_CHUNK_SIZE);
    const sent = update.mappingChunks.filter((c) => c !== null);
    assert.equal(sent.length, 1, `${sent.length} chunks sent again`);
    assert.ok((sent[0]?.length ?? 0) <= MAX_CHUNK, `${sent[0]?.length} mappings sent again`);
    assert.ok(sent[0]?.some((m) => m.start === full.mappings[moved]?.start && m.smaps?.Rss === rssKb), 'the moved mapping, as read');
  });

  test('Pss moved in many mappings: the re-read carries the numbers that moved, not the mappings', async () => {
    const full = await service.getMappings(pid);
    const base = buildMappingsUpdate(full, null, MIN_MAPPINGS_CHUNK_SIZE);
    // What a live Chromium does between two reads: another process maps its libraries, the Pss of hundreds moves.
    const mappings = full.mappings.map((m, i) => (i % 3 === 0 && m.smaps !== undefined ? { ...m, smaps: { ...m.smaps, Pss: Number(m.smaps.Pss) + 1 } } : m));
    const whole = buildMappingsUpdate({ ...full, mappings }, base.fingerprint, MIN_MAPPINGS_CHUNK_SIZE);
    const update = buildMappingsUpdate({ ...full, mappings }, base.fingerprint, MIN_MAPPINGS_CHUNK_SIZE, rememberSentMappings(full, base));
    assert.ok(update.mappingChunks.every((c) => c === null), 'no mapping crosses whole');
    const bytes = JSON.stringify(update.mappingPatches).length;
    const wholeBytes = JSON.stringify(whole.mappingChunks).length;
    assert.ok(bytes * 5 < wholeBytes, `${bytes} bytes of patches, ${wholeBytes} of chunks`);
    const byStart = new Map(full.mappings.map((m) => [m.start, m]));
    const again = (update.mappingPatches ?? []).flatMap((p, i) => (p === null ? (base.mappingChunks[i] ?? []) : (applyMappingPatch(p, (s) => byStart.get(s)) ?? [])));
    assert.deepEqual(again, mappings);
    const stale = buildMappingsUpdate({ ...full, mappings }, base.fingerprint, MIN_MAPPINGS_CHUNK_SIZE, { ...rememberSentMappings(full, base), fingerprint: '0a' });
    assert.equal(stale.mappingPatches, undefined, 'against a report the caller does not hold: whole chunks');
  });

  test('the service patches against its last answer: the chunks put together hash to the fingerprint', async () => {
    const subject = await startSubject(8, 2);
    try {
      const first = await service.getMappingsIfChanged(subject.pid, null, MIN_MAPPINGS_CHUNK_SIZE);
      // Its anonymous region's Rss and Pss move, nothing else of it: what a live process does between two reads.
      assert.equal(await subject.command('touch 1'), 'ok');
      const second = await service.getMappingsIfChanged(subject.pid, first.fingerprint, MIN_MAPPINGS_CHUNK_SIZE);
      const held = first.mappingChunks.map((c) => c ?? []);
      const heldByHash = new Map(first.fingerprint.split('.').map((h, i) => [h, held[i] ?? []]));
      const byStart = new Map(held.flat().map((m) => [m.start, m]));
      const hashes = second.fingerprint.split('.');
      const patches = second.mappingPatches ?? [];
      const anon = patches.flatMap((p) => p ?? []).find(([start]) => start === subject.anonStart);
      assert.ok(anon !== undefined && typeof anon[1].Rss === 'number', 'the anonymous region\'s Rss crossed as a patch');
      assert.equal(anon[1].Rss, Number(byStart.get(subject.anonStart)?.smaps?.Rss) + 1024, '1 MiB more');
      second.mappingChunks.forEach((c, i) => {
        const patch = patches[i] ?? null;
        const chunk = c ?? (patch === null ? heldByHash.get(hashes[i] ?? '') : applyMappingPatch(patch, (s) => byStart.get(s)));
        assert.ok(chunk !== undefined && chunk !== null, `chunk ${i}`);
        assert.equal(createHash('sha1').update(JSON.stringify(chunk)).digest('hex').slice(0, 16), hashes[i], `chunk ${i} as fingerprinted`);
      });
    } finally {
      await subject.kill();
    }
  });

  test('a mapping unmapped mid-report sends again the chunk that held it, not every chunk after it', async () => {
    const full = await service.getMappings(pid);
    const first = buildMappingsUpdate(full, null, MIN_MAPPINGS_CHUNK_SIZE);
    // The subject's pages are one mapping each: munmap of one, mid-report, is this report without it.
    const gone = Math.floor(full.mappings.length / 2);
    const update = buildMappingsUpdate({ ...full, mappings: full.mappings.filter((_, i) => i !== gone) }, first.fingerprint, MIN_MAPPINGS_CHUNK_SIZE);
    const sentMappings = update.mappingChunks.reduce((n, c) => n + (c?.length ?? 0), 0);
    assert.ok(sentMappings <= 2 * MAX_CHUNK, `${sentMappings} of ${full.mappings.length - 1} mappings sent again`);
    assert.ok(!update.mappingChunks.some((c) => c?.some((m) => m.start === full.mappings[gone]?.start)), 'the gone mapping is gone');
  });

  test('a big report is cut into longer chunks, so the fingerprint stays short', async () => {
    const full = await service.getMappings(pid);
    // The subject's report, 8 times over (addresses made distinct): ~24,000 mappings, as many-maps 20,000.
    const mappings = Array.from({ length: 8 }, (_, copy) => full.mappings.map((m) => ({ ...m, start: `${copy}${m.start}` }))).flat();
    const update = buildMappingsUpdate({ ...full, mappings }, null, MIN_MAPPINGS_CHUNK_SIZE);
    assert.equal(update.chunkMappings, 32, `${mappings.length} mappings`);
    assert.deepEqual(update.report.groups, full.groups, 'a big report brings its groups (grouping 20,000 mappings costs the page 20-40 ms)');
    assert.ok(update.mappingChunks.length <= 2 * TARGET_MAPPINGS_CHUNKS, `${update.mappingChunks.length} chunks`);
    assert.deepEqual(validateApiArgs('getMappingsIfChanged', [pid, update.fingerprint]), [pid, update.fingerprint], 'the host takes its fingerprint back');
  });

  test('a chunk size out of its bounds is bad-arg', () => {
    for (const bad of [0, MIN_MAPPINGS_CHUNK_SIZE - 1, MAPPINGS_CHUNK_SIZE + 1, 4.5, '16', null]) {
      assert.throws(
        () => validateApiArgs('getMappingsIfChanged', [pid, null, bad]),
        (err) => isApiError(err) && err.code === 'bad-arg',
      );
    }
    assert.deepEqual(validateApiArgs('getMappingsIfChanged', [pid, null, MIN_MAPPINGS_CHUNK_SIZE]), [pid, null, MIN_MAPPINGS_CHUNK_SIZE]);
    assert.deepEqual(validateApiArgs('getMappingsIfChanged', [pid, null]), [pid, null], 'no chunk size: the old chunks');
  });

  test('a fingerprint that is not one the host made is bad-arg', () => {
    for (const bad of [42, 'xyz', 'ABC', 'a'.repeat(17 * 4096 + 1)]) {
      assert.throws(
        () => validateApiArgs('getMappingsIfChanged', [pid, bad]),
        (err) => isApiError(err) && err.code === 'bad-arg',
      );
    }
    assert.deepEqual(validateApiArgs('getMappingsIfChanged', [pid, null]), [pid, null]);
    assert.deepEqual(validateApiArgs('getMappingsIfChanged', [pid, '0a.1b']), [pid, '0a.1b']);
  });
});
