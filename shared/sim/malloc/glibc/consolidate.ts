// malloc_consolidate: empties every fastbin, merging each chunk with its free neighbours into the
// unsorted bin (or into top). Source of truth: glibc 2.36 malloc/malloc.c malloc_consolidate.

import { NFASTBINS, UNSORTED_BIN, isInSmallbinRange } from './chunk.js';
import { ChunkHome, type GlibcHeap, NULL_NODE, emitEvent, unlinkChunk } from './state.js';
import { MallocEvent } from '../events.js';

/**
 * Tears down the fastbins in bin order (0 … NFASTBINS-1), each bin from its head (the most
 * recently freed chunk), exactly as glibc walks them, since the walk order decides the order of
 * the unsorted bin.
 */
export function mallocConsolidate(st: GlibcHeap): void {
  st.haveFastchunks = false;
  const { size, prevInuse, prevSize, fd, bk, home } = st;
  let count = 0;
  for (let i = 0; i < NFASTBINS; i++) {
    let p = st.fastbins[i]!;
    st.fastbins[i] = NULL_NODE;
    while (p !== NULL_NODE) {
      count++;
      const nextp = fd[p]!;
      let sz = size[p]!;
      const nextchunk = p + sz / 16;
      const nextsize = size[nextchunk]!;

      if (prevInuse[p] === 0) {
        const prevsize = prevSize[p]!;
        sz += prevsize;
        home[p] = ChunkHome.none;
        p -= prevsize / 16;
        unlinkChunk(st, p);
      }

      if (nextchunk !== st.top) {
        if (prevInuse[nextchunk + nextsize / 16] === 0) {
          sz += nextsize;
          unlinkChunk(st, nextchunk);
          home[nextchunk] = ChunkHome.none;
        } else {
          prevInuse[nextchunk] = 0;
        }
        const firstUnsorted = fd[UNSORTED_BIN]!;
        fd[UNSORTED_BIN] = p;
        bk[firstUnsorted] = p;
        if (!isInSmallbinRange(sz)) {
          st.fdNextsize[p] = NULL_NODE;
          st.bkNextsize[p] = NULL_NODE;
        }
        size[p] = sz;
        prevInuse[p] = 1;
        bk[p] = UNSORTED_BIN;
        fd[p] = firstUnsorted;
        prevSize[p + sz / 16] = sz;
        home[p] = ChunkHome.unsorted;
      } else {
        sz += nextsize;
        size[p] = sz;
        prevInuse[p] = 1;
        home[nextchunk] = ChunkHome.none;
        st.top = p;
        home[p] = ChunkHome.top;
      }
      p = nextp;
    }
  }
  emitEvent(st, MallocEvent.consolidate, count, 0, 0);
}
