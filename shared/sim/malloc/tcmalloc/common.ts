// Compile-time constants of gperftools 2.10 TCMalloc as Debian 12 builds libtcmalloc_minimal.so.4
// (x86-64, default configure: 8 KiB pages, 16-byte minimum alignment, no TCMALLOC_SMALL_BUT_SLOW).
// Source of truth: gperftools 2.10 src/common.h, page_heap.h, central_freelist.h, common.cc.

/** log2 of TCMalloc's page (TCMALLOC_PAGE_SIZE_SHIFT default). */
export const kPageShift = 13;
/** TCMalloc's page: the unit of spans and of the page heap (8 KiB, twice the kernel's page). */
export const kPageSize = 1 << kPageShift;
/** Largest request served from a size class; anything larger is a span of whole pages. */
export const kMaxSize = 256 * 1024;
/** Step of the size-class search and of class_array_ for small sizes. */
export const kAlignment = 8;
/** Minimum alignment of every size class of 16 bytes or more (no TCMALLOC_ALIGN_8BYTES). */
export const kMinAlign = 16;
/** Capacity of the size-class tables; num_size_classes is computed at start-up. */
export const kClassSizesMax = 128;
/** Spans up to this many pages have exact-length free lists in the page heap; longer ones live in sets. */
export const kMaxPages = 1 << (20 - kPageShift);
/** The page heap grows by at least this many pages (1 MiB) per system allocation. */
export const kMinSystemAlloc = kMaxPages;
/** Per-thread cache size ceiling. */
export const kMaxThreadCacheSize = 4 << 20;
/** Default bound on all thread caches together (TCMALLOC_MAX_TOTAL_THREAD_CACHE_BYTES). */
export const kDefaultOverallThreadCacheSize = 8 * kMaxThreadCacheSize;
/** Per-thread cache size floor. */
export const kMinThreadCacheSize = kMaxSize * 2;
/** Bytes a thread cache's max_size_ grows by per IncreaseCacheLimit (and starts at). */
export const kStealAmount = 1 << 16;
/** Deallocations that may overflow a free list's max_length before it shrinks. */
export const kMaxOverages = 3;
/** Ceiling of a thread-cache free list's max_length. */
export const kMaxDynamicFreeListLength = 8192;
/** Transfer-cache slots per central free list (kMaxNumTransferEntries). */
export const kMaxNumTransferEntries = 64;
/** Initial transfer-cache size of each central free list (cache_size_ in CentralFreeList::Init). */
export const kInitialTransferCacheSlots = 16;
/** TCMALLOC_TRANSFER_NUM_OBJ default: cap on objects moved between thread and central caches. */
export const kDefaultTransferNumObjecs = 32;
/** Largest delay (pages deleted) between two incremental scavenges. */
export const kMaxReleaseDelay = 1 << 20;
/** Delay (pages deleted) before the next scavenge when there was nothing to release. */
export const kDefaultReleaseDelay = 1 << 18;
/** PageHeap::New unmaps all free pages at most once per this much heap growth. */
export const kForcedCoalesceInterval = 128 * 1024 * 1024;
/** Sizes up to this are indexed by (size + 7) / 8 in class_array_, larger ones by 128-byte steps. */
export const kMaxSmallSize = 1024;
/** Entries of class_array_. */
export const kClassArraySize = ((kMaxSize + 127 + (120 << 7)) >> 7) + 1;

/** tcmalloc::pages(): number of pages needed to hold `bytes` (rounded up). */
export function computePages(bytes: number): number {
  return Math.ceil(bytes / kPageSize);
}
