// The heaps of non-main arenas: new_heap, grow_heap, shrink_heap, heap_trim, and sysmalloc's non-main branch.
// Source of truth: glibc 2.36 malloc/arena.c (alloc_new_heap, grow_heap, shrink_heap, heap_trim) and
// malloc/malloc.c sysmalloc. Heaps are reserved HEAP_MAX_SIZE at a time, 64 MiB aligned; only their first
// `size` bytes are read-write (mprotect). When top's heap cannot grow, the arena gets a new heap and the old
// top ends in two fenceposts (a 16-byte in-use chunk and a size-0 one, kept here as slots of 16 bytes); a
// heap whose whole space is top again is deleted by heap_trim.

import { MINSIZE, alignDown, alignUp } from './chunk.js';
import { CHUNK_HDR_SZ, MALLOC_ALIGN_MASK } from './chunk.js';
import { ChunkHome, type GlibcHeap, NULL_SLOT, absorbNextChunk, allocateSlot, emitEvent, splitChunkAt, splitTop, unlinkChunk } from './state.js';
import { intFree } from './free.js';
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
  th.heaps.push({ arena, startAddress: ARENA_HEAP_REGION_START + k * HEAP_MAX_SIZE, sizeBytes: size, mprotectBytes: size, fenceSlot: NULL_SLOT });
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

/** What sysmallocArena returns when top's heap cannot grow by nb and new_heap refuses nb too (too large). */
export const HEAP_REFUSED = -3;

/**
 * sysmalloc's non-main branch for the active arena (after the mmap attempt): grow top's heap by
 * MINSIZE + nb − old top size, else move top to a new heap, then split nb off top.
 * @returns the chunk's slot, NULL_SLOT, or HEAP_REFUSED (nothing changed; sysmalloc may still mmap).
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
    const k = createArenaHeap(th, h.arena, nb + MINSIZE + HEAP_INFO_SIZE, st.params.topPadBytes);
    if (k < 0) return HEAP_REFUSED;
    const heap = th.heaps[k]!;
    th.arenas[h.arena]!.heaps.push(k);
    st.systemMem += heap.sizeBytes;
    st.top = createArenaTop(st, heap.startAddress + HEAP_INFO_SIZE, heap.sizeBytes - HEAP_INFO_SIZE);
    // The fenceposts stand before the old top is freed: that free's heap_trim may delete the new heap again
    // (its top is the whole heap), giving the arena back its old top; then this call fails (arena_get_retry follows).
    // glibc shrinks old_size by MINSIZE, to a multiple of 16, for the fenceposts.
    const keptBytes = (oldSize - MINSIZE) & ~MALLOC_ALIGN_MASK;
    h.fenceSlot = fenceOldTop(st, top, keptBytes);
    if (keptBytes >= MINSIZE) intFree(st, top);
  }
  if (st.systemMem > st.maxSystemMem) st.maxSystemMem = st.systemMem;
  const p = st.top;
  const topSize = st.sizeBytes[p]!;
  if (topSize < nb + MINSIZE) return NULL_SLOT;
  splitTop(st, nb, topSize);
  emitEvent(st, MallocEvent.served, MallocSource.top, st.offsetBytes[p]!, nb);
  return p;
}

/**
 * The old top at the end of a heap the arena leaves, shrunk to keptBytes: a 16-byte in-use fencepost and a
 * size-0 one end the heap; an old top of at least MINSIZE is left in use for the caller to free, a smaller one
 * stays an in-use chunk before the last fencepost.
 * @returns the slot of the size-0 fencepost.
 */
function fenceOldTop(st: GlibcHeap, oldTop: number, keptBytes: number): number {
  // The size-0 fencepost first (it ends the chain), then the 16-byte one before it when there is room.
  const last = splitChunkAt(st, oldTop, keptBytes + CHUNK_HDR_SZ);
  st.sizeBytes[last] = CHUNK_HDR_SZ;
  st.prevInuse[last] = 1;
  st.home[last] = ChunkHome.inUse;
  if (keptBytes >= MINSIZE) {
    const first = splitChunkAt(st, oldTop, keptBytes);
    st.sizeBytes[first] = CHUNK_HDR_SZ;
    st.prevInuse[first] = 1;
    st.home[first] = ChunkHome.inUse;
  }
  st.home[oldTop] = ChunkHome.inUse;
  st.sizeBytes[oldTop] = keptBytes >= MINSIZE ? keptBytes : keptBytes + CHUNK_HDR_SZ;
  return last;
}

/**
 * heap_trim of the active (non-main) arena's top heap, as _int_free calls it after a large merge: gives back
 * whole pages above top_pad + MINSIZE once top reaches trim_threshold (shrink_heap: madvise or PROT_NONE).
 */
export function trimArenaHeap(st: GlibcHeap, padBytes: number): void {
  const th = st.threads!;
  let top = st.top;
  let h = th.heaps[findHeapOf(st.offsetBytes[top]!)]!;
  const heaps = th.arenas[h.arena]!.heaps;
  // Can this heap go away completely? Its top starts right after heap_info: the whole heap is free.
  while (st.offsetBytes[top] === h.startAddress + HEAP_INFO_SIZE) {
    const prev = th.heaps[heaps[heaps.length - 2]!]!;
    let p = st.prevChunk[prev.fenceSlot]!; // the first fencepost, or a small old top
    let newSize = st.sizeBytes[p]! + CHUNK_HDR_SZ;
    if (st.prevInuse[p] === 0) newSize += st.sizeBytes[st.prevChunk[p]!]!;
    if (newSize + (HEAP_MAX_SIZE - prev.sizeBytes) < padBytes + MINSIZE + PAGE_SIZE) break;
    st.systemMem -= h.sizeBytes;
    heaps.pop();
    st.home[top] = ChunkHome.none;
    st.freeSlots[st.freeSlotCount++] = top;
    if (st.prevInuse[p] === 0) {
      p = st.prevChunk[p]!;
      unlinkChunk(st, p);
    }
    while (st.nextChunk[p] !== NULL_SLOT) absorbNextChunk(st, p);
    st.sizeBytes[p] = newSize;
    st.prevInuse[p] = 1;
    st.home[p] = ChunkHome.top;
    st.top = top = p;
    prev.fenceSlot = NULL_SLOT;
    h = prev;
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
