// The Allocator lab's what-if table: one trace replayed through each variant `sim malloc --variants` predicts
// (glibc default, glibc with one tunable changed, TCMalloc), with its footprint (shared/sim/malloc/footprint.ts),
// fragmentation and OS calls, and the measured footprint a recording carries (`# footprint`). All else simulated.

import { type MallocParams, parseGlibcTunables } from '../malloc/glibc/params.js';
import { type GlibcThreadedReplay, createGlibcThreadedReplayModel } from '../malloc/glibc/replay-threads.js';
import { type MallocReplayModel, type ReplayProgress } from '../malloc/replay-model.js';
import { type MallocEventSink } from '../malloc/events.js';
import { type SimOs } from '../malloc/os.js';
import { TcmallocEvent } from '../malloc/tcmalloc/events.js';
import { createDefaultTcmallocParams } from '../malloc/tcmalloc/params.js';
import { createTcmallocReplayModel } from '../malloc/tcmalloc/replay.js';
import { TCMALLOC_TRACE_SUPPORT, findUnsupportedOp } from '../malloc/trace-support.js';
import { type FootprintTrack, computeFootprintBytes, createFootprintTrack, noteFootprint } from '../malloc/footprint.js';
import { ALLOCATOR_VARIANTS, type AllocatorVariant } from '../malloc/variants.js';
import { type Trace, formatTraceOp } from '../trace.js';
import { HeapMisuseError, describeMisuseOutcome } from '../malloc/heap-misuse.js';
import { readLabThreadsView } from './glibc-threads-lab.js';

/** The table's rows: the variants `memscope sim malloc --variants` predicts (shared/sim/malloc/variants.ts). */
export const MALLOC_VARIANTS: readonly AllocatorVariant[] = ALLOCATOR_VARIANTS;

/** OS calls of a run, by call. */
export interface OsCallCounts {
  brk: number;
  mmap: number;
  munmap: number;
  mremap: number;
  mprotect: number;
  madvise: number;
}

/** One row's figures (all simulated), or why the variant cannot run the trace. */
export type VariantOutcome =
  | {
      ok: true;
      variant: AllocatorVariant;
      /** The footprint (shared/sim/malloc/footprint.ts: brk heap + arena heaps + mmapped bytes) at its peak and at exit. */
      footprint: FootprintTrack;
      /** After the last op: free bytes between live chunks (tops excluded) / heap bytes, 0–1. */
      fragmentation: number;
      osCalls: OsCallCounts;
      /** Σ osCalls. */
      osCallTotal: number;
    }
  | { ok: false; variant: AllocatorVariant; error: string };

/**
 * Arena-heap calls the model does not route through SimOs, counted from heap_info changes after each op as
 * glibc 2.36 arena.c makes them: a new heap is mmap + mprotect (new_heap; its alignment munmaps depend on where
 * the kernel maps, so they are not counted), growth past mprotect_size one mprotect (grow_heap), a shrink one
 * madvise(MADV_DONTNEED) (shrink_heap), a deleted heap one munmap (heap_trim).
 */
interface ArenaHeapTally {
  sizeBytes: number[];
  mprotectBytes: number[];
  alive: boolean[];
  mmap: number;
  munmap: number;
  mprotect: number;
  madvise: number;
}

function tallyArenaHeaps(r: GlibcThreadedReplay, t: ArenaHeapTally): void {
  const th = r.heap.threads;
  if (th === null) return;
  const aliveNow = new Array<boolean>(th.heaps.length).fill(false);
  for (const a of th.arenas) for (const k of a.heaps) aliveNow[k] = true;
  for (let k = 0; k < th.heaps.length; k++) {
    const h = th.heaps[k]!;
    if (aliveNow[k] === true && t.alive[k] !== true) {
      t.mmap++;
      t.mprotect++;
    } else if (aliveNow[k] === true) {
      if (h.mprotectBytes > t.mprotectBytes[k]!) t.mprotect++;
      else if (h.sizeBytes < t.sizeBytes[k]!) t.madvise++;
    } else if (t.alive[k] === true) {
      t.munmap++;
    }
    t.alive[k] = aliveNow[k]!;
    t.sizeBytes[k] = h.sizeBytes;
    t.mprotectBytes[k] = h.mprotectBytes;
  }
}

function countOsCalls(os: SimOs, t: ArenaHeapTally | null): OsCallCounts {
  return {
    brk: os.brkCalls,
    mmap: os.mmapCalls + (t?.mmap ?? 0),
    munmap: os.munmapCalls + (t?.munmap ?? 0),
    mremap: os.mremapCalls,
    mprotect: t?.mprotect ?? 0,
    madvise: t?.madvise ?? 0,
  };
}

/** Replays the whole trace through `model` op by op, tracking the footprint after each op. */
function runMeasured<R extends ReplayProgress>(model: MallocReplayModel<R>, trace: Trace, afterOp: (r: R) => void, sink: MallocEventSink | null = null): { r: R; footprint: FootprintTrack } {
  const r = model.create(sink);
  const footprint = createFootprintTrack();
  for (let i = 0; i < trace.length; i++) {
    model.run(r, i + 1);
    afterOp(r);
    noteFootprint(footprint, i, computeFootprintBytes(model.measure(r)));
  }
  return { r, footprint };
}

function runGlibcVariant(trace: Trace, variant: AllocatorVariant, params: MallocParams): VariantOutcome {
  const model = createGlibcThreadedReplayModel(trace, params);
  const tally: ArenaHeapTally = { sizeBytes: [], mprotectBytes: [], alive: [], mmap: 0, munmap: 0, mprotect: 0, madvise: 0 };
  const { r, footprint } = runMeasured(model, trace, (x) => tallyArenaHeaps(x, tally));
  const view = readLabThreadsView(r);
  let freeBytes = 0;
  let heapBytes = 0;
  for (const a of view.arenas) {
    for (const h of a.heaps) {
      freeBytes += h.freeBytes;
      heapBytes += h.sizeBytes;
    }
  }
  const osCalls = countOsCalls(r.heap.os, tally);
  return { ok: true, variant, footprint, fragmentation: heapBytes > 0 ? freeBytes / heapBytes : 0, osCalls, osCallTotal: sumCalls(osCalls) };
}

function runTcmallocVariant(trace: Trace, variant: AllocatorVariant): VariantOutcome {
  const refusal = findUnsupportedOp(trace, TCMALLOC_TRACE_SUPPORT);
  if (refusal !== null) return { ok: false, variant, error: refusal.message };
  const model = createTcmallocReplayModel(trace, createDefaultTcmallocParams());
  // TCMalloc gives pages back with madvise(MADV_DONTNEED) (TCMalloc_SystemRelease): one call per release event.
  let releases = 0;
  const sink: MallocEventSink = (kind) => {
    if (kind === TcmallocEvent.pageHeapRelease) releases++;
  };
  const { r, footprint } = runMeasured(model, trace, () => undefined, sink);
  const m = model.measure(r);
  const backed = m.heapBytes - m.releasedBytes;
  const osCalls = { ...countOsCalls(r.heap.os, null), madvise: releases };
  return { ok: true, variant, footprint, fragmentation: backed > 0 ? Math.max(0, backed - m.liveBytes) / backed : 0, osCalls, osCallTotal: sumCalls(osCalls) };
}

function sumCalls(c: OsCallCounts): number {
  return c.brk + c.mmap + c.munmap + c.mremap + c.mprotect + c.madvise;
}

/** Replays the trace through one variant; a model that cannot run it gives its one-line reason. */
export function runMallocVariant(trace: Trace, variant: AllocatorVariant): VariantOutcome {
  try {
    if (variant.allocator === 'tcmalloc') return runTcmallocVariant(trace, variant);
    return runGlibcVariant(trace, variant, parseGlibcTunables(variant.tunables).params);
  } catch (err) {
    return { ok: false, variant, error: describeFailure(err, trace, variant) };
  }
}

/** One line: a misuse names the op where the real program dies or goes astray, as `sim malloc` does. */
function describeFailure(err: unknown, trace: Trace, variant: AllocatorVariant): string {
  if (!(err instanceof HeapMisuseError)) return err instanceof Error ? err.message : String(err);
  const outcome = describeMisuseOutcome(err, variant.allocator === 'glibc' ? 'glibc' : 'TCMalloc');
  return `op ${err.opIndex} '${formatTraceOp(trace, err.opIndex)}': ${err.message}; ${outcome}`;
}
