// TCMalloc's per-thread caches: a free list per size class with slow-start max_length, batch moves
// to and from the central cache, the max_size_ budget and Scavenge. Source of truth: gperftools 2.10
// src/thread_cache.h (FreeList, Allocate, Deallocate), thread_cache.cc (FetchFromCentralCache, ListTooLong, Scavenge).

import {
  kDefaultOverallThreadCacheSize,
  kMaxDynamicFreeListLength,
  kMaxOverages,
  kMaxThreadCacheSize,
  kMinThreadCacheSize,
  kStealAmount,
} from './common.js';
import { type SizeMap } from './size-classes.js';
import { type CentralCache, insertRange, removeRange } from './central-free-list.js';
import { TcmallocEvent, type TcmallocEmitter } from './events.js';

/**
 * ThreadCache::FreeList.
 *
 * Invariants: lowater ≤ objects.length after every call; objects holds distinct addresses of this
 * list's class; maxLength ≥ 1.
 */
export interface FreeList {
  /** The list as a stack: the head (next object handed out) is the last element. */
  objects: number[];
  /** lowater_: lowest length since the last Scavenge. */
  lowater: number;
  /** max_length_: above this, a free sends a batch to the central cache. */
  maxLength: number;
  /** length_overages_: times the list overflowed while above one batch. */
  lengthOverages: number;
  /** size_: the class's object bytes. */
  objectSize: number;
}

/**
 * One ThreadCache.
 *
 * Invariants: size = Σ_cl lists[cl].objects.length · classToSize[cl] between calls;
 * maxSize ≥ kStealAmount or kMinThreadCacheSize.
 */
export interface ThreadCache {
  /** Creation order (0 = first heap made in the process). */
  id: number;
  /** list_[cl]. */
  lists: FreeList[];
  /** size_: bytes of objects in the lists. */
  size: number;
  /** max_size_: above this a free triggers Scavenge(). */
  maxSize: number;
}

/**
 * The static state of thread_cache.cc: all thread heaps and the shared budget.
 *
 * Invariant (the budget only moves): unclaimedCacheSpace + Σ heaps[k].maxSize = overallThreadCacheSize.
 */
export interface ThreadCaches {
  /** thread_heaps_, newest first (NewHeap prepends). */
  heaps: ThreadCache[];
  /** next_memory_steal_ (null = NULL). */
  nextMemorySteal: ThreadCache | null;
  /** unclaimed_cache_space_: budget not yet given to any heap (may go negative). */
  unclaimedCacheSpace: number;
  /** overall_thread_cache_size_. */
  overallThreadCacheSize: number;
  /** per_thread_cache_size_. */
  perThreadCacheSize: number;
  /** Id the next heap gets (ids stay unique after heaps are deleted). */
  nextHeapId: number;
  /** Where fetches come from and releases go. */
  central: CentralCache;
  /** The size map (batch sizes, object sizes). */
  sizeMap: SizeMap;
  /** Event output shared with the rest of the heap. */
  out: TcmallocEmitter;
}

/** The thread-cache statics before any heap exists. */
export function createThreadCaches(central: CentralCache, out: TcmallocEmitter): ThreadCaches {
  return {
    heaps: [],
    nextMemorySteal: null,
    unclaimedCacheSpace: kDefaultOverallThreadCacheSize,
    overallThreadCacheSize: kDefaultOverallThreadCacheSize,
    perThreadCacheSize: kMaxThreadCacheSize,
    nextHeapId: 0,
    central,
    sizeMap: central.sizeMap,
    out,
  };
}

function emit(tcs: ThreadCaches, kind: number, a: number, b: number, c: number): void {
  const sink = tcs.out.sink;
  if (sink !== null) sink(kind, a, b, c);
}

/** set_overall_thread_cache_size() + RecomputePerThreadCacheSize() (TCMALLOC_MAX_TOTAL_THREAD_CACHE_BYTES). */
export function setOverallThreadCacheSize(tcs: ThreadCaches, newSizeBytes: number): void {
  let size = newSizeBytes;
  if (size < kMinThreadCacheSize) size = kMinThreadCacheSize;
  if (size > 1 << 30) size = 1 << 30;
  tcs.overallThreadCacheSize = size;
  const n = tcs.heaps.length > 0 ? tcs.heaps.length : 1;
  let space = Math.floor(size / n);
  if (space < kMinThreadCacheSize) space = kMinThreadCacheSize;
  if (space > kMaxThreadCacheSize) space = kMaxThreadCacheSize;
  const ratio = space / Math.max(1, tcs.perThreadCacheSize);
  let claimed = 0;
  for (const h of tcs.heaps) {
    if (ratio < 1.0) h.maxSize = Math.trunc(h.maxSize * ratio);
    claimed += h.maxSize;
  }
  tcs.unclaimedCacheSpace = size - claimed;
  tcs.perThreadCacheSize = space;
}

function nextHeap(tcs: ThreadCaches, h: ThreadCache): ThreadCache | null {
  const i = tcs.heaps.indexOf(h);
  return i >= 0 && i + 1 < tcs.heaps.length ? tcs.heaps[i + 1]! : null;
}

/** IncreaseCacheLimitLocked(): +kStealAmount from the unclaimed budget, else stolen from another heap. */
function increaseCacheLimit(tcs: ThreadCaches, tc: ThreadCache): void {
  if (tcs.unclaimedCacheSpace > 0) {
    tcs.unclaimedCacheSpace -= kStealAmount;
    tc.maxSize += kStealAmount;
    return;
  }
  for (let i = 0; i < 10; ++i, tcs.nextMemorySteal = tcs.nextMemorySteal === null ? null : nextHeap(tcs, tcs.nextMemorySteal)) {
    if (tcs.nextMemorySteal === null) tcs.nextMemorySteal = tcs.heaps[0] ?? null;
    const victim = tcs.nextMemorySteal;
    if (victim === null || victim === tc || victim.maxSize <= kMinThreadCacheSize) continue;
    victim.maxSize -= kStealAmount;
    tc.maxSize += kStealAmount;
    tcs.nextMemorySteal = nextHeap(tcs, victim);
    return;
  }
}

/** NewHeap() + ThreadCache::Init(): a heap with empty lists (max_length 1) and max_size_ kStealAmount. */
export function createThreadCache(tcs: ThreadCaches): ThreadCache {
  const lists: FreeList[] = [];
  for (let cl = 0; cl < tcs.sizeMap.numSizeClasses; cl++) {
    lists.push({ objects: [], lowater: 0, maxLength: 1, lengthOverages: 0, objectSize: tcs.sizeMap.classToSize[cl]! });
  }
  const tc: ThreadCache = { id: tcs.nextHeapId++, lists, size: 0, maxSize: 0 };
  increaseCacheLimit(tcs, tc);
  if (tc.maxSize === 0) {
    tc.maxSize = kMinThreadCacheSize;
    tcs.unclaimedCacheSpace -= kMinThreadCacheSize;
  }
  if (tcs.heaps.length === 0) tcs.nextMemorySteal = tc;
  tcs.heaps.unshift(tc);
  return tc;
}

/** SLL_PopRange on a list: the first n objects, head first. */
function popRange(list: FreeList, n: number): number[] {
  const chain: number[] = [];
  const objects = list.objects;
  for (let k = 0; k < n; k++) chain.push(objects.pop()!);
  if (objects.length < list.lowater) list.lowater = objects.length;
  return chain;
}

/** FetchFromCentralCache(): refills an empty list with min(max_length, batch) objects and slow-starts max_length. */
function fetchFromCentralCache(tcs: ThreadCaches, tc: ThreadCache, cl: number, byteSize: number): number {
  const list = tc.lists[cl]!;
  const batchSize = tcs.sizeMap.numObjectsToMove[cl]!;
  const numToMove = Math.min(list.maxLength, batchSize);
  const chain = removeRange(tcs.central, cl, numToMove);
  emit(tcs, TcmallocEvent.centralFetch, cl, numToMove, chain.length);
  if (chain.length === 0) return -1;
  const fetchCount = chain.length - 1;
  if (fetchCount > 0) {
    tc.size += byteSize * fetchCount;
    for (let k = chain.length - 1; k >= 1; k--) list.objects.push(chain[k]!);
  }
  if (list.maxLength < batchSize) {
    list.maxLength++;
  } else {
    let newLength = Math.min(list.maxLength + batchSize, kMaxDynamicFreeListLength);
    newLength -= newLength % batchSize;
    list.maxLength = newLength;
  }
  return chain[0]!;
}

/** ThreadCache::Allocate(): pops the class's list, refilling it from the central cache when empty. */
export function allocateFromThreadCache(tcs: ThreadCaches, tc: ThreadCache, cl: number): number {
  const list = tc.lists[cl]!;
  const objects = list.objects;
  if (objects.length === 0) return fetchFromCentralCache(tcs, tc, cl, list.objectSize);
  const object = objects.pop()!;
  if (objects.length < list.lowater) list.lowater = objects.length;
  tc.size -= list.objectSize;
  const sink = tcs.out.sink;
  if (sink !== null) sink(TcmallocEvent.threadCacheHit, cl, object, list.objectSize);
  return object;
}

/** ReleaseToCentralCache(): the first n objects of a list go to the central cache in batch-sized chains. */
function releaseToCentralCache(tcs: ThreadCaches, tc: ThreadCache, cl: number, n: number): void {
  const list = tc.lists[cl]!;
  if (n > list.objects.length) n = list.objects.length;
  const deltaBytes = n * tcs.sizeMap.classToSize[cl]!;
  const batchSize = tcs.sizeMap.numObjectsToMove[cl]!;
  while (n > batchSize) {
    insertRange(tcs.central, cl, popRange(list, batchSize));
    n -= batchSize;
  }
  insertRange(tcs.central, cl, popRange(list, n));
  tc.size -= deltaBytes;
}

/** Scavenge(): each list gives back half its low-water mark; then the cache's budget grows. */
export function scavengeThreadCache(tcs: ThreadCaches, tc: ThreadCache): void {
  let released = 0;
  for (let cl = 0; cl < tcs.sizeMap.numSizeClasses; cl++) {
    const list = tc.lists[cl]!;
    const lowmark = list.lowater;
    if (lowmark > 0) {
      const drop = lowmark > 1 ? Math.trunc(lowmark / 2) : 1;
      released += Math.min(drop, list.objects.length);
      releaseToCentralCache(tcs, tc, cl, drop);
      const batchSize = tcs.sizeMap.numObjectsToMove[cl]!;
      if (list.maxLength > batchSize) list.maxLength = Math.max(list.maxLength - batchSize, batchSize);
    }
    list.lowater = list.objects.length;
  }
  increaseCacheLimit(tcs, tc);
  emit(tcs, TcmallocEvent.threadCacheScavenge, released, tc.maxSize, tc.size);
}

/** ListTooLong(): a batch goes to the central cache and max_length moves toward one batch. */
function listTooLong(tcs: ThreadCaches, tc: ThreadCache, list: FreeList, cl: number): void {
  tc.size += list.objectSize;
  const batchSize = tcs.sizeMap.numObjectsToMove[cl]!;
  const n = Math.min(batchSize, list.objects.length);
  releaseToCentralCache(tcs, tc, cl, batchSize);
  if (list.maxLength < batchSize) {
    list.maxLength++;
  } else if (list.maxLength > batchSize) {
    list.lengthOverages++;
    if (list.lengthOverages > kMaxOverages) {
      list.maxLength -= batchSize;
      list.lengthOverages = 0;
    }
  }
  emit(tcs, TcmallocEvent.listTooLong, cl, n, list.maxLength);
  if (tc.size > tc.maxSize) scavengeThreadCache(tcs, tc);
}

/** ThreadCache::Deallocate(): pushes the object; an over-long list or an over-budget cache gives memory back. */
export function deallocateToThreadCache(tcs: ThreadCaches, tc: ThreadCache, object: number, cl: number): void {
  const list = tc.lists[cl]!;
  list.objects.push(object);
  const length = list.objects.length;
  const sink = tcs.out.sink;
  if (sink !== null) sink(TcmallocEvent.freeToThreadCache, cl, object, length);
  if (length > list.maxLength) {
    listTooLong(tcs, tc, list, cl);
    return;
  }
  tc.size += list.objectSize;
  if (tc.size > tc.maxSize) scavengeThreadCache(tcs, tc);
}

/**
 * DeleteCache() (a thread's TSD destructor DestroyThreadCache): Cleanup() sends every list back to the
 * central cache in batches, then the heap leaves thread_heaps_, next_memory_steal_ moves past it and its
 * max_size_ returns to the unclaimed budget.
 */
export function deleteThreadCache(tcs: ThreadCaches, tc: ThreadCache): void {
  for (let cl = 0; cl < tcs.sizeMap.numSizeClasses; cl++) {
    const n = tc.lists[cl]!.objects.length;
    if (n > 0) releaseToCentralCache(tcs, tc, cl, n);
  }
  const at = tcs.heaps.indexOf(tc);
  if (at < 0) throw new Error(`thread cache ${tc.id} is not in thread_heaps_`);
  if (tcs.nextMemorySteal === tc) tcs.nextMemorySteal = tcs.heaps[at + 1] ?? null;
  tcs.heaps.splice(at, 1);
  if (tcs.nextMemorySteal === null) tcs.nextMemorySteal = tcs.heaps[0] ?? null;
  tcs.unclaimedCacheSpace += tc.maxSize;
  emit(tcs, TcmallocEvent.threadCacheDelete, tc.id, tc.maxSize, 0);
}
