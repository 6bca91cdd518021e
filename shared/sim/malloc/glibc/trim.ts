// malloc_trim of glibc 2.36 on one arena of the model: mtrim consolidates the fastbins, gives back (madvise
// MADV_DONTNEED) the whole pages inside every free chunk of the unsorted bin and of the bins of page-sized chunks
// and up, then, in the main arena only, shrinks top with systrim. Source of truth: glibc 2.36 malloc/malloc.c
// mtrim, __malloc_trim, systrim (4 KiB pages, no THP: mp_.thp_pagesize = 0).

import { computeBinIndex, NBINS, UNSORTED_BIN } from './chunk.js';
import { mallocConsolidate } from './consolidate.js';
import { type GlibcHeap, NULL_SLOT } from './state.js';
import { systrim } from './sysmalloc.js';
import { PAGE_SIZE } from '../../../units.js';

/** sizeof(struct malloc_chunk): prev_size, size, fd, bk, fd_nextsize, bk_nextsize. mtrim keeps these bytes of a chunk. */
const MALLOC_CHUNK_STRUCT_SIZE = 48;

/** A range of model offsets [startBytes, endBytes) malloc_trim gave back, page-aligned in the process. */
export interface TrimmedRange {
  startBytes: number;
  endBytes: number;
  /** madvise(MADV_DONTNEED) of a free chunk's pages, or the break moved down (systrim). */
  how: 'madvise' | 'brk';
}

/** Where the model's heap lies in the process: pages are aligned on process addresses. */
export interface TrimPlace {
  /** The process address of model offset 0 (the model assumes 0: its heap starts page-aligned). */
  startAddress: number;
  /** mtrim calls systrim for the main arena only. */
  main: boolean;
}

/**
 * mtrim(av, pad) on the model (it changes it, as the real call changes the heap). @returns the ranges given back,
 * in glibc's order (bins 1 and bin_index(pagesize)…127, each walked from its last chunk, then top); glibc's return
 * value is 1 exactly when there is at least one.
 */
export function libcMallocTrim(st: GlibcHeap, padBytes: number, place: TrimPlace = { startAddress: 0, main: true }): TrimmedRange[] {
  const ranges: TrimmedRange[] = [];
  mallocConsolidate(st);
  if (st.top === NULL_SLOT) return ranges;
  const psindex = computeBinIndex(PAGE_SIZE);
  const psm1 = PAGE_SIZE - 1;
  for (let i = UNSORTED_BIN; i < NBINS; i++) {
    if (i !== UNSORTED_BIN && i < psindex) continue;
    for (let p = st.bk[i]!; p !== i; p = st.bk[p]!) {
      const size = st.sizeBytes[p]!;
      if (size <= psm1 + MALLOC_CHUNK_STRUCT_SIZE) continue;
      const address = place.startAddress + st.offsetBytes[p]!;
      const misalign = (address + MALLOC_CHUNK_STRUCT_SIZE) % PAGE_SIZE;
      const paligned = address + MALLOC_CHUNK_STRUCT_SIZE + (misalign === 0 ? 0 : PAGE_SIZE - misalign);
      const rest = address + size - paligned;
      if (rest <= psm1) continue;
      const start = paligned - place.startAddress;
      ranges.push({ startBytes: start, endBytes: start + rest - (rest % PAGE_SIZE), how: 'madvise' });
    }
  }
  if (place.main) {
    const oldBrk = st.os.brkBytes;
    if (systrim(st, padBytes)) ranges.push({ startBytes: st.os.brkBytes, endBytes: oldBrk, how: 'brk' });
  }
  return ranges;
}
