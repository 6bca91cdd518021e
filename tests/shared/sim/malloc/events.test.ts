// Event descriptions: every kind and source has its own wording, and a replay's events explain
// its results (every served request, every brk move).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MALLOC_EVENT_NAMES, MALLOC_SOURCE_NAMES, MallocEvent, ReallocPath, createMallocEventLog, describeMallocEvent } from '../../../../shared/sim/malloc/events.js';
import { generateWorkload } from '../../../../shared/sim/malloc/workloads.js';
import { createGlibcReplay, runGlibcReplay } from '../../../../shared/sim/malloc/glibc/replay.js';
import { createDefaultParams } from '../../../../shared/sim/malloc/glibc/params.js';
import { REGION_NONE } from '../../../../shared/sim/malloc/replay-results.js';
import { OP_ALLOC, OP_FREE } from '../../../../shared/sim/trace.js';

test('every event kind has a name and its own description', () => {
  const kinds = Object.values(MallocEvent);
  assert.equal(new Set(kinds).size, MALLOC_EVENT_NAMES.length);
  for (const kind of kinds) {
    assert.ok(MALLOC_EVENT_NAMES[kind] !== undefined);
    assert.doesNotMatch(describeMallocEvent({ kind, a: 1, b: 2, c: 3 }), /^event /);
  }
  assert.equal(MALLOC_SOURCE_NAMES.length, 8);
});

test('a replay explains every result: a served event, or realloc resizing in place', () => {
  const trace = generateWorkload('random', { seed: 3, opCount: 3000 });
  const log = createMallocEventLog();
  const r = createGlibcReplay(trace, createDefaultParams(), { sink: log.sink });
  const inPlace = new Set<number>([ReallocPath.inPlace, ReallocPath.growIntoTop, ReallocPath.growIntoNext, ReallocPath.mremap]);
  let brkEvents = 0;
  for (let i = 0; i < trace.length; i++) {
    log.events.length = 0;
    runGlibcReplay(r, i + 1);
    const served = log.events.filter((e) => e.kind === MallocEvent.served).length;
    const resized = log.events.filter((e) => e.kind === MallocEvent.realloc && inPlace.has(e.a)).length;
    brkEvents += log.events.filter((e) => e.kind === MallocEvent.brkGrow || e.kind === MallocEvent.brkTrim).length;
    if (trace.kinds[i] === OP_ALLOC) assert.equal(served, i === 0 ? 2 : 1, `op ${i}`); // op 0 also serves the tcache struct
    else if (trace.kinds[i] !== OP_FREE && r.results.region[i] !== REGION_NONE) assert.ok(served + resized >= 1, `op ${i}`);
    if (i > 0 && r.results.brk[i] !== r.results.brk[i - 1]) assert.ok(log.events.some((e) => e.kind === MallocEvent.brkGrow || e.kind === MallocEvent.brkTrim), `op ${i} moved brk silently`);
  }
  assert.equal(brkEvents, r.heap.os.brkCalls);
});
