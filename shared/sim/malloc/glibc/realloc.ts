// realloc of glibc 2.36: __libc_realloc (NULL and zero-size cases, mremap for mmapped chunks) and
// _int_realloc (shrink in place, grow into top or the next free chunk, or malloc-copy-free).
// Source of truth: glibc 2.36 malloc/malloc.c __libc_realloc, _int_realloc, mremap_chunk.

import { CHUNK_HDR_SZ, MALLOC_ALIGN_MASK, MINSIZE, checkRequest2size } from './chunk.js';
import { ChunkHome, type GlibcHeap, emitEvent, memToNode, nodeToMem, nodeToOffset, unlinkChunk } from './state.js';
import { intMalloc, libcMalloc } from './malloc.js';
import { HeapMisuseError, checkLiveChunk, intFree, isMmappedMem, libcFree } from './free.js';
import { mremapChunk } from './sysmalloc.js';
import { MallocEvent, ReallocPath } from '../events.js';

/**
 * _int_realloc of live heap chunk oldp (oldsize bytes) to nb chunk bytes.
 * @returns the user pointer, 0 when the allocation fails.
 */
export function intRealloc(st: GlibcHeap, oldp: number, oldsize: number, nb: number): number {
  // No destructuring of st's arrays: intMalloc may grow (replace) them.
  const next = oldp + oldsize / 16;
  const nextsize = st.size[next]!;
  let newp: number;
  let newsize: number;
  let path: number = ReallocPath.inPlace;

  if (oldsize >= nb) {
    newp = oldp;
    newsize = oldsize;
  } else if (next === st.top && oldsize + nextsize >= nb + MINSIZE) {
    newsize = oldsize + nextsize;
    st.size[oldp] = nb;
    const top = oldp + nb / 16;
    st.home[next] = ChunkHome.none;
    st.top = top;
    st.size[top] = newsize - nb;
    st.prevInuse[top] = 1;
    st.home[top] = ChunkHome.top;
    emitEvent(st, MallocEvent.realloc, ReallocPath.growIntoTop, oldsize, nb);
    return nodeToMem(oldp);
  } else if (next !== st.top && st.prevInuse[next + nextsize / 16] === 0 && oldsize + nextsize >= nb) {
    newp = oldp;
    newsize = oldsize + nextsize;
    unlinkChunk(st, next);
    st.home[next] = ChunkHome.none;
    path = ReallocPath.growIntoNext;
  } else {
    const newmem = intMalloc(st, nb - MALLOC_ALIGN_MASK);
    if (newmem === 0) return 0;
    if (!isMmappedMem(newmem) && memToNode(newmem) === next) {
      // The new chunk was carved right after the old one (from top): just extend.
      newsize = st.size[next]! + oldsize;
      st.home[next] = ChunkHome.none;
      newp = oldp;
    } else {
      emitEvent(st, MallocEvent.realloc, ReallocPath.move, oldsize, isMmappedMem(newmem) ? st.mmapped.get(newmem - CHUNK_HDR_SZ)! : st.size[memToNode(newmem)]!);
      intFree(st, oldp);
      return newmem;
    }
  }

  const remainderSize = newsize - nb;
  if (remainderSize < MINSIZE) {
    st.size[newp] = newsize;
    st.prevInuse[newp + newsize / 16] = 1;
  } else {
    const remainder = newp + nb / 16;
    st.size[newp] = nb;
    st.size[remainder] = remainderSize;
    st.prevInuse[remainder] = 1;
    st.prevInuse[remainder + remainderSize / 16] = 1;
    st.home[remainder] = ChunkHome.inUse;
    emitEvent(st, MallocEvent.split, nodeToOffset(newp), nodeToOffset(remainder), remainderSize);
    intFree(st, remainder);
  }
  st.home[newp] = ChunkHome.inUse;
  emitEvent(st, MallocEvent.realloc, path, oldsize, st.size[newp]!);
  return nodeToMem(newp);
}

/**
 * __libc_realloc: realloc(p, 0) frees and returns NULL; realloc(NULL, n) is malloc(n); an
 * mmapped chunk is resized with mremap (it stays mmapped); a heap chunk goes to _int_realloc.
 * @throws HeapMisuseError for a pointer that is not a live allocation.
 */
export function libcRealloc(st: GlibcHeap, mem: number, bytes: number): number {
  if (bytes === 0 && mem !== 0) {
    emitEvent(st, MallocEvent.realloc, ReallocPath.free, 0, 0);
    libcFree(st, mem);
    return 0;
  }
  if (mem === 0) {
    emitEvent(st, MallocEvent.realloc, ReallocPath.malloc, 0, 0);
    return libcMalloc(st, bytes);
  }
  const nb = checkRequest2size(bytes);
  if (nb === 0) return 0;
  if (isMmappedMem(mem)) {
    const address = mem - CHUNK_HDR_SZ;
    const oldsize = st.mmapped.get(address);
    if (oldsize === undefined) throw new HeapMisuseError(`realloc(): invalid pointer ${mem}`);
    const moved = mremapChunk(st, address, nb);
    emitEvent(st, MallocEvent.realloc, ReallocPath.mremap, oldsize, st.mmapped.get(moved)!);
    return moved + CHUNK_HDR_SZ;
  }
  const oldp = checkLiveChunk(st, mem, 'realloc');
  return intRealloc(st, oldp, st.size[oldp]!, nb);
}
