// The threads and arenas of a multi-threaded glibc 2.36 process, as plain data. All arenas share the one
// chunk store of GlibcHeap (slots are global, as glibc's pointers are); the arena being worked on has its bin
// headers, fastbins, binmap, top and counters in GlibcHeap's fields, the others keep theirs in `saved`; the
// running thread's tcache is GlibcHeap's tcache*. Source of truth: glibc 2.36 malloc/arena.c (heap_info,
// arena_get2, reused_arena, get_free_list, arena_thread_freeres), malloc/malloc.c (struct malloc_state).

import { NBINS, NFASTBINS } from './chunk.js';

/** HEAP_MAX_SIZE on 64-bit: 2 × DEFAULT_MMAP_THRESHOLD_MAX; heaps are aligned to it. */
export const HEAP_MAX_SIZE = 64 * 1024 * 1024;
/** HEAP_MIN_SIZE: the smallest first size of a heap. */
export const HEAP_MIN_SIZE = 32 * 1024;
/** sizeof(heap_info): ar_ptr, prev, size, mprotect_size, pagesize, padded to 16. */
export const HEAP_INFO_SIZE = 48;
/** sizeof(struct malloc_state) on x86-64. */
export const MALLOC_STATE_SIZE = 2200;
/** The first chunk of an arena's first heap: heap_info, malloc_state, then chunk2mem aligned to 16 (0x8d0). */
export const ARENA_FIRST_CHUNK_OFFSET = 2256;
/** NARENAS_FROM_NCORES(1) on 64-bit: the default arena_test, and arenas per core. */
export const ARENAS_PER_CORE = 8;
/**
 * Simulated address of the model's first non-main heap (then one HEAP_MAX_SIZE apart): above any brk heap
 * the model runs and below MMAP_REGION_START, so an address tells main heap, arena heap and mmapped chunk apart.
 */
export const ARENA_HEAP_REGION_START = 2 ** 42;

/** An arena's state while another arena is being worked on (the GlibcHeap fields of the same names; bin headers' fd, bk). */
export interface SavedArena {
  binFd: Int32Array;
  binBk: Int32Array;
  fastbins: Int32Array;
  binmap: Uint32Array;
  firstChunk: number;
  top: number;
  lastRemainderOffset: number;
  haveFastchunks: boolean;
  systemMem: number;
  maxSystemMem: number;
}

/**
 * One arena. Invariants: arena 0 is main_arena and has no heaps; a non-main arena has ≥ 1 heap, heap k of
 * the model at ARENA_HEAP_REGION_START + k × HEAP_MAX_SIZE; the `next` links form one ring through every
 * arena (main → newest → … → oldest → main); an arena on the free list has attachedThreads = 0 (an arena
 * left by arena_get_retry's thread can have 0 off the list, main_arena included: glibc's detach_arena).
 */
export interface Arena {
  /** Its bins and counters while inactive (stale while it is the active arena). */
  saved: SavedArena;
  /** Model heap numbers of its heaps, oldest first (heap_info.prev goes backwards). */
  heaps: number[];
  /** attached_threads. */
  attachedThreads: number;
  /** next: the arena ring. */
  next: number;
  /** next_free: the free list (−1 ends it). */
  nextFree: number;
}

/** One model heap (heap_info). */
export interface ArenaHeap {
  /** Owning arena (ar_ptr). */
  arena: number;
  /** Simulated address of the heap (64 MiB aligned). */
  startAddress: number;
  /** heap_info.size: bytes in use (read-write) from the heap start. */
  sizeBytes: number;
  /** heap_info.mprotect_size: bytes ever made read-write. */
  mprotectBytes: number;
  /** Slot of the size-0 fencepost ending it once the arena moved on to a newer heap (−1 before). */
  fenceSlot: number;
}

/** A thread's tcache while another thread runs (the GlibcHeap fields of the same names). */
export interface ThreadTcache {
  tcacheReady: boolean;
  tcacheEntries: Int32Array;
  tcacheCounts: Uint16Array;
  tcacheStructMem: number;
  tcacheStructSlot: number;
}

/**
 * Threads and arenas. Invariants: arenas[active] is the arena in GlibcHeap's fields; threadArena[t] is the
 * arena thread t is attached to (−1: none yet, or exited); Σ attachedThreads = threads with an arena.
 */
export interface GlibcThreads {
  arenas: Arena[];
  heaps: ArenaHeap[];
  /** The arena whose bins are in GlibcHeap. */
  active: number;
  /** The thread whose tcache is in GlibcHeap. */
  current: number;
  /** thread_arena per thread. */
  threadArena: number[];
  /** Tcaches of the threads not running (current's entry is stale). */
  tcaches: ThreadTcache[];
  /** tcache_shutting_down per thread (its exit has begun). */
  shuttingDown: boolean[];
  /** free_list head (−1: empty). */
  freeList: number;
  /** narenas_limit (0: not computed yet). */
  narenasLimit: number;
  /** reused_arena's next_to_use (−1: not set, i.e. main_arena). */
  nextToUse: number;
  /** Online CPUs of the process's machine (__get_nprocs). */
  cpus: number;
  /** __malloc_initialized: ptmalloc_init has run, attaching the thread that called first to main_arena. */
  initialized: boolean;
  /** !SINGLE_THREAD_P: a thread other than 0 has run (pthread_create), from then on for good; failures retry. */
  multiThreaded: boolean;
}

/** A fresh arena's bins: every bin header points at itself. */
export function createSavedArena(): SavedArena {
  const binFd = new Int32Array(NBINS);
  const binBk = new Int32Array(NBINS);
  for (let i = 0; i < NBINS; i++) {
    binFd[i] = i;
    binBk[i] = i;
  }
  return {
    binFd,
    binBk,
    fastbins: new Int32Array(NFASTBINS).fill(-1),
    binmap: new Uint32Array(4),
    firstChunk: -1,
    top: -1,
    lastRemainderOffset: -1,
    haveFastchunks: false,
    systemMem: 0,
    maxSystemMem: 0,
  };
}

/**
 * The threads of a process at main, before its first allocator call: main_arena (attached_threads 1 from
 * its static initialiser) goes to whichever thread calls first (ptmalloc_init), not necessarily the main one.
 */
export function createGlibcThreads(cpus: number): GlibcThreads {
  return {
    arenas: [{ saved: createSavedArena(), heaps: [], attachedThreads: 1, next: 0, nextFree: -1 }],
    heaps: [],
    active: 0,
    current: 0,
    threadArena: [-1],
    tcaches: [],
    shuttingDown: [false],
    freeList: -1,
    narenasLimit: 0,
    nextToUse: -1,
    cpus,
    initialized: false,
    multiThreaded: false,
  };
}
