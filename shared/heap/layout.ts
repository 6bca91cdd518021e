// Byte layouts of glibc 2.36's allocator structures on x86-64, as the stripped libc lays them out in memory:
// struct malloc_state, struct malloc_par (HAVE_TUNABLES, USE_TCACHE), heap_info and tcache_perthread_struct.
// Source of truth: glibc 2.36 malloc/malloc.c and malloc/arena.c (struct definitions, bin_at, PROTECT_PTR).
import { CHUNK_HDR_SZ, NBINS, NFASTBINS, TCACHE_MAX_BINS } from '../sim/malloc/glibc/chunk.js';

/** Offsets in struct malloc_state: int mutex, int flags, int have_fastchunks, then 8-byte aligned pointers. */
export const MALLOC_STATE = {
  mutex: 0,
  flags: 4,
  have_fastchunks: 8,
  fastbinsY: 16, // mfastbinptr[NFASTBINS]
  top: 16 + 8 * NFASTBINS, // 96
  last_remainder: 24 + 8 * NFASTBINS, // 104
  bins: 32 + 8 * NFASTBINS, // 112: mchunkptr[NBINS * 2 - 2], bin i's fd at bins[2i-2], bk at bins[2i-1]
  binmap: 32 + 8 * NFASTBINS + 8 * (NBINS * 2 - 2), // 2144: unsigned int[4]
  next: 2160,
  next_free: 2168,
  attached_threads: 2176,
  system_mem: 2184,
  max_system_mem: 2192,
  /** sizeof(struct malloc_state). */
  sizeBytes: 2200,
} as const;

/** Offsets in struct malloc_par (mp_): five size_t tunables, THP fields, four ints, statistics, sbrk_base, tcache. */
export const MALLOC_PAR = {
  trim_threshold: 0,
  top_pad: 8,
  mmap_threshold: 16,
  arena_test: 24,
  arena_max: 32,
  thp_pagesize: 40,
  hp_pagesize: 48,
  hp_flags: 56, // int
  n_mmaps: 60, // int
  n_mmaps_max: 64, // int
  max_n_mmaps: 68, // int
  no_dyn_threshold: 72, // int, then 4 bytes of padding
  mmapped_mem: 80,
  max_mmapped_mem: 88,
  sbrk_base: 96,
  tcache_bins: 104,
  tcache_max_bytes: 112,
  tcache_count: 120,
  tcache_unsorted_limit: 128,
  /** sizeof(struct malloc_par). */
  sizeBytes: 136,
} as const;

/** heap_info, at the start of every non-main arena heap: ar_ptr, prev, size, mprotect_size, pagesize, pad. */
export const HEAP_INFO = { ar_ptr: 0, prev: 8, size: 16, mprotect_size: 24, pagesize: 32, sizeBytes: 48 } as const;

/** Non-main arena heaps are HEAP_MAX_SIZE (2 * DEFAULT_MMAP_THRESHOLD_MAX = 64 MiB) and aligned to it. */
export const HEAP_MAX_SIZE = 64 * 1024 * 1024;

/** tcache_perthread_struct: uint16_t counts[TCACHE_MAX_BINS], then tcache_entry *entries[TCACHE_MAX_BINS]. */
export const TCACHE_STRUCT = { counts: 0, entries: 2 * TCACHE_MAX_BINS } as const;

/** The bins are addressed as fake chunks: bin_at(m, i) = &m->bins[2(i-1)] - offsetof(malloc_chunk, fd). */
export function binAt(arenaAddress: number, binIndex: number): number {
  return arenaAddress + MALLOC_STATE.bins + 16 * (binIndex - 1) - CHUNK_HDR_SZ;
}

/** Offset of the fd word in a chunk (prev_size, size, fd, bk). */
export const FD_OFFSET = 16;
/** Offset of the bk word in a chunk. */
export const BK_OFFSET = 24;

/**
 * Pointers are kept as numbers: user-space addresses stay below 2^47, exact in a double, and a heap of a million
 * chunks walks far faster than with bigint. A word that is not such an address is never used as one.
 */
export const USER_ADDRESS_LIMIT = 2 ** 47;

/** A 64-bit little-endian word at `offset` as a number; values of 2^53 and more come out inexact, and callers reject them as addresses. */
export function readWord(view: DataView, offset: number): number {
  return view.getUint32(offset, true) + view.getUint32(offset + 4, true) * 2 ** 32;
}

/** REVEAL_PTR: a safe-linked pointer stored at address `pos` is stored ^ (pos >> 12) (glibc 2.32+, PROTECT_PTR). */
export function revealPointer(pos: number, stored: number): number {
  if (stored >= USER_ADDRESS_LIMIT * 2 ** 6) return Number.NaN; // beyond 2^53: not exact, and surely not an address
  const key = Math.floor(pos / 4096);
  // XOR on the two 32-bit halves (JS bitwise operators are 32-bit).
  const lo = ((stored % 2 ** 32) ^ (key % 2 ** 32)) >>> 0;
  const hi = (Math.floor(stored / 2 ** 32) ^ Math.floor(key / 2 ** 32)) >>> 0;
  return lo + hi * 2 ** 32;
}
