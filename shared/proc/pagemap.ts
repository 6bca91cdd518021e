// /proc/PID/pagemap: one little-endian 64-bit entry per virtual page.
// Source of truth: Documentation/admin-guide/mm/pagemap.rst (Linux 6.x):
// bits 0-54 PFN (present, root only; 0 otherwise) or swap type (0-4) + offset (5-54);
// 55 soft-dirty; 56 exclusively mapped; 57 uffd-wp; 61 file-page or shared-anon; 62 swapped; 63 present.

/** Bytes per pagemap entry. */
export const PAGEMAP_ENTRY_BYTES = 8;

// Flag bits of the entry's high 32-bit word (bit n of the entry is bit n-32 here).
const HI_SOFT_DIRTY = 1 << (55 - 32);
const HI_EXCLUSIVE = 1 << (56 - 32);
const HI_UFFD_WP = 1 << (57 - 32);
const HI_FILE_SHARED = 1 << (61 - 32);
const HI_SWAPPED = 1 << (62 - 32);
const HI_PRESENT = 1 << (63 - 32) >>> 0;
const HI_PFN_MASK = (1 << (55 - 32)) - 1; // bits 32-54

/**
 * Masks of the entry's flag bits within its high 32-bit word (entry bit n is bit n-32 of the word), named
 * after fs/proc/task_mmu.c's PM_* macros, for loops that test flags without decoding whole entries.
 */
export const PM_HIGH_WORD = {
  PM_SOFT_DIRTY: HI_SOFT_DIRTY,
  PM_MMAP_EXCLUSIVE: HI_EXCLUSIVE,
  PM_UFFD_WP: HI_UFFD_WP,
  PM_FILE: HI_FILE_SHARED,
  PM_SWAP: HI_SWAPPED,
  PM_PRESENT: HI_PRESENT,
  /** Bits 32-54 of the PFN (or swap offset). */
  PM_PFRAME_HIGH_MASK: HI_PFN_MASK,
} as const;

/** The PFN of entry i: 0 when not present or when PFNs are hidden (no CAP_SYS_ADMIN). */
export function readPagemapPfn(view: DataView, i: number): number {
  const hi = view.getUint32(i * PAGEMAP_ENTRY_BYTES + 4, true);
  if ((hi & HI_PRESENT) === 0) return 0;
  return (hi & HI_PFN_MASK) * 2 ** 32 + view.getUint32(i * PAGEMAP_ENTRY_BYTES, true);
}

/** One page's pagemap entry, decoded. */
export interface PagemapEntry {
  present: boolean;
  swapped: boolean;
  /** Mapped by exactly one process (PM_MMAP_EXCLUSIVE). */
  exclusive: boolean;
  /** A page-cache page or shared anonymous (shmem). */
  file: boolean;
  softDirty: boolean;
  uffdWp: boolean;
  /** Page frame number when present and readable (root); 0 otherwise. */
  pfn: number;
  /** When swapped: swap type (bits 0-4) and offset (bits 5-54). */
  swapType: number;
  swapOffset: number;
}

/** Decodes entry i of a pagemap read (bytes.length must be a multiple of 8). */
export function decodePagemapEntry(view: DataView, i: number): PagemapEntry {
  const lo = view.getUint32(i * PAGEMAP_ENTRY_BYTES, true);
  const hi = view.getUint32(i * PAGEMAP_ENTRY_BYTES + 4, true);
  const present = (hi & HI_PRESENT) !== 0;
  const swapped = (hi & HI_SWAPPED) !== 0;
  const low55 = (hi & HI_PFN_MASK) * 2 ** 32 + lo; // < 2^55: exact only below 2^53, true for any real PFN
  return {
    present,
    swapped,
    exclusive: (hi & HI_EXCLUSIVE) !== 0,
    file: (hi & HI_FILE_SHARED) !== 0,
    softDirty: (hi & HI_SOFT_DIRTY) !== 0,
    uffdWp: (hi & HI_UFFD_WP) !== 0,
    pfn: present ? low55 : 0,
    swapType: swapped ? lo & 0x1f : 0,
    swapOffset: swapped ? Math.floor(low55 / 32) : 0,
  };
}

/** Page counts over a pagemap range. */
export interface PagemapSummary {
  pageCount: number;
  present: number;
  swapped: number;
  exclusive: number;
  file: number;
  softDirty: number;
}

/** Counts the flags of every entry in one pass over the high words (no per-page objects). */
export function summarizePagemap(bytes: Uint8Array): PagemapSummary {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pageCount = Math.floor(bytes.byteLength / PAGEMAP_ENTRY_BYTES);
  let present = 0;
  let swapped = 0;
  let exclusive = 0;
  let file = 0;
  let softDirty = 0;
  for (let i = 0; i < pageCount; i++) {
    const hi = view.getUint32(i * PAGEMAP_ENTRY_BYTES + 4, true);
    if ((hi & HI_PRESENT) !== 0) present++;
    if ((hi & HI_SWAPPED) !== 0) swapped++;
    if ((hi & HI_EXCLUSIVE) !== 0) exclusive++;
    if ((hi & HI_FILE_SHARED) !== 0) file++;
    if ((hi & HI_SOFT_DIRTY) !== 0) softDirty++;
  }
  return { pageCount, present, swapped, exclusive, file, softDirty };
}
