// The model's events: every kind is emitted by some trace, each op's events tell a story that
// matches what the op returned, and every kind has its own English description.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MALLOCLAB_TRACES_DIR } from '../../../../helpers/paths.js';
import { type TraceOp, packTraceOps, parseTrace } from '../../../../../shared/sim/trace.js';
import { generateWorkload } from '../../../../../shared/sim/malloc/workloads.js';
import { createTcmallocReplay, runTcmallocReplay } from '../../../../../shared/sim/malloc/tcmalloc/replay.js';
import { parseTcmallocEnv } from '../../../../../shared/sim/malloc/tcmalloc/params.js';
import { TCMALLOC_EVENT_NAMES, TcmallocEvent, describeTcmallocEvent, isTcmallocEvent } from '../../../../../shared/sim/malloc/tcmalloc/events.js';
import { MALLOC_EVENT_NAMES, type MallocEventRecord, createMallocEventLog } from '../../../../../shared/sim/malloc/events.js';
import { computeSizeMap, findSizeClass } from '../../../../../shared/sim/malloc/tcmalloc/size-classes.js';

function eventsOf(ops: TraceOp[] | ReturnType<typeof generateWorkload>, env = ''): MallocEventRecord[] {
  const trace = Array.isArray(ops) ? packTraceOps(ops) : ops;
  const log = createMallocEventLog();
  const r = createTcmallocReplay(trace, parseTcmallocEnv(env).params, { sink: log.sink });
  runTcmallocReplay(r);
  return log.events;
}

describe('TCMalloc events', () => {
  test('kinds do not collide with the glibc kinds and all have names', () => {
    const kinds = Object.values(TcmallocEvent);
    assert.equal(kinds.length, TCMALLOC_EVENT_NAMES.length);
    for (const k of kinds) {
      assert.ok(isTcmallocEvent(k), `${k}`);
      assert.ok(k >= MALLOC_EVENT_NAMES.length, `${k} is beyond the glibc kinds`);
    }
    assert.equal(isTcmallocEvent(0), false);
  });

  test('every kind is emitted by some workload and described in its own words', () => {
    const seen = new Map<number, MallocEventRecord>();
    const big: TraceOp[] = [];
    for (let k = 0; k < 40; k++) big.push({ op: 'a', id: 1, size: 64 << 20 }, { op: 'f', id: 1 });
    big.push({ op: 'a', id: 2, size: 8 << 20 });
    const runs = [
      eventsOf(generateWorkload('random', { seed: 1, opCount: 6000 })),
      eventsOf(generateWorkload('big-churn', { seed: 1, opCount: 6000 })),
      eventsOf(generateWorkload('many-small', { seed: 2, opCount: 6000 }), 'TCMALLOC_TRANSFER_NUM_OBJ=4'),
      eventsOf(big),
      eventsOf([{ op: 'a', id: 0, size: 2 ** 47 }]), // no address space holds it: the system refuses the growth
      eventsOf(parseTrace(readFileSync(join(MALLOCLAB_TRACES_DIR, 'binary2-bal.rep'), 'utf8'))),
      eventsOf([{ op: 'a', id: 0, size: 8, tid: 1 }, { op: 'x', id: 0, tid: 1 }]), // a thread's exit deletes its cache
    ];
    for (const evs of runs) for (const e of evs) if (!seen.has(e.kind)) seen.set(e.kind, e);
    for (const k of Object.values(TcmallocEvent)) assert.ok(seen.has(k), `kind ${TCMALLOC_EVENT_NAMES[k - 100]} emitted`);
    for (const e of seen.values()) {
      assert.ok(!describeTcmallocEvent(e).startsWith('event '), `${TCMALLOC_EVENT_NAMES[e.kind - 100]} has a description`);
    }
    assert.equal(describeTcmallocEvent({ kind: 999, a: 1, b: 2, c: 3 }), 'event 999 (1, 2, 3)');
  });

  test("a malloc's events name the object it returned: a hit pops it, a fetch hands it over", () => {
    const map = computeSizeMap();
    const trace = generateWorkload('many-small', { seed: 4, opCount: 3000 });
    let events: MallocEventRecord[] = [];
    const r = createTcmallocReplay(trace, parseTcmallocEnv('').params, { sink: (kind, a, b, c) => { events.push({ kind, a, b, c }); } });
    for (let i = 0; i < trace.length; i++) {
      events = [];
      runTcmallocReplay(r, i + 1);
      if (trace.kinds[i] !== 0) continue;
      const cl = findSizeClass(map, trace.sizes[i]!);
      const hit = events.find((e) => e.kind === TcmallocEvent.threadCacheHit);
      const fetch = events.find((e) => e.kind === TcmallocEvent.centralFetch);
      assert.ok((hit === undefined) !== (fetch === undefined), `op ${i}: exactly one of hit / fetch`);
      if (hit !== undefined) {
        assert.equal(hit.a, cl);
        assert.equal(hit.b, r.results.offset[i]);
      } else {
        assert.equal(fetch!.a, cl);
        assert.ok(fetch!.c >= 1 && fetch!.c <= fetch!.b);
      }
    }
  });
});
