// TCMalloc's central cache: per size class, the spans carved into objects and the transfer cache
// of whole batches (tc_slots_) that thread caches hand back and forth. Source of truth: gperftools
// 2.10 src/central_freelist.cc (InsertRange, RemoveRange, FetchFromOneSpans, Populate, ReleaseToSpans, MakeCacheSpace, ShrinkCache).

import { kInitialTransferCacheSlots, kMaxNumTransferEntries, kPageSize } from './common.js';
import { type SizeMap, computeObjectsPerSpan } from './size-classes.js';
import { type Span, createSpanList, isSpanListEmpty, prependSpanToList, removeSpanFromList } from './span.js';
import { type PageHeap, allocatePages, freePages, getDescriptor, registerSizeClass } from './page-heap.js';
import { TcmallocEvent, type TcmallocEmitter } from './events.js';

/**
 * CentralFreeList of one size class. A chain of objects is an array in list order (head first).
 *
 * Invariants (checkCentralCache in check.ts): every span on `nonempty` has objects, every span on
 * `empty` has none; numSpans = |nonempty| + |empty|; counter = Σ span.objects.length;
 * tcSlots.length ≤ cacheSize ≤ maxCacheSize ≤ kMaxNumTransferEntries; every slot holds exactly
 * num_objects_to_move objects.
 */
export interface CentralFreeList {
  /** size_class_. */
  sizeClass: number;
  /** empty_: spans with no free object left. */
  empty: Span;
  /** nonempty_: spans with free objects; fetches use the first. */
  nonempty: Span;
  /** num_spans_. */
  numSpans: number;
  /** counter_: free objects in the spans (not counting the transfer cache). */
  counter: number;
  /** tc_slots_[0 … used_slots_): parked batches, used as a stack. */
  tcSlots: number[][];
  /** cache_size_: slots this class may use now. */
  cacheSize: number;
  /** max_cache_size_: slots this class may ever use. */
  maxCacheSize: number;
}

/** Static::central_cache(): one CentralFreeList per class, plus what they share. */
export interface CentralCache {
  /** Indexed by size class (0 … numSizeClasses − 1). */
  lists: CentralFreeList[];
  /** EvictRandomSizeClass's static race_counter. */
  raceCounter: number;
  /** The size map the lists were built for. */
  sizeMap: SizeMap;
  /** Where spans come from and go back to. */
  pageHeap: PageHeap;
  /** Event output shared with the rest of the heap. */
  out: TcmallocEmitter;
}

/** CentralFreeList::Init() for every class, as Static::InitStaticVars does. */
export function createCentralCache(sizeMap: SizeMap, pageHeap: PageHeap, out: TcmallocEmitter): CentralCache {
  const lists: CentralFreeList[] = [];
  for (let cl = 0; cl < sizeMap.numSizeClasses; cl++) {
    let maxCacheSize = kMaxNumTransferEntries;
    let cacheSize = kInitialTransferCacheSlots;
    if (cl > 0) {
      // At most 1 MiB of objects (or one batch) per class in the transfer cache.
      const bytes = sizeMap.classToSize[cl]!;
      const objsToMove = sizeMap.numObjectsToMove[cl]!;
      maxCacheSize = Math.min(maxCacheSize, Math.max(1, Math.trunc((1024 * 1024) / (bytes * objsToMove))));
      cacheSize = Math.min(cacheSize, maxCacheSize);
    }
    lists.push({ sizeClass: cl, empty: createSpanList(), nonempty: createSpanList(), numSpans: 0, counter: 0, tcSlots: [], cacheSize, maxCacheSize });
  }
  return { lists, raceCounter: 0, sizeMap, pageHeap, out };
}

function emit(cc: CentralCache, kind: number, a: number, b: number, c: number): void {
  const sink = cc.out.sink;
  if (sink !== null) sink(kind, a, b, c);
}

/** ReleaseToSpans(): one object back into its span; a span with nothing handed out goes back to the page heap. */
function releaseToSpans(cc: CentralCache, l: CentralFreeList, object: number): void {
  const span = getDescriptor(cc.pageHeap, Math.floor(object / kPageSize));
  if (span === undefined || span.sizeclass !== l.sizeClass) throw new Error(`central cache: object ${object} is not in a span of class ${l.sizeClass}`);
  if (span.objects.length === 0) {
    removeSpanFromList(span);
    prependSpanToList(l.nonempty, span);
  }
  l.counter++;
  span.refcount--;
  if (span.refcount === 0) {
    l.counter -= computeObjectsPerSpan(cc.sizeMap, l.sizeClass);
    removeSpanFromList(span);
    l.numSpans--;
    emit(cc, TcmallocEvent.spanFreed, l.sizeClass, span.start * kPageSize, span.length);
    freePages(cc.pageHeap, span);
  } else {
    span.objects.push(object);
  }
}

/** ReleaseListToSpans(): every object of a chain back into its span, in chain order. */
function releaseListToSpans(cc: CentralCache, l: CentralFreeList, chain: readonly number[]): void {
  if (chain.length === 0) return;
  emit(cc, TcmallocEvent.releaseToSpans, l.sizeClass, chain.length, 0);
  for (const object of chain) releaseToSpans(cc, l, object);
}

/** EvictRandomSizeClass(): asks the next class in round-robin order to give up a transfer slot. */
function evictRandomSizeClass(cc: CentralCache, lockedSizeClass: number, force: boolean): boolean {
  const n = cc.sizeMap.numSizeClasses;
  let t = cc.raceCounter++;
  if (t >= n) {
    while (t >= n) t -= n;
    cc.raceCounter = t;
  }
  if (t === lockedSizeClass) return false;
  return shrinkCache(cc, cc.lists[t]!, lockedSizeClass, force);
}

/** ShrinkCache(): gives up one slot, flushing a parked batch to the spans only when forced. */
function shrinkCache(cc: CentralCache, l: CentralFreeList, lockedSizeClass: number, force: boolean): boolean {
  if (l.cacheSize === 0) return false;
  if (!force && l.tcSlots.length === l.cacheSize) return false;
  if (l.tcSlots.length === l.cacheSize) {
    l.cacheSize--;
    const chain = l.tcSlots.pop()!;
    emit(cc, TcmallocEvent.transferCacheEvict, l.sizeClass, lockedSizeClass, 1);
    releaseListToSpans(cc, l, chain);
    return true;
  }
  l.cacheSize--;
  emit(cc, TcmallocEvent.transferCacheEvict, l.sizeClass, lockedSizeClass, 0);
  return true;
}

/** MakeCacheSpace(): a free transfer slot, growing cache_size_ by taking one from another class. */
function makeCacheSpace(cc: CentralCache, l: CentralFreeList): boolean {
  if (l.tcSlots.length < l.cacheSize) return true;
  if (l.cacheSize === l.maxCacheSize) return false;
  if (evictRandomSizeClass(cc, l.sizeClass, false) || evictRandomSizeClass(cc, l.sizeClass, true)) {
    if (l.cacheSize < l.maxCacheSize) {
      l.cacheSize++;
      return true;
    }
  }
  return false;
}

/** InsertRange(): a full batch is parked in the transfer cache when there is room, anything else goes to the spans. */
export function insertRange(cc: CentralCache, cl: number, chain: number[]): void {
  const l = cc.lists[cl]!;
  if (chain.length === cc.sizeMap.numObjectsToMove[cl] && makeCacheSpace(cc, l)) {
    l.tcSlots.push(chain);
    emit(cc, TcmallocEvent.releaseToTransferCache, cl, chain.length, l.tcSlots.length);
    return;
  }
  releaseListToSpans(cc, l, chain);
}

/** FetchFromOneSpans(): up to n objects from the first non-empty span (head first). */
function fetchFromOneSpans(l: CentralFreeList, n: number): number[] {
  if (isSpanListEmpty(l.nonempty)) return [];
  const span = l.nonempty.next;
  const out: number[] = [];
  const objects = span.objects;
  while (out.length < n && objects.length > 0) out.push(objects.pop()!);
  if (objects.length === 0) {
    removeSpanFromList(span);
    prependSpanToList(l.empty, span);
  }
  span.refcount += out.length;
  l.counter -= out.length;
  return out;
}

/** Populate(): a new span of class_to_pages_ pages from the page heap, carved into objects in address order. */
function populate(cc: CentralCache, l: CentralFreeList): void {
  const cl = l.sizeClass;
  const npages = cc.sizeMap.classToPages[cl]!;
  const span = allocatePages(cc.pageHeap, npages);
  // Only a map limit below a few pages refuses a size class its span: not modelled.
  if (span === null) throw new RangeError(`TCMalloc model: the system refused ${npages} pages for size class ${cl}`);
  registerSizeClass(cc.pageHeap, span, cl);
  const size = cc.sizeMap.classToSize[cl]!;
  const base = span.start * kPageSize;
  const num = Math.floor((npages * kPageSize) / size);
  const objects = span.objects;
  objects.length = 0;
  for (let k = num - 1; k >= 0; k--) objects.push(base + k * size);
  span.refcount = 0;
  prependSpanToList(l.nonempty, span);
  l.numSpans++;
  l.counter += num;
  emit(cc, TcmallocEvent.spanAlloc, cl, base, npages);
}

/** FetchFromOneSpansSafe(): FetchFromOneSpans, populating a new span when none has objects. */
function fetchFromOneSpansSafe(cc: CentralCache, l: CentralFreeList, n: number): number[] {
  let result = fetchFromOneSpans(l, n);
  if (result.length === 0) {
    populate(cc, l);
    result = fetchFromOneSpans(l, n);
  }
  return result;
}

/**
 * RemoveRange(): n objects for a thread cache. A request of exactly one batch takes a parked
 * batch when there is one; otherwise objects come from the spans, several spans if needed (each
 * later span's objects are prepended), populating at most once.
 * @returns the chain, head first (may be shorter than n).
 */
export function removeRange(cc: CentralCache, cl: number, n: number): number[] {
  const l = cc.lists[cl]!;
  if (n === cc.sizeMap.numObjectsToMove[cl] && l.tcSlots.length > 0) {
    const chain = l.tcSlots.pop()!;
    emit(cc, TcmallocEvent.transferCacheHit, cl, chain.length, l.tcSlots.length);
    return chain;
  }
  let result = fetchFromOneSpansSafe(cc, l, n);
  if (result.length !== 0) {
    while (result.length < n) {
      const more = fetchFromOneSpans(l, n - result.length);
      if (more.length === 0) break;
      result = more.concat(result);
    }
  }
  return result;
}

/** tc_length(): objects parked in the transfer cache. */
export function countTransferCacheObjects(cc: CentralCache, cl: number): number {
  return cc.lists[cl]!.tcSlots.length * cc.sizeMap.numObjectsToMove[cl]!;
}

/** OverheadBytes(): the tail of every span too small for one more object. */
export function computeOverheadBytes(cc: CentralCache, cl: number): number {
  if (cl === 0) return 0;
  const pages = cc.sizeMap.classToPages[cl]!;
  const size = cc.sizeMap.classToSize[cl]!;
  return cc.lists[cl]!.numSpans * ((pages * kPageSize) % size);
}
