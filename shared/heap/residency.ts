// Which pages of the heap mappings are resident, from /proc/PID/pagemap, as byte counts over any address range.
// Source of truth: Documentation/admin-guide/mm/pagemap.rst and fs/proc/task_mmu.c pte_to_pagemap_entry: a page
// never written but read (memscope's own reads through /proc/PID/mem do that) maps the shared zero page, which
// pagemap shows present but smaps does not count in Rss; it is never PM_MMAP_EXCLUSIVE.
import { PAGEMAP_ENTRY_BYTES, PM_HIGH_WORD } from '../proc/pagemap.js';
import { PAGE_SIZE } from '../units.js';

/** One heap mapping: its address range (page-aligned) and its smaps Rss and Private_Dirty. */
export interface HeapMapping {
  start: number;
  end: number;
  /** [heap], or the 64 MiB-aligned heap of a thread arena. */
  name: string;
  rssBytes: number;
  privateDirtyBytes: number;
  /** smaps Shared_Clean + Shared_Dirty (pages shared with a forked child). */
  sharedBytes: number;
}

interface Region {
  start: number;
  end: number;
  /** Resident pages before page k of the region, k = 0..pages (prefix sums). */
  present: Uint32Array;
  /** Resident and exclusively mapped (private) pages before page k. */
  exclusive: Uint32Array;
  /** For page k: the first page at or after k that is not both present and exclusive (pages when none). */
  nextHole: Uint32Array;
}

/** Which residency a query counts: every resident page (Rss) or the exclusively mapped ones (Private_*). */
export type Residency = 'rss' | 'private';

/** Resident bytes of address ranges inside a set of mappings. */
export class PageResidency {
  private readonly regions: Region[] = [];
  /** The region of the last query: consecutive queries walk one heap upward. */
  private last: Region | undefined;

  /**
   * Adds a mapping [start, end) with its pagemap entries (8 bytes per page). A page counts as resident when present
   * and exclusively mapped; with `hasSharedPages` (smaps Shared_* > 0: pages shared with a forked child) every
   * present page does, and a zero page in it would then be counted (the caller checks the total against smaps Rss).
   */
  addRegion(start: number, end: number, pagemap: Uint8Array, hasSharedPages = false): void {
    const pages = (end - start) / PAGE_SIZE;
    const view = new DataView(pagemap.buffer, pagemap.byteOffset, pagemap.byteLength);
    const present = new Uint32Array(pages + 1);
    const exclusive = new Uint32Array(pages + 1);
    for (let k = 0; k < pages; k++) {
      const hi = k * PAGEMAP_ENTRY_BYTES + 4 < pagemap.byteLength ? view.getUint32(k * PAGEMAP_ENTRY_BYTES + 4, true) : 0;
      const isPresent = (hi & PM_HIGH_WORD.PM_PRESENT) !== 0;
      const isExclusive = isPresent && (hi & PM_HIGH_WORD.PM_MMAP_EXCLUSIVE) !== 0;
      present[k + 1] = present[k]! + (isExclusive || (isPresent && hasSharedPages) ? 1 : 0);
      exclusive[k + 1] = exclusive[k]! + (isExclusive ? 1 : 0);
    }
    const nextHole = new Uint32Array(pages + 1);
    nextHole[pages] = pages;
    for (let k = pages - 1; k >= 0; k--) nextHole[k] = exclusive[k + 1]! - exclusive[k]! === 1 && present[k + 1]! - present[k]! === 1 ? nextHole[k + 1]! : k;
    this.regions.push({ start, end, present, exclusive, nextHole });
  }

  /** Resident bytes in [start, end) (which lies within one region; outside every region: 0). */
  residentBytes(start: number, end: number, which: Residency = 'rss'): number {
    if (end <= start) return 0;
    const hit = this.last !== undefined && start >= this.last.start && start < this.last.end ? this.last : this.regions.find((g) => start >= g.start && start < g.end);
    if (hit === undefined) return 0;
    const r = (this.last = hit);
    const to = Math.min(end, r.end);
    const counts = which === 'rss' ? r.present : r.exclusive;
    const first = Math.floor((start - r.start) / PAGE_SIZE);
    const last = Math.floor((to - 1 - r.start) / PAGE_SIZE);
    const at = (k: number) => counts[k + 1]! - counts[k]!;
    if (first === last) return (to - start) * at(first);
    const firstEnd = r.start + (first + 1) * PAGE_SIZE;
    const lastStart = r.start + last * PAGE_SIZE;
    return (firstEnd - start) * at(first) + (counts[last]! - counts[first + 1]!) * PAGE_SIZE + (to - lastStart) * at(last);
  }

  /**
   * Where the run of pages that count both as Rss and as private, from the page holding `address`, ends (address
   * itself when that page is not such a page or no region holds it): in [address, end) every byte is resident and
   * private, so a caller walking a heap upward counts ranges there by length (1 M chunks, no page arithmetic).
   */
  denseEnd(address: number): number {
    const hit = this.last !== undefined && address >= this.last.start && address < this.last.end ? this.last : this.regions.find((g) => address >= g.start && address < g.end);
    if (hit === undefined) return address;
    this.last = hit;
    const hole = hit.nextHole[Math.floor((address - hit.start) / PAGE_SIZE)]!;
    return Math.max(address, hit.start + hole * PAGE_SIZE);
  }

  /** Resident bytes of a whole region (the pagemap's view of its Rss). */
  regionBytes(start: number, which: Residency = 'rss'): number {
    const r = this.regions.find((g) => g.start === start);
    if (r === undefined) return 0;
    const counts = which === 'rss' ? r.present : r.exclusive;
    return counts[counts.length - 1]! * PAGE_SIZE;
  }
}
