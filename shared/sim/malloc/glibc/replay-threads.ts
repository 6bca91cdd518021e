// Replays a memscope-trace 2 (threads, calloc, memalign, malloc_trim, thread exits) through the glibc 2.36
// model op by op, each op on its thread, recording what it returned with its arena and heap. Source of
// truth: the C harness tests/harness/mt-replay.c run under the real glibc.

import { CHUNK_HDR_SZ, SIZE_SZ } from './chunk.js';
import { type MallocParams } from './params.js';
import { type GlibcHeap, createGlibcHeap, readHandedOutSlot } from './state.js';
import { ARENA_HEAP_REGION_START } from './arena-state.js';
import { findHeapOf } from './arena-heap.js';
import {
  enableThreads,
  threadCalloc,
  threadExit,
  threadFree,
  threadMalloc,
  threadMallocTrim,
  threadMemalign,
  threadRealloc,
} from './arena.js';
import { isMmappedMem } from './free.js';
import { type MallocEventSink } from '../events.js';
import { type MallocReplayModel, type ReplayProgress, cloneHeapReplay, runReplayOps } from '../replay-model.js';
import { REGION_ARENA, REGION_HEAP, REGION_MMAP, REGION_NONE, createReplayResults } from '../replay-results.js';
import { OP_ALLOC, OP_CALLOC, OP_FREE, OP_MEMALIGN, OP_REALLOC, OP_THREAD_EXIT, OP_TRIM, type Trace } from '../../trace-types.js';
import { GLIBC_TRACE_SUPPORT, assertTraceSupported } from '../trace-support.js';

/** A trace the threaded replay runs: any version (a version-1 trace is one main thread). */
export type ThreadedTrace = Trace;

/** A threaded replay in progress. */
export interface GlibcThreadedReplay extends ReplayProgress {
  trace: ThreadedTrace;
  heap: GlibcHeap;
  /** User pointer per id slot (0 = NULL). */
  ptrs: Float64Array;
  /** Model arena → its number in order of first hand-out (0 = not handed out yet; main is 0 anyway). */
  arenaNumbers: number[];
  /** Arenas numbered so far. */
  arenasNumbered: number;
}

/** Options for createGlibcThreadedReplay. */
export interface GlibcThreadedReplayOptions {
  /** Receives the model's events. */
  sink?: MallocEventSink | null;
  /** The most one brk/mmap/mremap may charge (default: the address space). */
  mapLimitBytes?: number;
  /** Online CPUs of the machine to model (default: the trace's cpus, else 1). */
  cpus?: number;
  /** Keep results of only the last resultWindowOps ops (a power of two; see ReplayResults), for one-pass outputs. */
  resultWindowOps?: number;
}

/** Starts a threaded replay (nothing run yet). @throws TraceUnsupportedError for a trace the model cannot run. */
export function createGlibcThreadedReplay(trace: ThreadedTrace, params: MallocParams, options: GlibcThreadedReplayOptions = {}): GlibcThreadedReplay {
  assertTraceSupported(trace, GLIBC_TRACE_SUPPORT);
  const heap = createGlibcHeap(params, { sink: options.sink ?? null, ...(options.mapLimitBytes === undefined ? {} : { mapLimitBytes: options.mapLimitBytes }) });
  enableThreads(heap, options.cpus ?? trace.cpus ?? 1);
  return { trace, heap, ptrs: new Float64Array(trace.slotCount), arenaNumbers: [0], arenasNumbered: 0, next: 0, results: createReplayResults(trace.length, true, options.resultWindowOps) };
}

/** Runs ops until `end` (exclusive, default: the whole trace). @throws HeapMisuseError as runGlibcReplay. */
export function runGlibcThreadedReplay(r: GlibcThreadedReplay, end: number = r.trace.length): void {
  runReplayOps(r, end, runThreadedOp);
}

function runThreadedOp(r: GlibcThreadedReplay, i: number): void {
  const { trace, heap, ptrs, results } = r;
  const slot = trace.slots[i]!;
  const kind = trace.kinds[i]!;
  const size = trace.sizes[i]!;
  const tid = trace.tids[i]!;
  let mem = 0;
  if (kind === OP_ALLOC) {
    mem = threadMalloc(heap, tid, size);
    ptrs[slot] = mem;
  } else if (kind === OP_FREE) {
    threadFree(heap, tid, ptrs[slot]!);
  } else if (kind === OP_REALLOC) {
    mem = threadRealloc(heap, tid, ptrs[slot]!, size);
    ptrs[slot] = mem;
  } else if (kind === OP_CALLOC) {
    mem = threadCalloc(heap, tid, trace.aux[i]!, size);
    ptrs[slot] = mem;
  } else if (kind === OP_MEMALIGN) {
    mem = threadMemalign(heap, tid, trace.aux[i]!, size);
    ptrs[slot] = mem;
  } else if (kind === OP_TRIM) {
    threadMallocTrim(heap, tid, size);
  } else if (kind === OP_THREAD_EXIT) {
    threadExit(heap, tid);
  }
  // Every column of the row is written: windowed results reuse rows.
  const row = i & results.rowMask;
  results.region[row] = REGION_NONE;
  results.offset[row] = NaN;
  results.mmapSize[row] = NaN;
  results.usable[row] = 0;
  results.arena![row] = -1;
  results.heap![row] = -1;
  if (mem !== 0) recordResult(r, row, mem);
  results.brk[row] = heap.os.brkBytes;
  results.heapInUseBytes[row] = heap.inUseBytes;
  results.mmappedBytes[row] = heap.mmappedMem;
}

/** Where user pointer mem lies (into results row i): the brk heap, an arena heap (numbered in order of first hand-out) or a mapping. */
function recordResult(r: GlibcThreadedReplay, i: number, mem: number): void {
  const { heap, results } = r;
  if (isMmappedMem(mem)) {
    const size = heap.mmapped.get(mem - CHUNK_HDR_SZ)!;
    results.region[i] = REGION_MMAP;
    results.mmapSize[i] = size;
    results.usable[i] = size - CHUNK_HDR_SZ;
    return;
  }
  results.usable[i] = heap.sizeBytes[readHandedOutSlot(heap, mem)]! - SIZE_SZ;
  if (mem < ARENA_HEAP_REGION_START) {
    results.region[i] = REGION_HEAP;
    results.offset[i] = mem;
    return;
  }
  const th = heap.threads!;
  const k = findHeapOf(mem);
  const h = th.heaps[k]!;
  if ((r.arenaNumbers[h.arena] ?? 0) === 0) r.arenaNumbers[h.arena] = ++r.arenasNumbered;
  results.region[i] = REGION_ARENA;
  results.arena![i] = r.arenaNumbers[h.arena]!;
  results.heap![i] = th.arenas[h.arena]!.heaps.indexOf(k);
  results.offset[i] = mem - h.startAddress;
}

function setThreadedSink(r: GlibcThreadedReplay, sink: MallocEventSink | null): void {
  r.heap.sink = sink;
}

/** The glibc model with threads and arenas over one memscope-trace 2 (as createGlibcReplayModel for version 1). */
export function createGlibcThreadedReplayModel(trace: ThreadedTrace, params: MallocParams, options: Omit<GlibcThreadedReplayOptions, 'sink'> = {}): MallocReplayModel<GlibcThreadedReplay> {
  return {
    name: 'glibc',
    create: (sink) => createGlibcThreadedReplay(trace, params, { ...options, sink }),
    run: runGlibcThreadedReplay,
    setSink: setThreadedSink,
    clone: (r) => cloneHeapReplay(r, r.heap.sink, setThreadedSink),
    // The heap footprint is the brk heap and every thread-arena heap's read-write part (heap_info.size).
    measure: (r) => ({ heapBytes: r.heap.os.brkBytes + sumArenaHeapBytes(r.heap), liveBytes: r.heap.inUseBytes, mmappedBytes: r.heap.mmappedMem, releasedBytes: 0 }),
    readSummaryOverrides: () => ({}),
  };
}

/** Bytes of the thread-arena heaps that exist now (deleted heaps excluded). */
export function sumArenaHeapBytes(st: GlibcHeap): number {
  const th = st.threads;
  if (th === null) return 0;
  let total = 0;
  for (const a of th.arenas) for (const k of a.heaps) total += th.heaps[k]!.sizeBytes;
  return total;
}
