// Simulated memory of a process tree: physical pages (folios, all order 0), page cache / shmem cache per region,
// and per process one VMA per region with its PTEs. Models mm/memory.c, mm/rmap.c, mm/shmem.c, mm/filemap.c (Linux 6.x).

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
}

/**
 * One process's mapping of one region.
 *
 * Invariants:
 * - pte[i] = PTE_NONE or a frame number; ptFlags[i] = 0 when pte[i] = PTE_NONE
 * - pte[i] = ZERO_PAGE_FRAME ⇒ private anon region and !(ptFlags[i] & PTE_WRITE)
 * - pte[i] is an Anon frame ⇒ private region and anonVma, and (ptFlags[i] & PTE_WRITE ⇒ mapcount = 1)
 * - pte[i] is an Anon frame ⇒ ptFlags[i] & PTE_DIRTY   (anonymous PTEs are always made dirty)
 * - private file region, pte[i] = cache[i] ⇒ ptFlags[i] = 0   (read-only, clean: COW on write)
 * - shared file region, ptFlags[i] & PTE_WRITE ⇒ dirty[cache[i]]   (write-notify dirtied it)
 * - shared anon region ⇒ pte[i] ∈ {PTE_NONE, cache[i]} and PTE_WRITE set on every present PTE
 */
export interface VmaState {
  /** The VMA has an anon_vma (created by its first private page allocation, inherited by fork). */
  anonVma: boolean;
  pte: Int32Array;
  ptFlags: Uint8Array;
  /** Minor faults this process took on this region over the whole scenario. */
  minorFaults: number;
}

/**
 * One process. Invariant: !alive ⇒ every pte of every VMA is PTE_NONE.
 */
export interface ProcState {
  name: string;
  alive: boolean;
  /** One VMA per region, same order as PagesState.regions. */
  vmas: VmaState[];
}

/** The whole simulated machine. */
export interface PagesState {
  regions: RegionState[];
  /** In creation order; exited processes stay (alive = false) so indices are stable. */
  procs: ProcState[];
  frames: FrameTable;
}

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

/** Takes a free frame (mapcount 0, clean) and gives it a kind and a home (region, page index). */
export function allocateFrame(frames: FrameTable, kind: FrameKind, regionIdx: number, pageIndex: number): number {
  let f = frames.freeList.pop();
  if (f === undefined) {
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

/** Returns an anonymous frame whose last PTE went away to the free list. */
export function freeFrame(frames: FrameTable, f: number): void {
  frames.kind[f] = FrameKind.Free;
  frames.mapcount[f] = 0;
  frames.dirty[f] = 0;
  frames.freeList.push(f);
}

/** A VMA with no PTEs and no anon_vma, as mmap() leaves it. */
export function createVma(pageCount: number): VmaState {
  return { anonVma: false, pte: new Int32Array(pageCount).fill(PTE_NONE), ptFlags: new Uint8Array(pageCount), minorFaults: 0 };
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
    return { name: spec.name, type: spec.type, share: spec.share, pageCount: spec.pages, cache };
  });
  const p0: ProcState = { name: FIRST_PROC, alive: true, vmas: regions.map((r) => createVma(r.pages)) };
  return { regions: regionStates, procs: [p0], frames };
}

/** Index of a process by name (living or exited), or -1. */
export function findProc(state: PagesState, name: string): number {
  return state.procs.findIndex((p) => p.name === name);
}

/** Index of a region by name, or -1. */
export function findRegion(state: PagesState, name: string): number {
  return state.regions.findIndex((r) => r.name === name);
}

/** Drops one PTE (zap): moves its dirty bit to a non-anon folio, drops the mapcount, frees an unmapped anon page. */
export function zapPte(state: PagesState, vma: VmaState, pageIndex: number): void {
  const f = vma.pte[pageIndex]!;
  if (f === PTE_NONE) return;
  const frames = state.frames;
  if (f !== ZERO_PAGE_FRAME) {
    const kind = frames.kind[f];
    // zap_present_folio_ptes(): only non-anon folios take the PTE's dirty bit (folio_mark_dirty).
    if (kind !== FrameKind.Anon && (vma.ptFlags[pageIndex]! & PTE_DIRTY) !== 0) frames.dirty[f] = 1;
    frames.mapcount[f]!--;
    if (kind === FrameKind.Anon && frames.mapcount[f] === 0) freeFrame(frames, f);
  }
  vma.pte[pageIndex] = PTE_NONE;
  vma.ptFlags[pageIndex] = 0;
}
