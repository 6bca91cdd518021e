// fork(): dup_mmap() copies every VMA; copy_page_range() copies PTEs only where vma_needs_copy() says so
// (private VMAs with an anon_vma), write-protecting anonymous pages in parent and child. Source: kernel/fork.c, mm/memory.c.
// The child shares the parent's page directory until one of them writes a PTE (state.ts PageTable), so a fork
// walks the mapped pages once for their mapcounts and copies no PTE.

import { PTRS_PER_PTE } from './params.js';
import { createVma, FrameKind, PTE_NONE, PTE_WRITE, stampPage, ZERO_PAGE_FRAME, type PagesState, type ProcState, type PageTable, type VmaState } from './state.js';

/** copy_present_pte() on a table the parent alone holds: is_cow_mapping && pte_write → write-protect anon pages. */
function writeProtectAnon(state: PagesState, table: PageTable): void {
  const { kind } = state.frames;
  for (let j = 0; j < PTRS_PER_PTE; j++) {
    const f = table.pte[j]!;
    if (f !== PTE_NONE && f !== ZERO_PAGE_FRAME && kind[f] === FrameKind.Anon) table.flags[j]! &= ~PTE_WRITE;
  }
}

/** Every mapped page of the table gains the child as a mapper (the dirty bit stays, as in a private mapping). */
function countChildMappings(state: PagesState, table: PageTable): void {
  const { mapcount } = state.frames;
  for (let j = 0; j < PTRS_PER_PTE; j++) {
    const f = table.pte[j]!;
    if (f !== PTE_NONE && f !== ZERO_PAGE_FRAME) mapcount[f]!++;
  }
}

function copyVma(state: PagesState, parent: VmaState, isPrivate: boolean): VmaState {
  const child = createVma(parent.regionIdx, parent.pageCount);
  child.anonVma = parent.anonVma; // anon_vma_fork()
  const dir = parent.dir!;
  // vma_needs_copy(): shared VMAs and private VMAs without anon_vma are refilled by faults instead.
  if (!isPrivate || !parent.anonVma) return child;
  dir.tables.forEach((table, t) => {
    if (table === null) return;
    // A table others already see was write-protected when it first became shared and has not changed since.
    if (dir.users === 1 && table.users === 1) writeProtectAnon(state, table);
    countChildMappings(state, table);
    // Every frame of the table is homed in this window, so one stamp covers their new mapcounts.
    stampPage(state, parent.regionIdx, t * PTRS_PER_PTE);
  });
  dir.users++;
  child.dir = dir;
  return child;
}

/** Forks process `procIdx` into a new process named `childName`; returns the child's index. */
export function forkProcess(state: PagesState, procIdx: number, childName: string): number {
  const parent = state.procs[procIdx]!;
  const child: ProcState = {
    name: childName,
    alive: true,
    vmas: parent.vmas.map((vma, r) => copyVma(state, vma, state.regions[r]!.share === 'private')),
  };
  state.procs.push(child);
  return state.procs.length - 1;
}
