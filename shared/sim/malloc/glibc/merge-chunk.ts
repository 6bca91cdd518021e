// The merge of a free chunk with its free neighbours, into the unsorted bin or into top: one function for
// _int_free and malloc_consolidate. glibc 2.36 writes this block twice (malloc/malloc.c _int_free's
// "consolidate backward/forward" and malloc_consolidate's loop body), identical in effect; later glibc names
// it _int_free_merge_chunk / _int_free_create_chunk.

import { ChunkHome, type GlibcHeap, absorbNextChunk, emitEvent, placeAtUnsortedHead, unlinkChunk } from './state.js';
import { MallocEvent } from '../events.js';

/**
 * Merges free chunk p (in no bin) backward with a free predecessor and forward with a free successor, or
 * into top when top follows it, and files the result at the head of the unsorted bin (or makes it top).
 * Emits one `coalesced` event per merge (a = 0 backward, 1 forward, 2 into top).
 * @returns the slot of the merged chunk; its size is st.sizeBytes[slot], and it is st.top when it went there.
 */
export function mergeFreeChunk(st: GlibcHeap, p: number): number {
  const { sizeBytes: size, prevInuse, nextChunk } = st;
  let sz = size[p]!;
  const nextchunk = nextChunk[p]!;
  const nextsize = size[nextchunk]!;

  if (prevInuse[p] === 0) {
    const prev = st.prevChunk[p]!;
    sz += size[prev]!;
    unlinkChunk(st, prev);
    absorbNextChunk(st, prev);
    p = prev;
    emitEvent(st, MallocEvent.coalesced, 0, st.offsetBytes[p]!, sz);
  }

  if (nextchunk !== st.top) {
    if (prevInuse[nextChunk[nextchunk]!] === 0) {
      unlinkChunk(st, nextchunk);
      absorbNextChunk(st, p);
      sz += nextsize;
      emitEvent(st, MallocEvent.coalesced, 1, st.offsetBytes[p]!, sz);
    } else {
      prevInuse[nextchunk] = 0;
    }
    placeAtUnsortedHead(st, p, sz);
  } else {
    sz += nextsize;
    absorbNextChunk(st, p);
    size[p] = sz;
    prevInuse[p] = 1;
    st.top = p;
    st.home[p] = ChunkHome.top;
    emitEvent(st, MallocEvent.coalesced, 2, st.offsetBytes[p]!, sz);
  }
  return p;
}
