// The first read of a big process in pieces (issue 13), against many-maps.c's real /proc: getMappingsIfChanged with
// maxMappings sends whole chunks up to that many mappings and defers the rest, getMappingChunks answers those from the
// report the host holds (a bounded prefix of the indexes asked), and the pieces put together are the chunks the
// fingerprint names, hash for hash. A report replaced by a newer read is 'torn', a process with none 'gone'.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { MemscopeService } from '../../../electron/host/service.js';
import { MAPPINGS_CHUNK_SIZE, MAPPINGS_PER_ANSWER, MIN_MAPPINGS_CHUNK_SIZE, type MappingsUpdate } from '../../../shared/api.js';
import { isApiError, type ApiErrorCode } from '../../../shared/errors.js';
import type { Mapping } from '../../../shared/proc/types.js';
import { validateApiArgs } from '../../../shared/validate-args.js';
import { buildHarness } from '../../helpers/c-build.js';
import { spawnUntilReady } from '../../helpers/ready-harness.js';

/** Over twice MAPPINGS_PER_ANSWER: the deferred chunks take two getMappingChunks answers at least. */
const PAGES = 6000;

/** The ApiError code `call` rejects with (fails when it resolves). */
async function codeOf(call: Promise<unknown>): Promise<ApiErrorCode> {
  try {
    await call;
  } catch (err) {
    assert.ok(isApiError(err), String(err));
    return err.code;
  }
  assert.fail('resolved');
}

/** Every chunk of `update`, the deferred ones asked with getMappingChunks until none is left; also each answer's mappings. */
async function fetchAll(service: MemscopeService, pid: number, update: MappingsUpdate): Promise<{ chunks: (Mapping[] | null)[]; answers: number[] }> {
  const chunks = [...update.mappingChunks];
  const answers: number[] = [];
  let left = (update.deferredChunks ?? []).map(([index]) => index);
  while (left.length > 0) {
    const answer = await service.getMappingChunks(pid, update.fingerprint, left);
    assert.ok(answer.chunks.length > 0, 'never an empty answer');
    answer.chunks.forEach((c, k) => (chunks[left[k] ?? -1] = c));
    answers.push(answer.chunks.reduce((n, c) => n + c.length, 0));
    left = left.slice(answer.chunks.length);
  }
  return { chunks, answers };
}

const hashOf = (chunk: readonly Mapping[]) => createHash('sha1').update(JSON.stringify(chunk)).digest('hex').slice(0, 16);

describe('getMappingChunks', () => {
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

  test('a first read with maxMappings sends that many mappings whole, the rest come in bounded pieces and make the report', async () => {
    const first = await service.getMappingsIfChanged(pid, null, MIN_MAPPINGS_CHUNK_SIZE, MAPPINGS_PER_ANSWER);
    const hashes = first.fingerprint.split('.');
    const sent = first.mappingChunks.filter((c) => c !== null);
    assert.ok(sent.length > 0, 'the first chunks come with the report');
    assert.ok(sent.flat().length <= MAPPINGS_PER_ANSWER, `${sent.flat().length} mappings in the first answer`);
    const deferred = first.deferredChunks ?? [];
    assert.deepEqual(
      deferred.map(([index]) => index),
      first.mappingChunks.flatMap((c, i) => (c === null ? [i] : [])),
      'every chunk not sent is listed, none held (nothing was)',
    );
    const { chunks, answers } = await fetchAll(service, pid, first);
    assert.ok(answers.length >= 2, `${answers.length} getMappingChunks answers`);
    assert.ok(answers.every((n) => n <= MAPPINGS_PER_ANSWER), `mappings per answer: ${answers.join(', ')}`);
    for (const [index, mappings] of deferred) assert.equal(chunks[index]?.length, mappings, `chunk ${index} has the mappings said`);
    chunks.forEach((c, i) => assert.equal(hashOf(c ?? []), hashes[i], `chunk ${i} as fingerprinted`));
    const full = await service.getMappings(pid);
    const together = chunks.flatMap((c) => c ?? []);
    assert.ok(together.length > PAGES, `${together.length} mappings`);
    assert.deepEqual(
      together.map((m) => `${m.start}-${m.end} ${m.perms} ${m.path}`),
      full.mappings.map((m) => `${m.start}-${m.end} ${m.perms} ${m.path}`),
    );
  });

  test('callers older than maxMappings get every chunk in one answer, and a re-read defers none it can name as held', async () => {
    const whole = await service.getMappingsIfChanged(pid, null, MIN_MAPPINGS_CHUNK_SIZE);
    assert.equal(whole.deferredChunks, undefined);
    assert.ok(whole.mappingChunks.every((c) => c !== null), 'every chunk sent');
    const again = await service.getMappingsIfChanged(pid, whole.fingerprint, MIN_MAPPINGS_CHUNK_SIZE, MAPPINGS_PER_ANSWER);
    // The subject's own pages do not change; a library whose Pss moved crosses as a patch, never deferred.
    assert.equal(again.deferredChunks, undefined, `deferred: ${JSON.stringify(again.deferredChunks)}`);
  });

  test('a report replaced by a newer read is torn; out-of-range indexes are bad-arg; a process with none held is gone', async () => {
    const first = await service.getMappingsIfChanged(pid, null, MIN_MAPPINGS_CHUNK_SIZE, MAPPINGS_PER_ANSWER);
    const count = first.fingerprint.split('.').length;
    assert.equal(await codeOf(service.getMappingChunks(pid, first.fingerprint, [count])), 'bad-arg');
    assert.equal((await service.getMappingChunks(pid, first.fingerprint, [count - 1])).chunks.length, 1, 'the last chunk');
    assert.equal(await codeOf(service.getMappingChunks(pid, '0a', [0])), 'torn', 'a fingerprint never answered');
    // Another reader of the pid (a second tab, an older page asking longer chunks) replaces the report the host holds.
    const other = await service.getMappingsIfChanged(pid, null, MAPPINGS_CHUNK_SIZE);
    assert.notEqual(other.fingerprint, first.fingerprint);
    assert.equal(await codeOf(service.getMappingChunks(pid, first.fingerprint, [0])), 'torn');

    const { child: small } = await spawnUntilReady(buildHarness('many-maps.c'), ['16']);
    const smallPid = small.pid ?? 0;
    const held = await service.getMappingsIfChanged(smallPid, null, MIN_MAPPINGS_CHUNK_SIZE, 1);
    assert.ok((held.deferredChunks ?? []).length > 0, 'one mapping an answer: chunks deferred');
    const exited = new Promise((resolve) => small.once('exit', resolve));
    small.kill('SIGKILL');
    await exited;
    // What was read stays what the fingerprint names, after the process exits too.
    const late = await service.getMappingChunks(smallPid, held.fingerprint, [held.deferredChunks?.[0]?.[0] ?? 0]);
    assert.equal(hashOf(late.chunks[0] ?? []), held.fingerprint.split('.')[held.deferredChunks?.[0]?.[0] ?? 0]);
    // A pid with no report held and no process: gone (the highest pid the kernel could give is never one).
    assert.equal(await codeOf(service.getMappingChunks(4194304, '0a', [0])), 'gone');
  });

  test('arguments are checked at the transport: fingerprint, indexes and maxMappings', () => {
    const bad = (method: 'getMappingChunks' | 'getMappingsIfChanged', args: unknown[]) => assert.throws(() => validateApiArgs(method, args), (e) => isApiError(e) && e.code === 'bad-arg', JSON.stringify(args));
    bad('getMappingChunks', [pid, null, [0]]);
    bad('getMappingChunks', [pid, 'XYZ', [0]]);
    bad('getMappingChunks', [pid, 'ab', []]);
    bad('getMappingChunks', [pid, 'ab', [-1]]);
    bad('getMappingChunks', [pid, 'ab', [1.5]]);
    bad('getMappingChunks', [pid, 'ab', ['1']]);
    bad('getMappingChunks', [pid, 'ab', 1]);
    bad('getMappingChunks', [pid, 'ab', Array.from({ length: 100_000 }, (_, i) => i)]);
    bad('getMappingChunks', [pid, 'ab']);
    bad('getMappingsIfChanged', [pid, null, MIN_MAPPINGS_CHUNK_SIZE, 0]);
    bad('getMappingsIfChanged', [pid, null, MIN_MAPPINGS_CHUNK_SIZE, 2.5]);
    bad('getMappingsIfChanged', [pid, null, MIN_MAPPINGS_CHUNK_SIZE, '2048']);
    bad('getMappingsIfChanged', [pid, null, MIN_MAPPINGS_CHUNK_SIZE, MAPPINGS_PER_ANSWER, 1]);
    assert.deepEqual(validateApiArgs('getMappingChunks', [pid, 'ab.cd', [1, 0]]), [pid, 'ab.cd', [1, 0]]);
    assert.deepEqual(validateApiArgs('getMappingsIfChanged', [pid, null, MIN_MAPPINGS_CHUNK_SIZE, MAPPINGS_PER_ANSWER]), [pid, null, MIN_MAPPINGS_CHUNK_SIZE, MAPPINGS_PER_ANSWER]);
  });
});
