// TCMalloc's page heap: spans of 8 KiB pages, exact-length free lists and best-fit sets, eager
// coalescing, sbrk growth, incremental release to the OS, the page map. Source of truth: gperftools
// 2.10 src/page_heap.cc (New, AllocLarge, Carve, Delete, MergeIntoFreeList, IncrementalScavenge, ReleaseAtLeastNPages, GrowHeap).

import {
  kDefaultReleaseDelay,
  kForcedCoalesceInterval,
  kMaxPages,
  kMaxReleaseDelay,
  kMinSystemAlloc,
  kPageSize,
} from './common.js';
import { type Span, SpanLocation, createSpan, createSpanList, isSpanListEmpty, prependSpanToList, removeSpanFromList } from './span.js';
import { TcmallocEvent, type TcmallocEmitter } from './events.js';
import { MAP_FAILED, type SimOs, moveBreak } from '../os.js';

/** PageHeap::Stats, in bytes and counts. */
export interface PageHeapStats {
  /** Bytes obtained from the system (generic.heap_size). */
  systemBytes: number;
  /** Bytes in free spans on the normal lists (tcmalloc.pageheap_free_bytes). */
  freeBytes: number;
  /** Bytes in free spans released to the OS (tcmalloc.pageheap_unmapped_bytes). */
  unmappedBytes: number;
  /** systemBytes − unmappedBytes. */
  committedBytes: number;
  /** Incremental scavenges that ran. */
  scavengeCount: number;
  /** Commits (growths and recommits of released spans). */
  commitCount: number;
  /** Bytes committed over the process lifetime. */
  totalCommitBytes: number;
  /** Decommits (releases to the OS). */
  decommitCount: number;
  /** Bytes decommitted over the process lifetime. */
  totalDecommitBytes: number;
  /** System allocations (growths). */
  reserveCount: number;
  /** Bytes reserved over the process lifetime. */
  totalReserveBytes: number;
}

/**
 * The page heap. The model assumes every growth is an sbrk contiguous with the previous one
 * (true while TCMalloc's metadata fits its first 8 MiB sbrk chunk), so the heap is pages
 * [0, endPage) and systemBytes = endPage · kPageSize.
 *
 * Invariants (checkPageHeap in check.ts):
 *  - tiling: spans tile [0, endPage); pagemap[s.start] = pagemap[s.start + s.length − 1] = s;
 *    a span carved into objects (sizeclass > 0) owns pagemap entries of all its pages;
 *  - a free span of length L ≤ kMaxPages is on free[L − 1].normal or .returned as its location
 *    says, a longer one in largeNormal/largeReturned, sorted by (length, start);
 *  - no two adjacent free spans have the same location (eager coalescing; both kinds may touch);
 *  - freeBytes = Σ normal free spans · kPageSize; unmappedBytes = Σ returned · kPageSize;
 *    committedBytes + unmappedBytes = systemBytes = endPage · kPageSize.
 */
export interface PageHeap {
  /** Page → span (boundary pages of every span, all pages of object spans; stale entries allowed elsewhere). */
  pagemap: (Span | undefined)[];
  /** free_[L − 1]: list heads of free spans of exactly L pages. */
  free: { normal: Span; returned: Span }[];
  /** large_normal_: free normal spans longer than kMaxPages, sorted by (length, start). */
  largeNormal: Span[];
  /** large_returned_: free released spans longer than kMaxPages, sorted by (length, start). */
  largeReturned: Span[];
  /** stats_. */
  stats: PageHeapStats;
  /** scavenge_counter_: pages still to be deleted before the next incremental scavenge. */
  scavengeCounter: number;
  /** release_index_: free list where ReleaseAtLeastNPages resumes (kMaxPages = the large set). */
  releaseIndex: number;
  /** aggressive_decommit_. */
  aggressiveDecommit: boolean;
  /** FLAGS_tcmalloc_release_rate as the library reads it now (0 before its static initializer runs). */
  releaseRate: number;
  /** Pages obtained from the system so far. */
  endPage: number;
  /** The simulated program break (the page heap's start is break 0). */
  os: SimOs;
  /** Event output shared with the rest of the heap. */
  out: TcmallocEmitter;
}

/** PageHeap::PageHeap(): empty, nothing taken from the system yet. */
export function createPageHeap(os: SimOs, out: TcmallocEmitter, aggressiveDecommit: boolean): PageHeap {
  const free: { normal: Span; returned: Span }[] = [];
  for (let i = 0; i < kMaxPages; i++) free.push({ normal: createSpanList(), returned: createSpanList() });
  return {
    pagemap: [],
    free,
    largeNormal: [],
    largeReturned: [],
    stats: {
      systemBytes: 0, freeBytes: 0, unmappedBytes: 0, committedBytes: 0, scavengeCount: 0, commitCount: 0,
      totalCommitBytes: 0, decommitCount: 0, totalDecommitBytes: 0, reserveCount: 0, totalReserveBytes: 0,
    },
    scavengeCounter: 0,
    releaseIndex: kMaxPages,
    aggressiveDecommit,
    releaseRate: 0,
    endPage: 0,
    os,
    out,
  };
}

/** Every span in address order (in use and free), walking the page map: for views of the heap. Cost: O(spans). */
export function listSpans(ph: PageHeap): Span[] {
  const spans: Span[] = [];
  for (let p = 0; p < ph.endPage;) {
    const s = ph.pagemap[p];
    if (s === undefined || s.start !== p) throw new Error(`page heap: no span starts at page ${p}`);
    spans.push(s);
    p += s.length;
  }
  return spans;
}

/** GetDescriptor(): the span recorded for page p, if any. */
export function getDescriptor(ph: PageHeap, page: number): Span | undefined {
  return page >= 0 ? ph.pagemap[page] : undefined;
}

function recordSpan(ph: PageHeap, span: Span): void {
  ph.pagemap[span.start] = span;
  if (span.length > 1) ph.pagemap[span.start + span.length - 1] = span;
}

function emit(ph: PageHeap, kind: number, a: number, b: number, c: number): void {
  const sink = ph.out.sink;
  if (sink !== null) sink(kind, a, b, c);
}

/** SpanBestFitLess: by length, then by start page. */
function compareBestFit(a: Span, b: Span): number {
  return a.length !== b.length ? a.length - b.length : a.start - b.start;
}

/** Where span sits, or would sit, in a set sorted by SpanBestFitLess: the first index not less than it. */
function findInSet(set: Span[], span: Span): number {
  let lo = 0;
  let hi = set.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareBestFit(set[mid]!, span) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertIntoSet(set: Span[], span: Span): void {
  set.splice(findInSet(set, span), 0, span);
}

function removeFromSet(set: Span[], span: Span): void {
  const at = findInSet(set, span);
  if (set[at] !== span) throw new Error(`page heap: span at page ${span.start} missing from its large set`);
  set.splice(at, 1);
}

/** set.upper_bound({start 0, length n}): the best fit of at least n pages (start pages are never 0 in the library). */
function findBestFit(set: Span[], n: number): Span | undefined {
  let lo = 0;
  let hi = set.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (set[mid]!.length < n) lo = mid + 1;
    else hi = mid;
  }
  return set[lo];
}

function prependToFreeList(ph: PageHeap, span: Span): void {
  const bytes = span.length * kPageSize;
  const normal = span.location === SpanLocation.ON_NORMAL_FREELIST;
  if (normal) ph.stats.freeBytes += bytes;
  else ph.stats.unmappedBytes += bytes;
  if (span.length > kMaxPages) {
    insertIntoSet(normal ? ph.largeNormal : ph.largeReturned, span);
    return;
  }
  const list = ph.free[span.length - 1]!;
  prependSpanToList(normal ? list.normal : list.returned, span);
}

function removeFromFreeList(ph: PageHeap, span: Span): void {
  const bytes = span.length * kPageSize;
  const normal = span.location === SpanLocation.ON_NORMAL_FREELIST;
  if (normal) ph.stats.freeBytes -= bytes;
  else ph.stats.unmappedBytes -= bytes;
  if (span.length > kMaxPages) removeFromSet(normal ? ph.largeNormal : ph.largeReturned, span);
  else removeSpanFromList(span);
}

function commitSpan(ph: PageHeap, span: Span): void {
  const bytes = span.length * kPageSize;
  ph.stats.commitCount++;
  ph.stats.committedBytes += bytes;
  ph.stats.totalCommitBytes += bytes;
  emit(ph, TcmallocEvent.commit, span.start * kPageSize, span.length, 0);
}

/** DecommitSpan(): madvise(MADV_DONTNEED) never fails on Linux, so this always succeeds. */
function decommitSpan(ph: PageHeap, span: Span): boolean {
  const bytes = span.length * kPageSize;
  ph.stats.decommitCount++;
  ph.stats.committedBytes -= bytes;
  ph.stats.totalDecommitBytes += bytes;
  return true;
}

/** Carve(): takes n pages from the start of a free span; the rest goes back on a free list, same kind. */
function carve(ph: PageHeap, span: Span, n: number): Span {
  const oldLocation = span.location;
  removeFromFreeList(ph, span);
  span.location = SpanLocation.IN_USE;
  const extra = span.length - n;
  if (extra > 0) {
    const leftover = createSpan(span.start + n, extra);
    leftover.location = oldLocation;
    recordSpan(ph, leftover);
    prependToFreeList(ph, leftover);
    span.length = n;
    ph.pagemap[span.start + n - 1] = span;
    emit(ph, TcmallocEvent.carve, span.start * kPageSize, n, extra);
  }
  if (oldLocation === SpanLocation.ON_RETURNED_FREELIST) commitSpan(ph, span);
  return span;
}

/** AllocLarge(): best fit among spans longer than kMaxPages, normal preferred on ties only by (length, start). */
function allocLarge(ph: PageHeap, n: number): Span | null {
  const bestNormal = findBestFit(ph.largeNormal, n);
  let best = bestNormal;
  const c = findBestFit(ph.largeReturned, n);
  if (c !== undefined && (bestNormal === undefined || c.length < bestNormal.length || (c.length === bestNormal.length && c.start < bestNormal.start))) {
    best = c;
  }
  return best === undefined ? null : carve(ph, best, n);
}

/** SearchFreeAndLargeLists(): first exact-or-longer list with a span (normal before returned), else AllocLarge. */
function searchFreeAndLargeLists(ph: PageHeap, n: number): Span | null {
  for (let s = n; s <= kMaxPages; s++) {
    const lists = ph.free[s - 1]!;
    if (!isSpanListEmpty(lists.normal)) return carve(ph, lists.normal.next, n);
    if (!isSpanListEmpty(lists.returned)) return carve(ph, lists.returned.next, n);
  }
  return allocLarge(ph, n);
}

/** PageHeap::New(): a span of exactly n in-use pages, growing the heap when nothing fits; null when the system refuses (ENOMEM). */
export function allocatePages(ph: PageHeap, n: number): Span | null {
  let result = searchFreeAndLargeLists(ph, n);
  if (result !== null) return result;
  const st = ph.stats;
  if (st.freeBytes !== 0 && st.unmappedBytes !== 0 && st.freeBytes + st.unmappedBytes >= st.systemBytes / 4 &&
      Math.floor(st.systemBytes / kForcedCoalesceInterval) !== Math.floor((st.systemBytes + n * kPageSize) / kForcedCoalesceInterval)) {
    // Free and released spans never coalesce with each other; before growing, release
    // everything so that all free pages coalesce (page_heap.cc, issue 368).
    releaseAtLeastNPages(ph, 0x7fffffff);
    result = searchFreeAndLargeLists(ph, n);
    if (result !== null) return result;
  }
  if (!growHeap(ph, n)) return null;
  result = searchFreeAndLargeLists(ph, n);
  if (result === null) throw new Error(`page heap: no span of ${n} pages after growing`);
  return result;
}

/** PageHeap::Split(): an in-use large span keeps its first n pages; the rest becomes a second in-use span, returned. */
export function splitSpan(ph: PageHeap, span: Span, n: number): Span {
  if (n <= 0 || n >= span.length || span.location !== SpanLocation.IN_USE || span.sizeclass !== 0) {
    throw new Error(`page heap: cannot split span @${span.start} (${span.length} pages) at ${n}`);
  }
  const leftover = createSpan(span.start + n, span.length - n);
  recordSpan(ph, leftover);
  ph.pagemap[span.start + n - 1] = span;
  span.length = n;
  return leftover;
}

/** PageHeap::Delete(): returns an in-use span to the free lists, coalescing, then maybe scavenges. */
export function freePages(ph: PageHeap, span: Span): void {
  const n = span.length;
  span.sizeclass = 0;
  span.objects.length = 0;
  span.location = SpanLocation.ON_NORMAL_FREELIST;
  mergeIntoFreeList(ph, span);
  incrementalScavenge(ph, n);
}

function checkAndHandlePreMerge(ph: PageHeap, span: Span, other: Span | undefined): Span | null {
  if (other === undefined) return null;
  if (ph.aggressiveDecommit && other.location === SpanLocation.ON_NORMAL_FREELIST && span.location === SpanLocation.ON_RETURNED_FREELIST) {
    if (!decommitSpan(ph, other)) return null;
  } else if (other.location !== span.location) {
    return null;
  }
  removeFromFreeList(ph, other);
  return other;
}

function mergeIntoFreeList(ph: PageHeap, span: Span): void {
  const p = span.start;
  const n = span.length;
  if (ph.aggressiveDecommit && span.location === SpanLocation.ON_NORMAL_FREELIST) {
    if (decommitSpan(ph, span)) {
      span.location = SpanLocation.ON_RETURNED_FREELIST;
      emit(ph, TcmallocEvent.pageHeapRelease, span.start * kPageSize, span.length, 0);
    }
  }
  const prev = checkAndHandlePreMerge(ph, span, getDescriptor(ph, p - 1));
  if (prev !== null) {
    span.start -= prev.length;
    span.length += prev.length;
    ph.pagemap[span.start] = span;
    emit(ph, TcmallocEvent.pageHeapCoalesce, 0, span.start * kPageSize, span.length);
  }
  const next = checkAndHandlePreMerge(ph, span, getDescriptor(ph, p + n));
  if (next !== null) {
    span.length += next.length;
    ph.pagemap[span.start + span.length - 1] = span;
    emit(ph, TcmallocEvent.pageHeapCoalesce, 1, span.start * kPageSize, span.length);
  }
  prependToFreeList(ph, span);
}

/** IncrementalScavenge(): after every n pages deleted, release one span per 1000/rate pages. */
function incrementalScavenge(ph: PageHeap, n: number): void {
  ph.scavengeCounter -= n;
  if (ph.scavengeCounter >= 0) return;
  const rate = ph.releaseRate;
  if (rate <= 1e-6) {
    ph.scavengeCounter = kDefaultReleaseDelay;
    return;
  }
  ph.stats.scavengeCount++;
  const released = releaseAtLeastNPages(ph, 1);
  if (released === 0) {
    ph.scavengeCounter = kDefaultReleaseDelay;
  } else {
    let wait = (1000.0 / rate) * released;
    if (wait > kMaxReleaseDelay) wait = kMaxReleaseDelay;
    ph.scavengeCounter = Math.trunc(wait);
  }
}

/** ReleaseSpan(): decommits a normal free span and moves it to the returned lists (coalescing there). */
function releaseSpan(ph: PageHeap, s: Span): number {
  if (!decommitSpan(ph, s)) return 0;
  removeFromFreeList(ph, s);
  const n = s.length;
  emit(ph, TcmallocEvent.pageHeapRelease, s.start * kPageSize, n, 0);
  s.location = SpanLocation.ON_RETURNED_FREELIST;
  mergeIntoFreeList(ph, s);
  return n;
}

/** ReleaseAtLeastNPages(): round robin over the free lists, releasing the oldest span of each. */
export function releaseAtLeastNPages(ph: PageHeap, numPages: number): number {
  let released = 0;
  while (released < numPages && ph.stats.freeBytes > 0) {
    for (let i = 0; i < kMaxPages + 1 && released < numPages; i++, ph.releaseIndex++) {
      if (ph.releaseIndex > kMaxPages) ph.releaseIndex = 0;
      let s: Span;
      if (ph.releaseIndex === kMaxPages) {
        if (ph.largeNormal.length === 0) continue;
        s = ph.largeNormal[0]!;
      } else {
        const list = ph.free[ph.releaseIndex]!.normal;
        if (isSpanListEmpty(list)) continue;
        s = list.prev;
      }
      const len = releaseSpan(ph, s);
      if (len === 0) return released;
      released += len;
    }
  }
  return released;
}

/** RegisterSizeClass(): marks an in-use span as carved into class `sc` and maps all its pages to it. */
export function registerSizeClass(ph: PageHeap, span: Span, sc: number): void {
  span.sizeclass = sc;
  for (let i = 1; i < span.length - 1; i++) ph.pagemap[span.start + i] = span;
}

/**
 * TCMalloc_SystemAlloc() of whole pages: sbrk, then mmap (both refused when sbrk is: mmap asks for
 * a page more, to align); after both fail neither is marked failed (DefaultSysAllocator resets them).
 */
function allocateSystemPages(ph: PageHeap, pages: number): boolean {
  if (moveBreak(ph.os, pages * kPageSize) !== MAP_FAILED) return true;
  emit(ph, TcmallocEvent.systemAllocRefused, pages, pages * kPageSize, 0);
  return false;
}

/**
 * GrowHeap(): sbrk at least kMinSystemAlloc pages, or else just n, and free them into the heap
 * (coalescing with the old end). @returns false when the system refuses both (malloc gives NULL).
 */
function growHeap(ph: PageHeap, n: number): boolean {
  let ask = n > kMinSystemAlloc ? n : kMinSystemAlloc;
  if (!allocateSystemPages(ph, ask)) {
    if (n >= ask || !allocateSystemPages(ph, n)) return false;
    ask = n;
  }
  const bytes = ask * kPageSize;
  const oldEnd = ph.endPage * kPageSize;
  const st = ph.stats;
  st.reserveCount++;
  st.commitCount++;
  st.systemBytes += bytes;
  st.committedBytes += bytes;
  st.totalCommitBytes += bytes;
  st.totalReserveBytes += bytes;
  const span = createSpan(ph.endPage, ask);
  ph.endPage += ask;
  emit(ph, TcmallocEvent.pageHeapGrow, oldEnd, oldEnd + bytes, ask);
  recordSpan(ph, span);
  freePages(ph, span);
  return true;
}
