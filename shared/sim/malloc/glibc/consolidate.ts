// malloc_consolidate: empties every fastbin, merging each chunk with its free neighbours into the
// unsorted bin (or into top). Source of truth: glibc 2.36 malloc/malloc.c malloc_consolidate.

import { NFASTBINS, UNSORTED_BIN, isInSmallbinRange } from './chunk.js';
import { ChunkHome, type GlibcHeap, NULL_SLOT, absorbNextChunk, emitEvent, unlinkChunk } from './state.js';
import { MallocEvent } from '../events.js';

/**
 * Tears down the fastbins in bin order (0 … NFASTBINS-1), each bin from its head (the most
 * recently freed chunk), exactly as glibc walks them, since the walk order decides the order of
 * the unsorted bin.
 */
export function mallocConsolidate(st: GlibcHeap): void {
  st.haveFastchunks = false;
  const { sizeBytes: size, prevInuse, fd, bk, home, nextChunk } = st;
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
        const firstUnsorted = fd[UNSORTED_BIN]!;
        fd[UNSORTED_BIN] = p;
        bk[firstUnsorted] = p;
        if (!isInSmallbinRange(sz)) {
          st.fdNextsize[p] = NULL_SLOT;
          st.bkNextsize[p] = NULL_SLOT;
        }
        size[p] = sz;
        prevInuse[p] = 1;
        bk[p] = UNSORTED_BIN;
        fd[p] = firstUnsorted;
        home[p] = ChunkHome.unsorted;
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
