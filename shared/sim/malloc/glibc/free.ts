// free of glibc 2.36: __libc_free (munmap with the dynamic threshold update) and _int_free
// (tcache, fastbin, or coalesce into the unsorted bin or top, then consolidate and trim).
// Source of truth: glibc 2.36 malloc/malloc.c __libc_free, _int_free.

import {
  CHUNK_HDR_SZ,
  DEFAULT_MMAP_THRESHOLD_MAX,
  FASTBIN_CONSOLIDATION_THRESHOLD,
  IS_MMAPPED,
  computeFastbinIndex,
  computeTcacheIndex,
} from './chunk.js';
import {
  ChunkHome,
  type GlibcHeap,
  NULL_SLOT,
  clearLiveSlot,
  emitEvent,
  reserveSlots,
  tcachePut,
} from './state.js';
import { mallocConsolidate } from './consolidate.js';
import { mergeFreeChunk } from './merge-chunk.js';
import { diagnoseHeapFree, diagnoseUnmappedChunk } from './misuse.js';
import { munmapChunk, systrim } from './sysmalloc.js';
import { trimArenaHeap } from './arena-heap.js';
import { initTcache } from './malloc.js';
import { MallocEvent, MallocSource } from '../events.js';
import { MMAP_REGION_START } from '../os.js';

/**
 * _int_free of heap chunk p: into its tcache bin while that has room, else onto a fastbin
 * (chunks ≤ global_max_fast), else merged with free neighbours into the unsorted bin or top; a
 * merged size ≥ FASTBIN_CONSOLIDATION_THRESHOLD consolidates the fastbins and may trim top.
 */
export function intFree(st: GlibcHeap, p: number): void {
  const mp = st.params;
  const sz = st.sizeBytes[p]!;

  const tcIdx = computeTcacheIndex(sz);
  if (st.tcacheReady && tcIdx < mp.tcacheBins && st.tcacheCounts[tcIdx]! < mp.tcacheCount) {
    tcachePut(st, p, tcIdx);
    emitEvent(st, MallocEvent.freed, MallocSource.tcache, st.offsetBytes[p]!, sz);
    return;
  }

  if (sz <= mp.maxFastBytes) {
    st.haveFastchunks = true;
    const idx = computeFastbinIndex(sz);
    st.fd[p] = st.fastbins[idx]!;
    st.fastbins[idx] = p;
    st.home[p] = ChunkHome.fastbin;
    emitEvent(st, MallocEvent.freed, MallocSource.fastbin, st.offsetBytes[p]!, sz);
    return;
  }

  const merged = mergeFreeChunk(st, p);
  const mergedSize = st.sizeBytes[merged]!;
  emitEvent(st, MallocEvent.freed, merged === st.top ? MallocSource.top : MallocSource.unsorted, st.offsetBytes[merged]!, mergedSize);

  if (mergedSize >= FASTBIN_CONSOLIDATION_THRESHOLD) {
    if (st.haveFastchunks) mallocConsolidate(st);
    if (st.threads !== null && st.threads.active !== 0) trimArenaHeap(st, mp.topPadBytes);
    else if (st.sizeBytes[st.top]! >= mp.trimThresholdBytes) systrim(st, mp.topPadBytes);
  }
}

/** True for a user pointer into an mmapped chunk (simulated mapping addresses). */
export function isMmappedMem(mem: number): boolean {
  return mem >= MMAP_REGION_START;
}

/**
 * __libc_free: free(NULL) does nothing; an mmapped chunk is unmapped, first raising the
 * dynamic mmap threshold to its size (and trim_threshold to twice that) when it is above the
 * threshold and at most DEFAULT_MMAP_THRESHOLD_MAX; a heap chunk goes to _int_free.
 * @throws HeapMisuseError for a pointer that is not a live allocation (what glibc makes of it).
 */
export function libcFree(st: GlibcHeap, mem: number): void {
  if (mem === 0) return;
  if (isMmappedMem(mem)) {
    const address = mem - CHUNK_HDR_SZ;
    const size = st.mmapped.get(address);
    if (size === undefined) throw diagnoseUnmappedChunk('free');
    const mp = st.params;
    // chunksize_nomask includes the IS_MMAPPED bit.
    if (!mp.noDynThreshold && size + IS_MMAPPED > mp.mmapThresholdBytes && size + IS_MMAPPED <= DEFAULT_MMAP_THRESHOLD_MAX) {
      mp.mmapThresholdBytes = size;
      mp.trimThresholdBytes = 2 * size;
      emitEvent(st, MallocEvent.thresholdRaised, mp.mmapThresholdBytes, mp.trimThresholdBytes, 0);
    }
    emitEvent(st, MallocEvent.freed, MallocSource.mmap, address, size);
    munmapChunk(st, address);
    return;
  }
  const p = clearLiveSlot(st, mem);
  if (p === NULL_SLOT) throw diagnoseHeapFree(st, mem);
  reserveSlots(st);
  if (!st.tcacheReady) initTcache(st);
  intFree(st, p);
}
