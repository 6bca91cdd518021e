// What glibc 2.36 does when free or realloc is handed a pointer that is not a live allocation (a
// double free, a free through a pointer kept after free): _int_free's checks, run on the chunk as the
// model holds it. Source of truth: glibc 2.36 malloc/malloc.c __libc_free, _int_free, __libc_realloc,
// _int_realloc; the outcomes were measured with tests/harness/malloc-replay.c.

import { CHUNK_HDR_SZ, computeFastbinIndex, computeTcacheIndex } from './chunk.js';
import { CHUNK_HOME_NAMES, ChunkHome, type GlibcHeap, NULL_SLOT } from './state.js';
import { formatHex } from '../events.js';
import { HeapMisuseError } from '../heap-misuse.js';

/** The chunk whose header is at heap offset chunkOffset, or NULL_SLOT (a walk of the heap: error paths only). */
function findChunkAt(st: GlibcHeap, chunkOffset: number): number {
  for (let p = st.firstChunk; p !== NULL_SLOT; p = st.nextChunk[p]!) {
    if (st.offsetBytes[p] === chunkOffset) return p;
    if (st.offsetBytes[p]! > chunkOffset) break;
  }
  return NULL_SLOT;
}

/** free or realloc of an mmapped chunk already unmapped: glibc reads its header from the hole. */
export function diagnoseUnmappedChunk(caller: 'free' | 'realloc'): HeapMisuseError {
  return new HeapMisuseError('segv', `${caller}() of an mmapped block unmapped since: glibc reads its header from unmapped memory`);
}

/** "the block at 0x2a0 (a 32-byte chunk in fastbin 0)": the pointer as the jsonl offsets show it. */
function describeBlock(st: GlibcHeap, mem: number, p: number): string {
  const home = st.home[p]!;
  const where = home === ChunkHome.fastbin ? `fastbin ${computeFastbinIndex(st.sizeBytes[p]!)}` : `the ${CHUNK_HOME_NAMES[home]}`;
  return `the block at ${formatHex(mem)} (a ${st.sizeBytes[p]!}-byte chunk in ${where})`;
}

/**
 * free(mem) of a heap pointer that is not live. glibc's checks, in _int_free's order: a chunk whose
 * tcache key is set (it is in the tcache) aborts; one that fits a tcache bin with room goes in
 * unchecked; a fastbin-sized chunk aborts only when it is already at the top of its fastbin; a
 * larger one aborts when it is top or when the next chunk's PREV_INUSE says it is free.
 */
export function diagnoseHeapFree(st: GlibcHeap, mem: number): HeapMisuseError {
  const p = findChunkAt(st, mem - CHUNK_HDR_SZ);
  if (p === NULL_SLOT || st.home[p] === ChunkHome.inUse) {
    return new HeapMisuseError('unmodelled', `free() of the freed block at ${formatHex(mem)}, whose chunk has merged into another: glibc reads its stale header, which the model does not keep`);
  }
  const size = st.sizeBytes[p]!;
  const mp = st.params;
  const tcIdx = computeTcacheIndex(size);
  if (st.tcacheReady && tcIdx < mp.tcacheBins) {
    if (st.home[p] === ChunkHome.tcache) return new HeapMisuseError('abort', 'free(): double free detected in tcache 2');
    if (st.tcacheCounts[tcIdx]! < mp.tcacheCount) {
      return new HeapMisuseError('undetected', `double free of ${describeBlock(st, mem, p)}: tcache bin ${tcIdx} has room and takes it without a check`);
    }
  }
  if (size <= mp.maxFastBytes) {
    if (p === st.top) return new HeapMisuseError('unmodelled', `free() of the freed block at ${formatHex(mem)}, now the start of a ${size}-byte top chunk: glibc reads past the heap's end`);
    if (st.fastbins[computeFastbinIndex(size)] === p) return new HeapMisuseError('abort', 'double free or corruption (fasttop)');
    return new HeapMisuseError('undetected', `double free of ${describeBlock(st, mem, p)}: glibc checks only the top of the fastbin`);
  }
  if (p === st.top) return new HeapMisuseError('abort', 'double free or corruption (top)');
  return new HeapMisuseError('abort', 'double free or corruption (!prev)');
}

/** realloc(mem, n) of a heap pointer that is not live: glibc 2.36 never checks that the chunk is in use. */
export function diagnoseHeapRealloc(st: GlibcHeap, mem: number): HeapMisuseError {
  const p = findChunkAt(st, mem - CHUNK_HDR_SZ);
  if (p === NULL_SLOT || p === st.top || st.home[p] === ChunkHome.inUse) {
    return new HeapMisuseError('unmodelled', `realloc() of the freed block at ${formatHex(mem)}, whose chunk has merged into another: glibc reads its stale header, which the model does not keep`);
  }
  return new HeapMisuseError('undetected', `realloc() of ${describeBlock(st, mem, p)}: glibc does not check that a realloc'd chunk is in use`);
}
