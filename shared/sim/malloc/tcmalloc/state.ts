// One simulated TCMalloc in a process (threads run one at a time, as a trace orders them): size map, page heap, central cache and thread
// caches, wired as Static::InitStaticVars wires them. Source of truth: gperftools 2.10
// src/static_vars.cc (InitStaticVars), thread_cache.cc (InitModule, CreateCacheIfNecessary, InitTSD).

import { type TcmallocParams } from './params.js';
import { type SizeMap, computeSizeMap } from './size-classes.js';
import { type PageHeap, createPageHeap } from './page-heap.js';
import { type CentralCache, createCentralCache } from './central-free-list.js';
import { type ThreadCache, type ThreadCaches, createThreadCache, createThreadCaches, setOverallThreadCacheSize } from './thread-cache.js';
import { type TcmallocEmitter } from './events.js';
import { type MallocEventSink } from '../events.js';
import { type SimOs, createSimOs } from '../os.js';

/** The model's NULL pointer (heap offsets start at 0, so 0 is a valid address here). */
export const NULL_PTR = -1;

/**
 * The whole allocator. Addresses are byte offsets from the page heap's first page.
 *
 * Not modelled: threads running at the same time (a trace serialises them); TCMalloc's metadata (its first 8 MiB sbrk chunk comes before the
 * page heap and is not counted; a second one, needed only after millions of spans, would break the
 * page heap's contiguity); an sbrk refused while mmap is granted (the limit is one for both);
 * TCMALLOC_HEAP_LIMIT_MB, TCMALLOC_SKIP_SBRK, TCMALLOC_DISABLE_MEMORY_RELEASE; the page-map cache (a
 * lookup cache with no effect on decisions). Sampling is compiled out of libtcmalloc_minimal.
 *
 * Invariants: tls is null until tsdInited (before InitTSD a thread's heap is found by its id in
 * `threads.heaps` but not cached in TLS, so free() bypasses it); tls, when set, is in
 * threads.heaps; tls is the TLS heap of thread currentTid, savedTls[t] (t ≠ currentTid) that of thread t
 * (undefined/null: none yet, or the thread exited); the page heap, central cache and thread caches share `out`.
 */
export interface TcmallocHeap {
  /** The settings the heap was made with. */
  params: TcmallocParams;
  /** Static::sizemap(). */
  sizeMap: SizeMap;
  /** Static::pageheap(). */
  pageHeap: PageHeap;
  /** Static::central_cache(). */
  central: CentralCache;
  /** The thread caches and their shared budget. */
  threads: ThreadCaches;
  /** threadlocal_data_.heap of the running thread: the heap malloc and free use, or null. */
  tls: ThreadCache | null;
  /** The running thread (0 = main). */
  currentTid: number;
  /** threadlocal_data_.heap of the threads not running, by thread id (threads.ts switches them). */
  savedTls: (ThreadCache | null)[];
  /**
   * Address of the page heap's first page in the process (offset 0 here). Only memalign beyond one TCMalloc
   * page depends on it; 0 (the default) supposes the start aligned to any such alignment.
   */
  baseAddress: number;
  /** ThreadCache::tsd_inited_. */
  tsdInited: boolean;
  /** Simulated program break: the page heap grows it. */
  os: SimOs;
  /** Event output shared by every component. */
  out: TcmallocEmitter;
}

/**
 * The library right after Static::InitStaticVars and ThreadCache::InitModule, before any block
 * is handed out and before its flags' static initializers ran (release rate reads 0). Use
 * createProcessHeap (startup.ts) for the state a program sees when main starts.
 */
export function createTcmallocHeap(params: TcmallocParams, sink: MallocEventSink | null = null, mapLimitBytes?: number): TcmallocHeap {
  const out: TcmallocEmitter = { sink };
  const os = createSimOs(mapLimitBytes);
  const sizeMap = computeSizeMap(params.transferNumObjects);
  const pageHeap = createPageHeap(os, out, params.aggressiveDecommit);
  const central = createCentralCache(sizeMap, pageHeap, out);
  const threads = createThreadCaches(central, out);
  if (params.overallThreadCacheBytes !== null) setOverallThreadCacheSize(threads, params.overallThreadCacheBytes);
  return { params, sizeMap, pageHeap, central, threads, tls: null, currentTid: 0, savedTls: [], baseAddress: 0, tsdInited: false, os, out };
}

/** ThreadCache::GetCache() → CreateCacheIfNecessary(): the thread's heap, created on first use. */
export function getThreadCache(heap: TcmallocHeap): ThreadCache {
  if (heap.tls !== null) return heap.tls;
  let tc: ThreadCache | undefined;
  // Before InitTSD the heap is looked up by thread id (one thread: any existing heap is ours);
  // after it, a missing TLS entry means a new heap (the pre-TSD one is left orphaned).
  if (!heap.tsdInited) tc = heap.threads.heaps[0];
  tc ??= createThreadCache(heap.threads);
  if (heap.tsdInited) heap.tls = tc;
  return tc;
}

/** ThreadCache::InitTSD(): from now on the thread's heap lives in TLS. */
export function initThreadSpecificData(heap: TcmallocHeap): void {
  heap.tsdInited = true;
}
