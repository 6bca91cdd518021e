// Threads of a replayed program, run one at a time in trace order: which thread's TLS heap malloc and free
// see, and what a thread's exit does to its cache. Source of truth: gperftools 2.10 src/thread_cache.cc
// (CreateCacheIfNecessary, GetCacheIfPresent, DestroyThreadCache, DeleteCache).

import { type TcmallocHeap } from './state.js';
import { deleteThreadCache } from './thread-cache.js';

/** Makes thread `tid` the running one: its TLS heap (null until its first malloc creates one) becomes heap.tls. */
export function switchToThread(heap: TcmallocHeap, tid: number): void {
  if (tid === heap.currentTid) return;
  heap.savedTls[heap.currentTid] = heap.tls;
  heap.tls = heap.savedTls[tid] ?? null;
  heap.savedTls[tid] = null;
  heap.currentTid = tid;
}

/**
 * Thread `tid` exits: its TSD destructor (DestroyThreadCache) clears its TLS and deletes its heap, whose
 * objects go back to the central cache; a thread that never called malloc has no heap and nothing happens.
 * Free() before the thread's first malloc goes straight to the central cache, so no heap exists for it.
 */
export function exitThread(heap: TcmallocHeap, tid: number): void {
  switchToThread(heap, tid);
  const tc = heap.tls;
  heap.tls = null;
  if (tc !== null) deleteThreadCache(heap.threads, tc);
}
