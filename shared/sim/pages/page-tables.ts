// Reading and writing one VMA's PTEs through its page directory and page tables, which fork() shares between
// parent and child (state.ts PageTable): a write first gives the writer its own copy of the directory and of
// the one table it changes, so sharing costs nothing until a process diverges, and only where it does.

import { PTRS_PER_PTE } from './params.js';
import {
  createPageCounts,
  MAX_PAGE_TABLES,
  PagesBoundError,
  PTE_INDEX_MASK,
  PTE_NONE,
  PTE_TABLE_SHIFT,
  releaseFrame,
  stampPage,
  type PageDirectory,
  type PagesState,
  type PageTable,
  type VmaState,
} from './state.js';

/** Page i's PTE: PTE_NONE, ZERO_PAGE_FRAME or a frame. */
export function readPte(vma: VmaState, pageIndex: number): number {
  const table = vma.dir?.tables[pageIndex >> PTE_TABLE_SHIFT];
  return table === null || table === undefined ? PTE_NONE : table.pte[pageIndex & PTE_INDEX_MASK]!;
}

/** Page i's PTE flags (PTE_WRITE, PTE_DIRTY). */
export function readPteFlags(vma: VmaState, pageIndex: number): number {
  const table = vma.dir?.tables[pageIndex >> PTE_TABLE_SHIFT];
  return table === null || table === undefined ? 0 : table.flags[pageIndex & PTE_INDEX_MASK]!;
}

/** An empty page table, counted against MAX_PAGE_TABLES. */
function createPageTable(state: PagesState): PageTable {
  if (state.tableCount >= MAX_PAGE_TABLES) {
    throw new PagesBoundError(`needs more than ${MAX_PAGE_TABLES} page tables (64 GiB mapped), the simulator's bound`);
  }
  state.tableCount++;
  return { pte: new Int32Array(PTRS_PER_PTE).fill(PTE_NONE), flags: new Uint8Array(PTRS_PER_PTE), users: 1, countedStamp: -1, counts: createPageCounts() };
}

/** The VMA's directory, copied for it first when other VMAs share it (the copy shares every table). */
function ownDirectory(vma: VmaState): PageDirectory {
  const dir = vma.dir;
  if (dir === null) throw new Error('PTE write in an exited process');
  if (dir.users === 1) return dir;
  dir.users--;
  for (const table of dir.tables) if (table !== null) table.users++;
  const own: PageDirectory = { tables: dir.tables.slice(), users: 1, countedStamp: -1, counts: createPageCounts() };
  vma.dir = own;
  return own;
}

/** The table holding page i, made this VMA's own first: created when missing, copied when shared. */
function ownTable(state: PagesState, vma: VmaState, pageIndex: number): PageTable {
  const dir = ownDirectory(vma);
  const t = pageIndex >> PTE_TABLE_SHIFT;
  const table = dir.tables[t]!;
  if (table !== null && table.users === 1) return table;
  const own = createPageTable(state);
  if (table !== null) {
    own.pte.set(table.pte);
    own.flags.set(table.flags);
    table.users--;
  }
  dir.tables[t] = own;
  return own;
}

/** Sets page i's PTE and flags (mapcounts are the caller's business). */
export function writePte(state: PagesState, vma: VmaState, pageIndex: number, frame: number, flags: number): void {
  const table = ownTable(state, vma, pageIndex);
  const j = pageIndex & PTE_INDEX_MASK;
  table.pte[j] = frame;
  table.flags[j] = flags;
  stampPage(state, vma.regionIdx, pageIndex);
}

/** Sets page i's PTE flags, keeping its frame. */
export function writePteFlags(state: PagesState, vma: VmaState, pageIndex: number, flags: number): void {
  writePte(state, vma, pageIndex, readPte(vma, pageIndex), flags);
}

/** Drops one PTE (zap): the frame side as releaseFrame, then the PTE is emptied. */
export function zapPte(state: PagesState, vma: VmaState, pageIndex: number): void {
  const f = readPte(vma, pageIndex);
  if (f === PTE_NONE) return;
  releaseFrame(state, f, readPteFlags(vma, pageIndex));
  writePte(state, vma, pageIndex, PTE_NONE, 0);
}

/**
 * Drops every PTE of a VMA at once (exit: unmap_vmas): the frame side of each PTE, then the VMA lets go of its
 * directory; tables and directories other VMAs still share are left to them unchanged.
 */
export function zapVma(state: PagesState, vma: VmaState): void {
  const dir = vma.dir;
  if (dir === null) return;
  dir.users--;
  dir.tables.forEach((table, t) => {
    if (table === null) return;
    for (let j = 0; j < PTRS_PER_PTE; j++) {
      const f = table.pte[j]!;
      if (f !== PTE_NONE) releaseFrame(state, f, table.flags[j]!);
    }
    if (dir.users === 0) {
      table.users--;
      if (table.users === 0) state.tableCount--;
    }
    stampPage(state, vma.regionIdx, t << PTE_TABLE_SHIFT);
  });
  vma.dir = null;
}
