// Replays a trace through the glibc 2.36 model op by op, as a C program `ptr[id] = malloc(size)`
// … would (see shared/sim/trace.ts for the semantics), recording what each call returned.
// Source of truth: the C harness tests/harness/malloc-replay.c run under the real glibc.

import { CHUNK_HDR_SZ, SIZE_SZ } from './chunk.js';
import { type MallocParams } from './params.js';
import { type GlibcHeap, NULL_SLOT, createGlibcHeap, readLiveSlot } from './state.js';
import { libcCalloc, libcMalloc } from './malloc.js';
import { isMmappedMem, libcFree } from './free.js';
import { libcRealloc } from './realloc.js';
import { type MallocEventSink } from '../events.js';
import { REGION_HEAP, REGION_MMAP, type ReplayResults, createReplayResults } from '../replay-results.js';
import { OP_ALLOC, OP_FREE, type Trace } from '../../trace.js';

/**
 * malloc_usable_size of a live allocation: mmapped chunk size - 16, heap chunk size - 8; 0 for NULL
 * or a pointer the program does not own.
 */
export function readUsableSize(st: GlibcHeap, mem: number): number {
  if (mem === 0) return 0;
  if (isMmappedMem(mem)) return (st.mmapped.get(mem - CHUNK_HDR_SZ) ?? CHUNK_HDR_SZ) - CHUNK_HDR_SZ;
  const p = readLiveSlot(st, mem);
  return p === NULL_SLOT ? 0 : st.sizeBytes[p]! - SIZE_SZ;
}

/** A replay in progress: the heap, the id → pointer table and the next op to run. */
export interface GlibcReplay {
  trace: Trace;
  heap: GlibcHeap;
  /** User pointer per id slot (0 = empty). */
  ptrs: Float64Array;
  /** Index of the next op. */
  next: number;
  results: ReplayResults;
  /** `a` ops call calloc(1, size) instead of malloc(size). */
  useCalloc: boolean;
}

/** Options for createGlibcReplay. */
export interface GlibcReplayOptions {
  /** Receives the model's events. */
  sink?: MallocEventSink | null;
  /** Replay `a` ops as calloc(1, size) (calloc skips the tcache). */
  useCalloc?: boolean;
}

/** Starts a replay (nothing run yet). */
export function createGlibcReplay(trace: Trace, params: MallocParams, options: GlibcReplayOptions = {}): GlibcReplay {
  return {
    trace,
    heap: createGlibcHeap(params, { sink: options.sink ?? null }),
    useCalloc: options.useCalloc ?? false,
    ptrs: new Float64Array(trace.slotCount),
    next: 0,
    results: createReplayResults(trace.length),
  };
}

/** Runs ops until `end` (exclusive, default: the whole trace). */
export function runGlibcReplay(r: GlibcReplay, end: number = r.trace.length): void {
  const { trace, heap, ptrs, results } = r;
  const { kinds, slots, sizes } = trace;
  const stop = Math.min(end, trace.length);
  for (let i = r.next; i < stop; i++) {
    const slot = slots[i]!;
    const kind = kinds[i]!;
    let mem = 0;
    if (kind === OP_ALLOC) {
      mem = r.useCalloc ? libcCalloc(heap, 1, sizes[i]!) : libcMalloc(heap, sizes[i]!);
      ptrs[slot] = mem;
    } else if (kind === OP_FREE) {
      libcFree(heap, ptrs[slot]!);
      ptrs[slot] = 0;
    } else {
      mem = libcRealloc(heap, ptrs[slot]!, sizes[i]!);
      ptrs[slot] = mem;
    }
    if (mem !== 0) {
      if (isMmappedMem(mem)) {
        results.region[i] = REGION_MMAP;
        const size = heap.mmapped.get(mem - CHUNK_HDR_SZ)!;
        results.mmapSize[i] = size;
        results.usable[i] = size - CHUNK_HDR_SZ;
      } else {
        results.region[i] = REGION_HEAP;
        results.offset[i] = mem;
        results.usable[i] = heap.sizeBytes[readLiveSlot(heap, mem)]! - SIZE_SZ;
      }
    }
    results.brk[i] = heap.os.brkBytes;
    results.heapInUseBytes[i] = heap.inUseBytes;
    results.mmappedBytes[i] = heap.mmappedMem;
  }
  if (stop > r.next) r.next = stop;
}

/** Replays a whole trace and returns what every op returned. */
export function replayTraceGlibc(trace: Trace, params: MallocParams, options: GlibcReplayOptions = {}): ReplayResults {
  const r = createGlibcReplay(trace, params, options);
  runGlibcReplay(r);
  return r.results;
}
