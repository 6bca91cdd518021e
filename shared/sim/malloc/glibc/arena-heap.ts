// The heaps of non-main arenas: new_heap, grow_heap, shrink_heap, heap_trim, and sysmalloc's non-main branch.
// Source of truth: glibc 2.36 malloc/arena.c (alloc_new_heap, grow_heap, shrink_heap, heap_trim) and
// malloc/malloc.c sysmalloc. Heaps are reserved HEAP_MAX_SIZE at a time, 64 MiB aligned; only their first
// `size` bytes are read-write (mprotect). Modelled: an arena's first heap growing and shrinking within its
// 64 MiB; a second heap (new_heap from sysmalloc, with its fenceposts) is refused with one clear line.

import { MINSIZE, alignDown, alignUp } from './chunk.js';
import { ChunkHome, type GlibcHeap, NULL_SLOT, allocateSlot, emitEvent, splitChunkAt } from './state.js';
import { ARENA_HEAP_REGION_START, type ArenaHeap, HEAP_INFO_SIZE, HEAP_MAX_SIZE, HEAP_MIN_SIZE, type GlibcThreads } from './arena-state.js';
import { MallocEvent, MallocSource } from '../events.js';
import { PAGE_SIZE } from '../../../units.js';

/**
 * new_heap(size, top_pad): a heap of size + top_pad bytes (at least HEAP_MIN_SIZE, at most HEAP_MAX_SIZE,
 * rounded up to a page) owned by `arena`. @returns its model heap number, or −1 when size > HEAP_MAX_SIZE.
 */
export function createArenaHeap(th: GlibcThreads, arena: number, sizeBytes: number, topPadBytes: number): number {
  let size = sizeBytes;
  if (size + topPadBytes < HEAP_MIN_SIZE) size = HEAP_MIN_SIZE;
  else if (size + topPadBytes <= HEAP_MAX_SIZE) size += topPadBytes;
  else if (size > HEAP_MAX_SIZE) return -1;
  else size = HEAP_MAX_SIZE;
  size = alignUp(size, PAGE_SIZE);
  const k = th.heaps.length;
  th.heaps.push({ arena, startAddress: ARENA_HEAP_REGION_START + k * HEAP_MAX_SIZE, sizeBytes: size, mprotectBytes: size });
  return k;
}

/** grow_heap: extends the heap by diff rounded up to a page (mprotect beyond mprotect_size). @returns false past HEAP_MAX_SIZE. */
function growArenaHeap(h: ArenaHeap, diffBytes: number): boolean {
  const newSize = h.sizeBytes + alignUp(diffBytes, PAGE_SIZE);
  if (newSize > HEAP_MAX_SIZE) return false;
  if (newSize > h.mprotectBytes) h.mprotectBytes = newSize;
  h.sizeBytes = newSize;
  return true;
}

/** The model heap holding a non-main chunk (heap_for_ptr). */
export function findHeapOf(offsetBytes: number): number {
  return Math.floor((offsetBytes - ARENA_HEAP_REGION_START) / HEAP_MAX_SIZE);
}

/**
 * sysmalloc's non-main branch for the active arena (after the mmap attempt): grow top's heap by
 * MINSIZE + nb − old top size, then split nb off top. @returns the chunk's slot, or NULL_SLOT.
 */
export function sysmallocArena(st: GlibcHeap, nb: number): number {
  const th = st.threads!;
  const top = st.top;
  const oldSize = st.sizeBytes[top]!;
  const h = th.heaps[findHeapOf(st.offsetBytes[top]!)]!;
  const oldHeapSize = h.sizeBytes;
  if (MINSIZE + nb - oldSize > 0 && growArenaHeap(h, MINSIZE + nb - oldSize)) {
    st.systemMem += h.sizeBytes - oldHeapSize;
    st.sizeBytes[top] = h.startAddress + h.sizeBytes - st.offsetBytes[top]!;
  } else {
    throw new RangeError('glibc model: a second heap for a thread arena (new_heap from sysmalloc) is not modelled');
  }
  if (st.systemMem > st.maxSystemMem) st.maxSystemMem = st.systemMem;
  const topSize = st.sizeBytes[top]!;
  if (topSize < nb + MINSIZE) return NULL_SLOT;
  const remainder = splitChunkAt(st, top, nb);
  st.top = remainder;
  st.sizeBytes[top] = nb;
  st.prevInuse[top] = 1;
  st.home[top] = ChunkHome.inUse;
  st.sizeBytes[remainder] = topSize - nb;
  st.prevInuse[remainder] = 1;
  st.home[remainder] = ChunkHome.top;
  emitEvent(st, MallocEvent.served, MallocSource.top, st.offsetBytes[top]!, nb);
  return top;
}

/**
 * heap_trim of the active (non-main) arena's top heap, as _int_free calls it after a large merge: gives back
 * whole pages above top_pad + MINSIZE once top reaches trim_threshold (shrink_heap: madvise or PROT_NONE).
 */
export function trimArenaHeap(st: GlibcHeap, padBytes: number): void {
  const th = st.threads!;
  const top = st.top;
  const h = th.heaps[findHeapOf(st.offsetBytes[top]!)]!;
  if (st.offsetBytes[top] === h.startAddress + HEAP_INFO_SIZE) {
    throw new RangeError('glibc model: deleting a thread arena heap (heap_trim) is not modelled');
  }
  const topSize = st.sizeBytes[top]!;
  if (topSize < st.params.trimThresholdBytes) return;
  const topArea = topSize - MINSIZE - 1;
  if (topArea < 0 || padBytes < 0 || topArea <= padBytes) return;
  const extra = alignDown(topArea - padBytes, PAGE_SIZE);
  if (extra === 0 || h.sizeBytes - extra < HEAP_INFO_SIZE) return;
  h.sizeBytes -= extra;
  st.systemMem -= extra;
  st.sizeBytes[top] = topSize - extra;
}

/** Creates the top chunk of a fresh arena's first heap (a slot of its own; the caller reserved slots). */
export function createArenaTop(st: GlibcHeap, offsetBytes: number, sizeBytes: number): number {
  const p = allocateSlot(st);
  st.offsetBytes[p] = offsetBytes;
  st.sizeBytes[p] = sizeBytes;
  st.prevInuse[p] = 1;
  st.home[p] = ChunkHome.top;
  st.nextChunk[p] = NULL_SLOT;
  st.prevChunk[p] = NULL_SLOT;
  return p;
}
