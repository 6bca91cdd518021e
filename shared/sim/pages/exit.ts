// Process exit: the harness munmaps every region and then calls exit_group, so the PTEs go at once (unmap_vmas)
// and the survivors' mapcounts drop before the next step. Source: kernel/exit.c, mm/mmap.c.

import { zapVma } from './page-tables.js';
import type { PagesState } from './state.js';

/** Tears down every VMA of process `procIdx` and marks it exited. */
export function exitProcess(state: PagesState, procIdx: number): void {
  const proc = state.procs[procIdx]!;
  for (const vma of proc.vmas) zapVma(state, vma);
  proc.alive = false;
}
