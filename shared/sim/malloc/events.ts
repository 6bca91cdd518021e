// Events a simulated allocator emits per call, so a UI or the CLI can explain every decision
// (which bin served a request, what coalesced, when brk/mmap ran); shared by the allocator models.
// Source of truth: the vocabulary of glibc 2.36 malloc/malloc.c; numbers are heap offsets or bytes.

/** Where a request was served from, or where a freed chunk went. */
export const MallocSource = {
  tcache: 0,
  fastbin: 1,
  smallbin: 2,
  unsorted: 3,
  largebin: 4,
  remainder: 5,
  top: 6,
  mmap: 7,
} as const;
/** A MallocSource value. */
export type MallocSourceCode = (typeof MallocSource)[keyof typeof MallocSource];
/** Names of MallocSource values, indexed by code (the bin names verbatim). */
export const MALLOC_SOURCE_NAMES = ['tcache', 'fastbin', 'smallbin', 'unsorted', 'largebin', 'remainder', 'top', 'mmap'] as const;

/** How realloc resolved a request. */
export const ReallocPath = {
  /** realloc(NULL, n): plain malloc. */
  malloc: 0,
  /** realloc(p, 0): free, returns NULL. */
  free: 1,
  /** The chunk is already big enough (a remainder ≥ MINSIZE is split off and freed). */
  inPlace: 2,
  /** Grown into the top chunk (after growing top with brk if needed). */
  growIntoTop: 3,
  /** Grown into the free chunk that follows. */
  growIntoNext: 4,
  /** A new chunk was allocated, the data copied and the old chunk freed. */
  move: 5,
  /** An mmapped chunk resized with mremap (or kept, when its page count does not change). */
  mremap: 6,
} as const;
/** Names of ReallocPath values, indexed by code. */
export const REALLOC_PATH_NAMES = ['malloc', 'free', 'in-place', 'grow-into-top', 'grow-into-next', 'move', 'mremap'] as const;

/** Which system call a `refused` event is about. */
export const RefusedCall = {
  mmap: 0,
  brk: 1,
  mremap: 2,
} as const;
/** Names of RefusedCall values, indexed by code. */
export const REFUSED_CALL_NAMES = ['mmap', 'brk', 'mremap'] as const;

/**
 * Event kinds and the meaning of their three numeric arguments (a, b, c).
 * Sinks receive `(kind, a, b, c)`; nothing is allocated when no sink is attached.
 */
export const MallocEvent = {
  /** A request was served: a = MallocSource, b = chunk offset (or mmap address), c = chunk size. */
  served: 0,
  /** A chunk was freed into a = MallocSource (tcache, fastbin, unsorted, top, mmap): b = chunk, c = size. */
  freed: 1,
  /** malloc moved a spare chunk of the requested size into the tcache: a = MallocSource it came from, b = chunk, c = size. */
  tcacheStash: 2,
  /** The unsorted scan filed a chunk into bin a (smallbin 2..63 or largebin 64..126): b = chunk, c = size. */
  binned: 3,
  /** A chunk was split: a = chunk offset, b = remainder offset, c = remainder size. */
  split: 4,
  /** Coalesced with a free neighbour: a = 0 backward / 1 forward / 2 into top, b = resulting chunk, c = its size. */
  coalesced: 5,
  /** malloc_consolidate ran: a = fast chunks it processed. */
  consolidate: 6,
  /** The heap grew with brk: a = old break, b = new break (offsets from the heap start). */
  brkGrow: 7,
  /** The heap shrank with brk (trim): a = old break, b = new break. */
  brkTrim: 8,
  /** A chunk was mmapped: b = address, c = mapping length. */
  mmap: 9,
  /** An mmapped chunk was unmapped: b = address, c = mapping length. */
  munmap: 10,
  /** An mmapped chunk was resized: a = old length, b = new address, c = new length. */
  mremap: 11,
  /** Freeing an mmapped chunk raised the dynamic thresholds: a = mmap_threshold, b = trim_threshold. */
  thresholdRaised: 12,
  /** realloc chose a = ReallocPath; b = old chunk size, c = new chunk size. */
  realloc: 13,
  /** The kernel refused a call with ENOMEM: a = RefusedCall, c = bytes asked (brk: the increment; mremap: the new length). */
  refused: 14,
} as const;
/** A MallocEvent value. */
export type MallocEventKind = (typeof MallocEvent)[keyof typeof MallocEvent];
/** Names of MallocEvent kinds, indexed by code. */
export const MALLOC_EVENT_NAMES = [
  'served', 'freed', 'tcache-stash', 'binned', 'split', 'coalesced', 'consolidate',
  'brk-grow', 'brk-trim', 'mmap', 'munmap', 'mremap', 'threshold-raised', 'realloc', 'refused',
] as const;

/** Receives events as plain numbers (no allocation on the hot path). */
export type MallocEventSink = (kind: number, a: number, b: number, c: number) => void;

/** One event kept as an object (for UIs and test diagnostics, not for hot loops). */
export interface MallocEventRecord {
  kind: number;
  a: number;
  b: number;
  c: number;
}

/** A sink that keeps every event, plus the list it fills. */
export interface MallocEventLog {
  sink: MallocEventSink;
  events: MallocEventRecord[];
}

/** Creates a sink that records events into an array. */
export function createMallocEventLog(): MallocEventLog {
  const events: MallocEventRecord[] = [];
  return { events, sink: (kind, a, b, c) => { events.push({ kind, a, b, c }); } };
}

/** A heap offset or address as the events and messages write it: "0x2a0". */
export function formatHex(n: number): string {
  return '0x' + n.toString(16);
}

/** One line of English for an event, e.g. "served from smallbin: chunk 0x2a0, 48 bytes". */
export function describeMallocEvent(e: MallocEventRecord): string {
  const src = (code: number): string => MALLOC_SOURCE_NAMES[code] ?? `source ${code}`;
  switch (e.kind) {
    case MallocEvent.served: return `served from ${src(e.a)}: chunk ${formatHex(e.b)}, ${e.c} bytes`;
    case MallocEvent.freed: return `freed into ${src(e.a)}: chunk ${formatHex(e.b)}, ${e.c} bytes`;
    case MallocEvent.tcacheStash: return `stashed into tcache from ${src(e.a)}: chunk ${formatHex(e.b)}, ${e.c} bytes`;
    case MallocEvent.binned: return `${e.a < 64 ? 'smallbin' : 'largebin'} ${e.a} ← chunk ${formatHex(e.b)}, ${e.c} bytes`;
    case MallocEvent.split: return `split chunk ${formatHex(e.a)}: remainder ${formatHex(e.b)}, ${e.c} bytes`;
    case MallocEvent.coalesced: return `coalesced ${['backward', 'forward', 'into top'][e.a] ?? e.a}: chunk ${formatHex(e.b)}, now ${e.c} bytes`;
    case MallocEvent.consolidate: return `malloc_consolidate: ${e.a} fast chunks`;
    case MallocEvent.brkGrow: return `brk grows ${formatHex(e.a)} → ${formatHex(e.b)} (+${e.b - e.a})`;
    case MallocEvent.brkTrim: return `brk trims ${formatHex(e.a)} → ${formatHex(e.b)} (−${e.a - e.b})`;
    case MallocEvent.mmap: return `mmap ${e.c} bytes at ${formatHex(e.b)}`;
    case MallocEvent.munmap: return `munmap ${e.c} bytes at ${formatHex(e.b)}`;
    case MallocEvent.mremap: return `mremap ${e.a} → ${e.c} bytes (at ${formatHex(e.b)})`;
    case MallocEvent.thresholdRaised: return `dynamic threshold: mmap_threshold ${e.a}, trim_threshold ${e.b}`;
    case MallocEvent.realloc: return `realloc ${REALLOC_PATH_NAMES[e.a] ?? e.a}: ${e.b} → ${e.c} bytes`;
    case MallocEvent.refused: return `${REFUSED_CALL_NAMES[e.a] ?? 'call'} of ${e.c} bytes refused (ENOMEM)`;
    default: return `event ${e.kind} (${e.a}, ${e.b}, ${e.c})`;
  }
}
