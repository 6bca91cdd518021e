// The gperftools TCMalloc model in the Allocator lab: a view of the allocator at one op (spans of the page heap
// in address order, thread-cache lists, central free lists, MallocExtension stats); the lab replays it through
// malloc/tcmalloc/replay.ts createTcmallocReplayModel.

import { kPageSize } from '../malloc/tcmalloc/common.js';
import { countTransferCacheObjects } from '../malloc/tcmalloc/central-free-list.js';
import { listSpans } from '../malloc/tcmalloc/page-heap.js';
import { computeObjectsPerSpan } from '../malloc/tcmalloc/size-classes.js';
import { SpanLocation } from '../malloc/tcmalloc/span.js';
import { type TcmallocHeap } from '../malloc/tcmalloc/state.js';
import { type TcmallocStats, readTcmallocStats } from '../malloc/tcmalloc/stats.js';

/** Where a span is, for colouring. */
export type TcmallocSpanKind = 'small' | 'large' | 'free' | 'returned';

/** One span of the page heap. */
export interface TcmallocSpanView {
  /** First page (8 KiB pages from the page heap's start). */
  startPage: number;
  pages: number;
  kind: TcmallocSpanKind;
  /** Size class of a span carved into objects, else 0. */
  sizeClass: number;
  /** Object bytes of the class (small), or the span's bytes (large). */
  objectBytes: number;
  /** Objects handed out of the span (to caches or the program); small spans only. */
  handedOut: number;
  /** Objects the span was carved into; small spans only. */
  objectsPerSpan: number;
}

/** One thread-cache or central list that holds objects. */
export interface TcmallocListView {
  sizeClass: number;
  objectBytes: number;
  /** Free objects in the list (thread cache) or in the class's spans (central). */
  objects: number;
  /** Thread cache: max_length; central: objects parked in the transfer cache. */
  extra: number;
}

/** TCMalloc at one op. */
export interface TcmallocHeapView {
  spans: TcmallocSpanView[];
  /** Bytes of the page heap (end of the simulated sbrk region). */
  heapBytes: number;
  stats: TcmallocStats;
  /** The thread's cache (the TLS one), lists that hold objects. */
  threadCache: TcmallocListView[];
  /** Thread caches in the process (the pre-TSD one left orphaned by start-up included). */
  threadCacheCount: number;
  /** Central free lists that hold objects (extra = transfer-cache objects). */
  central: TcmallocListView[];
}

/** Reads the model's spans, caches and stats (allocates; for views). */
export function readTcmallocHeapView(heap: TcmallocHeap): TcmallocHeapView {
  const { sizeMap } = heap;
  const spans = listSpans(heap.pageHeap).map((s): TcmallocSpanView => {
    const inUse = s.location === SpanLocation.IN_USE;
    const kind: TcmallocSpanKind = inUse ? (s.sizeclass !== 0 ? 'small' : 'large') : s.location === SpanLocation.ON_RETURNED_FREELIST ? 'returned' : 'free';
    return {
      startPage: s.start,
      pages: s.length,
      kind,
      sizeClass: s.sizeclass,
      objectBytes: s.sizeclass !== 0 ? sizeMap.classToSize[s.sizeclass]! : s.length * kPageSize,
      handedOut: s.sizeclass !== 0 ? s.refcount : 0,
      objectsPerSpan: s.sizeclass !== 0 ? computeObjectsPerSpan(sizeMap, s.sizeclass) : 0,
    };
  });
  const tc = heap.tls ?? heap.threads.heaps[0] ?? null;
  const threadCache: TcmallocListView[] = [];
  if (tc !== null) {
    tc.lists.forEach((list, cl) => {
      if (list.objects.length > 0) threadCache.push({ sizeClass: cl, objectBytes: sizeMap.classToSize[cl]!, objects: list.objects.length, extra: list.maxLength });
    });
  }
  const central: TcmallocListView[] = [];
  heap.central.lists.forEach((list, cl) => {
    const parked = countTransferCacheObjects(heap.central, cl);
    if (list.counter > 0 || parked > 0) central.push({ sizeClass: cl, objectBytes: sizeMap.classToSize[cl]!, objects: list.counter, extra: parked });
  });
  return {
    spans,
    heapBytes: heap.pageHeap.endPage * kPageSize,
    stats: readTcmallocStats(heap),
    threadCache,
    threadCacheCount: heap.threads.heaps.length,
    central,
  };
}
