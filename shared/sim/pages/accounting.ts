// smaps counters of one process's VMA, computed exactly as smaps_pte_entry() / smaps_account() /
// smaps_page_accumulate() do for order-0 folios. Source: fs/proc/task_mmu.c (Linux 6.x).

import { computePagePssShifted, convertPssShiftedToKb } from '../../proc/pss.js';
import { PAGE_SIZE_KB } from '../../units.js';
import { PTRS_PER_PTE } from './params.js';
import { createPageCounts, FrameKind, PTE_DIRTY, PTE_NONE, ZERO_PAGE_FRAME, type PageCounts, type PageDirectory, type PagesState, type PageTable, type VmaState } from './state.js';

/**
 * The smaps fields the simulator predicts for one VMA, under the kernel's names, in kB as smaps prints them.
 *
 * Invariants: Rss = Shared_Clean + Shared_Dirty + Private_Clean + Private_Dirty;
 * Anonymous <= Rss; Private_Clean + Private_Dirty <= Pss <= Rss.
 */
export interface SmapsCountersKb {
  Rss: number;
  Pss: number;
  Shared_Clean: number;
  Shared_Dirty: number;
  Private_Clean: number;
  Private_Dirty: number;
  Anonymous: number;
}

/** The field names of {@link SmapsCountersKb}, in smaps order. */
export const SMAPS_COUNTER_FIELDS = [
  'Rss',
  'Pss',
  'Shared_Clean',
  'Shared_Dirty',
  'Private_Clean',
  'Private_Dirty',
  'Anonymous',
] as const satisfies readonly (keyof SmapsCountersKb)[];

/** The tallies of one page table counted from scratch, a brute-force pass over its PTRS_PER_PTE entries. */
export function recountTable(state: PagesState, table: PageTable): PageCounts {
  const { kind, mapcount, dirty } = state.frames;
  // Locals, not object fields, in the loop: V8 keeps them unboxed.
  let rssPages = 0;
  let pssFixed = 0;
  let sharedClean = 0;
  let sharedDirty = 0;
  let privateClean = 0;
  let privateDirty = 0;
  let anonPages = 0;
  for (let j = 0; j < PTRS_PER_PTE; j++) {
    const f = table.pte[j]!;
    if (f === PTE_NONE || f === ZERO_PAGE_FRAME) continue;
    const mc = mapcount[f]!;
    rssPages++;
    pssFixed += computePagePssShifted(mc);
    if (kind[f] === FrameKind.Anon) anonPages++;
    const isDirty = (table.flags[j]! & PTE_DIRTY) !== 0 || dirty[f] !== 0;
    if (mc >= 2) {
      if (isDirty) sharedDirty++;
      else sharedClean++;
    } else if (isDirty) privateDirty++;
    else privateClean++;
  }
  return {
    rssPages,
    pssFixed,
    sharedCleanPages: sharedClean,
    sharedDirtyPages: sharedDirty,
    privateCleanPages: privateClean,
    privateDirtyPages: privateDirty,
    anonPages,
  };
}

/** Adds tallies c to sum, field by field. */
function addPageCounts(sum: PageCounts, c: PageCounts): void {
  sum.rssPages += c.rssPages;
  sum.pssFixed += c.pssFixed;
  sum.sharedCleanPages += c.sharedCleanPages;
  sum.sharedDirtyPages += c.sharedDirtyPages;
  sum.privateCleanPages += c.privateCleanPages;
  sum.privateDirtyPages += c.privateDirtyPages;
  sum.anonPages += c.anonPages;
}

/** The tallies of a directory counted from scratch, every PTE of every table (check.ts compares the caches with it). */
export function recountDirectory(state: PagesState, dir: PageDirectory): PageCounts {
  const counts = createPageCounts();
  for (const table of dir.tables) if (table !== null) addPageCounts(counts, recountTable(state, table));
  return counts;
}

/** A table's tallies: cached while nothing in its window changed, else recounted (once for all its sharers). */
function countTablePages(state: PagesState, table: PageTable, stamp: number): PageCounts {
  if (table.countedStamp !== stamp) {
    table.counts = recountTable(state, table);
    table.countedStamp = stamp;
  }
  return table.counts;
}

/**
 * The tallies of a VMA: its directory's cache while nothing in the region changed, else the sum over its
 * tables (a directory or table shared by many VMAs is summed or recounted once for all of them).
 */
export function countVmaPages(state: PagesState, vma: VmaState): PageCounts {
  const dir = vma.dir;
  if (dir === null) return createPageCounts();
  const region = state.regions[vma.regionIdx]!;
  if (dir.countedStamp === region.stamp) return dir.counts;
  // One add per table (a table covers 512 pages), so plain object fields cost nothing here.
  const counts = createPageCounts();
  const { tables } = dir;
  for (let t = 0; t < tables.length; t++) {
    const table = tables[t];
    if (table === null || table === undefined) continue;
    addPageCounts(counts, countTablePages(state, table, region.tableStamps[t]!));
  }
  dir.counts = counts;
  dir.countedStamp = region.stamp;
  return dir.counts;
}

/** smaps' kB view of page tallies. */
export function convertCountsToKb(c: PageCounts): SmapsCountersKb {
  return {
    Rss: c.rssPages * PAGE_SIZE_KB,
    Pss: convertPssShiftedToKb(c.pssFixed),
    Shared_Clean: c.sharedCleanPages * PAGE_SIZE_KB,
    Shared_Dirty: c.sharedDirtyPages * PAGE_SIZE_KB,
    Private_Clean: c.privateCleanPages * PAGE_SIZE_KB,
    Private_Dirty: c.privateDirtyPages * PAGE_SIZE_KB,
    Anonymous: c.anonPages * PAGE_SIZE_KB,
  };
}

/**
 * smaps counters of process `procIdx`'s VMA of region `regionIdx`. A page counts when its PTE is present and
 * not the zero page; it is shared when its mapcount (PTEs over living processes) is >= 2, dirty when the PTE
 * or the folio is dirty, anonymous when the folio is anon.
 */
export function accountVma(state: PagesState, procIdx: number, regionIdx: number): SmapsCountersKb {
  return convertCountsToKb(countVmaPages(state, state.procs[procIdx]!.vmas[regionIdx]!));
}
