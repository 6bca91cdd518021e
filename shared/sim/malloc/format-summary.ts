// What a replay did, op by op (which path served each request, where each free went, from the
// model's events) and summed over the trace for `memscope sim malloc --format summary`: heap size and
// its peak, bytes in use, fragmentation ((brk − in use) / brk), mmapped chunks, requests per path.
// Vocabulary: glibc 2.36 malloc/malloc.c (../events.ts) and gperftools 2.10 (./tcmalloc/events.ts).

import { formatBytes } from '../../units.js';
import { type Trace, OP_ALLOC, OP_FREE } from '../trace.js';
import { OP_CALLOC, OP_MEMALIGN, OP_REALLOC, TRACE_OP_LETTERS } from '../trace-types.js';
import {
  MALLOC_EVENT_NAMES,
  MALLOC_SOURCE_NAMES,
  MallocEvent,
  REALLOC_PATH_NAMES,
  type MallocEventRecord,
  type MallocEventSink,
} from './events.js';
import { TCMALLOC_EVENT_NAMES, TCMALLOC_REALLOC_PATH_NAMES, TcmallocEvent } from './tcmalloc/events.js';
import { REGION_NONE, type ReplayResults } from './replay-results.js';
import { type FootprintTrack } from './footprint.js';

/** The allocator models `memscope sim malloc` can replay through. */
export type MallocAllocatorName = 'glibc' | 'tcmalloc';

/** Paths a request can be served from, in the order summaries list them. */
export const SERVED_PATHS: Record<MallocAllocatorName, readonly string[]> = {
  glibc: MALLOC_SOURCE_NAMES,
  // thread-cache: ThreadCache::Allocate hit; central: FetchFromCentralCache; page-heap: do_malloc_pages.
  tcmalloc: ['thread-cache', 'central', 'page-heap'],
};

/** Where a freed block can go, in the order summaries list them. */
export const FREED_PATHS: Record<MallocAllocatorName, readonly string[]> = {
  glibc: ['tcache', 'fastbin', 'unsorted', 'top', 'mmap'],
  tcmalloc: ['thread-cache', 'page-heap'],
};

/** realloc's outcomes, in the order summaries list them. */
export const REALLOC_PATHS: Record<MallocAllocatorName, readonly string[]> = {
  glibc: REALLOC_PATH_NAMES,
  tcmalloc: TCMALLOC_REALLOC_PATH_NAMES,
};

/** realloc outcomes that hand out a new block (so a path served it), in either model. */
export const NEW_BLOCK_REALLOC_PATHS: ReadonlySet<string> = new Set(['malloc', 'move', 'grow-with-slack']);

/** realloc outcomes that give the old block back (so it went somewhere), in either model. */
export const FREEING_REALLOC_PATHS: ReadonlySet<string> = new Set(['free', 'move', 'grow-with-slack']);

/** Event kinds are < 100 for glibc and 100 + k for TCMalloc (see tcmalloc/events.ts). */
const EVENT_KIND_LIMIT = 100 + TCMALLOC_EVENT_NAMES.length;

/**
 * Every served, freed and realloc path name of both models, once: a tally carries each name's index here beside
 * the name, so the summary counts per op in typed arrays (string-keyed counting cost 6 % of a 2 M-op summary).
 */
const PATH_NAMES: readonly string[] = [...new Set([...MALLOC_SOURCE_NAMES, ...SERVED_PATHS.tcmalloc, ...FREED_PATHS.tcmalloc, ...REALLOC_PATH_NAMES, ...TCMALLOC_REALLOC_PATH_NAMES])];
/** NO_PATH: the '' name (nothing served, freed or reallocated). */
const NO_PATH = -1;
/** Index of each name in PATH_NAMES. */
const PATH_CODES: ReadonlyMap<string, number> = new Map(PATH_NAMES.map((n, k) => [n, k]));
/** PATH_NAMES index of a name (NO_PATH for '' or a name outside it). */
function codeOfPath(name: string): number {
  return PATH_CODES.get(name) ?? NO_PATH;
}
/** The path name of a PATH_NAMES index ('' for NO_PATH): what a tally's codes say in words. */
export function namePath(code: number): string {
  return code === NO_PATH ? '' : (PATH_NAMES[code] ?? '');
}
/**
 * At PATH_NAMES index + 1: 1 for NEW_BLOCK_REALLOC_PATHS / FREEING_REALLOC_PATHS, and 0 at 0 for NO_PATH, so that
 * every op reads them (a read only after a realloc's path deoptimized the summary at a trace's first realloc).
 */
const IS_NEW_BLOCK_PATH = Uint8Array.from(['', ...PATH_NAMES], (n) => (NEW_BLOCK_REALLOC_PATHS.has(n) ? 1 : 0));
const IS_FREEING_PATH = Uint8Array.from(['', ...PATH_NAMES], (n) => (FREEING_REALLOC_PATHS.has(n) ? 1 : 0));
/** Per op kind: 1 for the calls whose block is always a new one (a, c, m) / for free (f), the rest by their path. */
const IS_NEW_BLOCK_KIND = Uint8Array.from(TRACE_OP_LETTERS, (_, kind) => (kind === OP_ALLOC || kind === OP_CALLOC || kind === OP_MEMALIGN ? 1 : 0));
const IS_FREEING_KIND = Uint8Array.from(TRACE_OP_LETTERS, (_, kind) => (kind === OP_FREE ? 1 : 0));

/**
 * What the op being replayed did, filled by `sink` from the model's events; reset it before each op.
 * Paths are PATH_NAMES indexes (namePath says them in words), NO_PATH (−1) for none.
 *
 * Invariants: namePath(servedCode) ∈ SERVED_PATHS ∪ {''}, namePath(freedCode) ∈ FREED_PATHS ∪ {''},
 * namePath(reallocCode) ∈ REALLOC_PATHS ∪ {''}; events is empty unless keepEvents; eventCounts[kind]
 * counts every event of that kind since creation (resets do not clear it).
 */
export interface MallocOpTally {
  /** Feed this to the replay (createGlibcReplay / createTcmallocReplay `sink`). */
  sink: MallocEventSink;
  /** Path that handed out this op's new block (none: free, NULL, realloc kept in place). */
  servedCode: number;
  /** Where this op's freed block went (none when nothing was freed). */
  freedCode: number;
  /** How realloc resolved (none for other ops). */
  reallocCode: number;
  /** This op's events, in order (only when keepEvents). */
  events: MallocEventRecord[];
  /** Keep each op's events (the table explains them; the summary only counts). */
  keepEvents: boolean;
  /** Events seen so far, by kind. */
  eventCounts: Float64Array;
  /** Set while ops are replayed in a batch: each op's paths go to its row there instead of the fields above. */
  rows: OpPathRows | null;
}

/** Which of an op's paths an event sets. */
const PATH_SERVED = 0;
const PATH_FREED = 1;
const PATH_REALLOC = 2;

/**
 * The events that name an op's path, both models': the path each sets and the name it gives, by its
 * argument a (a list) or whatever a is (one name). The only table of them: the lookups below derive from it.
 */
const PATH_EVENTS: readonly (readonly [kind: number, path: number, names: readonly string[] | string])[] = [
  [MallocEvent.served, PATH_SERVED, MALLOC_SOURCE_NAMES],
  [MallocEvent.freed, PATH_FREED, MALLOC_SOURCE_NAMES],
  [MallocEvent.realloc, PATH_REALLOC, REALLOC_PATH_NAMES],
  [TcmallocEvent.threadCacheHit, PATH_SERVED, 'thread-cache'],
  [TcmallocEvent.centralFetch, PATH_SERVED, 'central'],
  [TcmallocEvent.largeAlloc, PATH_SERVED, 'page-heap'],
  [TcmallocEvent.freeToThreadCache, PATH_FREED, 'thread-cache'],
  [TcmallocEvent.largeFree, PATH_FREED, 'page-heap'],
  [TcmallocEvent.realloc, PATH_REALLOC, TCMALLOC_REALLOC_PATH_NAMES],
];
/** Per event kind: the path it sets (−1: none). */
const EVENT_PATH = new Int8Array(EVENT_KIND_LIMIT).fill(-1);
/** Per event kind: the code it names whatever its argument (NO_PATH: see EVENT_ARG_CODES). */
const EVENT_CODE = new Int16Array(EVENT_KIND_LIMIT).fill(NO_PATH);
/** Per event kind: the code it names by argument a. */
const EVENT_ARG_CODES: (readonly number[] | undefined)[] = [];
for (const [kind, path, names] of PATH_EVENTS) {
  EVENT_PATH[kind] = path;
  if (typeof names === 'string') EVENT_CODE[kind] = codeOfPath(names);
  else EVENT_ARG_CODES[kind] = names.map(codeOfPath);
}

/** Sets what one event says about the op; the last one wins (a first malloc is served twice: the tcache's own chunk, then the request). */
function noteEvent(t: MallocOpTally, kind: number, a: number): void {
  const path = EVENT_PATH[kind] ?? -1;
  if (path < 0) return;
  const code = EVENT_CODE[kind] !== NO_PATH ? EVENT_CODE[kind]! : (EVENT_ARG_CODES[kind]![a] ?? NO_PATH);
  const rows = t.rows;
  if (rows !== null) {
    // Ops replayed in a batch: the op running is rows.progress.next (runReplayOps keeps it there).
    rows.byPath[path]![rows.progress.next & rows.mask] = code;
  } else if (path === PATH_SERVED) {
    t.servedCode = code;
  } else if (path === PATH_FREED) {
    t.freedCode = code;
  } else {
    t.reallocCode = code;
  }
}

/**
 * Per-op path codes of ops replayed in a batch (MallocOpTally.rows): the sink writes op i's at row i & mask, i
 * being progress.next while op i runs. Fill with clearOpPathRows before each batch.
 */
export interface OpPathRows {
  /** The replay being run (ReplayProgress). */
  progress: { next: number };
  /** A result window's row mask (a power of two minus 1). */
  mask: number;
  served: Int16Array;
  freed: Int16Array;
  realloc: Int16Array;
  /**
   * served, freed and realloc at PATH_SERVED, PATH_FREED and PATH_REALLOC: one load for every event (a choice among
   * the three deoptimized the sink when a trace's first realloc came after it was compiled).
   */
  byPath: readonly Int16Array[];
}

/** Per-op path rows for a replay whose results keep windowOps rows (a power of two). */
export function createOpPathRows(progress: { next: number }, windowOps: number): OpPathRows {
  const served = new Int16Array(windowOps);
  const freed = new Int16Array(windowOps);
  const realloc = new Int16Array(windowOps);
  const byPath: Int16Array[] = [];
  byPath[PATH_SERVED] = served;
  byPath[PATH_FREED] = freed;
  byPath[PATH_REALLOC] = realloc;
  return { progress, mask: windowOps - 1, served, freed, realloc, byPath };
}

/** Marks every row as "no path" before a batch of ops. */
export function clearOpPathRows(rows: OpPathRows): void {
  rows.served.fill(NO_PATH);
  rows.freed.fill(NO_PATH);
  rows.realloc.fill(NO_PATH);
}

/** Creates a tally whose sink understands both models' events. */
export function createMallocOpTally(keepEvents: boolean): MallocOpTally {
  const t: MallocOpTally = {
    sink: () => undefined,
    servedCode: NO_PATH,
    freedCode: NO_PATH,
    reallocCode: NO_PATH,
    events: [],
    keepEvents,
    eventCounts: new Float64Array(EVENT_KIND_LIMIT),
    rows: null,
  };
  t.sink = (kind, a, b, c) => {
    if (kind >= 0 && kind < EVENT_KIND_LIMIT) t.eventCounts[kind]!++;
    noteEvent(t, kind, a);
    if (t.keepEvents) t.events.push({ kind, a, b, c });
  };
  return t;
}

/** Forgets the previous op (its path and events) before the next one runs. */
export function resetMallocOpTally(t: MallocOpTally): void {
  t.servedCode = NO_PATH;
  t.freedCode = NO_PATH;
  t.reallocCode = NO_PATH;
  if (t.events.length > 0) t.events = [];
}

/** Name of an event kind of either model. */
export function nameMallocEventKind(kind: number): string {
  return kind >= 100 ? (TCMALLOC_EVENT_NAMES[kind - 100] ?? `event ${kind}`) : (MALLOC_EVENT_NAMES[kind] ?? `event ${kind}`);
}

/** Bytes the summary shows, beyond the glibc-shaped ones (e.g. TCMalloc's caches). */
export interface SummaryByteLine {
  label: string;
  bytes: number;
}

/**
 * A replay summed up. Fragmentation is (heap bytes − in-use bytes) / heap bytes: the share of the
 * heap that holds no live allocation (free chunks, bins, top); null when the heap is empty or the
 * model does not track in-use bytes per op.
 *
 * Invariants: ops = Σ opCounts; peakBrkBytes ≥ finalBrkBytes;
 * Σ servedBy ≤ opCounts.a + opCounts.c + opCounts.m + opCounts.r; Σ freedInto ≤ opCounts.f + opCounts.r; mmappedCount = eventCounts.mmap − eventCounts.munmap (glibc).
 */
export interface MallocSummary {
  allocator: MallocAllocatorName;
  /** Ops replayed. */
  ops: number;
  /** Ops by kind (c, m, t, x: memscope-trace 2 only). */
  opCounts: { a: number; f: number; r: number; c: number; m: number; t: number; x: number };
  /** `a`/`c`/`m`/`r` ops asking for bytes that got NULL (realloc(p, 0) is not counted: NULL is its answer). */
  nullResults: number;
  /** Program break minus the heap's start after the last op (the heap's size). */
  finalBrkBytes: number;
  /** Largest break over the replay. */
  peakBrkBytes: number;
  /** First op after which the break was at its peak (-1 for an empty trace). */
  peakOp: number;
  /** Bytes of heap chunks held by live allocations after the last op (the allocator's own included). */
  heapInUseBytes: number;
  /** Fragmentation after the last op. */
  fragmentation: number | null;
  /** Fragmentation after peakOp. */
  fragmentationAtPeak: number | null;
  /** Mean over the ops with a non-empty heap. */
  fragmentationMean: number | null;
  /** Mmapped chunks alive after the last op. */
  mmappedCount: number;
  /** Their bytes. */
  mmappedBytes: number;
  /** Blocks handed out (malloc, realloc(NULL, n), realloc moves) per path that served them (SERVED_PATHS order). */
  servedBy: Record<string, number>;
  /** Blocks the program gave back (free, realloc(p, 0), realloc moves) per destination (FREED_PATHS order). */
  freedInto: Record<string, number>;
  /** realloc calls per outcome (REALLOC_PATHS order). */
  reallocPaths: Record<string, number>;
  /** Every event kind the model emitted, by name, with its count. */
  eventCounts: Record<string, number>;
  /** Allocator-specific byte counts (TCMalloc's caches); empty for glibc. */
  extraBytes: SummaryByteLine[];
  /** The heap footprint per op (footprint.ts), when the caller tracked it. */
  footprint?: FootprintTrack;
}

/**
 * A summary being accumulated op by op. The per-op figures stay plain numbers here (no string keys, no
 * number-or-null fields) and reach `summary` in finishMallocSummary.
 */
export interface MallocSummaryBuilder {
  summary: MallocSummary;
  fragmentationSum: number;
  fragmentationOps: number;
  /** Ops by kind code (TRACE_OP_LETTERS order). */
  kindCounts: Float64Array;
  /** addOpToSummary's tracksInUse: the final fragmentation comes from the last op's figures. */
  tracksInUse: boolean;
  /** servedBy, freedInto and reallocPaths counted by PATH_NAMES index until finishMallocSummary. */
  served: PathCounts;
  freed: PathCounts;
  realloc: PathCounts;
}

/** Counts by PATH_NAMES index; `firstSeen` lists the indexes in the order their count left 0. */
interface PathCounts {
  counts: Float64Array;
  firstSeen: number[];
}

function createPathCounts(): PathCounts {
  return { counts: new Float64Array(PATH_NAMES.length), firstSeen: [] };
}

function bumpPath(c: PathCounts, code: number): void {
  if (code === NO_PATH) return;
  if (c.counts[code]!++ === 0) c.firstSeen.push(code);
}

/** Writes counts into a summary record made by zeroCounts: its own names in order, then others in the order first counted. */
function writePathCounts(into: Record<string, number>, c: PathCounts): void {
  for (const name of Object.keys(into)) into[name] = c.counts[codeOfPath(name)] ?? 0;
  for (const code of c.firstSeen) into[PATH_NAMES[code]!] = c.counts[code]!;
}

function zeroCounts(names: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of names) out[n] = 0;
  return out;
}

/** Starts an empty summary. */
export function createMallocSummaryBuilder(allocator: MallocAllocatorName): MallocSummaryBuilder {
  return {
    summary: {
      allocator,
      ops: 0,
      opCounts: { a: 0, f: 0, r: 0, c: 0, m: 0, t: 0, x: 0 },
      nullResults: 0,
      finalBrkBytes: 0,
      peakBrkBytes: 0,
      peakOp: -1,
      heapInUseBytes: 0,
      fragmentation: null,
      fragmentationAtPeak: null,
      fragmentationMean: null,
      mmappedCount: 0,
      mmappedBytes: 0,
      servedBy: zeroCounts(SERVED_PATHS[allocator]),
      freedInto: zeroCounts(FREED_PATHS[allocator]),
      reallocPaths: zeroCounts(REALLOC_PATHS[allocator]),
      eventCounts: {},
      extraBytes: [],
    },
    fragmentationSum: 0,
    fragmentationOps: 0,
    kindCounts: new Float64Array(TRACE_OP_LETTERS.length),
    tracksInUse: false,
    served: createPathCounts(),
    freed: createPathCounts(),
    realloc: createPathCounts(),
  };
}

/** (heap − in use) / heap, or null for an empty heap. */
export function computeFragmentation(heapBytes: number, inUseBytes: number): number | null {
  return heapBytes > 0 ? (heapBytes - inUseBytes) / heapBytes : null;
}

/**
 * Adds op i (already replayed into `results`, its events in `tally`). `tracksInUse` is false for a
 * model whose results carry no per-op heapInUseBytes (TCMalloc): fragmentation then comes from
 * finishMallocSummary's final figures only. opNumber is op i's number in the whole trace (a streamed
 * chunk's op i is op opBase + i), for the peak op.
 */
export function addOpToSummary(b: MallocSummaryBuilder, trace: Trace, results: ReplayResults, i: number, tally: MallocOpTally, tracksInUse: boolean, opNumber = i): void {
  addOpPathsToSummary(b, trace, results, i, tally.servedCode, tally.freedCode, tally.reallocCode, tracksInUse, opNumber);
}

/** addOpToSummary of an op replayed in a batch: its paths from the tally's rows (OpPathRows). */
export function addBatchedOpToSummary(b: MallocSummaryBuilder, trace: Trace, results: ReplayResults, i: number, rows: OpPathRows, tracksInUse: boolean, opNumber = i): void {
  const row = i & rows.mask;
  addOpPathsToSummary(b, trace, results, i, rows.served[row]!, rows.freed[row]!, rows.realloc[row]!, tracksInUse, opNumber);
}

/** addOpToSummary with the op's path codes given. */
function addOpPathsToSummary(
  b: MallocSummaryBuilder,
  trace: Trace,
  results: ReplayResults,
  i: number,
  servedCode: number,
  freedCode: number,
  reallocCode: number,
  tracksInUse: boolean,
  opNumber: number,
): void {
  const s = b.summary;
  s.ops++;
  const kind = trace.kinds[i]!;
  const row = i & results.rowMask;
  b.kindCounts[kind]!++;
  const gotBlock = results.region[row] !== REGION_NONE;
  // t's size is its pad and x has none: only the calls that ask for bytes can be refused.
  const asks = kind === OP_ALLOC || kind === OP_REALLOC || kind === OP_CALLOC || kind === OP_MEMALIGN;
  if (asks && !gotBlock && trace.sizes[i]! > 0) s.nullResults++;
  // Only blocks the program asked for or gave back count: realloc's growth into top serves from top
  // without handing out a new block, and its split-off remainders are the allocator's own frees; a
  // refused request hands out nothing (though the tcache's own chunk may have been served on the way).
  // Both tables are read for every op, | not ||: see IS_NEW_BLOCK_PATH.
  const path = reallocCode;
  if (gotBlock && (IS_NEW_BLOCK_KIND[kind]! | IS_NEW_BLOCK_PATH[path + 1]!) === 1) bumpPath(b.served, servedCode);
  if ((IS_FREEING_KIND[kind]! | IS_FREEING_PATH[path + 1]!) === 1) bumpPath(b.freed, freedCode);
  bumpPath(b.realloc, path);
  const brk = results.brk[row]!;
  const inUse = results.heapInUseBytes[row]!;
  s.finalBrkBytes = brk;
  s.heapInUseBytes = inUse;
  s.mmappedBytes = results.mmappedBytes[row]!;
  b.tracksInUse = tracksInUse;
  if (brk > s.peakBrkBytes || s.peakOp < 0) {
    s.peakBrkBytes = brk;
    s.peakOp = opNumber;
    if (tracksInUse) s.fragmentationAtPeak = computeFragmentation(brk, inUse);
  }
  // computeFragmentation's share, without a number-or-null per op.
  if (tracksInUse && brk > 0) {
    b.fragmentationSum += (brk - inUse) / brk;
    b.fragmentationOps++;
  }
}

/** Final figures a model reports itself instead of per-op results (TCMalloc's statistics). */
export interface SummaryOverrides {
  /** Bytes the program holds (generic.current_allocated_bytes). */
  heapInUseBytes?: number;
  /** Heap size for the final fragmentation (generic.heap_size). */
  heapBytes?: number;
  /** Extra lines. */
  extraBytes?: SummaryByteLine[];
}

/** Closes the summary: event counts from the tally, mmapped count, means and overrides. */
export function finishMallocSummary(b: MallocSummaryBuilder, tally: MallocOpTally, overrides: SummaryOverrides = {}): MallocSummary {
  const s = b.summary;
  for (let k = 0; k < TRACE_OP_LETTERS.length; k++) s.opCounts[TRACE_OP_LETTERS[k]!] = b.kindCounts[k]!;
  writePathCounts(s.servedBy, b.served);
  writePathCounts(s.freedInto, b.freed);
  writePathCounts(s.reallocPaths, b.realloc);
  if (b.tracksInUse) s.fragmentation = computeFragmentation(s.finalBrkBytes, s.heapInUseBytes);
  const counts: Record<string, number> = {};
  const first = s.allocator === 'glibc' ? 0 : 100;
  const last = s.allocator === 'glibc' ? MALLOC_EVENT_NAMES.length : EVENT_KIND_LIMIT;
  for (let k = first; k < last; k++) counts[nameMallocEventKind(k)] = tally.eventCounts[k]!;
  s.eventCounts = counts;
  if (s.allocator === 'glibc') s.mmappedCount = tally.eventCounts[MallocEvent.mmap]! - tally.eventCounts[MallocEvent.munmap]!;
  s.fragmentationMean = b.fragmentationOps > 0 ? b.fragmentationSum / b.fragmentationOps : null;
  if (overrides.heapInUseBytes !== undefined) s.heapInUseBytes = overrides.heapInUseBytes;
  if (overrides.heapBytes !== undefined) s.fragmentation = computeFragmentation(overrides.heapBytes, s.heapInUseBytes);
  if (overrides.extraBytes !== undefined) s.extraBytes = overrides.extraBytes;
  return s;
}

/** Sizes in the summary: "123456 bytes (121 KiB)", the exact count first for scripts. */
const EXACT_FIRST = { exactFirst: true } as const;

/** "26.04%", or "n/a" for null. */
export function formatPercent(share: number | null): string {
  return share === null ? 'n/a' : `${(share * 100).toFixed(2)}%`;
}

function formatCounts(counts: Record<string, number>): string {
  return Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ');
}

/** What a footprint counts, per model (footprint.ts). */
const FOOTPRINT_PARTS: Record<MallocAllocatorName, string> = {
  glibc: 'brk heap + arena heaps + mmapped chunks',
  tcmalloc: 'page heap mapped (heap_size − unmapped)',
};

/** "123 bytes (…) peak (after op 7), 100 bytes (…) at exit: brk heap + …". */
export function formatFootprint(allocator: MallocAllocatorName, f: FootprintTrack): string {
  const peakAt = f.peakOp >= 0 ? ` (after op ${f.peakOp})` : '';
  return `${formatBytes(f.peakBytes, EXACT_FIRST)} peak${peakAt}, ${formatBytes(f.finalBytes, EXACT_FIRST)} at exit: ${FOOTPRINT_PARTS[allocator]}`;
}

function row(label: string, value: string): string {
  return `${label.padEnd(20)}${value}`;
}

/**
 * The summary as text, one `label  value` line per figure (labels padded to 20 columns), after
 * the given heading lines. Numbers come first in each value so scripts can pick them out.
 */
export function formatMallocSummary(s: MallocSummary, heading: readonly string[] = []): string {
  const ev = (name: string): number => s.eventCounts[name] ?? 0;
  const lines = [...heading];
  const c = s.opCounts;
  const v2Kinds = c.c + c.m + c.t + c.x === 0 ? '' : `, c ${c.c}, m ${c.m}, t ${c.t}, x ${c.x}`;
  lines.push(row('ops', `${s.ops} (a ${c.a}, f ${c.f}, r ${c.r}${v2Kinds}; ${s.nullResults} returned NULL)`));
  lines.push(row('final brk', `${formatBytes(s.finalBrkBytes, EXACT_FIRST)}: the heap's size (program break − heap start)`));
  lines.push(row('peak heap', `${formatBytes(s.peakBrkBytes, EXACT_FIRST)}${s.peakOp >= 0 ? ` (first reached after op ${s.peakOp})` : ''}`));
  if (s.footprint !== undefined) lines.push(row('footprint', formatFootprint(s.allocator, s.footprint)));
  if (s.allocator === 'glibc') {
    lines.push(row('in use', `${formatBytes(s.heapInUseBytes, EXACT_FIRST)}: heap chunks of live allocations, headers and the tcache's own chunk included`));
    lines.push(
      row('fragmentation', `${formatPercent(s.fragmentation)} final, ${formatPercent(s.fragmentationAtPeak)} at peak, ${formatPercent(s.fragmentationMean)} mean over ops: (brk − in use) / brk`),
    );
    lines.push(row('mmapped', `${s.mmappedCount} chunks, ${formatBytes(s.mmappedBytes, EXACT_FIRST)} alive; ${ev('mmap')} mmap, ${ev('munmap')} munmap, ${ev('mremap')} mremap calls`));
    lines.push(row('served by path', formatCounts(s.servedBy)));
    lines.push(row('freed into', formatCounts(s.freedInto)));
    lines.push(row('realloc', formatCounts(s.reallocPaths)));
    lines.push(row('brk', `${ev('brk-grow')} grows, ${ev('brk-trim')} trims`));
    if (ev('refused') > 0) lines.push(row('refused', `${ev('refused')} brk/mmap/mremap calls refused by the kernel (ENOMEM)`));
    lines.push(row('consolidations', `${ev('consolidate')} malloc_consolidate, ${ev('coalesced')} coalesces with free neighbours or top`));
    lines.push(row('unsorted sorting', `${ev('binned')} chunks filed into small/large bins, ${ev('split')} splits, ${ev('tcache-stash')} stashed into tcache`));
    lines.push(row('dynamic threshold', `raised ${ev('threshold-raised')} times`));
  } else {
    lines.push(row('in use', `${formatBytes(s.heapInUseBytes, EXACT_FIRST)}: generic.current_allocated_bytes`));
    lines.push(row('fragmentation', `${formatPercent(s.fragmentation)} final: (generic.heap_size − current_allocated_bytes) / generic.heap_size`));
    for (const e of s.extraBytes) lines.push(row(e.label, formatBytes(e.bytes, EXACT_FIRST)));
    lines.push(row('served by path', formatCounts(s.servedBy)));
    lines.push(row('freed into', formatCounts(s.freedInto)));
    lines.push(row('realloc', formatCounts(s.reallocPaths)));
    lines.push(row('page heap', `${ev('page-heap-grow')} sbrk grows, ${ev('span-alloc')} spans carved for size classes, ${ev('span-freed')} spans returned, ${ev('page-heap-release')} releases to the OS`));
    if (ev('system-alloc-refused') > 0) lines.push(row('refused', `${ev('system-alloc-refused')} page heap growths refused by the kernel (ENOMEM)`));
    lines.push(row('caches', `${ev('central-fetch')} central fetches, ${ev('list-too-long')} lists too long, ${ev('thread-cache-scavenge')} scavenges`));
  }
  return lines.join('\n') + '\n';
}
