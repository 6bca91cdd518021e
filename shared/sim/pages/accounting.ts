// smaps counters of one process's VMA, computed exactly as smaps_pte_entry() / smaps_account() /
// smaps_page_accumulate() do for order-0 folios. Source: fs/proc/task_mmu.c (Linux 6.x).

import { PAGE_SIZE, PAGE_SIZE_KB, PSS_SHIFT } from './params.js';
import { FrameKind, PTE_DIRTY, PTE_NONE, ZERO_PAGE_FRAME, type PagesState } from './state.js';

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

/** One page's share of Pss in PSS_SHIFT fixed point: (PAGE_SIZE << PSS_SHIFT) / mapcount, integer division. */
export function computePagePssFixed(mapcount: number): number {
  const full = PAGE_SIZE * 2 ** PSS_SHIFT;
  return mapcount >= 2 ? Math.floor(full / mapcount) : full;
}

/** Converts a fixed-point Pss sum to smaps' kB: (sum >> PSS_SHIFT) >> 10. */
export function convertPssFixedToKb(pssFixed: number): number {
  return Math.floor(Math.floor(pssFixed / 2 ** PSS_SHIFT) / 1024);
}

/**
 * smaps counters of process `procIdx`'s VMA of region `regionIdx`. A page counts when its PTE is present and
 * not the zero page; it is shared when its mapcount (PTEs over living processes) is >= 2, dirty when the PTE
 * or the folio is dirty, anonymous when the folio is anon.
 */
export function accountVma(state: PagesState, procIdx: number, regionIdx: number): SmapsCountersKb {
  const vma = state.procs[procIdx]!.vmas[regionIdx]!;
  const { kind, mapcount, dirty } = state.frames;
  let rssPages = 0;
  let pssFixed = 0;
  let sharedClean = 0;
  let sharedDirty = 0;
  let privateClean = 0;
  let privateDirty = 0;
  let anonPages = 0;
  for (let i = 0; i < vma.pte.length; i++) {
    const f = vma.pte[i]!;
    if (f === PTE_NONE || f === ZERO_PAGE_FRAME) continue;
    const mc = mapcount[f]!;
    rssPages++;
    pssFixed += computePagePssFixed(mc);
    if (kind[f] === FrameKind.Anon) anonPages++;
    const isDirty = (vma.ptFlags[i]! & PTE_DIRTY) !== 0 || dirty[f] !== 0;
    if (mc >= 2) {
      if (isDirty) sharedDirty++;
      else sharedClean++;
    } else if (isDirty) privateDirty++;
    else privateClean++;
  }
  return {
    Rss: rssPages * PAGE_SIZE_KB,
    Pss: convertPssFixedToKb(pssFixed),
    Shared_Clean: sharedClean * PAGE_SIZE_KB,
    Shared_Dirty: sharedDirty * PAGE_SIZE_KB,
    Private_Clean: privateClean * PAGE_SIZE_KB,
    Private_Dirty: privateDirty * PAGE_SIZE_KB,
    Anonymous: anonPages * PAGE_SIZE_KB,
  };
}
