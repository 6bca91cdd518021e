// What each allocator model can replay yet (op kinds, threads), declared in one place, and the one check every
// replay makes before op 0: a trace using anything else is refused with one line naming the first such op,
// rather than replayed wrongly. Op kinds: shared/sim/trace-types.ts; the format: shared/sim/TRACE-FORMAT.md.

import { formatTraceOp } from '../trace.js';
import { OP_ALLOC, OP_CALLOC, OP_FREE, OP_MEMALIGN, OP_REALLOC, OP_THREAD_EXIT, OP_TRIM, type Trace } from '../trace-types.js';

/** What one model runs. */
export interface TraceSupport {
  /** The model as messages name it, e.g. "glibc model". */
  model: string;
  /** The op kinds (OP_*) it runs. */
  kinds: readonly number[];
  /** True when it runs ops on threads other than the main one (tid ≠ 0). */
  threads: boolean;
}

/** The glibc 2.36 model with threads and arenas (shared/sim/malloc/glibc/replay-threads.ts): every kind, any thread. */
export const GLIBC_TRACE_SUPPORT: TraceSupport = {
  model: 'glibc model',
  kinds: [OP_ALLOC, OP_FREE, OP_REALLOC, OP_CALLOC, OP_MEMALIGN, OP_TRIM, OP_THREAD_EXIT],
  threads: true,
};

/**
 * The glibc model's single-threaded malloclab replay (shared/sim/malloc/glibc/replay.ts), which version-1 traces and the
 * Allocator lab take; `sim malloc` runs version-2 traces through replay-threads.ts (GLIBC_TRACE_SUPPORT).
 */
export const GLIBC_MALLOCLAB_TRACE_SUPPORT: TraceSupport = { model: 'glibc malloclab replay', kinds: [OP_ALLOC, OP_FREE, OP_REALLOC], threads: false };

/** The gperftools 2.10 TCMalloc model (shared/sim/malloc/tcmalloc/). */
export const TCMALLOC_TRACE_SUPPORT: TraceSupport = { model: 'tcmalloc model', kinds: [OP_ALLOC, OP_FREE, OP_REALLOC, OP_CALLOC, OP_MEMALIGN, OP_TRIM, OP_THREAD_EXIT], threads: true };

/** What each OP_* calls, for messages. */
const OP_CALLS: readonly string[] = ['malloc', 'free', 'realloc', 'calloc', 'memalign', 'malloc_trim', 'thread exit'];

/** A trace that uses an op kind or threads a model does not run (one line, naming the first such op). */
export class TraceUnsupportedError extends Error {
  /** Index of the first op the model cannot run. */
  readonly opIndex: number;
  constructor(opIndex: number, message: string) {
    super(message);
    this.name = 'TraceUnsupportedError';
    this.opIndex = opIndex;
  }
}

/** The first op of the trace the model cannot run, as one line, or null when it runs them all. */
export function findUnsupportedOp(trace: Trace, support: TraceSupport): TraceUnsupportedError | null {
  const runs = new Uint8Array(OP_CALLS.length);
  for (const k of support.kinds) runs[k] = 1;
  const threadsOk = support.threads || trace.threadCount === 1;
  // A version-1 trace holds only a, f and r on the main thread: nothing to look for when those run.
  if (trace.version === 1 && runs[OP_ALLOC] === 1 && runs[OP_FREE] === 1 && runs[OP_REALLOC] === 1) return null;
  const { kinds, tids } = trace;
  for (let i = 0; i < trace.length; i++) {
    const kind = kinds[i]!;
    if (runs[kind] !== 1) {
      return new TraceUnsupportedError(i, `${support.model}: op ${i} '${formatTraceOp(trace, i)}' (${OP_CALLS[kind] ?? 'unknown'}) is not modelled yet`);
    }
    if (!threadsOk && tids[i] !== 0) {
      return new TraceUnsupportedError(i, `${support.model}: threads are not modelled yet (op ${i} '${formatTraceOp(trace, i)}' runs on thread ${tids[i]})`);
    }
  }
  return null;
}

/** Refuses, before op 0, a trace the model cannot run. @throws TraceUnsupportedError naming the first such op. */
export function assertTraceSupported(trace: Trace, support: TraceSupport): void {
  const err = findUnsupportedOp(trace, support);
  if (err !== null) throw err;
}
