// /proc/kpageflags and /proc/kpagecount: one little-endian 64-bit word per page frame (PFN), root only.
// Source of truth: include/uapi/linux/kernel-page-flags.h (the stable KPF_* bits), fs/proc/page.c
// stable_page_flags() and kpagecount_read(), Documentation/admin-guide/mm/pagemap.rst (Linux 6.x).

/** Bytes per /proc/kpageflags entry (and per /proc/kpagecount entry). */
export const KPAGEFLAGS_ENTRY_BYTES = 8;

// The stable bits exported to user space, spelled as in include/uapi/linux/kernel-page-flags.h.
/** Page is being locked for exclusive access, e.g. by undergoing read/write IO. */
export const KPF_LOCKED = 0;
/** IO error occurred (unused since Linux 6.x folio work, kept for older kernels). */
export const KPF_ERROR = 1;
/** Page has been referenced since last LRU list enqueue/requeue. */
export const KPF_REFERENCED = 2;
/** Page has up-to-date data. */
export const KPF_UPTODATE = 3;
/** Page has been written to, hence contains new data (the folio's dirty flag, not the PTE's). */
export const KPF_DIRTY = 4;
/** Page is in one of the LRU lists (pages still in a per-CPU LRU batch are not yet). */
export const KPF_LRU = 5;
/** Page is in the active LRU list. */
export const KPF_ACTIVE = 6;
/** Page is managed by the SLAB/SLUB allocator. */
export const KPF_SLAB = 7;
/** Page is being synced to disk. */
export const KPF_WRITEBACK = 8;
/** Page will be reclaimed soon after its pageout IO completed. */
export const KPF_RECLAIM = 9;
/** A free memory block managed by the buddy allocator. */
export const KPF_BUDDY = 10;
/** A memory-mapped page. */
export const KPF_MMAP = 11;
/** A memory-mapped page that is not part of a file. */
export const KPF_ANON = 12;
/** Page is mapped to swap space, i.e. has an associated swap entry. */
export const KPF_SWAPCACHE = 13;
/** Page is backed by swap/RAM (anonymous memory and shmem). */
export const KPF_SWAPBACKED = 14;
/** First page of a compound page (folio of order > 0). */
export const KPF_COMPOUND_HEAD = 15;
/** A later page of a compound page. */
export const KPF_COMPOUND_TAIL = 16;
/** Part of a hugeTLBfs page. */
export const KPF_HUGE = 17;
/** Page is in the unevictable LRU list (mlocked, ramfs, SHM_LOCK). */
export const KPF_UNEVICTABLE = 18;
/** Hardware detected memory corruption on this page. */
export const KPF_HWPOISON = 19;
/** No page frame exists at the requested address. */
export const KPF_NOPAGE = 20;
/** Identical memory page dynamically shared between processes (KSM). */
export const KPF_KSM = 21;
/** Part of a transparent huge page. */
export const KPF_THP = 22;
/** Page is logically offline. */
export const KPF_OFFLINE = 23;
/** The zero page (ZERO_PAGE(0)) or the huge zero page. */
export const KPF_ZERO_PAGE = 24;
/** Not accessed since it was marked idle (may be stale: see Documentation/admin-guide/mm/idle_page_tracking.rst). */
export const KPF_IDLE = 25;
/** Page is in use as a page table. */
export const KPF_PGTABLE = 26;

/**
 * Names of the stable bits without the KPF_ prefix, indexed by bit number. Every stable bit lies in the low
 * 32-bit word of the entry; bits 32 and up are the kernel's "hacking assistances", subject to change, and
 * are not decoded.
 */
export const KPF_NAMES: readonly string[] = [
  'LOCKED',
  'ERROR',
  'REFERENCED',
  'UPTODATE',
  'DIRTY',
  'LRU',
  'ACTIVE',
  'SLAB',
  'WRITEBACK',
  'RECLAIM',
  'BUDDY',
  'MMAP',
  'ANON',
  'SWAPCACHE',
  'SWAPBACKED',
  'COMPOUND_HEAD',
  'COMPOUND_TAIL',
  'HUGE',
  'UNEVICTABLE',
  'HWPOISON',
  'NOPAGE',
  'KSM',
  'THP',
  'OFFLINE',
  'ZERO_PAGE',
  'IDLE',
  'PGTABLE',
];

/** Mask of every stable bit (0-26) in the entry's low word. */
export const KPF_STABLE_MASK = (1 << KPF_NAMES.length) - 1;

/** True when bit `bit` (a KPF_* constant) is set in the low 32-bit word of a kpageflags entry. */
export function hasKpageflag(flagsLow32: number, bit: number): boolean {
  return ((flagsLow32 >>> bit) & 1) === 1;
}

/** The names of the stable bits set in the low 32-bit word of a kpageflags entry, in bit order. */
export function decodeKpageflags(flagsLow32: number): string[] {
  const names: string[] = [];
  for (let bit = 0; bit < KPF_NAMES.length; bit++) {
    if (((flagsLow32 >>> bit) & 1) === 1) names.push(KPF_NAMES[bit]!);
  }
  return names;
}
