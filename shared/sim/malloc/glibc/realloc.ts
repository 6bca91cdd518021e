// realloc of glibc 2.36: __libc_realloc (NULL and zero-size cases, mremap for mmapped chunks) and
// _int_realloc (shrink in place, grow into top or the next free chunk, or malloc-copy-free).
// Source of truth: glibc 2.36 malloc/malloc.c __libc_realloc, _int_realloc, mremap_chunk.

import { CHUNK_HDR_SZ, MALLOC_ALIGN_MASK, MINSIZE, SIZE_SZ, checkRequest2size } from './chunk.js';
import {
  ChunkHome,
  type GlibcHeap,
  NULL_SLOT,
  absorbNextChunk,
  clearLiveSlot,
  emitEvent,
  readHandedOutSlot,
  reserveSlots,
  setLiveSlot,
  splitChunkAt,
  unlinkChunk,
} from './state.js';
import { initTcache, intMalloc, libcMalloc, publishChunk } from './malloc.js';
import { intFree, isMmappedMem, libcFree } from './free.js';
import { diagnoseHeapRealloc, diagnoseUnmappedChunk } from './misuse.js';
import { MMAPPED_RESULT, mremapChunk, munmapChunk } from './sysmalloc.js';
import { MallocEvent, MallocSource, ReallocPath } from '../events.js';
import { MAP_FAILED } from '../os.js';

/**
 * _int_realloc of live heap chunk oldp (oldsize bytes) to nb chunk bytes. The caller reserved slots.
 * @returns the chunk's slot, MMAPPED_RESULT (address in st.lastMmappedAddress) or NULL_SLOT.
 */
export function intRealloc(st: GlibcHeap, oldp: number, oldsize: number, nb: number): number {
  const { sizeBytes: size, prevInuse, home, nextChunk } = st;
  const next = nextChunk[oldp]!;
  const nextsize = size[next]!;
  let newp: number;
  let newsize: number;
  let path: number = ReallocPath.inPlace;

  if (oldsize >= nb) {
    newp = oldp;
    newsize = oldsize;
  } else if (next === st.top && oldsize + nextsize >= nb + MINSIZE) {
    // Grow into top: oldp takes nb bytes and top starts right after.
    newsize = oldsize + nextsize;
    absorbNextChunk(st, oldp);
    const top = splitChunkAt(st, oldp, nb);
    size[oldp] = nb;
    st.top = top;
    size[top] = newsize - nb;
    prevInuse[top] = 1;
    home[top] = ChunkHome.top;
    emitEvent(st, MallocEvent.realloc, ReallocPath.growIntoTop, oldsize, nb);
    return oldp;
  } else if (next !== st.top && prevInuse[nextChunk[next]!] === 0 && oldsize + nextsize >= nb) {
    newp = oldp;
    newsize = oldsize + nextsize;
    unlinkChunk(st, next);
    absorbNextChunk(st, oldp);
    path = ReallocPath.growIntoNext;
  } else {
    const q = intMalloc(st, nb - MALLOC_ALIGN_MASK);
    if (q === NULL_SLOT) return NULL_SLOT;
    // glibc compares addresses (newp == next); slots may have been recycled inside intMalloc.
    if (q >= 0 && st.offsetBytes[q] === st.offsetBytes[oldp]! + oldsize) {
      // The new chunk was carved right after the old one (from top): extend instead of copying.
      newsize = size[q]! + oldsize;
      absorbNextChunk(st, oldp);
      newp = oldp;
      path = ReallocPath.growIntoTop;
    } else {
      const newSize = q === MMAPPED_RESULT ? st.mmapped.get(st.lastMmappedAddress)! : size[q]!;
      emitEvent(st, MallocEvent.realloc, ReallocPath.move, oldsize, newSize);
      intFree(st, oldp);
      return q;
    }
  }

  const remainderSize = newsize - nb;
  if (remainderSize < MINSIZE) {
    size[newp] = newsize;
    prevInuse[nextChunk[newp]!] = 1;
  } else {
    const remainder = splitChunkAt(st, newp, nb);
    size[newp] = nb;
    size[remainder] = remainderSize;
    prevInuse[remainder] = 1;
    prevInuse[nextChunk[remainder]!] = 1;
    home[remainder] = ChunkHome.inUse;
    emitEvent(st, MallocEvent.split, st.offsetBytes[newp]!, st.offsetBytes[remainder]!, remainderSize);
    intFree(st, remainder);
  }
  home[newp] = ChunkHome.inUse;
  emitEvent(st, MallocEvent.realloc, path, oldsize, size[newp]!);
  return newp;
}

/** The realloc event of a block moved by malloc-copy-free: old chunk size, new chunk size (mmapped: its mapping). */
export function emitReallocMove(st: GlibcHeap, oldSizeBytes: number, newmem: number): void {
  const newSizeBytes = isMmappedMem(newmem) ? st.mmapped.get(newmem - CHUNK_HDR_SZ)! : st.sizeBytes[readHandedOutSlot(st, newmem)]!;
  emitEvent(st, MallocEvent.realloc, ReallocPath.move, oldSizeBytes, newSizeBytes);
}

/**
 * __libc_realloc: realloc(p, 0) frees and returns NULL; realloc(NULL, n) is malloc(n); an
 * mmapped chunk is resized with mremap (it stays mmapped) or else malloc'd anew with `malloc` (__libc_malloc:
 * the threaded model's picks the caller's arena); a heap chunk goes to _int_realloc.
 * When the memory cannot be had, it returns NULL and the old block stays allocated.
 * @throws HeapMisuseError for a pointer that is not a live allocation (what glibc makes of it).
 */
export function libcRealloc(st: GlibcHeap, mem: number, bytes: number, malloc: (st: GlibcHeap, bytes: number) => number = libcMalloc): number {
  if (bytes === 0 && mem !== 0) {
    emitEvent(st, MallocEvent.realloc, ReallocPath.free, 0, 0);
    libcFree(st, mem);
    return 0;
  }
  if (mem === 0) {
    emitEvent(st, MallocEvent.realloc, ReallocPath.malloc, 0, 0);
    return malloc(st, bytes);
  }
  const address = mem - CHUNK_HDR_SZ;
  // glibc reads the old chunk's size before it looks at the request.
  if (isMmappedMem(mem) && !st.mmapped.has(address)) throw diagnoseUnmappedChunk('realloc');
  // MAYBE_INIT_TCACHE for a heap chunk, before the request is checked (a memalign-only program has none yet).
  if (!st.tcacheReady && !isMmappedMem(mem)) {
    reserveSlots(st);
    initTcache(st);
  }
  const nb = checkRequest2size(bytes);
  if (nb === 0) return 0;
  if (isMmappedMem(mem)) {
    const oldsize = st.mmapped.get(address)!;
    const moved = mremapChunk(st, address, nb);
    if (moved !== MAP_FAILED) {
      emitEvent(st, MallocEvent.realloc, ReallocPath.mremap, oldsize, st.mmapped.get(moved)!);
      return moved + CHUNK_HDR_SZ;
    }
    // mremap refused: malloc, copy, munmap (no dynamic threshold update on this path).
    if (oldsize - SIZE_SZ >= nb) return mem;
    const newmem = malloc(st, bytes);
    if (newmem === 0) return 0;
    emitReallocMove(st, oldsize, newmem);
    emitEvent(st, MallocEvent.freed, MallocSource.mmap, address, oldsize);
    munmapChunk(st, address);
    return newmem;
  }
  const oldp = clearLiveSlot(st, mem);
  if (oldp === NULL_SLOT) throw diagnoseHeapRealloc(st, mem);
  reserveSlots(st);
  const p = intRealloc(st, oldp, st.sizeBytes[oldp]!, nb);
  if (p === NULL_SLOT) {
    setLiveSlot(st, mem, oldp); // _int_malloc found no memory: the old block is untouched
    return 0;
  }
  return publishChunk(st, p);
}
