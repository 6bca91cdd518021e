// What malloc_trim(0) would give back now: every arena loaded into the glibc model (to-model.ts), the model's
// malloc_trim run on it (sim/malloc/glibc/trim.ts), and the pages it releases counted where they are resident now.
import type { MallocParams } from '../sim/malloc/glibc/params.js';
import { libcMallocTrim } from '../sim/malloc/glibc/trim.js';
import type { ArenaDetail } from './inspect.js';
import type { TrimPrediction } from './report.js';
import type { PageResidency } from './residency.js';
import { loadArenaIntoModel } from './to-model.js';

/**
 * Runs mtrim(arena, pad) on a model of every arena, in glibc's order (main first, then along `next`). A thread arena
 * of several heaps gives back pages of free chunks in each of them; its top is not shrunk (mtrim calls systrim for
 * main_arena only; heap_trim runs from _int_free, never from malloc_trim).
 */
export function predictTrim(details: readonly ArenaDetail[], params: MallocParams, residency: PageResidency, padBytes = 0): TrimPrediction {
  const prediction: TrimPrediction = { releasable_bytes: 0, top_bytes: 0, result: 0, arenas: [], skipped_arenas: [] };
  for (const arena of details) {
    const { heap, baseAddress } = loadArenaIntoModel(arena, params, { livePointers: false });
    const perArena = { index: arena.index, releasable_bytes: 0 };
    prediction.arenas.push(perArena);
    for (const r of libcMallocTrim(heap, padBytes, { startAddress: baseAddress, main: arena.main })) {
      const bytes = residency.residentBytes(baseAddress + r.startBytes, baseAddress + r.endBytes);
      perArena.releasable_bytes += bytes;
      prediction.releasable_bytes += bytes;
      if (r.how === 'brk') prediction.top_bytes += bytes;
      prediction.result = 1;
    }
  }
  return prediction;
}
