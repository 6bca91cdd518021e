// memalign of glibc 2.36: _mid_memalign (the entry of memalign, posix_memalign, aligned_alloc, valloc and
// pvalloc) and _int_memalign (malloc with worst-case padding, then give back the leader and the tail).
// Source of truth: glibc 2.36 malloc/malloc.c _mid_memalign, _int_memalign. 2.36 has no tcache path for
// aligned requests and sets up no tcache here (the chunks it gives back reach the tcache only once one exists).

import { CHUNK_HDR_SZ, MALLOC_ALIGNMENT, MINSIZE, alignUp, checkRequest2size } from './chunk.js';
import { ChunkHome, type GlibcHeap, NULL_SLOT, reserveSlots, splitChunkAt } from './state.js';
import { intMalloc, libcMalloc, publishChunk } from './malloc.js';
import { intFree } from './free.js';
import { MMAPPED_RESULT } from './sysmalloc.js';

/** SIZE_MAX / 2 + 1: larger alignments cannot be powers of two (EINVAL). */
const MAX_ALIGNMENT = 2 ** 63;

/**
 * The alignment _mid_memalign passes on: at least MINSIZE, and a power of two (the next one up, counting
 * from 32); 0 when the request is refused (EINVAL).
 */
export function normaliseAlignment(alignment: number): number {
  if (alignment < MINSIZE) return MINSIZE;
  if (alignment > MAX_ALIGNMENT) return 0;
  let a = MALLOC_ALIGNMENT * 2;
  while (a < alignment) a *= 2;
  return a;
}

/**
 * _int_memalign on the active arena: a chunk of nb + alignment + MINSIZE from _int_malloc, the aligned
 * chunk inside it; the leader (≥ MINSIZE) and a tail longer than MINSIZE go back through _int_free. An
 * mmapped chunk keeps its leader as prev_size (st.mmappedLead). The caller reserved slots.
 * @returns the chunk's slot, MMAPPED_RESULT (address in st.lastMmappedAddress) or NULL_SLOT.
 */
export function intMemalign(st: GlibcHeap, alignment: number, bytes: number): number {
  const nb = checkRequest2size(bytes);
  if (nb === 0) return NULL_SLOT;
  let p = intMalloc(st, nb + alignment + MINSIZE);
  if (p === NULL_SLOT) return NULL_SLOT;
  if (p === MMAPPED_RESULT) {
    const address = st.lastMmappedAddress;
    const mem = address + CHUNK_HDR_SZ;
    if (mem % alignment === 0) return p;
    let aligned = alignUp(mem, alignment) - CHUNK_HDR_SZ;
    if (aligned - address < MINSIZE) aligned += alignment;
    const leadBytes = aligned - address;
    const size = st.mmapped.get(address)!;
    st.mmapped.delete(address);
    st.mmapped.set(aligned, size - leadBytes);
    st.mmappedLead.set(aligned, leadBytes);
    st.lastMmappedAddress = aligned;
    return p;
  }
  const { sizeBytes: size, prevInuse, home } = st;
  const mem = st.offsetBytes[p]! + CHUNK_HDR_SZ;
  if (mem % alignment !== 0) {
    let aligned = alignUp(mem, alignment) - CHUNK_HDR_SZ;
    if (aligned - st.offsetBytes[p]! < MINSIZE) aligned += alignment;
    const leadBytes = aligned - st.offsetBytes[p]!;
    const newp = splitChunkAt(st, p, leadBytes);
    size[newp] = size[p]! - leadBytes;
    prevInuse[newp] = 1;
    home[newp] = ChunkHome.inUse;
    size[p] = leadBytes;
    intFree(st, p);
    p = newp;
  }
  const sz = size[p]!;
  if (sz > nb + MINSIZE) {
    const remainder = splitChunkAt(st, p, nb);
    size[remainder] = sz - nb;
    prevInuse[remainder] = 1;
    home[remainder] = ChunkHome.inUse;
    size[p] = nb;
    intFree(st, remainder);
  }
  return p;
}

/**
 * _mid_memalign on a single-threaded process: alignments up to MALLOC_ALIGNMENT are malloc; others are
 * rounded as normaliseAlignment says and served by _int_memalign on the main arena.
 * @returns the user pointer (as libcMalloc's), 0 for NULL.
 */
export function libcMemalign(st: GlibcHeap, alignment: number, bytes: number): number {
  if (alignment <= MALLOC_ALIGNMENT) return libcMalloc(st, bytes);
  const a = normaliseAlignment(alignment);
  if (a === 0) return 0;
  reserveSlots(st);
  return publishChunk(st, intMemalign(st, a, bytes));
}
