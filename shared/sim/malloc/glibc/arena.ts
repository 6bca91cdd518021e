// The allocator entry points of a multi-threaded glibc 2.36 process: each call runs on a thread (its tcache,
// created by its first malloc, calloc or free) and an arena (arena_get: the thread's own, else the free list,
// else a new one below the limit, else reused_arena round robin); a free goes to the freeing thread's tcache
// or to the chunk's own arena; a thread's exit flushes its tcache and puts a deserted arena on the free list.
// Source of truth: glibc 2.36 malloc/arena.c (arena_get2, arena_get_retry, _int_new_arena, get_free_list,
// reused_arena, arena_thread_freeres) and malloc/malloc.c (__libc_malloc/free/calloc/realloc, _mid_memalign,
// tcache_init, tcache_thread_shutdown, __malloc_trim).

import { MALLOC_ALIGNMENT, MINSIZE, NBINS, TCACHE_MAX_BINS, TCACHE_PERTHREAD_STRUCT_SIZE, checkRequest2size, computeTcacheIndex } from './chunk.js';
import { ChunkHome, type GlibcHeap, NULL_SLOT, clearLiveSlot, readLiveSlot, reserveSlots } from './state.js';
import {
  ARENA_FIRST_CHUNK_OFFSET,
  ARENA_HEAP_REGION_START,
  ARENAS_PER_CORE,
  HEAP_INFO_SIZE,
  MALLOC_STATE_SIZE,
  createGlibcThreads,
  createSavedArena,
} from './arena-state.js';
import { createArenaHeap, createArenaTop, findHeapOf } from './arena-heap.js';
import { initTcache, intMalloc, isCallocOverflow, libcCalloc, libcMalloc, publishChunk } from './malloc.js';
import { intFree, isMmappedMem, libcFree } from './free.js';
import { emitReallocMove, libcRealloc } from './realloc.js';
import { intMemalign, normaliseAlignment } from './memalign.js';
import { libcMallocTrim } from './trim.js';

/** Makes the heap multi-threaded (before its first call): the main thread on main_arena, `cpus` online CPUs. */
export function enableThreads(st: GlibcHeap, cpus: number): void {
  st.threads = createGlibcThreads(cpus);
}

/** Puts arena k's bins and counters into st (saving the active arena's): every call works on st's fields. */
export function activateArena(st: GlibcHeap, k: number): void {
  const th = st.threads!;
  if (th.active === k) return;
  const out = th.arenas[th.active]!.saved;
  const inn = th.arenas[k]!.saved;
  // Bin headers are slots 0 … NBINS-1 of the shared store; their nextsize words are never used (only chunks' are),
  // so fd and bk are all an arena's bins hold. They move whole, 4 × NBINS words: a switch costs the same whatever
  // the bins hold (moving only the bins the binmap marks cost ~1 µs with a hundred of them filled). The binmap moves
  // with its arena, stale bits and all, as glibc's does: the binmap search clears a bit over an empty bin.
  out.binFd.set(st.fd.subarray(0, NBINS));
  out.binBk.set(st.bk.subarray(0, NBINS));
  st.fd.set(inn.binFd);
  st.bk.set(inn.binBk);
  out.fastbins = st.fastbins;
  out.binmap = st.binmap;
  out.firstChunk = st.firstChunk;
  out.top = st.top;
  out.lastRemainderOffset = st.lastRemainderOffset;
  out.haveFastchunks = st.haveFastchunks;
  out.systemMem = st.systemMem;
  out.maxSystemMem = st.maxSystemMem;
  st.fastbins = inn.fastbins;
  st.binmap = inn.binmap;
  st.firstChunk = inn.firstChunk;
  st.top = inn.top;
  st.lastRemainderOffset = inn.lastRemainderOffset;
  st.haveFastchunks = inn.haveFastchunks;
  st.systemMem = inn.systemMem;
  st.maxSystemMem = inn.maxSystemMem;
  th.active = k;
}

/** Makes thread t the running one: its tcache goes into st (the previous thread's is saved). */
export function switchThread(st: GlibcHeap, t: number): void {
  const th = st.threads!;
  if (th.current === t) return;
  const out = th.tcaches[th.current];
  if (out === undefined) {
    th.tcaches[th.current] = {
      tcacheReady: st.tcacheReady,
      tcacheEntries: st.tcacheEntries,
      tcacheCounts: st.tcacheCounts,
      tcacheStructMem: st.tcacheStructMem,
      tcacheStructSlot: st.tcacheStructSlot,
    };
  } else {
    out.tcacheReady = st.tcacheReady;
    out.tcacheEntries = st.tcacheEntries;
    out.tcacheCounts = st.tcacheCounts;
    out.tcacheStructMem = st.tcacheStructMem;
    out.tcacheStructSlot = st.tcacheStructSlot;
  }
  const tc = th.tcaches[t];
  if (tc === undefined) {
    st.tcacheReady = false;
    st.tcacheEntries = new Int32Array(TCACHE_MAX_BINS).fill(NULL_SLOT);
    st.tcacheCounts = new Uint16Array(TCACHE_MAX_BINS);
    st.tcacheStructMem = 0;
    st.tcacheStructSlot = NULL_SLOT;
  } else {
    st.tcacheReady = tc.tcacheReady;
    st.tcacheEntries = tc.tcacheEntries;
    st.tcacheCounts = tc.tcacheCounts;
    st.tcacheStructMem = tc.tcacheStructMem;
    st.tcacheStructSlot = tc.tcacheStructSlot;
  }
  th.current = t;
  if (th.threadArena[t] === undefined) {
    th.threadArena[t] = -1;
    th.shuttingDown[t] = false;
  }
  // tid 0 is the main thread: any other was made by pthread_create, which ends SINGLE_THREAD_P for good.
  if (t !== 0) th.multiThreaded = true;
}

/** _int_new_arena(size): a first heap for it, its top after heap_info and malloc_state; it joins the ring after main. */
function createArena(st: GlibcHeap, sizeBytes: number): number {
  const th = st.threads!;
  const k = th.arenas.length;
  const pad = st.params.topPadBytes;
  let h = createArenaHeap(th, k, sizeBytes + HEAP_INFO_SIZE + MALLOC_STATE_SIZE + MALLOC_ALIGNMENT, pad);
  if (h < 0) h = createArenaHeap(th, k, HEAP_INFO_SIZE + MALLOC_STATE_SIZE + MALLOC_ALIGNMENT, pad);
  if (h < 0) throw new RangeError('glibc model: no heap for a new arena');
  const heap = th.heaps[h]!;
  const saved = createSavedArena();
  saved.systemMem = heap.sizeBytes;
  saved.maxSystemMem = heap.sizeBytes;
  reserveSlots(st);
  saved.top = createArenaTop(st, heap.startAddress + ARENA_FIRST_CHUNK_OFFSET, heap.sizeBytes - ARENA_FIRST_CHUNK_OFFSET);
  saved.firstChunk = saved.top;
  const main = th.arenas[0]!;
  th.arenas.push({ saved, heaps: [h], attachedThreads: 1, next: main.next, nextFree: -1 });
  main.next = k;
  return k;
}

/** arena_get2 for thread t with no arena: the free list (LIFO), else a new arena below the limit, else reused_arena. */
function pickArena(st: GlibcHeap, sizeBytes: number): number {
  const th = st.threads!;
  if (th.freeList >= 0) {
    const a = th.freeList;
    th.freeList = th.arenas[a]!.nextFree;
    th.arenas[a]!.attachedThreads++;
    return a;
  }
  const narenas = th.arenas.length;
  if (th.narenasLimit === 0) {
    if (st.params.arenaMax !== 0) th.narenasLimit = st.params.arenaMax;
    else if (narenas > st.params.arenaTest) th.narenasLimit = ARENAS_PER_CORE * (th.cpus >= 1 ? th.cpus : 2);
  }
  // (size_t) narenas_limit - 1: a limit of 0 (not computed yet) allows any number.
  if (th.narenasLimit === 0 || narenas <= th.narenasLimit - 1) return createArena(st, sizeBytes);
  // reused_arena: every mutex is free when one thread runs at a time, so the first it tries is taken.
  const a = th.nextToUse < 0 ? 0 : th.nextToUse;
  th.arenas[a]!.attachedThreads++;
  th.nextToUse = th.arenas[a]!.next;
  return a;
}

/** arena_get for the running thread: its arena, or a new pick (thread_arena is set). */
function getThreadArena(st: GlibcHeap, sizeBytes: number): number {
  const th = st.threads!;
  let a = th.threadArena[th.current]!;
  if (a < 0) {
    a = pickArena(st, sizeBytes);
    th.threadArena[th.current] = a;
  }
  return a;
}

/** MAYBE_INIT_TCACHE: tcache_init takes the struct from the thread's arena (not while the thread exits). */
function ensureTcache(st: GlibcHeap): void {
  const th = st.threads!;
  if (st.tcacheReady || th.shuttingDown[th.current] === true) return;
  activateArena(st, getThreadArena(st, TCACHE_PERTHREAD_STRUCT_SIZE));
  reserveSlots(st);
  initTcache(st);
}

/**
 * For a chunk of chunkBytes, whether the running thread's tcache serves a malloc (need 1: a cached chunk) or
 * takes a free (need 0: room below tcache_count): the calls that touch no arena.
 */
function hasTcacheRoom(st: GlibcHeap, chunkBytes: number, need: 0 | 1): boolean {
  const tcIdx = computeTcacheIndex(chunkBytes);
  if (!st.tcacheReady || tcIdx >= st.params.tcacheBins) return false;
  const count = st.tcacheCounts[tcIdx]!;
  return need === 1 ? count > 0 : count < st.params.tcacheCount;
}

/** The arena of a heap (non-mmapped) user pointer: arena_for_chunk. */
export function findArenaOf(st: GlibcHeap, mem: number): number {
  if (mem < ARENA_HEAP_REGION_START) return 0;
  return st.threads!.heaps[findHeapOf(mem)]!.arena;
}

/** ptmalloc_init on the first malloc, calloc, realloc, memalign or malloc_trim: its thread gets main_arena. */
function ensureMallocInit(st: GlibcHeap): void {
  const th = st.threads!;
  if (th.initialized) return;
  th.initialized = true;
  th.threadArena[th.current] = 0;
}

/** __libc_malloc on thread t. */
export function threadMalloc(st: GlibcHeap, t: number, bytes: number): number {
  switchThread(st, t);
  ensureMallocInit(st);
  const nb = checkRequest2size(bytes);
  if (nb === 0) return 0;
  ensureTcache(st);
  // A tcache hit touches no arena: the switch (and arena_get) only happens on a miss.
  if (!hasTcacheRoom(st, nb, 1)) activateArena(st, getThreadArena(st, bytes));
  const mem = libcMalloc(st, bytes);
  return mem === 0 && activateRetryArena(st, bytes) ? publishChunk(st, intMalloc(st, bytes)) : mem;
}

/** __libc_malloc on the running thread (what realloc calls to move an mmapped chunk). */
function mallocOnCurrentThread(st: GlibcHeap, bytes: number): number {
  return threadMalloc(st, st.threads!.current, bytes);
}

/**
 * arena_get_retry after _int_malloc (or _int_memalign) failed in the running thread's arena, the active one:
 * a thread arena hands over to main_arena (thread_arena unchanged); main_arena to what arena_get2 picks, which
 * the thread keeps (detach_arena: its old arena's count drops, and stays off the free list even at 0).
 * Not while SINGLE_THREAD_P: glibc's single-threaded paths have no retry.
 * @returns whether the call is to be made again (in the arena made active).
 */
function activateRetryArena(st: GlibcHeap, bytes: number): boolean {
  const th = st.threads!;
  if (!th.multiThreaded) return false;
  let a = 0;
  if (th.active === 0) {
    th.arenas[th.threadArena[th.current]!]!.attachedThreads--;
    a = pickArena(st, bytes);
    th.threadArena[th.current] = a;
  }
  activateArena(st, a);
  reserveSlots(st);
  return true;
}

/** __libc_free on thread t: mmapped chunks are unmapped; others go to t's tcache or their own arena. */
export function threadFree(st: GlibcHeap, t: number, mem: number): void {
  // Before free(NULL)'s return: the thread exists (pthread_create ended SINGLE_THREAD_P) even if it only frees NULL.
  switchThread(st, t);
  if (mem === 0) return;
  if (!isMmappedMem(mem)) {
    ensureTcache(st);
    // A chunk that goes into this thread's tcache touches no arena; only one that goes back needs its own.
    const p = readLiveSlot(st, mem);
    if (p === NULL_SLOT || !hasTcacheRoom(st, st.sizeBytes[p]!, 0)) activateArena(st, findArenaOf(st, mem));
  }
  libcFree(st, mem);
}

/** __libc_calloc on thread t (no tcache hit: from the thread's arena). */
export function threadCalloc(st: GlibcHeap, t: number, n: number, elemBytes: number): number {
  switchThread(st, t);
  if (isCallocOverflow(n, elemBytes)) return 0;
  ensureMallocInit(st);
  ensureTcache(st);
  activateArena(st, getThreadArena(st, n * elemBytes));
  const mem = libcCalloc(st, n, elemBytes);
  return mem === 0 && activateRetryArena(st, n * elemBytes) ? publishChunk(st, intMalloc(st, n * elemBytes)) : mem;
}

/**
 * __libc_realloc on thread t: a heap chunk sets up t's tcache, then is resized in its own arena, whichever
 * thread asks; with other threads around, a failure there mallocs elsewhere. An mmapped chunk that mremap
 * cannot resize is malloc'd anew on t.
 */
export function threadRealloc(st: GlibcHeap, t: number, mem: number, bytes: number): number {
  switchThread(st, t);
  ensureMallocInit(st);
  if (bytes === 0 && mem !== 0) {
    threadFree(st, t, mem);
    return 0;
  }
  if (mem === 0) return threadMalloc(st, t, bytes);
  if (isMmappedMem(mem)) return libcRealloc(st, mem, bytes, mallocOnCurrentThread);
  ensureTcache(st);
  const arena = findArenaOf(st, mem);
  activateArena(st, arena);
  const newmem = libcRealloc(st, mem, bytes);
  if (newmem !== 0 || !st.threads!.multiThreaded || checkRequest2size(bytes) === 0) return newmem;
  return reallocElsewhere(st, t, mem, arena, bytes);
}

/**
 * __libc_realloc's "try harder" after _int_realloc found no memory in the chunk's arena: malloc on t (its own
 * arena, then arena_get_retry's), copy, then _int_free of the old chunk into its arena. NULL leaves the old block.
 */
function reallocElsewhere(st: GlibcHeap, t: number, mem: number, arena: number, bytes: number): number {
  const newmem = threadMalloc(st, t, bytes);
  if (newmem === 0) return 0;
  activateArena(st, arena);
  const oldp = clearLiveSlot(st, mem);
  const oldSize = st.sizeBytes[oldp]!;
  reserveSlots(st);
  emitReallocMove(st, oldSize, newmem);
  intFree(st, oldp);
  return newmem;
}

/** _mid_memalign on thread t: small alignments are malloc; others use the thread's arena and set up no tcache. */
export function threadMemalign(st: GlibcHeap, t: number, alignment: number, bytes: number): number {
  switchThread(st, t);
  ensureMallocInit(st);
  if (alignment <= MALLOC_ALIGNMENT) return threadMalloc(st, t, bytes);
  const a = normaliseAlignment(alignment);
  if (a === 0) return 0;
  activateArena(st, getThreadArena(st, bytes + a + MINSIZE));
  reserveSlots(st);
  const mem = publishChunk(st, intMemalign(st, a, bytes));
  return mem === 0 && activateRetryArena(st, bytes) ? publishChunk(st, intMemalign(st, a, bytes)) : mem;
}

/**
 * __malloc_trim(pad) on thread t: mtrim (trim.ts) on every arena in ring order from main: each is consolidated
 * and madvises its free pages (no chunk changes); only the main arena's top gives memory back (systrim).
 */
export function threadMallocTrim(st: GlibcHeap, t: number, padBytes: number): void {
  switchThread(st, t);
  ensureMallocInit(st);
  const th = st.threads!;
  let a = 0;
  do {
    activateArena(st, a);
    // Model addresses of thread heaps are 64 MiB aligned like the real ones, so pages line up from 0.
    libcMallocTrim(st, padBytes, { startAddress: 0, main: a === 0 });
    a = th.arenas[a]!.next;
  } while (a !== 0);
}

/** Gives a chunk back to its own arena with no tcache (the exiting thread's has gone). */
function freeToArena(st: GlibcHeap, p: number): void {
  activateArena(st, findArenaOf(st, st.offsetBytes[p]! + 16));
  reserveSlots(st);
  st.home[p] = ChunkHome.inUse;
  intFree(st, p);
}

/**
 * Thread t exits: tcache_thread_shutdown (every cached chunk, bin by bin from each head, then the tcache
 * struct itself, freed into their arenas), then arena_thread_freeres (an arena left with no thread joins the
 * free list).
 */
export function threadExit(st: GlibcHeap, t: number): void {
  switchThread(st, t);
  const th = st.threads!;
  th.shuttingDown[t] = true;
  if (st.tcacheReady) {
    st.tcacheReady = false;
    const entries = st.tcacheEntries;
    const counts = st.tcacheCounts;
    for (let i = 0; i < TCACHE_MAX_BINS; i++) {
      while (entries[i] !== NULL_SLOT) {
        const e = entries[i]!;
        entries[i] = st.fd[e]!;
        counts[i] = counts[i]! - 1;
        freeToArena(st, e);
      }
    }
    const s = st.tcacheStructSlot;
    if (s !== NULL_SLOT) {
      st.inUseBytes -= st.sizeBytes[s]!;
      freeToArena(st, s);
    }
    st.tcacheStructMem = 0;
    st.tcacheStructSlot = NULL_SLOT;
  }
  const a = th.threadArena[t]!;
  th.threadArena[t] = -1;
  if (a >= 0 && --th.arenas[a]!.attachedThreads === 0) {
    th.arenas[a]!.nextFree = th.freeList;
    th.freeList = a;
  }
}
