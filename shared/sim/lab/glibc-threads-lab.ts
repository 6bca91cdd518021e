// The threaded glibc 2.36 model in the Allocator lab: every arena's heaps (main: the brk heap; others: their
// mmapped heaps, heap_info first) as chunks in address order, which thread is attached to which arena, and each
// thread's tcache, read from a GlibcThreadedReplay (shared/sim/malloc/glibc/replay-threads.ts) at one op.

import { type GlibcHeap, type HeapChunkView, NULL_SLOT, listHeapChunks } from '../malloc/glibc/state.js';
import { type GlibcThreadedReplay } from '../malloc/glibc/replay-threads.js';
import { findHeapOf } from '../malloc/glibc/arena-heap.js';
import { ChunkHome } from '../malloc/glibc/state.js';
import { TCACHE_MAX_BINS } from '../malloc/glibc/chunk.js';
import { type Trace } from '../trace.js';

/** One heap of an arena: its chunks with offsets from the heap's start. */
export interface LabArenaHeapView {
  /** Index of the heap in its arena (0 = its first), as jsonl's `heap`. */
  index: number;
  /** Bytes of the heap the strip spans: brk − heap start for main, heap_info.size for the others. */
  sizeBytes: number;
  /** Chunks in address order; offsets from the heap's start. */
  chunks: HeapChunkView[];
  /** Bytes of free chunks other than top (fragmentation: free memory between live chunks). */
  freeBytes: number;
  topBytes: number;
}

/** One arena. */
export interface LabArenaView {
  /** The arena as jsonl numbers it: 0 = main, k ≥ 1 = the k-th other arena to hand out a chunk; null = none handed out yet. */
  number: number | null;
  /** The model's index (order of creation; 0 = main_arena). */
  modelIndex: number;
  heaps: LabArenaHeapView[];
  /** Threads attached to it now (thread_arena). */
  tids: number[];
}

/** One thread. */
export interface LabThreadView {
  tid: number;
  /** Model index of its arena, −1 before its first call or after its exit. */
  arenaModelIndex: number;
  /** True once its `x` ran. */
  exited: boolean;
  /** Non-empty tcache bins: bin index (chunk size 32 + 16 × index) and count. */
  tcacheBins: { index: number; count: number }[];
  /** Σ counts. */
  tcacheChunks: number;
}

/** The threads and arenas at one op. */
export interface LabThreadsView {
  arenas: LabArenaView[];
  threads: LabThreadView[];
}

/** Chunks of one heap ending at slot `last` (its top or its size-0 fencepost), found by walking prevChunk back. */
function listChunksBackFrom(st: GlibcHeap, last: number, heapNumber: number, startAddress: number): HeapChunkView[] {
  const out: HeapChunkView[] = [];
  for (let p = last; p !== NULL_SLOT && findHeapOf(st.offsetBytes[p]!) === heapNumber; p = st.prevChunk[p]!) {
    out.push({ offsetBytes: st.offsetBytes[p]! - startAddress, sizeBytes: st.sizeBytes[p]!, home: st.home[p]! });
  }
  return out.reverse();
}

function summarise(index: number, sizeBytes: number, chunks: HeapChunkView[]): LabArenaHeapView {
  let freeBytes = 0;
  let topBytes = 0;
  for (const c of chunks) {
    if (c.home === ChunkHome.top) topBytes += c.sizeBytes;
    else if (c.home !== ChunkHome.inUse) freeBytes += c.sizeBytes;
  }
  return { index, sizeBytes, chunks, freeBytes, topBytes };
}

/** Reads every arena, heap and thread of the replay now (allocates; for views). */
export function readLabThreadsView(r: GlibcThreadedReplay): LabThreadsView {
  const st = r.heap;
  const th = st.threads!;
  const arenas: LabArenaView[] = th.arenas.map((a, k) => {
    const isActive = th.active === k;
    const top = isActive ? st.top : a.saved.top;
    let heaps: LabArenaHeapView[];
    if (k === 0) {
      // The brk heap: the chain from firstChunk (listHeapChunks reads the active arena's, so read main's own).
      const first = isActive ? st.firstChunk : a.saved.firstChunk;
      const chunks: HeapChunkView[] = [];
      for (let p = first; p !== NULL_SLOT; p = st.nextChunk[p]!) chunks.push({ offsetBytes: st.offsetBytes[p]!, sizeBytes: st.sizeBytes[p]!, home: st.home[p]! });
      heaps = first === NULL_SLOT ? [] : [summarise(0, st.os.brkBytes, chunks)];
    } else {
      // A heap left behind ends in its size-0 fencepost; the newest one ends in the arena's top.
      heaps = a.heaps.map((hk, index) => {
        const h = th.heaps[hk]!;
        const last = index === a.heaps.length - 1 ? top : h.fenceSlot;
        return summarise(index, h.sizeBytes, listChunksBackFrom(st, last, hk, h.startAddress));
      });
    }
    const number = k === 0 ? 0 : (r.arenaNumbers[k] ?? 0) === 0 ? null : r.arenaNumbers[k]!;
    return { number, modelIndex: k, heaps, tids: [] };
  });
  const threads: LabThreadView[] = [];
  for (let t = 0; t < r.trace.threadCount; t++) {
    const arena = th.threadArena[t] ?? -1;
    if (arena >= 0) arenas[arena]!.tids.push(t);
    const saved = th.current === t ? null : th.tcaches[t];
    const counts = saved === undefined ? null : saved === null ? st.tcacheCounts : saved.tcacheReady ? saved.tcacheCounts : null;
    const tcacheBins: { index: number; count: number }[] = [];
    let tcacheChunks = 0;
    if (counts !== null) {
      for (let i = 0; i < TCACHE_MAX_BINS; i++) {
        const n = counts[i]!;
        if (n > 0) {
          tcacheBins.push({ index: i, count: n });
          tcacheChunks += n;
        }
      }
    }
    threads.push({ tid: t, arenaModelIndex: arena, exited: th.shuttingDown[t] === true, tcacheBins, tcacheChunks });
  }
  return { arenas, threads };
}

/** The brk heap's chunks when the replay never left main (for tests: the same as listHeapChunks then). */
export function listMainArenaChunks(r: GlibcThreadedReplay): HeapChunkView[] {
  return r.heap.threads!.active === 0 ? listHeapChunks(r.heap) : (readLabThreadsView(r).arenas[0]!.heaps[0]?.chunks ?? []);
}

/**
 * The cursor that runs thread tid's next op after `cursor` ops (its index + 1), or null when it has none left;
 * direction −1 finds the cursor just after its previous op before the last one run.
 */
export function findThreadStep(trace: Trace, cursor: number, tid: number, direction: 1 | -1): number | null {
  const { tids } = trace;
  if (direction === 1) {
    for (let i = Math.max(0, cursor); i < trace.length; i++) if (tids[i] === tid) return i + 1;
    return null;
  }
  for (let i = Math.min(cursor, trace.length) - 2; i >= 0; i--) if (tids[i] === tid) return i + 1;
  return null;
}
