// Events the TCMalloc model emits per call (thread-cache hit, central fetch, span carved, sbrk growth,
// large allocation, scavenge…), through the shared MallocEventSink with kinds from 100 up (no clash
// with ../events.ts). Vocabulary: gperftools 2.10 tcmalloc.cc, thread_cache.cc, central_freelist.cc, page_heap.cc.

import { type MallocEventRecord, type MallocEventSink } from '../events.js';

/** Where the model's components send events; one object shared by all of them, so a sink can be attached or removed at any time. */
export interface TcmallocEmitter {
  /** The sink, or null (nothing is built or called). */
  sink: MallocEventSink | null;
}

/** Event kinds and the meaning of their arguments (a, b, c). */
export const TcmallocEvent = {
  /** malloc served from the thread cache: a = size class, b = object, c = object bytes. */
  threadCacheHit: 100,
  /** Thread cache list empty, FetchFromCentralCache: a = size class, b = objects asked (min(max_length, batch)), c = objects got. */
  centralFetch: 101,
  /** RemoveRange took a whole batch from the transfer cache: a = size class, b = batch, c = slots left. */
  transferCacheHit: 102,
  /** CentralFreeList::Populate carved a new span into objects: a = size class, b = span start, c = pages. */
  spanAlloc: 103,
  /** PageHeap::GrowHeap took memory from the system with sbrk: a = old end, b = new end, c = pages. */
  pageHeapGrow: 104,
  /** A request above kMaxSize got its own span: a = pages, b = span start, c = bytes. */
  largeAlloc: 105,
  /** free pushed the object onto the thread cache: a = size class, b = object, c = list length after. */
  freeToThreadCache: 106,
  /** ListTooLong: the list passed max_length, objects went to the central cache: a = size class, b = objects, c = new max_length. */
  listTooLong: 107,
  /** A full batch was parked in the transfer cache: a = size class, b = batch, c = slots used after. */
  releaseToTransferCache: 108,
  /** Objects went back into their spans (ReleaseListToSpans): a = size class, b = objects, c = 0. */
  releaseToSpans: 109,
  /** A span whose objects were all free went back to the page heap: a = size class, b = span start, c = pages. */
  spanFreed: 110,
  /** A large (page) allocation was freed: a = pages, b = span start, c = bytes. */
  largeFree: 111,
  /** ThreadCache::Scavenge released idle objects: a = objects released, b = new max_size, c = cache bytes after. */
  threadCacheScavenge: 112,
  /** The page heap released a free span to the OS (madvise; it stays mapped, on the returned list): a = span start, b = pages. */
  pageHeapRelease: 113,
  /** A span being freed merged with a free neighbour: a = 0 preceding / 1 following, b = merged start, c = merged pages. */
  pageHeapCoalesce: 114,
  /** PageHeap::Carve split a free span: a = span start, b = pages taken, c = leftover pages. */
  carve: 115,
  /** realloc: a = TcmallocReallocPath, b = old usable bytes, c = new usable bytes. */
  realloc: 116,
  /** A transfer cache gave a slot to another class (ShrinkCache): a = class that shrank, b = class that grew, c = 1 if a batch was flushed. */
  transferCacheEvict: 117,
  /** A span carved from the returned list was recommitted: a = span start, b = pages. */
  commit: 118,
  /** The system refused the page heap's growth (sbrk and mmap, ENOMEM): a = pages, b = bytes. */
  systemAllocRefused: 119,
  /** A thread exited and its cache went away (DeleteCache): a = cache id, b = its max_size returned to the budget. */
  threadCacheDelete: 120,
} as const;

/** How realloc resolved a request (do_realloc_with_callback). */
export const TcmallocReallocPath = {
  /** realloc(NULL, n): plain malloc. */
  malloc: 0,
  /** realloc(p, 0): free, returns NULL. */
  free: 1,
  /** The new size fits: not larger and at least half the old usable size. */
  inPlace: 2,
  /** Grew by less than 25 %: allocated old + old/4 bytes (hysteresis), copied, freed the old block. */
  growWithSlack: 3,
  /** Allocated the new size, copied, freed the old block. */
  move: 4,
} as const;
/** Names of TcmallocReallocPath values, indexed by code. */
export const TCMALLOC_REALLOC_PATH_NAMES = ['malloc', 'free', 'in-place', 'grow-with-slack', 'move'] as const;

/** Names of TcmallocEvent kinds, indexed by kind − 100. */
export const TCMALLOC_EVENT_NAMES = [
  'thread-cache-hit', 'central-fetch', 'transfer-cache-hit', 'span-alloc', 'page-heap-grow', 'large-alloc',
  'free-to-thread-cache', 'list-too-long', 'release-to-transfer-cache', 'release-to-spans', 'span-freed',
  'large-free', 'thread-cache-scavenge', 'page-heap-release', 'page-heap-coalesce', 'carve', 'realloc',
  'transfer-cache-evict', 'commit', 'system-alloc-refused', 'thread-cache-delete',
] as const;

function hex(n: number): string {
  return '0x' + n.toString(16);
}

/** True when `kind` is one of the TCMalloc model's event kinds. */
export function isTcmallocEvent(kind: number): boolean {
  return kind >= 100 && kind < 100 + TCMALLOC_EVENT_NAMES.length;
}

/** One line of English for a TCMalloc event, e.g. "thread cache hit: class 3 (32 bytes) object 0x16000". */
export function describeTcmallocEvent(e: MallocEventRecord): string {
  switch (e.kind) {
    case TcmallocEvent.threadCacheHit: return `thread cache hit: class ${e.a}, object ${hex(e.b)} (${e.c} bytes)`;
    case TcmallocEvent.centralFetch: return `fetch from central cache: class ${e.a}, asked ${e.b}, got ${e.c} objects`;
    case TcmallocEvent.transferCacheHit: return `transfer cache hit: class ${e.a}, batch of ${e.b}, ${e.c} slots left`;
    case TcmallocEvent.spanAlloc: return `new span for class ${e.a}: ${e.c} pages at ${hex(e.b)}`;
    case TcmallocEvent.pageHeapGrow: return `page heap grows with sbrk ${hex(e.a)} → ${hex(e.b)} (+${e.c} pages)`;
    case TcmallocEvent.largeAlloc: return `large allocation: ${e.a} pages at ${hex(e.b)} (${e.c} bytes)`;
    case TcmallocEvent.freeToThreadCache: return `freed into thread cache: class ${e.a}, object ${hex(e.b)}, list length ${e.c}`;
    case TcmallocEvent.listTooLong: return `list too long: class ${e.a}, ${e.b} objects to central cache, max_length now ${e.c}`;
    case TcmallocEvent.releaseToTransferCache: return `batch into transfer cache: class ${e.a}, ${e.b} objects, ${e.c} slots used`;
    case TcmallocEvent.releaseToSpans: return `back into spans: class ${e.a}, ${e.b} objects`;
    case TcmallocEvent.spanFreed: return `span of class ${e.a} empty: ${e.c} pages at ${hex(e.b)} back to the page heap`;
    case TcmallocEvent.largeFree: return `large free: ${e.a} pages at ${hex(e.b)} (${e.c} bytes)`;
    case TcmallocEvent.threadCacheScavenge: return `thread cache scavenge: ${e.a} objects released, max_size ${e.b}, ${e.c} bytes cached`;
    case TcmallocEvent.pageHeapRelease: return `released to the OS: ${e.b} pages at ${hex(e.a)}`;
    case TcmallocEvent.pageHeapCoalesce: return `coalesced with ${e.a === 0 ? 'preceding' : 'following'} span: ${e.c} pages at ${hex(e.b)}`;
    case TcmallocEvent.carve: return `carve span ${hex(e.a)}: ${e.b} pages taken, ${e.c} left`;
    case TcmallocEvent.realloc: return `realloc ${TCMALLOC_REALLOC_PATH_NAMES[e.a] ?? e.a}: ${e.b} → ${e.c} bytes`;
    case TcmallocEvent.transferCacheEvict: return `transfer cache slot moved from class ${e.a} to class ${e.b}${e.c ? ' (batch flushed to spans)' : ''}`;
    case TcmallocEvent.commit: return `recommitted ${e.b} pages at ${hex(e.a)}`;
    case TcmallocEvent.systemAllocRefused: return `sbrk and mmap of ${e.a} pages (${e.b} bytes) refused (ENOMEM)`;
    case TcmallocEvent.threadCacheDelete: return `thread exit: cache ${e.a} emptied into the central cache, ${e.b} bytes of budget back`;
    default: return `event ${e.kind} (${e.a}, ${e.b}, ${e.c})`;
  }
}
