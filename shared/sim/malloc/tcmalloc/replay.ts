// Replays a trace through the TCMalloc model op by op, as a C program `ptr[id] = malloc(size)` …
// linked with libtcmalloc_minimal would (semantics: shared/sim/trace.ts), with optional statistics
// per op; and the model as a MallocReplayModel for the CLI and the lab. Source of truth:
// tests/harness/tcmalloc-replay.c run against the real library.

import { type TcmallocParams } from './params.js';
import { NULL_PTR, type TcmallocHeap } from './state.js';
import { createProcessHeap } from './startup.js';
import { tcCalloc, tcFree, tcMalloc, tcMallocSize, tcMemalign, tcRealloc } from './tcmalloc.js';
import { TCMALLOC_STATS_KEYS, type TcmallocStats, readTcmallocStats } from './stats.js';
import { diagnoseTcmallocReuse } from './misuse.js';
import { type MallocEventSink } from '../events.js';
import { type MallocReplayModel, type ReplayProgress, cloneHeapReplay, runReplayOps } from '../replay-model.js';
import { REGION_HEAP, type ReplayResults, createReplayResults } from '../replay-results.js';
import { OP_ALLOC, OP_CALLOC, OP_FREE, OP_MEMALIGN, OP_REALLOC, OP_THREAD_EXIT, OP_TRIM, type Trace } from '../../trace.js';
import { exitThread, switchToThread } from './threads.js';
import { TCMALLOC_TRACE_SUPPORT, assertTraceSupported } from '../trace-support.js';

/** TcmallocStats after every op, one array per field (TCMALLOC_STATS_KEYS order). */
export type TcmallocOpStats = Record<(typeof TCMALLOC_STATS_KEYS)[number], Float64Array>;

/** ptrs[slot] of an id that freed block p (it still points there, as a C variable would): −2 − p. */
const FREED_BASE = -2;

/**
 * A replay in progress. In `results`, every non-NULL block has region REGION_HEAP and `offset` its
 * address from the page heap's start; `brk` is the page heap's end (sbrk growth) from its start.
 *
 * Invariants: ptrs[slot] is a block the program holds (≥ 0), NULL_PTR, or FREED_BASE − p when the
 * id freed block p; 0 ≤ next ≤ trace.length.
 */
export interface TcmallocReplay extends ReplayProgress {
  /** The simulated allocator. */
  heap: TcmallocHeap;
  /** The block each id slot holds (NULL_PTR = none; ≤ FREED_BASE: freed through the id, see above). */
  ptrs: Float64Array;
  /** Statistics when main started (before op 0). */
  startStats: TcmallocStats;
  /** Statistics after each op, when requested. */
  opStats: TcmallocOpStats | null;
}

/** Options of createTcmallocReplay. */
export interface TcmallocReplayOptions {
  /** Receives the events of every op. */
  sink?: MallocEventSink | null;
  /** Record TcmallocStats after every op (costs O(size classes) per op). */
  recordStats?: boolean;
  /** The most one sbrk/mmap may charge (../os.ts computeMapLimitBytes; default: the address space). */
  mapLimitBytes?: number;
  /** Address of the page heap's start in the replayed process (state.ts baseAddress; default 0). */
  baseAddress?: number;
}

/** Starts a replay: the process is at main, nothing of the trace has run. @throws TraceUnsupportedError for a trace the model cannot run yet. */
export function createTcmallocReplay(trace: Trace, params: TcmallocParams, options: TcmallocReplayOptions = {}): TcmallocReplay {
  assertTraceSupported(trace, TCMALLOC_TRACE_SUPPORT);
  const heap = createProcessHeap(params, options.sink ?? null, options.mapLimitBytes, trace.stdcxx);
  heap.baseAddress = options.baseAddress ?? 0;
  let opStats: TcmallocOpStats | null = null;
  if (options.recordStats === true) {
    const s = {} as TcmallocOpStats;
    for (const k of TCMALLOC_STATS_KEYS) s[k] = new Float64Array(trace.length);
    opStats = s;
  }
  return {
    trace,
    heap,
    ptrs: new Float64Array(trace.slotCount).fill(NULL_PTR),
    next: 0,
    results: createReplayResults(trace.length),
    startStats: readTcmallocStats(heap),
    opStats,
  };
}

/**
 * Runs ops until `end` (exclusive, default: the whole trace).
 * @throws HeapMisuseError (opIndex set, `next` left at that op) when the program frees or reallocates
 * a block it already freed: TCMalloc does not notice, and the model does not follow the corrupt heap.
 */
export function runTcmallocReplay(r: TcmallocReplay, end: number = r.trace.length): void {
  runReplayOps(r, end, runTcmallocOp);
}

/**
 * Op i on its thread: the call, then what it returned (and the statistics when recorded). malloc_trim is not
 * TCMalloc's (libtcmalloc_minimal exports none; glibc's own finds its unused arena empty): nothing changes.
 */
function runTcmallocOp(r: TcmallocReplay, i: number): void {
  const { trace, heap, results, opStats } = r;
  const kind = trace.kinds[i]!;
  if (kind === OP_THREAD_EXIT) exitThread(heap, trace.tids[i]!);
  else {
    switchToThread(heap, trace.tids[i]!);
    if (kind !== OP_TRIM) runBlockOp(r, i, kind);
  }
  results.brk[i] = heap.os.brkBytes;
  if (opStats !== null) {
    const s = readTcmallocStats(heap);
    for (const k of TCMALLOC_STATS_KEYS) opStats[k][i] = s[k];
  }
}

/** An op on a block (a c m f r): the call on the running thread, the id's new pointer, the block's result. */
function runBlockOp(r: TcmallocReplay, i: number, kind: number): void {
  const { trace, heap, ptrs, results } = r;
  const slot = trace.slots[i]!;
  let held = ptrs[slot]!;
  const reuses = kind === OP_FREE || kind === OP_REALLOC;
  if (reuses && held <= FREED_BASE) {
    held = FREED_BASE - held;
    const misuse = diagnoseTcmallocReuse(heap, held, kind === OP_FREE ? 'free' : 'realloc');
    if (misuse !== null) throw misuse;
  }
  let ptr = NULL_PTR;
  if (kind === OP_FREE) {
    tcFree(heap, held);
    if (held !== NULL_PTR) ptrs[slot] = FREED_BASE - held; // freeing it again is a double free
    return;
  }
  if (kind === OP_ALLOC) ptr = tcMalloc(heap, trace.sizes[i]!);
  else if (kind === OP_CALLOC) ptr = tcCalloc(heap, trace.aux[i]!, trace.sizes[i]!);
  else if (kind === OP_MEMALIGN) ptr = tcMemalign(heap, trace.aux[i]!, trace.sizes[i]!);
  else ptr = tcRealloc(heap, held, trace.sizes[i]!); // NULL when it failed: the old block leaks, as `p = realloc(p, n)` leaks it
  ptrs[slot] = ptr;
  if (ptr !== NULL_PTR) {
    results.region[i] = REGION_HEAP;
    results.offset[i] = ptr;
    results.usable[i] = tcMallocSize(heap, ptr);
  }
}

function setTcmallocSink(r: TcmallocReplay, sink: MallocEventSink | null): void {
  r.heap.out.sink = sink;
}

/**
 * The TCMalloc model over one trace (options as createTcmallocReplay's, the sink given to create): process
 * start-up included, as the real library runs it before main; the summary takes MallocExtension's figures.
 */
export function createTcmallocReplayModel(trace: Trace, params: TcmallocParams, options: Omit<TcmallocReplayOptions, 'sink'> = {}): MallocReplayModel<TcmallocReplay> {
  return {
    name: 'tcmalloc',
    create: (sink) => createTcmallocReplay(trace, params, { ...options, sink }),
    run: runTcmallocReplay,
    setSink: setTcmallocSink,
    clone: (r) => cloneHeapReplay(r, r.heap.out.sink, setTcmallocSink),
    measure: (r) => {
      const s = readTcmallocStats(r.heap);
      return { heapBytes: s.heapSizeBytes, liveBytes: s.currentAllocatedBytes, mmappedBytes: 0, releasedBytes: s.pageheapUnmappedBytes };
    },
    readSummaryOverrides: (r) => {
      const s = readTcmallocStats(r.heap);
      return {
        heapInUseBytes: s.currentAllocatedBytes,
        heapBytes: s.heapSizeBytes,
        extraBytes: [
          { label: 'heap size', bytes: s.heapSizeBytes },
          { label: 'page heap free', bytes: s.pageheapFreeBytes },
          { label: 'page heap unmapped', bytes: s.pageheapUnmappedBytes },
          { label: 'thread cache', bytes: s.threadCacheFreeBytes },
          { label: 'central cache', bytes: s.centralCacheFreeBytes },
          { label: 'transfer cache', bytes: s.transferCacheFreeBytes },
        ],
      };
    },
  };
}

/** Replays a whole trace: what every op returned, and the statistics at the end. */
export function replayTraceTcmalloc(trace: Trace, params: TcmallocParams, sink: MallocEventSink | null = null): { results: ReplayResults; finalStats: TcmallocStats } {
  const r = createTcmallocReplay(trace, params, { sink });
  runTcmallocReplay(r);
  return { results: r.results, finalStats: readTcmallocStats(r.heap) };
}
