// Per-op outcome of replaying a trace through an allocator (simulated or real), in the shape of
// `memscope sim malloc --format jsonl` (issue 4). Allocator-agnostic; numbers are bytes.

import { type Trace, readTraceOpKind } from '../trace.js';
import { TRACE_OP_LETTERS } from '../trace-types.js';

/** Region codes. */
export const REGION_NONE = 0;
/** Region codes: a heap (brk) chunk. */
export const REGION_HEAP = 1;
/** Region codes: an mmapped chunk. */
export const REGION_MMAP = 2;
/** Region codes: a chunk in a heap of a non-main glibc arena (threaded traces). */
export const REGION_ARENA = 3;

/**
 * What each op returned, packed: one row per op, or (windowed results, for outputs that read each op once
 * right after it ran) one row per op of the last windowOps, the row of op i being i & rowMask.
 *
 * Invariants: region[i] = REGION_NONE for frees and NULL results; offset[i] is NaN unless
 * region[i] = REGION_HEAP or REGION_ARENA; mmapSize[i] is NaN unless region[i] = REGION_MMAP;
 * usable[i] = 0 when region[i] = REGION_NONE; arena and heap are null unless the replay ran threads, then
 * arena[i] ≥ 1 and heap[i] ≥ 0 exactly when region[i] = REGION_ARENA (−1 otherwise) — i standing for op i's row.
 */
export interface ReplayResults {
  /** Ops the results are for. */
  length: number;
  /** Row of op i = i & rowMask: −1 (all bits) keeps a row per op; windowOps − 1 for windowed results. */
  rowMask: number;
  /** REGION_NONE, REGION_HEAP or REGION_MMAP. */
  region: Uint8Array;
  /** User pointer minus the heap start (heap chunks), else NaN. */
  offset: Float64Array;
  /** Mapping length (mmapped chunks), else NaN. */
  mmapSize: Float64Array;
  /** malloc_usable_size of the result (0 for NULL and frees). */
  usable: Float64Array;
  /** Program break minus the heap start after the op. */
  brk: Float64Array;
  /** After the op: bytes of brk-heap chunks held by live allocations (the allocator's own included); brk − this = free bytes inside the heap. */
  heapInUseBytes: Float64Array;
  /** After the op: bytes in mmapped chunks. */
  mmappedBytes: Float64Array;
  /** Threaded replays: the arena of a REGION_ARENA result, numbered 1, 2 … in order of first hand-out. */
  arena: Int32Array | null;
  /** Threaded replays: index of that arena's heap holding the result (0 = its first). */
  heap: Int32Array | null;
}

/**
 * Allocates result arrays for n ops; `threaded` adds the arena and heap columns; windowOps (a power of two)
 * keeps only the rows of the last windowOps ops (a writer then sets every column of the op's row).
 */
export function createReplayResults(opCount: number, threaded = false, windowOps?: number): ReplayResults {
  if (windowOps !== undefined && (windowOps <= 0 || (windowOps & (windowOps - 1)) !== 0)) throw new RangeError(`result window ${windowOps} is not a power of two`);
  // A window has all its rows even for fewer ops: a streamed replay's later ops reuse them.
  const n = windowOps === undefined ? opCount : windowOps;
  return {
    arena: threaded ? new Int32Array(n).fill(-1) : null,
    heap: threaded ? new Int32Array(n).fill(-1) : null,
    length: opCount,
    rowMask: windowOps === undefined ? -1 : windowOps - 1,
    region: new Uint8Array(n),
    offset: new Float64Array(n).fill(NaN),
    mmapSize: new Float64Array(n).fill(NaN),
    usable: new Float64Array(n),
    brk: new Float64Array(n),
    heapInUseBytes: new Float64Array(n),
    mmappedBytes: new Float64Array(n),
  };
}

/** One jsonl record: every key present; `f` ops carry only i, op, id, brk. */
export type MallocOpRecord =
  | { i: number; op: 'a' | 'r'; id: number; size: number; region: 'heap' | 'mmap' | null; offset: number | null; mmap_size: number | null; usable: number; brk: number }
  | { i: number; op: 'f'; id: number; brk: number };

/**
 * The record of a threaded replay's op (memscope-trace 2): `tid` on every op; allocations add `arena` (0 main,
 * k ≥ 1 the k-th other arena to hand out a chunk, null for mmap and NULL) and `heap` (its heap's index, non-main
 * arenas only) with `offset` from that heap's start (region "arena"); `c` adds nmemb, `m` align; t and x carry
 * only i, op, tid, brk.
 */
export type ThreadedOpRecord =
  | { i: number; op: 'a' | 'r' | 'c' | 'm'; tid: number; id: number; size: number; nmemb?: number; align?: number; region: 'heap' | 'arena' | 'mmap' | null; arena: number | null; heap: number | null; offset: number | null; mmap_size: number | null; usable: number; brk: number }
  | { i: number; op: 'f'; tid: number; id: number; brk: number }
  | { i: number; op: 't' | 'x'; tid: number; brk: number };

/** The jsonl record of op i of a threaded replay (results with arena and heap columns). */
export function formatThreadedRecord(trace: Trace, results: ReplayResults, i: number): ThreadedOpRecord {
  const op = TRACE_OP_LETTERS[trace.kinds[i]!]!;
  const tid = trace.tids[i]!;
  const row = i & results.rowMask;
  const brk = results.brk[row]!;
  if (op === 't' || op === 'x') return { i, op, tid, brk };
  const id = trace.ids[i]!;
  if (op === 'f') return { i, op, tid, id, brk };
  const region = results.region[row];
  const arena = results.arena![row]!;
  const heap = results.heap![row]!;
  return {
    i,
    op,
    tid,
    id,
    size: trace.sizes[i]!,
    ...(op === 'c' ? { nmemb: trace.aux[i]! } : op === 'm' ? { align: trace.aux[i]! } : {}),
    region: region === REGION_HEAP ? 'heap' : region === REGION_MMAP ? 'mmap' : region === REGION_ARENA ? 'arena' : null,
    arena: region === REGION_HEAP ? 0 : region === REGION_ARENA ? arena : null,
    heap: region === REGION_ARENA ? heap : null,
    offset: region === REGION_HEAP || region === REGION_ARENA ? results.offset[row]! : null,
    mmap_size: region === REGION_MMAP ? results.mmapSize[row]! : null,
    usable: results.usable[row]!,
    brk,
  };
}

/** The jsonl record of op i of a single-threaded replay. */
export function formatOpRecord(trace: Trace, results: ReplayResults, i: number): MallocOpRecord {
  const op = readTraceOpKind(trace, i);
  const id = trace.ids[i]!;
  const row = i & results.rowMask;
  const brk = results.brk[row]!;
  if (op === 'f') return { i, op, id, brk };
  // No model runs c, m, t or x yet (shared/sim/malloc/trace-support.ts refuses such traces before op 0).
  if (op !== 'a' && op !== 'r') throw new RangeError(`op ${i} ('${op}'): no jsonl record for this op kind yet`);
  const region = results.region[row];
  return {
    i,
    op,
    id,
    size: trace.sizes[i]!,
    region: region === REGION_HEAP ? 'heap' : region === REGION_MMAP ? 'mmap' : null,
    offset: region === REGION_HEAP ? results.offset[row]! : null,
    mmap_size: region === REGION_MMAP ? results.mmapSize[row]! : null,
    usable: results.usable[row]!,
    brk,
  };
}

/** Parses jsonl text (e.g. the C harness's output) back into records. */
export function parseOpRecordsJsonl(text: string): MallocOpRecord[] {
  const out: MallocOpRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    out.push(JSON.parse(line) as MallocOpRecord);
  }
  return out;
}
