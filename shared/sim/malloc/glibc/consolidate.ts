// malloc_consolidate: empties every fastbin, merging each chunk with its free neighbours into the
// unsorted bin (or into top). Source of truth: glibc 2.36 malloc/malloc.c malloc_consolidate.

import { NFASTBINS } from './chunk.js';
import { ChunkHome, type GlibcHeap, NULL_SLOT, absorbNextChunk, emitEvent, placeAtUnsortedHead, unlinkChunk } from './state.js';
import { MallocEvent } from '../events.js';

/**
 * Tears down the fastbins in bin order (0 … NFASTBINS-1), each bin from its head (the most
 * recently freed chunk), exactly as glibc walks them, since the walk order decides the order of
 * the unsorted bin.
 */
export function mallocConsolidate(st: GlibcHeap): void {
  st.haveFastchunks = false;
  const { sizeBytes: size, prevInuse, fd, home, nextChunk } = st;
  let count = 0;
  for (let i = 0; i < NFASTBINS; i++) {
    let p = st.fastbins[i]!;
    st.fastbins[i] = NULL_SLOT;
    while (p !== NULL_SLOT) {
      count++;
      const nextp = fd[p]!;
      let sz = size[p]!;
      const nextchunk = nextChunk[p]!;
      const nextsize = size[nextchunk]!;

      if (prevInuse[p] === 0) {
        const prev = st.prevChunk[p]!;
        sz += size[prev]!;
        unlinkChunk(st, prev);
        absorbNextChunk(st, prev);
        p = prev;
      }

      if (nextchunk !== st.top) {
        if (prevInuse[nextChunk[nextchunk]!] === 0) {
          sz += nextsize;
          unlinkChunk(st, nextchunk);
          absorbNextChunk(st, p);
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
        home[p] = ChunkHome.top;
      }
      p = nextp;
    }
  }
  emitEvent(st, MallocEvent.consolidate, count, 0, 0);
}
