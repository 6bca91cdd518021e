// Chunk geometry of glibc 2.36 malloc on x86-64: size rounding, alignment and bin indexes.
// Source of truth: glibc 2.36 malloc/malloc.c (request2size, fastbin_index, smallbin_index,
// largebin_index_64, csize2tidx) with SIZE_SZ 8 and MALLOC_ALIGNMENT 16.

/** sizeof(size_t): one chunk-header word. */
export const SIZE_SZ = 8;
/** 2 * SIZE_SZ on x86-64: every user pointer and chunk size is a multiple of this. */
export const MALLOC_ALIGNMENT = 16;
/** MALLOC_ALIGNMENT - 1. */
export const MALLOC_ALIGN_MASK = 15;
/** Header bytes before the user pointer (prev_size + size): chunk2mem(p) = p + CHUNK_HDR_SZ. */
export const CHUNK_HDR_SZ = 16;
/** The smallest chunk (fd, bk, and room for a footer): 32 bytes. */
export const MIN_CHUNK_SIZE = 32;
/** MIN_CHUNK_SIZE rounded to MALLOC_ALIGNMENT (the same 32 bytes). */
export const MINSIZE = 32;

/** Size-field flag: the previous chunk is in use (tcache and fastbin chunks count as in use). */
export const PREV_INUSE = 0x1;
/** Size-field flag: the chunk was obtained with mmap and is not part of the heap. */
export const IS_MMAPPED = 0x2;
/** Size-field flag: the chunk belongs to a non-main arena (never set in this single-arena model). */
export const NON_MAIN_ARENA = 0x4;

/** Number of regular bins: 0 unused, 1 unsorted, 2..63 smallbins, 64..126 largebins. */
export const NBINS = 128;
/** Bins below this index are smallbins (one chunk size each). */
export const NSMALLBINS = 64;
/** Spacing of smallbin sizes. */
export const SMALLBIN_WIDTH = 16;
/** First chunk size that goes to a largebin: NSMALLBINS * SMALLBIN_WIDTH. */
export const MIN_LARGE_SIZE = 1024;
/** Index of the unsorted bin. */
export const UNSORTED_BIN = 1;

/** Largest request the fastbins can be configured for (mxfast): 80 * SIZE_SZ / 4. */
export const MAX_FAST_SIZE = 160;
/** Default mxfast: 64 * SIZE_SZ / 4. */
export const DEFAULT_MXFAST = 128;
/** fastbin_index(request2size(MAX_FAST_SIZE)) + 1. */
export const NFASTBINS = 10;
/** A free that coalesces to at least this many bytes runs malloc_consolidate and the trim check. */
export const FASTBIN_CONSOLIDATION_THRESHOLD = 65536;

/** Number of tcache bins (chunk sizes 32..1040). */
export const TCACHE_MAX_BINS = 64;
/** Default entries per tcache bin. */
export const TCACHE_FILL_COUNT = 7;
/** Upper bound of glibc.malloc.tcache_count (counts are uint16_t). */
export const MAX_TCACHE_COUNT = 65535;
/** sizeof(tcache_perthread_struct): 64 uint16 counts + 64 pointers, allocated by the first malloc. */
export const TCACHE_PERTHREAD_STRUCT_SIZE = 2 * TCACHE_MAX_BINS + 8 * TCACHE_MAX_BINS;

/** Dynamic mmap threshold ceiling on 64-bit: 4 MiB * sizeof(long). */
export const DEFAULT_MMAP_THRESHOLD_MAX = 32 * 1024 * 1024;
/** Initial mmap threshold (DEFAULT_MMAP_THRESHOLD_MIN). */
export const DEFAULT_MMAP_THRESHOLD = 128 * 1024;
/** Initial trim threshold. */
export const DEFAULT_TRIM_THRESHOLD = 128 * 1024;
/** glibc's top pad as measured on Debian 12 (bytes added to every brk extension). */
export const DEFAULT_TOP_PAD = 128 * 1024;
/** Default maximum number of simultaneous mmapped chunks. */
export const DEFAULT_MMAP_MAX = 65536;
/** Unsorted-bin scan limit per _int_malloc pass. */
export const MAX_ITERS = 10000;
/** PTRDIFF_MAX + 1 = 2^63: requests from here on fail with ENOMEM (checked_request2size); 2^63 − 1 is no double. */
export const PTRDIFF_LIMIT = 2 ** 63;
/** PTRDIFF_MAX exactly, for products computed with BigInt (calloc's overflow check). */
export const PTRDIFF_MAX_BIGINT = 2n ** 63n - 1n;

/** request2size: user bytes → chunk bytes (add SIZE_SZ, round up to 16, at least MINSIZE). */
export function request2size(reqBytes: number): number {
  const padded = reqBytes + SIZE_SZ + MALLOC_ALIGN_MASK;
  if (padded < MINSIZE) return MINSIZE;
  return padded - (padded % MALLOC_ALIGNMENT);
}

/** checked_request2size: like request2size, but 0 for requests glibc refuses (above PTRDIFF_MAX). */
export function checkRequest2size(reqBytes: number): number {
  if (reqBytes >= PTRDIFF_LIMIT) return 0;
  return request2size(reqBytes);
}

/** in_smallbin_range: chunk sizes below MIN_LARGE_SIZE live in smallbins. */
export function isInSmallbinRange(sizeBytes: number): boolean {
  return sizeBytes < MIN_LARGE_SIZE;
}

/** fastbin_index: fastbin of a chunk size (32 → 0, 48 → 1, …). */
export function computeFastbinIndex(sizeBytes: number): number {
  return (sizeBytes >>> 4) - 2;
}

/** smallbin_index: smallbin of a chunk size (32 → 2 … 1008 → 63). */
export function computeSmallbinIndex(sizeBytes: number): number {
  return sizeBytes >>> 4;
}

/** largebin_index_64: the logarithmically spaced largebins (1024 → 64 … ≥ 0xa0000 → 126). */
export function computeLargebinIndex(sizeBytes: number): number {
  const s6 = Math.floor(sizeBytes / 64);
  if (s6 <= 48) return 48 + s6;
  const s9 = Math.floor(sizeBytes / 512);
  if (s9 <= 20) return 91 + s9;
  const s12 = Math.floor(sizeBytes / 4096);
  if (s12 <= 10) return 110 + s12;
  const s15 = Math.floor(sizeBytes / 32768);
  if (s15 <= 4) return 119 + s15;
  const s18 = Math.floor(sizeBytes / 262144);
  if (s18 <= 2) return 124 + s18;
  return 126;
}

/** bin_index: the regular bin a free chunk of this size belongs to. */
export function computeBinIndex(sizeBytes: number): number {
  return isInSmallbinRange(sizeBytes) ? computeSmallbinIndex(sizeBytes) : computeLargebinIndex(sizeBytes);
}

/** csize2tidx: tcache bin of a chunk size (32 → 0, 48 → 1, … 1040 → 63). */
export function computeTcacheIndex(chunkSizeBytes: number): number {
  return Math.floor((chunkSizeBytes - MINSIZE + MALLOC_ALIGNMENT - 1) / MALLOC_ALIGNMENT);
}

/** tidx2usize: the largest user request a tcache bin serves (0 → 24, 63 → 1032). */
export function computeTcacheUsize(tcacheIndex: number): number {
  return tcacheIndex * MALLOC_ALIGNMENT + MINSIZE - SIZE_SZ;
}

/** set_max_fast: global_max_fast for an mxfast value (0 disables fastbins: MIN_CHUNK_SIZE / 2). */
export function computeMaxFast(mxfastBytes: number): number {
  return mxfastBytes === 0 ? MIN_CHUNK_SIZE / 2 : (mxfastBytes + SIZE_SZ) & ~MALLOC_ALIGN_MASK;
}

/** ALIGN_UP to a power-of-two boundary (works beyond 2^32). */
export function alignUp(value: number, alignment: number): number {
  const r = value % alignment;
  return r === 0 ? value : value + alignment - r;
}

/** ALIGN_DOWN to a power-of-two boundary (works beyond 2^32). */
export function alignDown(value: number, alignment: number): number {
  return value - (value % alignment);
}
