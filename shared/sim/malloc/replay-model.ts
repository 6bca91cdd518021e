// One allocator model replaying one trace op by op, whichever the model: the interface both users drive
// (`memscope sim malloc`, electron/commands/sim-malloc.ts, and the Allocator lab, sim/lab/malloc-session.ts),
// and the op loop every model shares. A new model implements MallocReplayModel once and both users take it.

import { type MallocEventSink } from './events.js';
import { type MallocAllocatorName, type SummaryOverrides } from './format-summary.js';
import { HeapMisuseError } from './heap-misuse.js';
import { type ReplayResults } from './replay-results.js';
import { cloneState } from '../clone-state.js';
import { type Trace } from '../trace.js';

/**
 * What every model's replay holds. Invariant: 0 ≤ next ≤ trace.length; results are filled for ops < next (while
 * op i runs, next = i: an event sink may read which op it is).
 */
export interface ReplayProgress {
  /** The trace being replayed. */
  trace: Trace;
  /** Index of the next op (= ops run so far). */
  next: number;
  /** What each op returned. */
  results: ReplayResults;
}

/** Heap figures after an op, in bytes. */
export interface HeapSample {
  /** Bytes the allocator took from the system for its heap (glibc: brk − heap start; TCMalloc: generic.heap_size). */
  heapBytes: number;
  /** Bytes of the heap held by live allocations (and the allocator's own blocks). */
  liveBytes: number;
  /** Bytes in chunks mmapped outside the heap. */
  mmappedBytes: number;
  /** Heap bytes given back to the OS but still reserved (TCMalloc's unmapped pages). */
  releasedBytes: number;
}

/**
 * How a caller drives one allocator model over one trace. R is the model's replay: plain data, so cloneState
 * can copy it; clones share the trace and the results, which replays fill with identical values.
 */
export interface MallocReplayModel<R extends ReplayProgress> {
  /** Which model. */
  readonly name: MallocAllocatorName;
  /** A replay at op 0 (the process at main: TCMalloc's start-up has run, its events went to sink). */
  create(sink: MallocEventSink | null): R;
  /**
   * Runs ops until `end` (exclusive).
   * @throws HeapMisuseError (opIndex set, r.next left at that op) where the program misuses the heap.
   */
  run(r: R, end: number): void;
  /** Attaches or removes the event sink. */
  setSink(r: R, sink: MallocEventSink | null): void;
  /** An independent copy (no sink), sharing only the trace and the results. */
  clone(r: R): R;
  /** Heap figures now. */
  measure(r: R): HeapSample;
  /** Final figures the model reports itself, for the summary (TCMalloc's statistics; none for glibc). */
  readSummaryOverrides(r: R): SummaryOverrides;
  /**
   * Streaming, for models that take a trace in chunks (TraceTextReader.takeOps): once r has run every op of its
   * trace, it goes on with `next`, the trace's following ops (slots count from the trace's start); op i of next
   * is then r's op i. Absent: the model needs the whole trace before op 0.
   */
  continueWith?(r: R, next: Trace): void;
  /**
   * True when the footprint after op i (computeFootprintBytes of measure) is results.brk + results.mmappedBytes
   * of its row, so a caller may run ops in batches and read each op's footprint from the results.
   */
  readonly footprintInResults?: boolean;
}

/** A model's replay that keeps its heap as plain data and the program's pointers per id slot. */
export interface HeapReplay extends ReplayProgress {
  heap: object;
  ptrs: Float64Array;
}

/**
 * MallocReplayModel.clone for a HeapReplay whose sink is `sink` (set with setSink): a deep copy of the heap and
 * the pointers without the sink (a function cloneState would share), the trace and the results shared; r keeps
 * its sink.
 */
export function cloneHeapReplay<R extends HeapReplay>(r: R, sink: MallocEventSink | null, setSink: (r: R, sink: MallocEventSink | null) => void): R {
  setSink(r, null);
  try {
    return { ...r, heap: cloneState(r.heap), ptrs: r.ptrs.slice() };
  } finally {
    setSink(r, sink);
  }
}

/**
 * Runs ops r.next … end − 1 (end is clamped to the trace) with runOp. A HeapMisuseError gets the op's index
 * and leaves r.next at that op, so the replay can be read up to the misuse.
 */
export function runReplayOps<R extends ReplayProgress>(r: R, end: number, runOp: (r: R, i: number) => void): void {
  const stop = Math.min(end, r.trace.length);
  let i = r.next;
  try {
    for (; i < stop; i++) {
      r.next = i;
      runOp(r, i);
    }
  } catch (err) {
    if (err instanceof HeapMisuseError) {
      err.opIndex = i;
      r.next = i;
    }
    throw err;
  }
  if (stop > r.next) r.next = stop;
}
