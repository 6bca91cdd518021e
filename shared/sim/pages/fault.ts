// Page faults of one access, as Linux 6.x handles them with 4 KiB folios: handle_pte_fault() → do_anonymous_page,
// do_read_fault (+ do_fault_around / filemap_map_pages), do_cow_fault, do_shared_fault, do_wp_page. Source: mm/memory.c.

import { FAULT_AROUND_PAGES, PTRS_PER_PTE } from './params.js';
import {
  FrameKind,
  PTE_DIRTY,
  PTE_NONE,
  PTE_WRITE,
  ZERO_PAGE_FRAME,
  allocateFrame,
  changeMapcount,
  markFrameDirty,
  type PagesState,
  type RegionState,
  type VmaState,
} from './state.js';
import { readPte, readPteFlags, writePte, writePteFlags } from './page-tables.js';
import type { Access } from './scenario.js';

/**
 * The aligned fault-around window of page `pageIndex`: `[start, end)`, 16 pages aligned to the region start
 * (regions are 2 MiB aligned, so region index alignment equals address alignment), clipped to the region and
 * to the page table (do_fault_around(): from_pte / to_pte).
 */
export function computeFaultAroundWindow(pageIndex: number, pageCount: number): { start: number; end: number } {
  const start = pageIndex - (pageIndex % FAULT_AROUND_PAGES);
  const tableEnd = pageIndex - (pageIndex % PTRS_PER_PTE) + PTRS_PER_PTE;
  const end = Math.min(start + FAULT_AROUND_PAGES, pageCount, tableEnd);
  return { start, end };
}

function mapPte(state: PagesState, vma: VmaState, pageIndex: number, frame: number, flags: number): void {
  writePte(state, vma, pageIndex, frame, flags);
  if (frame !== ZERO_PAGE_FRAME) changeMapcount(state, frame, 1);
}

/**
 * filemap_map_pages() for a read fault: maps every cached page of the window whose PTE is empty. PTEs get the
 * VMA's vm_page_prot: writable for shmem (no write-notify), read-only for file mappings (write-notify on
 * MAP_SHARED, COW on MAP_PRIVATE). Never dirty (prefaulted, not written).
 */
function faultAround(state: PagesState, region: RegionState, vma: VmaState, pageIndex: number): void {
  const { start, end } = computeFaultAroundWindow(pageIndex, region.pageCount);
  const flags = region.type === 'anon' ? PTE_WRITE : 0;
  for (let j = start; j < end; j++) {
    const f = region.cache[j]!;
    if (f !== PTE_NONE && readPte(vma, j) === PTE_NONE) mapPte(state, vma, j, f, flags);
  }
}

/** The cached shmem page at `pageIndex`, allocated (zeroed, clean) when missing: shmem_get_folio(). */
function getShmemFrame(state: PagesState, regionIdx: number, pageIndex: number): number {
  const region = state.regions[regionIdx]!;
  let f = region.cache[pageIndex]!;
  if (f === PTE_NONE) {
    f = allocateFrame(state.frames, FrameKind.Shmem, regionIdx, pageIndex);
    region.cache[pageIndex] = f;
  }
  return f;
}

/** A new private anonymous page (do_anonymous_page / wp_page_copy / do_cow_fault): writable and dirty. */
function mapNewAnonPage(state: PagesState, regionIdx: number, vma: VmaState, pageIndex: number): void {
  vma.anonVma = true; // anon_vma_prepare()
  const f = allocateFrame(state.frames, FrameKind.Anon, regionIdx, pageIndex);
  mapPte(state, vma, pageIndex, f, PTE_WRITE | PTE_DIRTY);
}

/** Read fault on an empty PTE (do_anonymous_page read / do_read_fault). */
function handleReadFault(state: PagesState, regionIdx: number, vma: VmaState, pageIndex: number): void {
  const region = state.regions[regionIdx]!;
  if (region.type === 'anon' && region.share === 'private') {
    mapPte(state, vma, pageIndex, ZERO_PAGE_FRAME, 0); // the shared zero page, read-only
    return;
  }
  faultAround(state, region, vma, pageIndex);
  if (readPte(vma, pageIndex) !== PTE_NONE) return;
  // Only shmem can miss here (file pages are all cached): allocate it, mapped writable and clean.
  mapPte(state, vma, pageIndex, getShmemFrame(state, regionIdx, pageIndex), PTE_WRITE);
}

/** Write fault on an empty PTE (do_anonymous_page write / do_cow_fault / do_shared_fault); no fault-around. */
function handleWriteFaultOnNone(state: PagesState, regionIdx: number, vma: VmaState, pageIndex: number): void {
  const region = state.regions[regionIdx]!;
  if (region.share === 'private') {
    mapNewAnonPage(state, regionIdx, vma, pageIndex);
    return;
  }
  const f = region.type === 'anon' ? getShmemFrame(state, regionIdx, pageIndex) : region.cache[pageIndex]!;
  markFrameDirty(state, f); // fault_dirty_shared_page() → folio_mark_dirty()
  mapPte(state, vma, pageIndex, f, PTE_WRITE | PTE_DIRTY);
}

/** Write fault on a present read-only PTE (do_wp_page): COW copy or reuse, or write-notify on a shared mapping. */
function handleWriteProtectFault(state: PagesState, regionIdx: number, vma: VmaState, pageIndex: number): void {
  const region = state.regions[regionIdx]!;
  const frames = state.frames;
  const f = readPte(vma, pageIndex);
  if (region.share === 'shared') {
    markFrameDirty(state, f); // do_shared_wp_page(): page_mkwrite, then the folio is dirtied
    writePteFlags(state, vma, pageIndex, PTE_WRITE | PTE_DIRTY);
    return;
  }
  if (f !== ZERO_PAGE_FRAME && frames.kind[f] === FrameKind.Anon && frames.mapcount[f] === 1) {
    writePteFlags(state, vma, pageIndex, PTE_WRITE | PTE_DIRTY); // wp_can_reuse_anon_folio(): last user reuses in place
    return;
  }
  // wp_page_copy(): the zero page, a page-cache page or a still-shared anon page is copied.
  if (f !== ZERO_PAGE_FRAME) changeMapcount(state, f, -1);
  mapNewAnonPage(state, regionIdx, vma, pageIndex);
}

/**
 * One access to byte 0 of page `pageIndex` of region `regionIdx` by process `procIdx`.
 * Returns the minor faults it took (0 or 1): one per access that finds no usable PTE.
 */
export function accessPage(state: PagesState, procIdx: number, regionIdx: number, pageIndex: number, access: Access): number {
  const vma = state.procs[procIdx]!.vmas[regionIdx]!;
  const f = readPte(vma, pageIndex);
  if (access === 'read') {
    if (f !== PTE_NONE) return 0;
    handleReadFault(state, regionIdx, vma, pageIndex);
    return 1;
  }
  if (f === PTE_NONE) {
    handleWriteFaultOnNone(state, regionIdx, vma, pageIndex);
    return 1;
  }
  const flags = readPteFlags(vma, pageIndex);
  if ((flags & PTE_WRITE) !== 0) {
    if ((flags & PTE_DIRTY) === 0) writePteFlags(state, vma, pageIndex, flags | PTE_DIRTY); // the MMU sets the dirty bit; the folio flag is untouched
    return 0;
  }
  handleWriteProtectFault(state, regionIdx, vma, pageIndex);
  return 1;
}

/**
 * A touch step: accesses pages first .. first+count-1 in order. Returns the minor faults taken and adds them
 * to the VMA's running total.
 */
export function touchPages(
  state: PagesState,
  procIdx: number,
  regionIdx: number,
  access: Access,
  first: number,
  count: number,
): number {
  let faults = 0;
  for (let i = first; i < first + count; i++) faults += accessPage(state, procIdx, regionIdx, i, access);
  state.procs[procIdx]!.vmas[regionIdx]!.minorFaults += faults;
  return faults;
}
