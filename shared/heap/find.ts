// Finds main_arena and mp_ in libc's writable data without debug symbols, by their glibc 2.36 layout: an
// initialised arena's empty bins point at themselves (bin_at(i)), non-empty ones at 16-aligned chunks, `top`
// lies in the [heap] mapping; mp_ holds sbrk_base (in [heap]) and parameters inside the bounds glibc's setters enforce.
import { computeTcacheUsize, MALLOC_ALIGNMENT, MAX_TCACHE_COUNT, NBINS, TCACHE_MAX_BINS } from '../sim/malloc/glibc/chunk.js';
import { binAt, HEAP_MAX_SIZE, MALLOC_PAR, MALLOC_STATE, readWord, USER_ADDRESS_LIMIT } from './layout.js';

/** Bytes read from the process at `start`. */
export interface MemorySegment {
  start: number;
  bytes: Uint8Array;
}

/** An address range [start, end). */
export interface AddressRange {
  start: number;
  end: number;
}

function isChunkPointer(p: number): boolean {
  return p > 0 && p < USER_ADDRESS_LIMIT && p % MALLOC_ALIGNMENT === 0;
}

/** True when the bytes at `offset` look like glibc 2.36's main_arena after ptmalloc_init. */
function looksLikeMainArena(view: DataView, offset: number, address: number, heap: AddressRange | null): boolean {
  let emptyBins = 0;
  for (let i = 1; i < NBINS; i++) {
    const fd = readWord(view, offset + MALLOC_STATE.bins + 16 * (i - 1));
    const bk = readWord(view, offset + MALLOC_STATE.bins + 16 * (i - 1) + 8);
    const self = binAt(address, i);
    if (fd === self && bk === self) emptyBins++;
    else if (!isChunkPointer(fd) || !isChunkPointer(bk) || fd === self || bk === self) return false;
  }
  if (emptyBins === 0) return false;
  const top = readWord(view, offset + MALLOC_STATE.top);
  const next = readWord(view, offset + MALLOC_STATE.next);
  if (!isChunkPointer(top) || !isChunkPointer(next)) return false;
  if (heap !== null && (top < heap.start || top >= heap.end)) return false;
  return readWord(view, offset + MALLOC_STATE.system_mem) > 0;
}

/** The address of main_arena in `segments`, or null when no (initialised) arena is there. Throws when two candidates fit. */
export function findMainArena(segments: readonly MemorySegment[], heap: AddressRange | null): number | null {
  const found: number[] = [];
  for (const s of segments) {
    const view = new DataView(s.bytes.buffer, s.bytes.byteOffset, s.bytes.byteLength);
    for (let off = 0; off + MALLOC_STATE.sizeBytes <= s.bytes.byteLength; off += 8) {
      if (looksLikeMainArena(view, off, s.start + off, heap)) found.push(s.start + off);
    }
  }
  if (found.length > 1) throw new Error(`${found.length} places in libc's data look like main_arena`);
  return found[0] ?? null;
}

/** 0 (unset) or a power of two up to 1 GiB: mp_'s THP and hugetlb page sizes. */
function isPageSize(bytes: number): boolean {
  return bytes === 0 || (bytes >= 4096 && bytes <= 2 ** 30 && Number.isInteger(Math.log2(bytes)));
}

/** True when the bytes at `offset` look like mp_ of a process whose brk heap is `heap`. */
function looksLikeMallocPar(view: DataView, offset: number, heap: AddressRange): boolean {
  const w = (f: number) => readWord(view, offset + f);
  const sbrkBase = w(MALLOC_PAR.sbrk_base);
  if (sbrkBase < heap.start || sbrkBase >= heap.end) return false;
  const nMmaps = view.getInt32(offset + MALLOC_PAR.n_mmaps, true);
  const maxNMmaps = view.getInt32(offset + MALLOC_PAR.max_n_mmaps, true);
  if (nMmaps < 0 || maxNMmaps < nMmaps || view.getInt32(offset + MALLOC_PAR.n_mmaps_max, true) < 0) return false;
  if (w(MALLOC_PAR.mmapped_mem) > w(MALLOC_PAR.max_mmapped_mem)) return false;
  if (w(MALLOC_PAR.tcache_bins) > TCACHE_MAX_BINS || w(MALLOC_PAR.tcache_count) > MAX_TCACHE_COUNT) return false;
  if (w(MALLOC_PAR.tcache_max_bytes) > computeTcacheUsize(TCACHE_MAX_BINS - 1)) return false;
  if (!isPageSize(w(MALLOC_PAR.thp_pagesize)) || !isPageSize(w(MALLOC_PAR.hp_pagesize))) return false;
  // glibc's setters refuse an mmap threshold above HEAP_MAX_SIZE / 2 and an arena_test of 0.
  const mmapThreshold = w(MALLOC_PAR.mmap_threshold);
  return mmapThreshold > 0 && mmapThreshold <= HEAP_MAX_SIZE / 2 && w(MALLOC_PAR.arena_test) > 0 && w(MALLOC_PAR.trim_threshold) > 0;
}

/** The address of mp_ in `segments` (the brk heap `heap` must exist), or null. Throws when two candidates fit. */
export function findMallocPar(segments: readonly MemorySegment[], heap: AddressRange): number | null {
  const found: number[] = [];
  for (const s of segments) {
    const view = new DataView(s.bytes.buffer, s.bytes.byteOffset, s.bytes.byteLength);
    for (let off = 0; off + MALLOC_PAR.sizeBytes <= s.bytes.byteLength; off += 8) {
      if (looksLikeMallocPar(view, off, heap)) found.push(s.start + off);
    }
  }
  if (found.length > 1) throw new Error(`${found.length} places in libc's data look like mp_`);
  return found[0] ?? null;
}
