// madvise(MADV_DONTNEED): zap_page_range_single() empties the PTEs of a range; anonymous pages lose a mapper
// (freed at zero), page-cache and shmem pages stay cached and inherit the PTE's dirty bit. Source: mm/madvise.c, mm/memory.c.

import { zapPte } from './page-tables.js';
import type { PagesState } from './state.js';

/** MADV_DONTNEED over pages first .. first+count-1 of one process's region. The anon_vma survives. */
export function madviseDontneed(state: PagesState, procIdx: number, regionIdx: number, first: number, count: number): void {
  const vma = state.procs[procIdx]!.vmas[regionIdx]!;
  for (let i = first; i < first + count; i++) zapPte(state, vma, i);
}
