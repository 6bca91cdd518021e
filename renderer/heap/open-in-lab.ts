// "Open this heap in the Allocator lab": loads one live arena into the glibc model (shared/heap/to-model.ts
// loadArenaIntoModel, with the process's own mp_ parameters) and starts the lab's glibc replay from it at op 0.
import type { HeapView } from '../../shared/api.js';
import type { ArenaDetail } from '../../shared/heap/inspect.js';
import { loadArenaIntoModel } from '../../shared/heap/to-model.js';
import { updateLabState } from '../state/allocator-lab-store.js';
import { navigate } from '../state/router.js';

let nextStartId = 1;

/** Why an arena cannot be opened in the lab, or null when it can (the model holds one contiguous heap). */
export function explainLabUnavailable(arena: ArenaDetail): string | null {
  return arena.heaps.length === 1 ? null : `this arena spans ${arena.heaps.length} heaps; the glibc model holds one contiguous heap`;
}

/** Loads arena into the model and opens the lab on it (cursor at op 0: the heap as read). Throws RangeError when it cannot be loaded. */
export function openArenaInLab(view: HeapView, arena: ArenaDetail, readAtMs: number): void {
  const loaded = loadArenaIntoModel(arena, view.params);
  updateLabState({
    liveStart: { id: nextStartId++, pid: view.report.pid, arenaIndex: arena.index, readAtMs, heap: loaded.heap, baseAddress: loaded.baseAddress },
    cursor: 0,
    playing: false,
  });
  navigate({ name: 'malloc-lab' });
}
