// Replays a trace through the glibc 2.36 model op by op, as a C program `ptr[id] = malloc(size)`
// … would (see shared/sim/trace.ts for the semantics), recording what each call returned; and the model
// as a MallocReplayModel for the CLI and the lab. Source of truth: the C harness
// tests/harness/malloc-replay.c run under the real glibc.

import { CHUNK_HDR_SZ, SIZE_SZ } from './chunk.js';
import { type MallocParams } from './params.js';
import { type GlibcHeap, NULL_SLOT, createGlibcHeap, readHandedOutSlot, readLiveSlot } from './state.js';
import { libcCalloc, libcMalloc } from './malloc.js';
import { isMmappedMem, libcFree } from './free.js';
import { libcRealloc } from './realloc.js';
import { type MallocEventSink } from '../events.js';
import { type MallocReplayModel, type ReplayProgress, cloneHeapReplay, runReplayOps } from '../replay-model.js';
import { REGION_HEAP, REGION_MMAP, REGION_NONE, type ReplayResults, createReplayResults } from '../replay-results.js';
import { OP_ALLOC, OP_FREE, type Trace, packTraceOps } from '../../trace.js';
import { GLIBC_MALLOCLAB_TRACE_SUPPORT, assertTraceSupported } from '../trace-support.js';

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
export interface GlibcReplay extends ReplayProgress {
  heap: GlibcHeap;
  /** User pointer per id slot (0 = NULL); a freed id keeps its pointer, as a C variable would. */
  ptrs: Float64Array;
  /** `a` ops call calloc(callocCount, size) instead of malloc(size). */
  useCalloc: boolean;
  /** Elements per calloc call. */
  callocCount: number;
}

/** Options for createGlibcReplay. */
export interface GlibcReplayOptions {
  /** Receives the model's events. */
  sink?: MallocEventSink | null;
  /** Replay `a` ops as calloc(callocCount, size) (calloc skips the tcache). */
  useCalloc?: boolean;
  /** Elements per calloc call (default 1), e.g. to make nmemb × size overflow. */
  callocCount?: number;
  /** The most one brk/mmap/mremap may charge (os.ts computeMapLimitBytes; default: the address space). */
  mapLimitBytes?: number;
  /** Keep results of only the last resultWindowOps ops (a power of two; see ReplayResults), for one-pass outputs. */
  resultWindowOps?: number;
}

/**
 * A replay's trace before its own (no ops): a streamed replay replaces its trace chunk by chunk, and a field V8 has
 * seen change from the start is never compiled in as a constant (the first replacement threw away the replay's
 * compiled op loop).
 */
const NO_OPS: Trace = packTraceOps([]);

/** Starts a replay (nothing run yet). @throws TraceUnsupportedError for a trace the model cannot run yet. */
export function createGlibcReplay(trace: Trace, params: MallocParams, options: GlibcReplayOptions = {}): GlibcReplay {
  assertTraceSupported(trace, GLIBC_MALLOCLAB_TRACE_SUPPORT);
  const r: GlibcReplay = {
    trace: NO_OPS,
    heap: createGlibcHeap(params, { sink: options.sink ?? null, ...(options.mapLimitBytes === undefined ? {} : { mapLimitBytes: options.mapLimitBytes }) }),
    useCalloc: options.useCalloc ?? false,
    callocCount: options.callocCount ?? 1,
    ptrs: new Float64Array(0),
    next: 0,
    results: createReplayResults(trace.length, false, options.resultWindowOps),
  };
  r.trace = trace;
  reservePointers(r, trace.slotCount);
  return r;
}

/**
 * Makes the pointer table hold at least slotCount ids, keeping the pointers (grown at least twofold). The first
 * table comes from here too, so V8 sees ptrs change from the start and never compiles it in as a constant.
 */
function reservePointers(r: GlibcReplay, slotCount: number): void {
  if (slotCount <= r.ptrs.length) return;
  const grown = new Float64Array(Math.max(slotCount, r.ptrs.length * 2));
  grown.set(r.ptrs);
  r.ptrs = grown;
}

/**
 * Runs ops until `end` (exclusive, default: the whole trace).
 * @throws HeapMisuseError (opIndex set, `next` left at that op) when the program frees or reallocates
 * a block it no longer owns: glibc aborts there, or the model cannot follow what glibc does.
 */
export function runGlibcReplay(r: GlibcReplay, end: number = r.trace.length): void {
  runReplayOps(r, end, runGlibcOp);
}

/** Op i: the call, then what it returned. */
function runGlibcOp(r: GlibcReplay, i: number): void {
  const { trace, heap, ptrs, results } = r;
  const slot = trace.slots[i]!;
  const kind = trace.kinds[i]!;
  const size = trace.sizes[i]!;
  // One load and one store of ptrs for every kind: a realloc's own, first reached after runGlibcOp was compiled
  // (as a trace's first realloc comes after its first thousands of mallocs and frees), deoptimized it.
  const old = kind === OP_ALLOC ? 0 : ptrs[slot]!;
  let mem = 0;
  if (kind === OP_ALLOC) mem = r.useCalloc ? libcCalloc(heap, r.callocCount, size) : libcMalloc(heap, size);
  else if (kind === OP_FREE) libcFree(heap, old); // the id keeps the pointer: a second free of it is a double free
  else mem = libcRealloc(heap, old, size);
  // A realloc that failed leaves NULL: the old block leaks, as `p = realloc(p, n)` leaks it.
  if (kind !== OP_FREE) ptrs[slot] = mem;
  // Every column of the row is written: windowed results reuse rows.
  const row = i & results.rowMask;
  if (mem === 0) {
    results.region[row] = REGION_NONE;
    results.offset[row] = NaN;
    results.mmapSize[row] = NaN;
    results.usable[row] = 0;
  } else if (isMmappedMem(mem)) {
    results.region[row] = REGION_MMAP;
    const mapped = heap.mmapped.get(mem - CHUNK_HDR_SZ)!;
    results.offset[row] = NaN;
    results.mmapSize[row] = mapped;
    results.usable[row] = mapped - CHUNK_HDR_SZ;
  } else {
    results.region[row] = REGION_HEAP;
    results.offset[row] = mem;
    results.mmapSize[row] = NaN;
    results.usable[row] = heap.sizeBytes[readHandedOutSlot(heap, mem)]! - SIZE_SZ;
  }
  results.brk[row] = heap.os.brkBytes;
  results.heapInUseBytes[row] = heap.inUseBytes;
  results.mmappedBytes[row] = heap.mmappedMem;
}

/**
 * Streaming: r, having run every op of its trace, goes on with `next`, the trace's following ops (their slots
 * count from the trace's start, so the pointer table grows to hold new ids). @throws RangeError when r has not
 * run its trace to the end; TraceUnsupportedError as createGlibcReplay.
 */
export function continueGlibcReplay(r: GlibcReplay, next: Trace): void {
  if (r.next !== r.trace.length) throw new RangeError(`continueGlibcReplay: op ${r.next} of ${r.trace.length} is next, not the end`);
  assertTraceSupported(next, GLIBC_MALLOCLAB_TRACE_SUPPORT);
  reservePointers(r, next.slotCount);
  r.trace = next;
  r.next = 0;
}

function setGlibcSink(r: GlibcReplay, sink: MallocEventSink | null): void {
  r.heap.sink = sink;
}

/**
 * The glibc model over one trace (options as createGlibcReplay's, the sink given to create). Its replays
 * report no summary overrides: the summary's own brk and in-use figures are glibc's.
 */
export function createGlibcReplayModel(trace: Trace, params: MallocParams, options: Omit<GlibcReplayOptions, 'sink'> = {}): MallocReplayModel<GlibcReplay> {
  return {
    name: 'glibc',
    create: (sink) => createGlibcReplay(trace, params, { ...options, sink }),
    run: runGlibcReplay,
    setSink: setGlibcSink,
    clone: (r) => cloneHeapReplay(r, r.heap.sink, setGlibcSink),
    measure: (r) => ({ heapBytes: r.heap.os.brkBytes, liveBytes: r.heap.inUseBytes, mmappedBytes: r.heap.mmappedMem, releasedBytes: 0 }),
    readSummaryOverrides: () => ({}),
    continueWith: continueGlibcReplay,
    // measure: brk heap + mmapped chunks, which runGlibcOp writes into every op's row.
    footprintInResults: true,
  };
}

/** Replays a whole trace and returns what every op returned. */
export function replayTraceGlibc(trace: Trace, params: MallocParams, options: GlibcReplayOptions = {}): ReplayResults {
  const r = createGlibcReplay(trace, params, options);
  runGlibcReplay(r);
  return r.results;
}
