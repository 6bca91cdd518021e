// malloc_consolidate: empties every fastbin, merging each chunk with its free neighbours into the
// unsorted bin (or into top). Source of truth: glibc 2.36 malloc/malloc.c malloc_consolidate.

import { NFASTBINS } from './chunk.js';
import { type GlibcHeap, NULL_SLOT, emitEvent } from './state.js';
import { mergeFreeChunk } from './merge-chunk.js';
import { MallocEvent } from '../events.js';

/**
 * Tears down the fastbins in bin order (0 … NFASTBINS-1), each bin from its head (the most
 * recently freed chunk), exactly as glibc walks them, since the walk order decides the order of
 * the unsorted bin. Each merge is reported as _int_free reports it (`coalesced`), then the count.
 */
export function mallocConsolidate(st: GlibcHeap): void {
  st.haveFastchunks = false;
  let count = 0;
  for (let i = 0; i < NFASTBINS; i++) {
    let p = st.fastbins[i]!;
    st.fastbins[i] = NULL_SLOT;
    while (p !== NULL_SLOT) {
      count++;
      const nextp = st.fd[p]!;
      mergeFreeChunk(st, p);
      p = nextp;
    }
  }
  emitEvent(st, MallocEvent.consolidate, count, 0, 0);
}
