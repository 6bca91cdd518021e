// The allocator's entry points: malloc, free, realloc, calloc, memalign, malloc_usable_size; small requests
// through the thread cache, larger ones as whole pages. Source of truth: gperftools 2.10 src/tcmalloc.cc
// (do_malloc, do_malloc_pages, do_free_with_callback, GetSizeWithCallback, do_realloc_with_callback, tc_realloc,
// do_calloc, memalign_fast_path, align_size_up, do_memalign_pages).

import { kPageShift, kPageSize, computePages } from './common.js';
import { findSizeClass } from './size-classes.js';
import { allocatePages, freePages, getDescriptor, splitSpan } from './page-heap.js';
import { SpanLocation } from './span.js';
import { insertRange } from './central-free-list.js';
import { allocateFromThreadCache, deallocateToThreadCache } from './thread-cache.js';
import { TcmallocEvent, TcmallocReallocPath } from './events.js';
import { NULL_PTR, type TcmallocHeap, getThreadCache } from './state.js';

/** do_malloc_pages(): a span of pages(size) pages straight from the page heap (NULL when the system refuses them). */
function mallocPages(heap: TcmallocHeap, sizeBytes: number): number {
  const n = computePages(sizeBytes);
  const span = allocatePages(heap.pageHeap, n);
  if (span === null) return NULL_PTR;
  const address = span.start * kPageSize;
  const sink = heap.out.sink;
  if (sink !== null) sink(TcmallocEvent.largeAlloc, n, address, n * kPageSize);
  return address;
}

/** malloc(size): the object's address (offset from the page heap's start), or NULL_PTR (ENOMEM). */
export function tcMalloc(heap: TcmallocHeap, sizeBytes: number): number {
  const cache = getThreadCache(heap);
  const cl = findSizeClass(heap.sizeMap, sizeBytes);
  if (cl === 0) return mallocPages(heap, sizeBytes);
  return allocateFromThreadCache(heap.threads, cache, cl);
}

/** 2^64: size_t arithmetic of calloc's overflow check. */
const SIZE_T_LIMIT = 2 ** 64;

/** calloc(n, size) = do_calloc: NULL when n × size overflows size_t, else malloc(n × size) (then cleared). */
export function tcCalloc(heap: TcmallocHeap, nmemb: number, sizeBytes: number): number {
  const total = nmemb * sizeBytes;
  if (total >= SIZE_T_LIMIT) return NULL_PTR;
  return tcMalloc(heap, total);
}

/**
 * memalign(align, size) = memalign_fast_path: up to one TCMalloc page of alignment it is malloc of the size
 * rounded up to the alignment (align_size_up; 0 → align; an overflow keeps the size), because every size class
 * is aligned to the largest power of two dividing its size; larger alignments carve an aligned run of pages
 * (do_memalign_pages), which depends on where the page heap lies: `heap.baseAddress`.
 */
export function tcMemalign(heap: TcmallocHeap, align: number, sizeBytes: number): number {
  if (align <= kPageSize) {
    let rounded = Math.ceil(sizeBytes / align) * align;
    if (rounded >= SIZE_T_LIMIT || rounded === 0) rounded = sizeBytes === 0 ? align : sizeBytes;
    return tcMalloc(heap, rounded);
  }
  return memalignPages(heap, align, sizeBytes);
}

/** do_memalign_pages(): pages(size + align) pages, the unaligned head and the unneeded tail split off and freed. */
function memalignPages(heap: TcmallocHeap, align: number, sizeBytes: number): number {
  if (sizeBytes + align >= SIZE_T_LIMIT) return NULL_PTR;
  const size = sizeBytes === 0 ? 1 : sizeBytes;
  const ph = heap.pageHeap;
  let span = allocatePages(ph, computePages(size + align));
  if (span === null) return NULL_PTR;
  const basePage = Math.floor(heap.baseAddress / kPageSize);
  let skip = 0;
  while ((((basePage + span.start + skip) * 2 ** kPageShift) % align) !== 0) skip++;
  if (skip > 0) {
    const rest = splitSpan(ph, span, skip);
    freePages(ph, span);
    span = rest;
  }
  const needed = computePages(size);
  if (span.length > needed) freePages(ph, splitSpan(ph, span, needed));
  const address = span.start * kPageSize;
  const sink = heap.out.sink;
  if (sink !== null) sink(TcmallocEvent.largeAlloc, span.length, address, span.length * kPageSize);
  return address;
}

/** free(ptr): small objects go to the thread cache (or, before TLS is set up, to the central cache); spans to the page heap. */
export function tcFree(heap: TcmallocHeap, ptr: number): void {
  if (ptr === NULL_PTR) return;
  const span = getDescriptor(heap.pageHeap, Math.floor(ptr / kPageSize));
  if (span === undefined) throw new Error(`free(${ptr}): not a TCMalloc block`);
  const cl = span.sizeclass;
  if (cl === 0) {
    const sink = heap.out.sink;
    if (sink !== null) sink(TcmallocEvent.largeFree, span.length, span.start * kPageSize, span.length * kPageSize);
    freePages(heap.pageHeap, span);
    return;
  }
  if (heap.tls !== null) {
    deallocateToThreadCache(heap.threads, heap.tls, ptr, cl);
    return;
  }
  insertRange(heap.central, cl, [ptr]);
}

/** malloc_usable_size(ptr): the class's object size, or the span's whole pages (0 for NULL). */
export function tcMallocSize(heap: TcmallocHeap, ptr: number): number {
  if (ptr === NULL_PTR) return 0;
  const span = getDescriptor(heap.pageHeap, Math.floor(ptr / kPageSize));
  if (span === undefined) throw new Error(`malloc_usable_size(${ptr}): not a TCMalloc block`);
  return span.sizeclass !== 0 ? heap.sizeMap.classToSize[span.sizeclass]! : span.length * kPageSize;
}

/** Where a block lives: its span, size class (0 = a large allocation) and object bytes. */
export interface TcmallocBlockInfo {
  /** First page of the span holding the block. */
  spanStartPage: number;
  /** Pages of that span. */
  spanPages: number;
  /** Size class, 0 for a large (page) allocation. */
  sizeClass: number;
  /** Bytes the block occupies (malloc_usable_size). */
  objectBytes: number;
  /** Index of the object within its span (0 for large allocations). */
  objectIndex: number;
}

/** Looks a block up through the page map, as free() does; null when the address is not in an in-use span. */
export function lookupTcmallocBlock(heap: TcmallocHeap, ptr: number): TcmallocBlockInfo | null {
  if (ptr === NULL_PTR) return null;
  const span = getDescriptor(heap.pageHeap, Math.floor(ptr / kPageSize));
  if (span === undefined || span.location !== SpanLocation.IN_USE) return null;
  const objectBytes = span.sizeclass !== 0 ? heap.sizeMap.classToSize[span.sizeclass]! : span.length * kPageSize;
  return {
    spanStartPage: span.start,
    spanPages: span.length,
    sizeClass: span.sizeclass,
    objectBytes,
    objectIndex: Math.floor((ptr - span.start * kPageSize) / objectBytes),
  };
}

/**
 * realloc(ptr, size) with TCMalloc's hysteresis: a block is kept while the new size is at most its
 * usable size and at least half of it; growth by less than 25 % allocates old + old/4 bytes (or,
 * when that fails, the new size). realloc(NULL, n) = malloc(n); realloc(p, 0) frees p and returns
 * NULL; when no memory can be had it returns NULL and p stays allocated.
 */
export function tcRealloc(heap: TcmallocHeap, ptr: number, newSizeBytes: number): number {
  const sink = heap.out.sink;
  if (ptr === NULL_PTR) {
    const p = tcMalloc(heap, newSizeBytes);
    if (sink !== null) sink(TcmallocEvent.realloc, TcmallocReallocPath.malloc, 0, tcMallocSize(heap, p));
    return p;
  }
  if (newSizeBytes === 0) {
    if (sink !== null) sink(TcmallocEvent.realloc, TcmallocReallocPath.free, tcMallocSize(heap, ptr), 0);
    tcFree(heap, ptr);
    return NULL_PTR;
  }
  const oldSize = tcMallocSize(heap, ptr);
  const lowerBoundToGrow = oldSize + Math.floor(oldSize / 4);
  const upperBoundToShrink = Math.floor(oldSize / 2);
  if (newSizeBytes > oldSize || newSizeBytes < upperBoundToShrink) {
    let slack = newSizeBytes > oldSize && newSizeBytes < lowerBoundToGrow;
    let p = slack ? tcMalloc(heap, lowerBoundToGrow) : NULL_PTR;
    if (p === NULL_PTR) {
      slack = false;
      p = tcMalloc(heap, newSizeBytes);
      if (p === NULL_PTR) return NULL_PTR;
    }
    if (sink !== null) {
      sink(TcmallocEvent.realloc, slack ? TcmallocReallocPath.growWithSlack : TcmallocReallocPath.move, oldSize, tcMallocSize(heap, p));
    }
    tcFree(heap, ptr);
    return p;
  }
  if (sink !== null) sink(TcmallocEvent.realloc, TcmallocReallocPath.inPlace, oldSize, oldSize);
  return ptr;
}
