// diffMappingChunk / applyMappingPatch on this test process's own mappings, read from its real /proc/self/smaps: a
// chunk whose smaps values moved comes back field for field from the held mappings and the patch, an unchanged
// mapping comes back as the held object itself, and a mapping that is new or changed in more than its smaps is no patch.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { MemscopeService } from '../../../electron/host/service.js';
import { applyMappingPatch, diffMappingChunk } from '../../../shared/proc/mapping-patch.js';
import type { Mapping } from '../../../shared/proc/types.js';

describe('mapping patches', () => {
  let held: Mapping[] = [];
  const byStart = new Map<string, Mapping>();
  const findHeld = (start: string) => byStart.get(start);
  before(async () => {
    const service = new MemscopeService();
    held = (await service.getMappings(process.pid)).mappings.filter((m) => m.smaps !== undefined);
    service.stop();
    for (const m of held) byStart.set(m.start, m);
  });

  test('a chunk whose Pss and Rss moved is its changed numbers, and the patch makes it again', () => {
    const chunk: Mapping[] = held.slice(0, 8).map((m, i) => (i % 3 === 0 ? { ...m, smaps: { ...m.smaps, Pss: Number(m.smaps?.Pss) + 4, Rss: Number(m.smaps?.Rss) + 4 } } : m));
    const patch = diffMappingChunk(chunk, findHeld);
    assert.ok(patch !== null);
    assert.deepEqual(
      patch.map(([, changed]) => Object.keys(changed).sort()),
      chunk.map((_, i) => (i % 3 === 0 ? ['Pss', 'Rss'] : [])),
    );
    const again = applyMappingPatch(patch, findHeld);
    assert.deepEqual(again, chunk);
    assert.equal(JSON.stringify(again), JSON.stringify(chunk), 'the same JSON, keys in the same order (what the chunk hash is of)');
    assert.ok(again?.every((m, i) => i % 3 === 0 || m === held[i]), 'an unchanged mapping is the held object');
    assert.ok(JSON.stringify(patch).length * 4 < JSON.stringify(chunk).length, `${JSON.stringify(patch).length} bytes of patch for ${JSON.stringify(chunk).length} of chunk`);
  });

  test('a mapping new, or changed in more than its smaps values, makes the chunk cross whole', () => {
    const first = held[0] as Mapping;
    assert.equal(diffMappingChunk([{ ...first, start: 'f'.repeat(16) }], findHeld), null, 'not held');
    assert.equal(diffMappingChunk([{ ...first, end: 'f'.repeat(16) }], findHeld), null, 'grown');
    assert.equal(diffMappingChunk([{ ...first, path: `${first.path} (deleted)` }], findHeld), null, 'renamed');
    assert.equal(diffMappingChunk([{ ...first, smaps: { ...first.smaps, NewField: 1 } }], findHeld), null, 'a key more');
    assert.equal(applyMappingPatch([['f'.repeat(16), {}]], findHeld), null, 'a patch of a mapping not held');
  });
});
