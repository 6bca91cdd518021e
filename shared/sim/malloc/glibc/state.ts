// The main arena of glibc 2.36 malloc in a single-threaded process: chunks, bins, tcache, top and
// system-memory accounting. Source of truth: glibc 2.36 malloc/malloc.c (struct malloc_chunk,
// struct malloc_state and the "Bins" comment, tcache_perthread_struct, unlink_chunk, tcache_put/get).

import { NBINS, NFASTBINS, TCACHE_MAX_BINS, UNSORTED_BIN, isInSmallbinRange } from './chunk.js';
import { type MallocParams } from './params.js';
import { type SimOs, createSimOs } from '../os.js';
import { type MallocEventSink } from '../events.js';
import { type GlibcThreads } from './arena-state.js';
import { type LiveTable, createLiveTable, deleteLiveTable, listLiveTable, readLiveTable, writeLiveTable } from './live-table.js';

/**
 * Slots. Every chunk header lives in a slot of the typed arrays below; list links (fd, bk, …)
 * and neighbour links are slot numbers. Slots 0 … NBINS-1 are the bin headers (bin_at(i), bin 1
 * being the unsorted bin); chunk slots start at NBINS and are recycled when chunks merge, so the
 * model's memory follows the number of chunks, not the size of the heap. NULL_SLOT is glibc's NULL.
 */
export const NULL_SLOT = -1;

/** Room for new chunk slots guaranteed at the start of every public call (a call makes at most ~6). */
const SLOTS_PER_CALL = 16;

/**
 * Which structure holds a chunk. glibc derives this from bits and list membership; the model
 * keeps it explicitly so views and check.ts can read it directly.
 */
export const ChunkHome = {
  /** A recycled slot (no chunk). */
  none: 0,
  /** Allocated to the program (including glibc's own tcache_perthread_struct). */
  inUse: 1,
  tcache: 2,
  fastbin: 3,
  unsorted: 4,
  smallbin: 5,
  largebin: 6,
  top: 7,
} as const;
/** Names of ChunkHome values, indexed by code. */
export const CHUNK_HOME_NAMES = ['none', 'in-use', 'tcache', 'fastbin', 'unsorted', 'smallbin', 'largebin', 'top'] as const;

/**
 * One main arena plus glibc's per-process parameters and the thread's tcache.
 *
 * Invariants (checked by checkGlibcHeap, after glibc's do_check_malloc_state):
 *  - tiling: following nextChunk from firstChunk visits chunks with
 *    offset(next) = offset(p) + size(p), ending at top, and offset(top) + size(top) = brk = systemMem;
 *    prevChunk is the reverse chain;
 *  - size(p) % 16 = 0 and size(p) ≥ MINSIZE for every chunk; size(top) ≥ MINSIZE once the heap exists;
 *  - prevInuse(next(p)) = 0 ⇔ p is free in a regular bin (unsorted, smallbin, largebin);
 *    prevInuse(firstChunk) = prevInuse(top) = 1; no two neighbours are free in regular bins;
 *  - smallbin i holds only size 16·i; largebin i only sizes with largebin_index = i, sorted by
 *    size descending, the nextsize ring linking the first chunk of each size (others: NULL);
 *  - fastbin i holds only size 16·(i+2) ≤ maxFastBytes; tcache bin i holds tcacheCounts[i] ≤ tcacheCount
 *    chunks of size 32 + 16·i;
 *  - binmap bit i clear ⇒ bin i empty;
 *  - live holds exactly the in-use chunks handed to the program (all but the tcache struct);
 *    inUseBytes = Σ their sizes (+ the tcache struct's size when it lives in the heap);
 *  - nMmaps = mmapped.size, mmappedMem = Σ (mmapped size + mmappedLead, 0 when absent): the mappings' lengths.
 */
export interface GlibcHeap {
  /** mp_ (mutable: the dynamic threshold moves mmap/trim thresholds). */
  params: MallocParams;
  /** The simulated brk and mmap. */
  os: SimOs;
  /** Event receiver, or null (then nothing is emitted). */
  sink: MallocEventSink | null;

  /** Length of the per-slot arrays. */
  capacitySlots: number;
  /** Slots ever handed out (chunk slots are NBINS … slotHigh-1). */
  slotHigh: number;
  /** Recycled chunk slots (a stack of freeSlotCount entries). */
  freeSlots: Int32Array;
  /** Number of entries in freeSlots. */
  freeSlotCount: number;

  /** Heap offset of the chunk header (bytes from the heap start). */
  offsetBytes: Float64Array;
  /** chunksize(p): bytes, flags excluded. */
  sizeBytes: Float64Array;
  /** PREV_INUSE bit of p's size field. */
  prevInuse: Uint8Array;
  /** fd (regular bins, doubly linked; tcache and fastbins use it as their single `next`). */
  fd: Int32Array;
  /** bk (regular bins). */
  bk: Int32Array;
  /** fd_nextsize (largebins; NULL_SLOT for all but the first chunk of each size). */
  fdNextsize: Int32Array;
  /** bk_nextsize (largebins). */
  bkNextsize: Int32Array;
  /** The chunk right after (next_chunk), NULL_SLOT after top. */
  nextChunk: Int32Array;
  /** The chunk right before (what prev_size leads to), NULL_SLOT for the first chunk. */
  prevChunk: Int32Array;
  /** ChunkHome of the chunk in this slot. */
  home: Uint8Array;

  /** The chunk at the heap start (stable: it never merges backward), NULL_SLOT before the heap exists. */
  firstChunk: number;
  /** av->top; NULL_SLOT before the first sysmalloc (glibc's initial_top, size 0). */
  top: number;
  /** av->last_remainder, kept as a heap offset (−1 for NULL): glibc compares the stale pointer by address. */
  lastRemainderOffset: number;
  /** av->have_fastchunks. */
  haveFastchunks: boolean;
  /** av->fastbinsY: first slot of each fastbin (LIFO), NULL_SLOT if empty. */
  fastbins: Int32Array;
  /** av->binmap: 4 words of 32 bits, one per bin (a hint: set when a bin is filled, cleared lazily). */
  binmap: Uint32Array;
  /** av->system_mem: bytes obtained with brk. */
  systemMem: number;
  /** av->max_system_mem. */
  maxSystemMem: number;

  /** True once tcache_init has allocated the tcache_perthread_struct. */
  tcacheReady: boolean;
  /** tcache->entries: first slot of each tcache bin (LIFO). */
  tcacheEntries: Int32Array;
  /** tcache->counts. */
  tcacheCounts: Uint16Array;
  /** User pointer of the tcache_perthread_struct (0 until tcache_init). */
  tcacheStructMem: number;

  /** In-use chunks handed to the program (brk heap and thread-arena heaps alike), by user pointer. */
  live: LiveTable;
  /** Number of live allocations (= live.count). */
  liveCount: number;
  /** Σ chunk sizes of the live heap allocations, plus the tcache_perthread_struct when it is in the heap. */
  inUseBytes: number;
  /** Chunk address of the last mmapped chunk intMalloc produced (see MMAPPED_RESULT). */
  lastMmappedAddress: number;
  /**
   * The last pair setLiveSlot recorded (0 and NULL_SLOT before any): a call that hands out a heap block records
   * it last, so the replay reads the block's chunk here without a second lookup in `live`.
   */
  lastLiveMem: number;
  lastLiveSlot: number;

  /** mp_.n_mmaps. */
  nMmaps: number;
  /** mp_.max_n_mmaps. */
  maxNMmaps: number;
  /** mp_.mmapped_mem. */
  mmappedMem: number;
  /** Live mmapped chunks: chunk address (simulated) → chunk size (= mapping length unless it has a lead). */
  mmapped: Map<number, number>;
  /** prev_size of mmapped chunks that memalign moved into their mapping: chunk address → bytes before it. */
  mmappedLead: Map<number, number>;
  /** Slot of this thread's tcache_perthread_struct (NULL_SLOT until tcache_init, or when it was mmapped). */
  tcacheStructSlot: number;
  /** Threads and arenas (arena.ts), or null for a single-threaded process: the main arena only. */
  threads: GlibcThreads | null;
}

/** Options for createGlibcHeap. */
export interface GlibcHeapOptions {
  /** Receives events; omit for full speed. */
  sink?: MallocEventSink | null;
  /** Initial room for chunk slots (grows as needed). */
  initialCapacitySlots?: number;
  /** The most one brk/mmap/mremap may charge (../os.ts; default: the address space). */
  mapLimitBytes?: number;
}

/** A fresh process's main arena, before its first malloc (malloc_init_state). */
export function createGlibcHeap(params: MallocParams, options: GlibcHeapOptions = {}): GlibcHeap {
  const cap = Math.max(NBINS + 4 * SLOTS_PER_CALL, options.initialCapacitySlots ?? 4096);
  const noI32 = new Int32Array(0);
  const noF64 = new Float64Array(0);
  const noU8 = new Uint8Array(0);
  const st: GlibcHeap = {
    params: { ...params },
    os: createSimOs(options.mapLimitBytes),
    sink: options.sink ?? null,
    capacitySlots: 0,
    slotHigh: NBINS,
    // Empty here and sized by resizeSlotArrays below, as reserveSlots grows them (see there).
    freeSlots: noI32,
    freeSlotCount: 0,
    offsetBytes: noF64,
    sizeBytes: noF64,
    prevInuse: noU8,
    fd: noI32,
    bk: noI32,
    fdNextsize: noI32,
    bkNextsize: noI32,
    nextChunk: noI32,
    prevChunk: noI32,
    home: noU8,
    firstChunk: NULL_SLOT,
    top: NULL_SLOT,
    lastRemainderOffset: -1,
    haveFastchunks: false,
    fastbins: new Int32Array(NFASTBINS).fill(NULL_SLOT),
    binmap: new Uint32Array(4),
    systemMem: 0,
    maxSystemMem: 0,
    tcacheReady: false,
    tcacheEntries: new Int32Array(TCACHE_MAX_BINS).fill(NULL_SLOT),
    tcacheCounts: new Uint16Array(TCACHE_MAX_BINS),
    tcacheStructMem: 0,
    live: createLiveTable(),
    liveCount: 0,
    inUseBytes: 0,
    lastMmappedAddress: 0,
    lastLiveMem: 0,
    lastLiveSlot: NULL_SLOT,
    nMmaps: 0,
    maxNMmaps: 0,
    mmappedMem: 0,
    mmapped: new Map(),
    mmappedLead: new Map(),
    tcacheStructSlot: NULL_SLOT,
    threads: null,
  };
  resizeSlotArrays(st, cap);
  for (let i = 0; i < NBINS; i++) {
    st.fd[i] = i;
    st.bk[i] = i;
  }
  return st;
}

/**
 * Guarantees room for the slots one public call can create, growing (replacing) the arrays if
 * needed. Called only at call entry, so code inside a call may hold the arrays in locals.
 */
export function reserveSlots(st: GlibcHeap): void {
  if (st.freeSlotCount + st.capacitySlots - st.slotHigh >= SLOTS_PER_CALL) return;
  resizeSlotArrays(st, st.capacitySlots * 2);
}

/**
 * Replaces the per-slot arrays by arrays of cap slots holding their contents (cap ≥ capacitySlots). The heap's
 * first arrays come from here too: V8 then sees these fields change from the start and never compiles the first
 * arrays in as constants, which the first growth threw away with every function of the model compiled so far (with
 * the same fix for the live table, the pointer table and the trace: 4 % fewer instructions in a 2 M-op `sim malloc`).
 */
function resizeSlotArrays(st: GlibcHeap, cap: number): void {
  const f64 = (a: Float64Array): Float64Array => { const b = new Float64Array(cap); b.set(a); return b; };
  const i32 = (a: Int32Array): Int32Array => { const b = new Int32Array(cap); b.set(a); return b; };
  const u8 = (a: Uint8Array): Uint8Array => { const b = new Uint8Array(cap); b.set(a); return b; };
  st.freeSlots = i32(st.freeSlots);
  st.offsetBytes = f64(st.offsetBytes);
  st.sizeBytes = f64(st.sizeBytes);
  st.prevInuse = u8(st.prevInuse);
  st.fd = i32(st.fd);
  st.bk = i32(st.bk);
  st.fdNextsize = i32(st.fdNextsize);
  st.bkNextsize = i32(st.bkNextsize);
  st.nextChunk = i32(st.nextChunk);
  st.prevChunk = i32(st.prevChunk);
  st.home = u8(st.home);
  st.capacitySlots = cap;
}

/** Takes a slot for a new chunk (room was reserved at call entry). */
export function allocateSlot(st: GlibcHeap): number {
  if (st.freeSlotCount > 0) return st.freeSlots[--st.freeSlotCount]!;
  if (st.slotHigh >= st.capacitySlots) throw new RangeError('glibc model: slot reserve exhausted within one call');
  return st.slotHigh++;
}

/**
 * Splits nb bytes off the top chunk (topSize ≥ nb + MINSIZE) for the program: glibc's use_top and the end of
 * sysmalloc, for any arena. Returns the chunk served; the remainder becomes top. The caller emits the event.
 */
export function splitTop(st: GlibcHeap, nb: number, topSize: number): number {
  const p = st.top;
  const remainder = splitChunkAt(st, p, nb);
  st.top = remainder;
  st.sizeBytes[p] = nb;
  st.prevInuse[p] = 1;
  st.home[p] = ChunkHome.inUse;
  st.sizeBytes[remainder] = topSize - nb;
  st.prevInuse[remainder] = 1;
  st.home[remainder] = ChunkHome.top;
  return p;
}

/**
 * Creates the chunk that starts nbBytes into chunk p (a split): a new slot linked after p in
 * address order. The caller sets both sizes, flags and homes.
 */
export function splitChunkAt(st: GlibcHeap, p: number, nbBytes: number): number {
  const r = allocateSlot(st);
  const n = st.nextChunk[p]!;
  st.offsetBytes[r] = st.offsetBytes[p]! + nbBytes;
  st.nextChunk[r] = n;
  st.prevChunk[r] = p;
  if (n !== NULL_SLOT) st.prevChunk[n] = r;
  st.nextChunk[p] = r;
  return r;
}

/**
 * Removes the chunk after p from the address chain and recycles its slot (p absorbs it; the
 * caller has already unlinked it from any bin and sets p's new size).
 */
export function absorbNextChunk(st: GlibcHeap, p: number): void {
  const n = st.nextChunk[p]!;
  const nn = st.nextChunk[n]!;
  st.nextChunk[p] = nn;
  if (nn !== NULL_SLOT) st.prevChunk[nn] = p;
  st.home[n] = ChunkHome.none;
  st.freeSlots[st.freeSlotCount++] = n;
}

/**
 * Puts free chunk p, now sizeBytes long, at the head of the unsorted bin with PREV_INUSE set (its
 * predecessor is in use), clearing the nextsize links outside smallbin range: the block glibc
 * repeats in _int_free, malloc_consolidate and the remainder paths of _int_malloc.
 */
export function placeAtUnsortedHead(st: GlibcHeap, p: number, sizeBytes: number): void {
  const fwd = st.fd[UNSORTED_BIN]!;
  st.bk[p] = UNSORTED_BIN;
  st.fd[p] = fwd;
  st.fd[UNSORTED_BIN] = p;
  st.bk[fwd] = p;
  if (!isInSmallbinRange(sizeBytes)) {
    st.fdNextsize[p] = NULL_SLOT;
    st.bkNextsize[p] = NULL_SLOT;
  }
  st.sizeBytes[p] = sizeBytes;
  st.prevInuse[p] = 1;
  st.home[p] = ChunkHome.unsorted;
}

/** inuse(p): the PREV_INUSE bit of the chunk after p. */
export function isChunkInUse(st: GlibcHeap, p: number): boolean {
  return st.prevInuse[st.nextChunk[p]!] === 1;
}

/** mark_bin. */
export function markBin(st: GlibcHeap, binIndex: number): void {
  st.binmap[binIndex >>> 5] = st.binmap[binIndex >>> 5]! | (1 << (binIndex & 31));
}

/**
 * unlink_chunk: takes a free chunk out of its regular bin, keeping a largebin's nextsize ring
 * intact (the next chunk of the same size inherits the ring position).
 */
export function unlinkChunk(st: GlibcHeap, p: number): void {
  const fd = st.fd[p]!;
  const bk = st.bk[p]!;
  st.bk[fd] = bk;
  st.fd[bk] = fd;
  if (!isInSmallbinRange(st.sizeBytes[p]!) && st.fdNextsize[p] !== NULL_SLOT) {
    // glibc reads fd->fd_nextsize; for a bin header that word is the next bin's fd, never NULL.
    if (fd >= NBINS && st.fdNextsize[fd] === NULL_SLOT) {
      if (st.fdNextsize[p] === p) {
        st.fdNextsize[fd] = fd;
        st.bkNextsize[fd] = fd;
      } else {
        const fdn = st.fdNextsize[p]!;
        const bkn = st.bkNextsize[p]!;
        st.fdNextsize[fd] = fdn;
        st.bkNextsize[fd] = bkn;
        st.bkNextsize[fdn] = fd;
        st.fdNextsize[bkn] = fd;
      }
    } else {
      const fdn = st.fdNextsize[p]!;
      const bkn = st.bkNextsize[p]!;
      st.bkNextsize[fdn] = bkn;
      st.fdNextsize[bkn] = fdn;
    }
  }
}

/** tcache_put: pushes chunk p on tcache bin tcIdx. */
export function tcachePut(st: GlibcHeap, p: number, tcIdx: number): void {
  st.fd[p] = st.tcacheEntries[tcIdx]!;
  st.tcacheEntries[tcIdx] = p;
  st.tcacheCounts[tcIdx] = st.tcacheCounts[tcIdx]! + 1;
  st.home[p] = ChunkHome.tcache;
}

/** tcache_get: pops the most recently cached chunk of tcache bin tcIdx. */
export function tcacheGet(st: GlibcHeap, tcIdx: number): number {
  const p = st.tcacheEntries[tcIdx]!;
  st.tcacheEntries[tcIdx] = st.fd[p]!;
  st.tcacheCounts[tcIdx] = st.tcacheCounts[tcIdx]! - 1;
  st.home[p] = ChunkHome.inUse;
  return p;
}

/** Chunk size of top (0 before the heap exists, as glibc's initial_top). */
export function readTopSize(st: GlibcHeap): number {
  return st.top === NULL_SLOT ? 0 : st.sizeBytes[st.top]!;
}

/** Sends an event to the heap's sink, if any. */
export function emitEvent(st: GlibcHeap, kind: number, a: number, b: number, c: number): void {
  if (st.sink !== null) st.sink(kind, a, b, c);
}

/** chunk2mem: the user pointer of a heap chunk, as an offset from the heap start. */
export function computeUserPointer(st: GlibcHeap, p: number): number {
  return st.offsetBytes[p]! + 16;
}

/** One chunk of the heap, as listHeapChunks reports it. */
export interface HeapChunkView {
  /** Offset of the chunk header from the heap start. */
  offsetBytes: number;
  /** Chunk size in bytes. */
  sizeBytes: number;
  /** Where it is (ChunkHome code). */
  home: number;
}

/** The heap's chunks in address order, top last (for views; allocates). */
export function listHeapChunks(st: GlibcHeap): HeapChunkView[] {
  const out: HeapChunkView[] = [];
  for (let p = st.firstChunk; p !== NULL_SLOT; p = st.nextChunk[p]!) {
    out.push({ offsetBytes: st.offsetBytes[p]!, sizeBytes: st.sizeBytes[p]!, home: st.home[p]! });
  }
  return out;
}

/** Records that heap chunk p was handed to the program as user pointer mem. */
export function setLiveSlot(st: GlibcHeap, mem: number, p: number): void {
  if (writeLiveTable(st.live, mem, p)) st.liveCount++;
  st.inUseBytes += st.sizeBytes[p]!;
  st.lastLiveMem = mem;
  st.lastLiveSlot = p;
}

/**
 * The slot of live allocation mem that a call just handed out: lastLiveSlot when mem was recorded last (mem is
 * live, so no later write or delete of mem came after it), else a lookup.
 */
export function readHandedOutSlot(st: GlibcHeap, mem: number): number {
  return mem === st.lastLiveMem ? st.lastLiveSlot : readLiveTable(st.live, mem);
}

/** The slot of the live allocation at user pointer mem, or NULL_SLOT. */
export function readLiveSlot(st: GlibcHeap, mem: number): number {
  return readLiveTable(st.live, mem);
}

/**
 * Forgets the live allocation at mem (it is being freed or reallocated). @returns its slot, or NULL_SLOT when mem
 * is no live allocation (nothing changed): free and realloc look it up and forget it in one probe of the table.
 */
export function clearLiveSlot(st: GlibcHeap, mem: number): number {
  const p = deleteLiveTable(st.live, mem);
  if (p !== NULL_SLOT) {
    st.inUseBytes -= st.sizeBytes[p]!;
    st.liveCount--;
  }
  return p;
}

/** Calls fn(mem, slot) for every live allocation, in address order. */
export function forEachLiveSlot(st: GlibcHeap, fn: (mem: number, slot: number) => void): void {
  for (const { mem, slot } of listLiveTable(st.live)) fn(mem, slot);
}
