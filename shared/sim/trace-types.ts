// The in-memory allocation trace every allocator model replays: one entry per op in typed arrays, and the
// error a trace that cannot be read raises. Source of truth: shared/sim/TRACE-FORMAT.md (malloclab `.rep`
// lines, and memscope-trace 2 of issue 12 §2 as the trace-bytes, glibc-threads and record engineers agreed it).

/** Op letter as the trace spells it: a malloc, f free, r realloc, c calloc, m memalign, t malloc_trim, x thread exit. */
export type TraceOpKind = 'a' | 'f' | 'r' | 'c' | 'm' | 't' | 'x';

/**
 * One op as an object (the JSON form `{"op":"a","id":3,"size":40}`, and generated workloads before packing).
 * `size` is SIZE (a, r, m; c: the element size), PAD for t, absent or 0 for f and x; `aux` is NMEMB for c and
 * ALIGN for m; `tid` the thread (0 = main; for x the exiting thread); `returned` what the real allocator returned.
 */
export interface TraceOp {
  op: TraceOpKind;
  /** The program's id (ignored for t and x). */
  id: number;
  size?: number;
  aux?: number;
  tid?: number;
  returned?: number;
}

/** Packed op kinds: malloc. */
export const OP_ALLOC = 0;
/** Packed op kinds: free. */
export const OP_FREE = 1;
/** Packed op kinds: realloc. */
export const OP_REALLOC = 2;
/** Packed op kinds: calloc(NMEMB, SIZE). */
export const OP_CALLOC = 3;
/** Packed op kinds: memalign(ALIGN, SIZE) (posix_memalign, aligned_alloc, valloc, pvalloc). */
export const OP_MEMALIGN = 4;
/** Packed op kinds: malloc_trim(PAD). */
export const OP_TRIM = 5;
/** Packed op kinds: thread exit (after its TSD destructors). */
export const OP_THREAD_EXIT = 6;
/** slots[i] of ops that name no id (t and x). */
export const NO_SLOT = 0xffffffff;

/** The letter of each packed kind (index = OP_*). */
export const TRACE_OP_LETTERS: readonly TraceOpKind[] = ['a', 'f', 'r', 'c', 'm', 't', 'x'];

/**
 * A trace packed into typed arrays (no per-op objects, so replays create no garbage).
 * Semantics, as a C replay `ptr[id] = malloc(size)` … has them (`void *ptr[]`, NULL at first):
 * `a`/`c`/`m` on a live id leak the old block; `f ID` frees ptr[ID], which keeps the freed pointer, so a
 * second `f ID` (or `r ID n`) is a double free (a use after free) as in C; `f`/`r` on an id holding
 * NULL (a failed call, `r ID 0`) are free(NULL)/realloc(NULL, size); `r ID 0` frees and stores NULL;
 * an `r` on an id no earlier op used is realloc(NULL, size), an `f` on one is refused (TraceParseError).
 * Threads: op i runs on thread tids[i]; threads are numbered 0 (main), 1, 2 … in order of first appearance
 * and run no op after their `x`.
 *
 * Invariants: every array has `length` entries; slots[i] < slotCount, or NO_SLOT exactly when kinds[i] is
 * OP_TRIM or OP_THREAD_EXIT (then ids[i] = −1); ids[i] === ids[j] ⇔ slots[i] === slots[j];
 * sizes[i] = 0 for OP_FREE and OP_THREAD_EXIT; aux[i] = 0 unless OP_CALLOC or OP_MEMALIGN; tids[i] < threadCount;
 * version 1 ⇒ every kind is a/f/r, every tid 0, cpus = brk0 = returned = null, stdcxx = false.
 */
export interface Trace {
  /** Number of ops. */
  length: number;
  /** OP_* per op. */
  kinds: Uint8Array;
  /** The id as written in the trace (−1 for t and x); Int32 when every id fits. */
  ids: Float64Array | Int32Array;
  /** Dense index of the id (0 … slotCount-1), for pointer tables; NO_SLOT for t and x. */
  slots: Uint32Array;
  /** Number of distinct ids. */
  slotCount: number;
  /** The bare integers before the first op (malloclab header), as written. */
  header: number[];
  /** a/r/m: SIZE; c: SIZE (the element size); t: PAD; f/x: 0. Uint32 when every size fits. */
  sizes: Float64Array | Uint32Array;
  /** c: NMEMB; m: ALIGN; else 0. */
  aux: Float64Array;
  /** Thread of each op (0 = main); for x, the exiting thread. */
  tids: Uint32Array;
  /** Distinct threads (≥ 1: the main thread is always there). */
  threadCount: number;
  /** 1: malloclab `.rep` or JSON; 2: `# memscope-trace 2`. */
  version: 1 | 2;
  /** The recording machine's online CPUs (v2 header `cpus=N`). */
  cpus: number | null;
  /** sbrk(0) at the first recorded call (v2 header `brk0=HEX`). */
  brk0: number | null;
  /**
   * v2 header `stdcxx=1`: the program loads libstdc++ itself (not only for its allocator), so the trace already
   * holds libstdc++'s pre-main emergency-pool malloc (false for version 1 and when the header says nothing).
   */
  stdcxx: boolean;
  /** With `addresses` in the v2 header: what the real allocator returned per op (0 for f, t, x and NULL). */
  returned: Float64Array | null;
}

/** A trace that cannot be read; `line` is 1-based (0 when the input has no lines, e.g. bad JSON). */
export class TraceParseError extends Error {
  /** 1-based line of the problem. */
  readonly line: number;
  constructor(line: number, message: string) {
    super(line > 0 ? `line ${line}: ${message}` : message);
    this.name = 'TraceParseError';
    this.line = line;
  }
}
