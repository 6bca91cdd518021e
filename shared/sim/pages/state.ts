// Simulated memory of a process tree: physical pages (folios, all order 0), page cache / shmem cache per region,
// and per process one VMA per region with its PTEs. Models mm/memory.c, mm/rmap.c, mm/shmem.c, mm/filemap.c (Linux 6.x).

import { PTRS_PER_PTE } from './params.js';
import { FIRST_PROC, type RegionShare, type RegionSpec, type RegionType } from './scenario.js';

/** PTE value of an empty entry (pte_none). */
export const PTE_NONE = -1;
/** Frame number of the shared zero page: never counted by smaps (vm_normal_page() returns NULL). */
export const ZERO_PAGE_FRAME = 0;

/** PTE flag: writable (a write through it does not fault). */
export const PTE_WRITE = 1;
/** PTE flag: hardware dirty bit. */
export const PTE_DIRTY = 2;

/** What a physical page holds (values of FrameTable.kind). */
export const FrameKind = {
  /** Unused slot on the free list. */
  Free: 0,
  /** The zero page (frame 0 only). */
  Zero: 1,
  /** Anonymous page (private anon, or a COW copy of a file page): folio_test_anon. */
  Anon: 2,
  /** Page-cache page of a region's backing file. */
  File: 3,
  /** shmem page of a shared anonymous region (swap-backed, not anon). */
  Shmem: 4,
} as const;
/** One of the FrameKind values. */
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

/**
 * Physical pages, struct-of-arrays so a 1 GiB scenario stays fast.
 *
 * Invariants (checked by check.ts):
 * - mapcount[f] = number of PTEs, over all living processes, whose value is f   (f != ZERO_PAGE_FRAME)
 * - kind[f] = Anon  ⇒  mapcount[f] >= 1   (an anon page is freed when its last PTE goes)
 * - kind[f] = File  ⇔  f = regions[r].cache[i] for exactly one (r, i) of a file region
 * - kind[f] = Shmem ⇔  f = regions[r].cache[i] for exactly one (r, i) of a shared anon region
 * - dirty[f] is the folio's dirty flag (PG_dirty); it is never cleared within a scenario (no writeback)
 */
export interface FrameTable {
  kind: Uint8Array;
  mapcount: Int32Array;
  dirty: Uint8Array;
  /** For Anon frames: the region and page index every PTE of it lives at (COW keeps addresses). */
  region: Int32Array;
  index: Int32Array;
  /** Frames ever handed out (slots [0, used) are valid). */
  used: number;
  freeList: number[];
}

/**
 * One region's shared objects: the file's page cache (every page present, clean at start) or the shmem
 * object (pages allocated on first fault).
 *
 * Invariants: private anon: cache.length = 0; file: cache[i] != PTE_NONE for all i;
 * shared anon: cache[i] = PTE_NONE until the page is first faulted, then stays (MADV_DONTNEED keeps shmem pages).
 */
export interface RegionState {
  name: string;
  type: RegionType;
  share: RegionShare;
  pageCount: number;
  cache: Int32Array;
  /**
   * Change counters that keep cached counts honest: tableStamps[t] grows whenever a PTE of window t changes in
   * any VMA or a frame homed in window t changes mapcount, dirty flag or kind; stamp grows with any of them.
   */
  tableStamps: Float64Array;
  stamp: number;
}

/**
 * One page table: the PTEs of PTRS_PER_PTE consecutive pages of a VMA (one 2 MiB window, as on x86-64).
 * fork() hands the child the parent's page directory, and with it these tables, instead of copying PTEs; a VMA
 * that then changes a PTE first copies the directory, and the table, for itself (page-tables.ts). Sharers
 * therefore always see identical PTEs, and a fork costs a walk of the mapped pages (their mapcounts), no copy.
 *
 * Invariants:
 * - pte[j] = PTE_NONE or a frame number; flags[j] = 0 when pte[j] = PTE_NONE
 * - users = number of directories holding this table (>= 1 while live); users > 1 ⇒ not written since shared
 * - countedStamp = the region's tableStamps[t] ⇒ counts = a recount of this table (accounting.ts)
 */
export interface PageTable {
  pte: Int32Array;
  flags: Uint8Array;
  users: number;
  countedStamp: number;
  counts: PageCounts;
}

/**
 * The page tables of one VMA, tables[t] covering pages t × PTRS_PER_PTE …; null where no PTE was ever set.
 *
 * Invariants: users = number of VMAs holding it; users > 1 ⇒ not written since shared;
 * countedStamp = the region's stamp ⇒ counts = the sum of the tables' counts.
 */
export interface PageDirectory {
  tables: (PageTable | null)[];
  users: number;
  countedStamp: number;
  counts: PageCounts;
}

/**
 * Page tallies behind smaps' counters (accounting.ts), cached per page table and per directory so an
 * unchanged window is not recounted after every step.
 */
export interface PageCounts {
  rssPages: number;
  /** Sum of the pages' Pss shares, PSS_SHIFT fixed point. */
  pssFixed: number;
  sharedCleanPages: number;
  sharedDirtyPages: number;
  privateCleanPages: number;
  privateDirtyPages: number;
  anonPages: number;
}

/**
 * One process's mapping of one region. Page i's PTE is dir.tables[i >> PTE_TABLE_SHIFT].pte[i & PTE_INDEX_MASK]
 * (read it with readPte / readPteFlags, change it with writePte of page-tables.ts, which keep sharing and cached
 * counts right). Below, pte[i] and flags[i] mean page i's entry.
 *
 * Invariants:
 * - dir = null ⇔ the process exited; else dir.tables.length = ceil(pageCount / PTRS_PER_PTE), and entries past
 *   pageCount are PTE_NONE
 * - pte[i] = ZERO_PAGE_FRAME ⇒ private anon region and !(flags[i] & PTE_WRITE)
 * - pte[i] is an Anon frame ⇒ private region and anonVma, and (flags[i] & PTE_WRITE ⇒ mapcount = 1)
 * - pte[i] is an Anon frame ⇒ flags[i] & PTE_DIRTY   (anonymous PTEs are always made dirty)
 * - private file region, pte[i] = cache[i] ⇒ flags[i] = 0   (read-only, clean: COW on write)
 * - shared file region, flags[i] & PTE_WRITE ⇒ dirty[cache[i]]   (write-notify dirtied it)
 * - shared anon region ⇒ pte[i] ∈ {PTE_NONE, cache[i]} and PTE_WRITE set on every present PTE
 */
export interface VmaState {
  /** Index of the region this VMA maps (its place in PagesState.regions). */
  regionIdx: number;
  pageCount: number;
  /** The VMA has an anon_vma (created by its first private page allocation, inherited by fork). */
  anonVma: boolean;
  dir: PageDirectory | null;
  /** Minor faults this process took on this region over the whole scenario. */
  minorFaults: number;
}

/**
 * One process. Invariant: !alive ⇔ every VMA's dir is null.
 */
export interface ProcState {
  name: string;
  alive: boolean;
  /** One VMA per region, same order as PagesState.regions. */
  vmas: VmaState[];
}

/** The whole simulated machine. Invariant: tableCount = number of distinct tables held by directories. */
export interface PagesState {
  regions: RegionState[];
  /** In creation order; exited processes stay (alive = false) so indices are stable. */
  procs: ProcState[];
  frames: FrameTable;
  tableCount: number;
}

/** Most frames in use at once: 64 GiB of simulated RAM (the model spends 14 bytes per frame). */
export const MAX_FRAMES = 1 << 24;
/** Most page tables live at once: 2^24 PTEs, 64 GiB mapped (the model spends about 2.7 KB per table). */
export const MAX_PAGE_TABLES = 1 << 15;

/** A scenario needs more of the simulated machine than MAX_FRAMES or MAX_PAGE_TABLES allow. */
export class PagesBoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PagesBoundError';
  }
}

/** log2(PTRS_PER_PTE): page i lives in table i >> PTE_TABLE_SHIFT. */
export const PTE_TABLE_SHIFT = Math.log2(PTRS_PER_PTE);
/** Page i is entry i & PTE_INDEX_MASK of its table. */
export const PTE_INDEX_MASK = PTRS_PER_PTE - 1;

const INITIAL_FRAMES = 1024;

function createFrameTable(capacity: number): FrameTable {
  const frames: FrameTable = {
    kind: new Uint8Array(capacity),
    mapcount: new Int32Array(capacity),
    dirty: new Uint8Array(capacity),
    region: new Int32Array(capacity),
    index: new Int32Array(capacity),
    used: 1,
    freeList: [],
  };
  frames.kind[ZERO_PAGE_FRAME] = FrameKind.Zero;
  return frames;
}

function growFrameTable(frames: FrameTable, minCapacity: number): void {
  let capacity = frames.kind.length;
  while (capacity < minCapacity) capacity *= 2;
  capacity = Math.min(capacity, MAX_FRAMES + 1); // frame 0 (the zero page) + MAX_FRAMES: never a doubling past the bound
  if (capacity === frames.kind.length) return;
  const grow = <T extends Uint8Array | Int32Array>(old: T, make: (n: number) => T): T => {
    const next = make(capacity);
    next.set(old);
    return next;
  };
  frames.kind = grow(frames.kind, (n) => new Uint8Array(n));
  frames.mapcount = grow(frames.mapcount, (n) => new Int32Array(n));
  frames.dirty = grow(frames.dirty, (n) => new Uint8Array(n));
  frames.region = grow(frames.region, (n) => new Int32Array(n));
  frames.index = grow(frames.index, (n) => new Int32Array(n));
}

/**
 * Takes a free frame (mapcount 0, clean) and gives it a kind and a home (region, page index).
 * Throws PagesBoundError past MAX_FRAMES.
 */
export function allocateFrame(frames: FrameTable, kind: FrameKind, regionIdx: number, pageIndex: number): number {
  let f = frames.freeList.pop();
  if (f === undefined) {
    if (frames.used > MAX_FRAMES) throw new PagesBoundError(`needs more than ${MAX_FRAMES} physical pages (64 GiB), the simulator's bound`);
    if (frames.used >= frames.kind.length) growFrameTable(frames, frames.used + 1);
    f = frames.used++;
  }
  frames.kind[f] = kind;
  frames.mapcount[f] = 0;
  frames.dirty[f] = 0;
  frames.region[f] = regionIdx;
  frames.index[f] = pageIndex;
  return f;
}

/** Records that something the smaps counters read changed at page `pageIndex` of region `regionIdx`. */
export function stampPage(state: PagesState, regionIdx: number, pageIndex: number): void {
  const region = state.regions[regionIdx]!;
  region.tableStamps[pageIndex >> PTE_TABLE_SHIFT]!++;
  region.stamp++;
}

/** Records a change to frame f (mapcount, dirty flag, kind) at its home, the only place PTEs map it. */
function stampFrame(state: PagesState, f: number): void {
  stampPage(state, state.frames.region[f]!, state.frames.index[f]!);
}

/** Adds delta to frame f's mapcount; frees an anonymous frame whose last PTE went away. */
export function changeMapcount(state: PagesState, f: number, delta: number): void {
  const frames = state.frames;
  frames.mapcount[f]! += delta;
  stampFrame(state, f);
  if (frames.mapcount[f] === 0 && frames.kind[f] === FrameKind.Anon) freeFrame(frames, f);
}

/** Sets frame f's folio dirty flag (PG_dirty). */
export function markFrameDirty(state: PagesState, f: number): void {
  if (state.frames.dirty[f] !== 0) return;
  state.frames.dirty[f] = 1;
  stampFrame(state, f);
}

/** Returns an anonymous frame whose last PTE went away to the free list. */
export function freeFrame(frames: FrameTable, f: number): void {
  frames.kind[f] = FrameKind.Free;
  frames.mapcount[f] = 0;
  frames.dirty[f] = 0;
  frames.freeList.push(f);
}

/** Tallies of no pages. */
export function createPageCounts(): PageCounts {
  return { rssPages: 0, pssFixed: 0, sharedCleanPages: 0, sharedDirtyPages: 0, privateCleanPages: 0, privateDirtyPages: 0, anonPages: 0 };
}

/** A VMA with no PTEs and no anon_vma, as mmap() leaves it. */
export function createVma(regionIdx: number, pageCount: number): VmaState {
  const dir: PageDirectory = {
    tables: new Array<PageTable | null>(Math.ceil(pageCount / PTRS_PER_PTE)).fill(null),
    users: 1,
    countedStamp: -1,
    counts: createPageCounts(),
  };
  return { regionIdx, pageCount, anonVma: false, dir, minorFaults: 0 };
}

/**
 * The state right after "p0" mapped every region: file regions fully cached and clean, shmem empty, no PTEs.
 */
export function createPagesState(regions: readonly RegionSpec[]): PagesState {
  const totalFilePages = regions.reduce((sum, r) => sum + (r.type === 'file' ? r.pages : 0), 0);
  const frames = createFrameTable(Math.max(INITIAL_FRAMES, totalFilePages + 1));
  const regionStates: RegionState[] = regions.map((spec, r) => {
    const isPrivateAnon = spec.type === 'anon' && spec.share === 'private';
    const cache = new Int32Array(isPrivateAnon ? 0 : spec.pages).fill(PTE_NONE);
    if (spec.type === 'file') {
      for (let i = 0; i < spec.pages; i++) cache[i] = allocateFrame(frames, FrameKind.File, r, i);
    }
    const tableStamps = new Float64Array(Math.ceil(spec.pages / PTRS_PER_PTE));
    return { name: spec.name, type: spec.type, share: spec.share, pageCount: spec.pages, cache, tableStamps, stamp: 0 };
  });
  const p0: ProcState = { name: FIRST_PROC, alive: true, vmas: regions.map((r, i) => createVma(i, r.pages)) };
  return { regions: regionStates, procs: [p0], frames, tableCount: 0 };
}

/** Index of a process by name (living or exited), or -1. */
export function findProc(state: PagesState, name: string): number {
  return state.procs.findIndex((p) => p.name === name);
}

/** Index of a region by name, or -1. */
export function findRegion(state: PagesState, name: string): number {
  return state.regions.findIndex((r) => r.name === name);
}

/**
 * The frame side of dropping a PTE (zap_present_folio_ptes()): only non-anon folios take the PTE's dirty bit
 * (folio_mark_dirty), the mapcount drops, an unmapped anon page is freed.
 */
export function releaseFrame(state: PagesState, f: number, flags: number): void {
  if (f === ZERO_PAGE_FRAME) return;
  if (state.frames.kind[f] !== FrameKind.Anon && (flags & PTE_DIRTY) !== 0) markFrameDirty(state, f);
  changeMapcount(state, f, -1);
}
