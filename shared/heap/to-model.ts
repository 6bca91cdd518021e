// Loads one arena read from a live process into the glibc 2.36 model (shared/sim/malloc/glibc/state.ts), so the
// model's malloc, free and malloc_trim go on from the process's real heap. Source of truth: the model's invariants
// (GlibcHeap, checkGlibcHeap), which are glibc 2.36's do_check_malloc_state.
import { ARENAS_PER_CORE } from '../sim/malloc/glibc/arena-state.js';
import { computeLargebinIndex, NBINS, NFASTBINS, NSMALLBINS, TCACHE_MAX_BINS } from '../sim/malloc/glibc/chunk.js';
import type { MallocParams } from '../sim/malloc/glibc/params.js';
import { allocateSlot, ChunkHome, createGlibcHeap, type GlibcHeap, markBin, NULL_SLOT, setLiveSlot } from '../sim/malloc/glibc/state.js';
import { CHUNK_KINDS, type ArenaDetail } from './inspect.js';
import type { MallocPar } from './structs.js';

/** An arena in the model: model offset 0 is `baseAddress` in the process. */
export interface LoadedArena {
  heap: GlibcHeap;
  /** The process address of the arena's first chunk (model offset 0). */
  baseAddress: number;
  main: boolean;
}

/** ChunkHome of each CHUNK_KINDS code. */
const HOME_OF_KIND: readonly number[] = CHUNK_KINDS.map((k) =>
  k === 'in_use' ? ChunkHome.inUse
  : k === 'tcache' ? ChunkHome.tcache
  : k === 'fastbins' ? ChunkHome.fastbin
  : k === 'unsorted' ? ChunkHome.unsorted
  : k === 'smallbins' ? ChunkHome.smallbin
  : k === 'largebins' ? ChunkHome.largebin
  : ChunkHome.top,
);

/**
 * The model's parameters from the process's mp_. global_max_fast is not in mp_ (a separate libc variable):
 * the caller passes it (from GLIBC_TUNABLES' glibc.malloc.mxfast, else the default).
 */
export function paramsFromMallocPar(mp: MallocPar, maxFastBytes: number): MallocParams {
  return {
    topPadBytes: mp.topPadBytes,
    trimThresholdBytes: mp.trimThresholdBytes,
    mmapThresholdBytes: mp.mmapThresholdBytes,
    mmapMax: mp.nMmapsMax,
    noDynThreshold: mp.noDynThreshold,
    tcacheCount: mp.tcacheCount,
    tcacheBins: mp.tcacheBins,
    tcacheMaxBytes: mp.tcacheMaxBytes,
    tcacheUnsortedLimit: mp.tcacheUnsortedLimit,
    maxFastBytes,
    // One arena loaded on its own picks no arena: glibc's defaults.
    arenaMax: 0,
    arenaTest: ARENAS_PER_CORE,
  };
}

/**
 * The model of one arena: every chunk with its size and home, the bins in their order (largebins' nextsize ring
 * rebuilt), the fastbins, the tcache found at the arena's first chunk, top, last_remainder and binmap.
 * What the model cannot hold is loaded as its nearest equivalent, documented here:
 * - chunks in another thread's tcache are in use from this arena's point of view (the model has one tcache);
 * - mmapped chunks are not loaded (glibc keeps no list of them): the model starts with none;
 * - a thread arena is modelled like the main one, offsets from its lowest chunk, system memory = top's end;
 * - an arena of several heaps (a thread arena past 64 MiB) is one chunk chain, oldest heap first, offsets keeping
 *   the process's distances: each older heap ends in its 16-byte in-use fencepost (the size-0 one is left out), so
 *   no merge crosses it, as in glibc; the chain does not tile (checkGlibcHeap reports the gaps);
 * - global_max_fast is raised to the largest fastbin chunk when the process holds bigger ones than `params` says.
 * With `livePointers: false` the in-use chunks are not registered as live user pointers (the model cannot free
 * them then): enough for malloc_trim, which never looks a pointer up, and a third of the load's time at 1 M chunks.
 */
export function loadArenaIntoModel(arena: ArenaDetail, params: MallocParams, options: { livePointers?: boolean } = {}): LoadedArena {
  const livePointers = options.livePointers !== false;
  const n = arena.chunkAddresses.length;
  // Newer heaps may lie below older ones (mmap hands out addresses downward): offset 0 is the lowest chunk.
  let base = n === 0 ? 0 : Infinity;
  for (let i = 0; i < n; i++) base = Math.min(base, arena.chunkAddresses[i]!);
  const st = createGlibcHeap(params, { initialCapacitySlots: NBINS + n + 64 });
  const ownTcache = new Set<number>();
  for (const list of arena.tcache?.entries ?? []) for (const p of list) ownTcache.add(p);
  const tcacheChunk = arena.tcache === null ? -1 : arena.tcache.address - 16;

  let prev = NULL_SLOT;
  let prevInBin = false;
  const { offsetBytes, sizeBytes, prevInuse, home: homes, fd, bk, fdNextsize, bkNextsize, prevChunk, nextChunk } = st;
  const { chunkAddresses, chunkSizes, chunkKinds } = arena;
  for (let i = 0; i < n; i++) {
    const p = allocateSlot(st); // NBINS + i: a fresh model hands out slots in order
    const address = chunkAddresses[i]!;
    let home = HOME_OF_KIND[chunkKinds[i]!]!;
    if (home === ChunkHome.tcache && !ownTcache.has(address)) home = ChunkHome.inUse;
    offsetBytes[p] = address - base;
    sizeBytes[p] = chunkSizes[i]!;
    prevInuse[p] = prevInBin ? 0 : 1;
    homes[p] = home;
    fd[p] = NULL_SLOT;
    bk[p] = NULL_SLOT;
    fdNextsize[p] = NULL_SLOT;
    bkNextsize[p] = NULL_SLOT;
    prevChunk[p] = prev;
    nextChunk[p] = NULL_SLOT;
    if (prev !== NULL_SLOT) nextChunk[prev] = p;
    else st.firstChunk = p;
    if (home === ChunkHome.inUse) {
      if (address === tcacheChunk || !livePointers) st.inUseBytes += sizeBytes[p]!;
      else setLiveSlot(st, address - base + 16, p);
    }
    prevInBin = home === ChunkHome.unsorted || home === ChunkHome.smallbin || home === ChunkHome.largebin;
    prev = p;
  }
  st.top = prev;
  const end = n === 0 ? 0 : st.offsetBytes[prev]! + st.sizeBytes[prev]!;
  st.os.brkBytes = end;
  st.os.peakBrkBytes = end;
  st.systemMem = end;
  st.maxSystemMem = Math.max(end, arena.main ? arena.maxSystemMemBytes : 0);
  st.lastRemainderOffset = arena.lastRemainder === 0 ? -1 : arena.lastRemainder - base;

  // Chunk k took slot NBINS + k (a fresh model hands slots out in order): a listed chunk's slot is found by binary search.
  const find = chunkFinder(arena);
  const slot = (address: number): number => {
    const k = find(address);
    if (k < 0) throw new RangeError(`arena ${arena.index}: listed chunk ${address.toString(16)} is not a chunk of its heap`);
    return NBINS + k;
  };
  const isChunk = (address: number) => find(address) >= 0;
  loadBins(st, arena, slot);
  for (let i = 0; i < NFASTBINS; i++) linkSingly(arena.fastbins[i] ?? [], slot, (head) => (st.fastbins[i] = head), st);
  for (const list of arena.fastbins) for (const p of list) st.params.maxFastBytes = Math.max(st.params.maxFastBytes, st.sizeBytes[slot(p)]!);
  st.haveFastchunks = arena.haveFastchunks || st.fastbins.some((h) => h !== NULL_SLOT);
  if (arena.tcache !== null) {
    st.tcacheReady = true;
    st.tcacheStructMem = arena.tcache.address - base;
    for (let i = 0; i < TCACHE_MAX_BINS; i++) {
      const own = (arena.tcache.entries[i] ?? []).filter(isChunk);
      linkSingly(own, slot, (head) => (st.tcacheEntries[i] = head), st);
      st.tcacheCounts[i] = own.length;
    }
  }
  arena.binmap.forEach((word, k) => (st.binmap[k] = word >>> 0));
  return { heap: st, baseAddress: base, main: arena.main };
}

/**
 * Index of a chunk address in arena.chunkAddresses, or -1. The addresses ascend within each heap, heap after heap
 * (not across heaps): the heap holding the address is found first, then a binary search in its run.
 */
function chunkFinder(arena: ArenaDetail): (address: number) => number {
  const addresses = Float64Array.from(arena.chunkAddresses); // searched once per listed chunk: no holes, no bounds
  const runs: { start: number; end: number; from: number; to: number }[] = [];
  let from = 0;
  for (const h of arena.heaps) {
    let to = from;
    while (to < addresses.length && addresses[to]! >= h.start && addresses[to]! < h.end) to++;
    runs.push({ start: h.start, end: h.end, from, to });
    from = to;
  }
  return (address) => {
    const run = runs.find((r) => address >= r.start && address < r.end);
    if (run === undefined) return -1;
    let lo = run.from;
    let hi = run.to;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (addresses[mid]! < address) lo = mid + 1;
      else hi = mid;
    }
    return lo < run.to && addresses[lo] === address ? lo : -1;
  };
}

/** A singly linked list (fastbin, tcache bin) through fd, head first. */
function linkSingly(list: readonly number[], slot: (address: number) => number, setHead: (head: number) => void, st: GlibcHeap): void {
  let next = NULL_SLOT;
  for (let k = list.length - 1; k >= 0; k--) {
    const p = slot(list[k] ?? 0);
    st.fd[p] = next;
    next = p;
  }
  setHead(next);
}

/** The regular bins in their order (fd from the header), binmap bits of non-empty bins, and the largebins' nextsize ring. */
function loadBins(st: GlibcHeap, arena: ArenaDetail, slot: (address: number) => number): void {
  for (let i = 1; i < NBINS; i++) {
    const list = (arena.bins[i] ?? []).map(slot);
    let prev = i;
    for (const p of list) {
      st.bk[p] = prev;
      st.fd[prev] = p;
      prev = p;
    }
    st.fd[prev] = i;
    st.bk[i] = prev;
    if (list.length > 0 && i >= 2) markBin(st, i);
    if (i < NSMALLBINS || list.length === 0) continue;
    // The first chunk of each size (sizes descend) is on the nextsize ring; the others are not.
    const heads = list.filter((p, k) => k === 0 || st.sizeBytes[p] !== st.sizeBytes[list[k - 1]!]);
    heads.forEach((p, k) => {
      const next = heads[(k + 1) % heads.length]!;
      st.fdNextsize[p] = next;
      st.bkNextsize[next] = p;
    });
    if (list.some((p) => computeLargebinIndex(st.sizeBytes[p]!) !== i)) throw new RangeError(`arena ${arena.index}: largebin ${i} holds a chunk of another bin`);
  }
}
