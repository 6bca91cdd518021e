// fork(): dup_mmap() copies every VMA; copy_page_range() copies PTEs only where vma_needs_copy() says so
// (private VMAs with an anon_vma), write-protecting anonymous pages in parent and child. Source: kernel/fork.c, mm/memory.c.

import { FrameKind, PTE_NONE, PTE_WRITE, ZERO_PAGE_FRAME, type PagesState, type ProcState, type VmaState } from './state.js';

function copyVma(state: PagesState, parent: VmaState, isPrivate: boolean): VmaState {
  const pageCount = parent.pte.length;
  const child: VmaState = {
    anonVma: parent.anonVma, // anon_vma_fork()
    pte: new Int32Array(pageCount).fill(PTE_NONE),
    ptFlags: new Uint8Array(pageCount),
    minorFaults: 0,
  };
  // vma_needs_copy(): shared VMAs and private VMAs without anon_vma are refilled by faults instead.
  if (!isPrivate || !parent.anonVma) return child;
  const { kind, mapcount } = state.frames;
  for (let i = 0; i < pageCount; i++) {
    const f = parent.pte[i]!;
    if (f === PTE_NONE) continue;
    // copy_present_pte(): is_cow_mapping && pte_write → write-protect both; dirty bit kept in a private mapping.
    let flags = parent.ptFlags[i]!;
    if (f !== ZERO_PAGE_FRAME) {
      mapcount[f]!++;
      if (kind[f] === FrameKind.Anon) flags &= ~PTE_WRITE;
    }
    parent.ptFlags[i] = flags;
    child.pte[i] = f;
    child.ptFlags[i] = flags;
  }
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
