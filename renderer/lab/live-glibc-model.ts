// The glibc model over a trace, starting from a live process's arena (loaded by shared/heap/to-model.ts) instead
// of a fresh process: every replay, and every checkpoint the lab session copies, begins from a copy of that heap.
import { cloneState } from '../../shared/sim/clone-state.js';
import { createGlibcReplayModel, type GlibcReplay } from '../../shared/sim/malloc/glibc/replay.js';
import type { GlibcHeap } from '../../shared/sim/malloc/glibc/state.js';
import type { MallocReplayModel } from '../../shared/sim/malloc/replay-model.js';
import type { Trace } from '../../shared/sim/trace.js';

/** createGlibcReplayModel with `start` (its own mp_ parameters) as the heap at op 0. */
export function createLiveGlibcReplayModel(trace: Trace, start: GlibcHeap): MallocReplayModel<GlibcReplay> {
  const fresh = createGlibcReplayModel(trace, start.params);
  return {
    ...fresh,
    create: (sink) => {
      const r = fresh.create(null);
      r.heap = cloneState({ ...start, sink: null });
      r.heap.sink = sink;
      return r;
    },
  };
}
