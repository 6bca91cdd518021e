// The Allocator lab's what-if table: one trace replayed through each allocator variant (glibc default, glibc
// with one tunable changed, TCMalloc), with its footprint (brk heap + arena heaps + mmapped bytes, from the
// model's own measure()), fragmentation and OS calls. Every figure is simulated.

import { type MallocParams, parseGlibcTunables } from '../malloc/glibc/params.js';
import { type GlibcThreadedReplay, createGlibcThreadedReplayModel } from '../malloc/glibc/replay-threads.js';
import { type MallocReplayModel, type ReplayProgress } from '../malloc/replay-model.js';
import { type MallocEventSink } from '../malloc/events.js';
import { type SimOs } from '../malloc/os.js';
import { TcmallocEvent } from '../malloc/tcmalloc/events.js';
import { createDefaultTcmallocParams } from '../malloc/tcmalloc/params.js';
import { createTcmallocReplayModel } from '../malloc/tcmalloc/replay.js';
import { TCMALLOC_TRACE_SUPPORT, findUnsupportedOp } from '../malloc/trace-support.js';
import { type Trace } from '../trace.js';
import { readLabThreadsView } from './glibc-threads-lab.js';

/** One variant the table asks about. */
export interface MallocVariant {
  /** Row label, e.g. "glibc.malloc.arena_max=2". */
  label: string;
  allocator: 'glibc' | 'tcmalloc';
  /** GLIBC_TUNABLES for glibc rows ('' = defaults). */
  glibcTunables: string;
}

/** The lower mmap_threshold the table tries: 64 KiB, half of glibc's 128 KiB default (and it turns the dynamic threshold off). */
export const WHAT_IF_MMAP_THRESHOLD_BYTES = 65536;

/** The table's rows: glibc default, arena_max=2, a lower mmap_threshold, TCMalloc. */
export const MALLOC_VARIANTS: readonly MallocVariant[] = [
  { label: 'glibc (default)', allocator: 'glibc', glibcTunables: '' },
  { label: 'glibc.malloc.arena_max=2', allocator: 'glibc', glibcTunables: 'glibc.malloc.arena_max=2' },
  { label: `glibc.malloc.mmap_threshold=${WHAT_IF_MMAP_THRESHOLD_BYTES}`, allocator: 'glibc', glibcTunables: `glibc.malloc.mmap_threshold=${WHAT_IF_MMAP_THRESHOLD_BYTES}` },
  { label: 'TCMalloc (gperftools 2.10)', allocator: 'tcmalloc', glibcTunables: '' },
];

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
      variant: MallocVariant;
      /** Highest footprint after any op: heap bytes (brk heap + arena heaps, or TCMalloc's heap less what it released) + mmapped bytes. */
      peakFootprintBytes: number;
      /** Footprint after the last op. */
      finalFootprintBytes: number;
      /** After the last op: free bytes between live chunks (tops excluded) / heap bytes, 0–1. */
      fragmentation: number;
      osCalls: OsCallCounts;
      /** Σ osCalls. */
      osCallTotal: number;
    }
  | { ok: false; variant: MallocVariant; error: string };

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

/** Replays the whole trace through `model`, op by op, tracking the peak footprint. */
function runMeasured<R extends ReplayProgress>(model: MallocReplayModel<R>, trace: Trace, afterOp: (r: R) => void, sink: MallocEventSink | null = null): { r: R; peakFootprintBytes: number; finalFootprintBytes: number } {
  const r = model.create(sink);
  const footprint = (): number => {
    const m = model.measure(r);
    return m.heapBytes - m.releasedBytes + m.mmappedBytes;
  };
  let peak = footprint();
  for (let i = 0; i < trace.length; i++) {
    model.run(r, i + 1);
    afterOp(r);
    const f = footprint();
    if (f > peak) peak = f;
  }
  return { r, peakFootprintBytes: peak, finalFootprintBytes: footprint() };
}

function runGlibcVariant(trace: Trace, variant: MallocVariant, params: MallocParams): VariantOutcome {
  const model = createGlibcThreadedReplayModel(trace, params);
  const tally: ArenaHeapTally = { sizeBytes: [], mprotectBytes: [], alive: [], mmap: 0, munmap: 0, mprotect: 0, madvise: 0 };
  const { r, peakFootprintBytes, finalFootprintBytes } = runMeasured(model, trace, (x) => tallyArenaHeaps(x, tally));
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
  return { ok: true, variant, peakFootprintBytes, finalFootprintBytes, fragmentation: heapBytes > 0 ? freeBytes / heapBytes : 0, osCalls, osCallTotal: sumCalls(osCalls) };
}

function runTcmallocVariant(trace: Trace, variant: MallocVariant): VariantOutcome {
  const refusal = findUnsupportedOp(trace, TCMALLOC_TRACE_SUPPORT);
  if (refusal !== null) return { ok: false, variant, error: refusal.message };
  const model = createTcmallocReplayModel(trace, createDefaultTcmallocParams());
  // TCMalloc gives pages back with madvise(MADV_DONTNEED) (TCMalloc_SystemRelease): one call per release event.
  let releases = 0;
  const sink: MallocEventSink = (kind) => {
    if (kind === TcmallocEvent.pageHeapRelease) releases++;
  };
  const { r, peakFootprintBytes, finalFootprintBytes } = runMeasured(model, trace, () => undefined, sink);
  const m = model.measure(r);
  const backed = m.heapBytes - m.releasedBytes;
  const osCalls = { ...countOsCalls(r.heap.os, null), madvise: releases };
  return { ok: true, variant, peakFootprintBytes, finalFootprintBytes, fragmentation: backed > 0 ? Math.max(0, backed - m.liveBytes) / backed : 0, osCalls, osCallTotal: sumCalls(osCalls) };
}

function sumCalls(c: OsCallCounts): number {
  return c.brk + c.mmap + c.munmap + c.mremap + c.mprotect + c.madvise;
}

/** Replays the trace through one variant; a model that cannot run it gives its one-line reason. */
export function runMallocVariant(trace: Trace, variant: MallocVariant): VariantOutcome {
  try {
    if (variant.allocator === 'tcmalloc') return runTcmallocVariant(trace, variant);
    return runGlibcVariant(trace, variant, parseGlibcTunables(variant.glibcTunables).params);
  } catch (err) {
    return { ok: false, variant, error: err instanceof Error ? err.message : String(err) };
  }
}
