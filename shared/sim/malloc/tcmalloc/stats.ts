// The statistics TCMalloc reports through MallocExtension::GetNumericProperty, computed from the
// model's state the way the library computes them. Source of truth: gperftools 2.10 src/tcmalloc.cc
// (ExtractStats, TCMallocImplementation::GetNumericProperty), thread_cache.cc (GetThreadStats).

import { type TcmallocHeap } from './state.js';
import { computeOverheadBytes, countTransferCacheObjects } from './central-free-list.js';

/** The properties the model answers, spelled as MallocExtension spells them, in TCMALLOC_STATS_KEYS order. */
export const TCMALLOC_PROPERTY_NAMES = [
  'generic.current_allocated_bytes',
  'generic.heap_size',
  'tcmalloc.pageheap_free_bytes',
  'tcmalloc.pageheap_unmapped_bytes',
  'tcmalloc.thread_cache_free_bytes',
  'tcmalloc.central_cache_free_bytes',
  'tcmalloc.transfer_cache_free_bytes',
] as const;

/**
 * A snapshot of TCMalloc's accounting, in bytes.
 *
 * Invariant (the definition of current_allocated_bytes): heapSizeBytes = currentAllocatedBytes +
 * pageheapFreeBytes + pageheapUnmappedBytes + threadCacheFreeBytes + centralCacheFreeBytes +
 * transferCacheFreeBytes.
 */
export interface TcmallocStats {
  /** generic.current_allocated_bytes: what the program holds (whole objects and pages). */
  currentAllocatedBytes: number;
  /** generic.heap_size: bytes the page heap took from the system. */
  heapSizeBytes: number;
  /** tcmalloc.pageheap_free_bytes: free pages still mapped. */
  pageheapFreeBytes: number;
  /** tcmalloc.pageheap_unmapped_bytes: free pages released to the OS. */
  pageheapUnmappedBytes: number;
  /** tcmalloc.thread_cache_free_bytes: objects cached in thread caches. */
  threadCacheFreeBytes: number;
  /** tcmalloc.central_cache_free_bytes: free objects in the central lists' spans, plus the unusable tail of every span. */
  centralCacheFreeBytes: number;
  /** tcmalloc.transfer_cache_free_bytes: objects parked in transfer caches. */
  transferCacheFreeBytes: number;
}

/** Field names of TcmallocStats, in TCMALLOC_PROPERTY_NAMES order. */
export const TCMALLOC_STATS_KEYS = [
  'currentAllocatedBytes',
  'heapSizeBytes',
  'pageheapFreeBytes',
  'pageheapUnmappedBytes',
  'threadCacheFreeBytes',
  'centralCacheFreeBytes',
  'transferCacheFreeBytes',
] as const;

/** ExtractStats() + GetNumericProperty() for every property in TCMALLOC_PROPERTY_NAMES. Cost: O(size classes + thread heaps). */
export function readTcmallocStats(heap: TcmallocHeap): TcmallocStats {
  const { sizeMap, central, pageHeap, threads } = heap;
  let centralBytes = 0;
  let transferBytes = 0;
  for (let cl = 0; cl < sizeMap.numSizeClasses; cl++) {
    const size = sizeMap.classToSize[cl]!;
    centralBytes += size * central.lists[cl]!.counter + computeOverheadBytes(central, cl);
    transferBytes += size * countTransferCacheObjects(central, cl);
  }
  let threadBytes = 0;
  for (const h of threads.heaps) threadBytes += h.size;
  const st = pageHeap.stats;
  return {
    currentAllocatedBytes: st.systemBytes - threadBytes - centralBytes - transferBytes - st.freeBytes - st.unmappedBytes,
    heapSizeBytes: st.systemBytes,
    pageheapFreeBytes: st.freeBytes,
    pageheapUnmappedBytes: st.unmappedBytes,
    threadCacheFreeBytes: threadBytes,
    centralCacheFreeBytes: centralBytes,
    transferCacheFreeBytes: transferBytes,
  };
}
