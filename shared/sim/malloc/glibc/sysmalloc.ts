// The allocator's calls into the OS: sysmalloc (mmap a chunk or grow the heap), systrim, munmap_chunk,
// mremap_chunk. Source of truth: glibc 2.36 malloc/malloc.c sysmalloc, sysmalloc_mmap,
// sysmalloc_mmap_fallback, systrim, munmap_chunk, mremap_chunk (main arena, a contiguous brk that
// fails only when the kernel refuses the charge, 4 KiB pages: GLRO(dl_pagesize) is units.ts PAGE_SIZE, no THP).

import { CHUNK_HDR_SZ, MINSIZE, SIZE_SZ, alignDown, alignUp } from './chunk.js';
import { ChunkHome, type GlibcHeap, NULL_SLOT, allocateSlot, emitEvent, readTopSize, splitTop } from './state.js';
import { MallocEvent, MallocSource, RefusedCall } from '../events.js';
import { MAP_FAILED, mapAnonymous, moveBreak, remapRegion, unmapRegion } from '../os.js';
import { PAGE_SIZE } from '../../../units.js';
import { HEAP_REFUSED, sysmallocArena } from './arena-heap.js';

/** What intMalloc/sysmalloc return for an mmapped chunk (its address is in st.lastMmappedAddress). */
export const MMAPPED_RESULT = -2;

/** MMAP_AS_MORECORE_SIZE: the smallest mapping sysmalloc asks for when brk fails. */
const MMAP_AS_MORECORE_SIZE = 1024 * 1024;

/** sysmalloc keeps its brk increment in a `long`: from 2^63 on it is negative and brk is not called. */
const LONG_LIMIT = 2 ** 63;

/**
 * sysmalloc: top cannot serve nb (chunk bytes). Chunks of at least mmap_threshold are mmapped
 * (while fewer than mmap_max exist); otherwise, or when that mmap is refused, brk grows by nb +
 * top_pad + MINSIZE minus what top already has, rounded up to a page, and nb is split off the
 * bottom of the enlarged top. A refused brk is retried as an mmap of the same size plus old top
 * (at least 1 MiB); when that is refused too, malloc returns NULL (ENOMEM) and nothing changed but
 * what _int_malloc did before (consolidation, the unsorted scan). A thread arena grows top's heap or
 * makes a new one instead of brk (arena-heap.ts), and mmaps the chunk when neither can hold it.
 * @returns the chunk's slot, MMAPPED_RESULT (address in st.lastMmappedAddress) or NULL_SLOT.
 */
export function sysmalloc(st: GlibcHeap, nb: number): number {
  const mp = st.params;
  const triesMmap = nb >= mp.mmapThresholdBytes && st.nMmaps < mp.mmapMax;
  if (triesMmap && mapChunk(st, nb)) return MMAPPED_RESULT;

  if (st.threads !== null && st.threads.active !== 0) {
    const p = sysmallocArena(st, nb);
    if (p !== HEAP_REFUSED) return p;
    // Neither top's heap nor a new one holds nb: mmap it if that was not tried above (mmap_max does not apply).
    return !triesMmap && mapChunk(st, nb) ? MMAPPED_RESULT : NULL_SLOT;
  }
  const oldTop = st.top;
  const oldSize = readTopSize(st);
  let size = nb + mp.topPadBytes + MINSIZE;
  size -= oldSize; // contiguous: the new space extends old top
  size = alignUp(size, PAGE_SIZE);
  const brk = size > 0 && size < LONG_LIMIT ? moveBreak(st.os, size) : MAP_FAILED;
  if (brk === MAP_FAILED) {
    if (size > 0 && size < LONG_LIMIT) emitEvent(st, MallocEvent.refused, RefusedCall.brk, 0, size);
    // sysmalloc_mmap_fallback. 2.36 passes it pagesize and MMAP_AS_MORECORE_SIZE swapped, so the
    // size is rounded up to 1 MiB (strace: 1 TiB asked of brk, then 1 TiB + 1 MiB of mmap). With
    // one limit for brk and mmap, a mapping at least as large as the refused brk is refused too.
    const fallback = Math.max(alignUp(size + oldSize, MMAP_AS_MORECORE_SIZE), PAGE_SIZE);
    if (fallback > nb) {
      if (mapAnonymous(st.os, fallback) !== MAP_FAILED) throw new RangeError('sysmalloc: a non-contiguous heap (mmap as MORECORE) is not modelled');
      emitEvent(st, MallocEvent.refused, RefusedCall.mmap, 0, fallback);
    }
    return NULL_SLOT;
  }
  emitEvent(st, MallocEvent.brkGrow, brk, st.os.brkBytes, 0);
  st.systemMem += size;
  if (oldTop !== NULL_SLOT && brk === st.offsetBytes[oldTop]! + oldSize) {
    st.sizeBytes[oldTop] = size + oldSize;
  } else if (oldTop === NULL_SLOT) {
    // First time through: the break of a fresh process is page-aligned, so neither front nor
    // end correction is needed and top starts at the heap start.
    const top = allocateSlot(st);
    st.offsetBytes[top] = brk;
    st.nextChunk[top] = NULL_SLOT;
    st.prevChunk[top] = NULL_SLOT;
    st.firstChunk = top;
    st.top = top;
    st.sizeBytes[top] = size;
    st.prevInuse[top] = 1;
    st.home[top] = ChunkHome.top;
  } else {
    throw new RangeError('sysmalloc: non-contiguous brk is not modelled');
  }
  if (st.systemMem > st.maxSystemMem) st.maxSystemMem = st.systemMem;

  const p = st.top;
  const topSize = st.sizeBytes[p]!;
  if (topSize >= nb + MINSIZE) {
    splitTop(st, nb, topSize);
    emitEvent(st, MallocEvent.served, MallocSource.top, st.offsetBytes[p]!, nb);
    return p;
  }
  return NULL_SLOT;
}

/**
 * sysmalloc_mmap: maps nb chunk bytes (+ 8, rounded up to a page) as an mmapped chunk.
 * @returns whether it did (address in st.lastMmappedAddress); a refusal is an event.
 */
function mapChunk(st: GlibcHeap, nb: number): boolean {
  const size = alignUp(nb + SIZE_SZ, PAGE_SIZE);
  const address = size > nb ? mapAnonymous(st.os, size) : MAP_FAILED;
  if (address === MAP_FAILED) {
    emitEvent(st, MallocEvent.refused, RefusedCall.mmap, 0, size);
    return false;
  }
  st.mmapped.set(address, size);
  st.nMmaps++;
  if (st.nMmaps > st.maxNMmaps) st.maxNMmaps = st.nMmaps;
  st.mmappedMem += size;
  emitEvent(st, MallocEvent.mmap, 0, address, size);
  emitEvent(st, MallocEvent.served, MallocSource.mmap, address, size);
  st.lastMmappedAddress = address;
  return true;
}

/**
 * systrim: gives whole pages at the top of the heap back with a negative sbrk, keeping
 * pad (top_pad) + MINSIZE bytes in top. @returns true when the break moved.
 */
export function systrim(st: GlibcHeap, padBytes: number): boolean {
  const topSize = st.sizeBytes[st.top]!;
  const topArea = topSize - MINSIZE - 1;
  // pad is a size_t: a "negative" top_pad is huge and forbids trimming.
  if (padBytes < 0 || topArea <= padBytes) return false;
  const extra = alignDown(topArea - padBytes, PAGE_SIZE);
  if (extra === 0) return false;
  const oldBrk = moveBreak(st.os, -extra);
  st.systemMem -= extra;
  st.sizeBytes[st.top] = topSize - extra;
  emitEvent(st, MallocEvent.brkTrim, oldBrk, st.os.brkBytes, 0);
  return true;
}

/** munmap_chunk: unmaps an mmapped chunk (address = chunk start; the mapping starts prev_size before it). */
export function munmapChunk(st: GlibcHeap, address: number): void {
  const size = st.mmapped.get(address);
  if (size === undefined) throw new RangeError(`munmap_chunk(): invalid pointer ${address + CHUNK_HDR_SZ}`);
  const lead = st.mmappedLead.size === 0 ? 0 : st.mmappedLead.get(address) ?? 0;
  if (lead !== 0) st.mmappedLead.delete(address);
  st.mmapped.delete(address);
  st.nMmaps--;
  st.mmappedMem -= lead + size;
  unmapRegion(st.os, address - lead, lead + size);
  emitEvent(st, MallocEvent.munmap, 0, address - lead, lead + size);
}

/**
 * mremap_chunk: resizes an mmapped chunk to hold nb chunk bytes (mapping = prev_size + nb + 8 rounded up to
 * a page); a chunk whose page count does not change stays as it is.
 * @returns the chunk address, or MAP_FAILED (the chunk unchanged) when the kernel refuses the growth.
 */
export function mremapChunk(st: GlibcHeap, address: number, nb: number): number {
  const size = st.mmapped.get(address);
  if (size === undefined) throw new RangeError(`mremap_chunk(): invalid pointer ${address + CHUNK_HDR_SZ}`);
  const lead = st.mmappedLead.size === 0 ? 0 : st.mmappedLead.get(address) ?? 0;
  const total = lead + size;
  const newTotal = alignUp(nb + lead + SIZE_SZ, PAGE_SIZE);
  if (newTotal === total) return address;
  const moved = remapRegion(st.os, address - lead, total, newTotal);
  if (moved === MAP_FAILED) {
    emitEvent(st, MallocEvent.refused, RefusedCall.mremap, 0, newTotal);
    return MAP_FAILED;
  }
  st.mmapped.delete(address);
  st.mmapped.set(moved + lead, newTotal - lead);
  if (lead !== 0) {
    st.mmappedLead.delete(address);
    st.mmappedLead.set(moved + lead, lead);
  }
  st.mmappedMem += newTotal - total;
  emitEvent(st, MallocEvent.mremap, total, moved, newTotal);
  return moved + lead;
}
