// The main arena of glibc 2.36 malloc in a single-threaded process: chunk headers, the bins,
// the tcache, top and the system-memory accounting. Source of truth: glibc 2.36 malloc/malloc.c
// (struct malloc_chunk, struct malloc_state and the "Bins" comment, tcache_perthread_struct,
// unlink_chunk, tcache_put, tcache_get, mark_bin).

import { NBINS, NFASTBINS, TCACHE_MAX_BINS, isInSmallbinRange } from './chunk.js';
import { type MallocParams } from './params.js';
import { type SimOs, createSimOs } from '../os.js';
import { type MallocEventSink } from '../events.js';

/**
 * Nodes. Every list link is a node number in one shared address space: nodes 0 … NBINS-1 are
 * the bin headers (bin_at(i), with bin 1 the unsorted bin), and node NBINS + offset/16 is the
 * chunk whose header starts `offset` bytes after the heap start. NULL_NODE is glibc's NULL.
 */
export const NULL_NODE = -1;

/** Node of the chunk whose header is at this heap offset. */
export function offsetToNode(offsetBytes: number): number {
  return NBINS + offsetBytes / 16;
}

/** Heap offset of a chunk node's header. */
export function nodeToOffset(node: number): number {
  return (node - NBINS) * 16;
}

/**
 * Which structure holds a chunk. glibc derives this from bits and list membership; the model
 * keeps it explicitly at each chunk's first node so views and check.ts can read it directly.
 */
export const ChunkHome = {
  /** Not the start of a chunk (interior of a chunk, or beyond top). */
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
 *  - tiling: chunks tile [0, brk): offset(next) = offset(p) + size(p), the last chunk is top and
 *    offset(top) + size(top) = brk = systemMem (sbrk_base is the heap start);
 *  - size(p) % 16 = 0 and size(p) ≥ MINSIZE for every chunk; size(top) ≥ MINSIZE once the heap exists;
 *  - prevInuse(next(p)) = 0 ⇔ p is free in a regular bin (unsorted, smallbin, largebin);
 *    prevInuse(first chunk) = prevInuse(top) = 1;
 *  - free in a regular bin ⇒ prevSize(next(p)) = size(p), and neither neighbour is free in a regular bin;
 *  - smallbin i holds only size 16·i; largebin i only sizes with largebin_index = i, sorted by
 *    size descending, with the nextsize ring linking the first chunk of each size;
 *  - fastbin i holds only size 16·(i+2) ≤ maxFastBytes; tcache bin i holds tcacheCounts[i]
 *    chunks of size 32 + 16·i, tcacheCounts[i] ≤ tcacheCount;
 *  - binmap bit i clear ⇒ bin i empty;
 *  - nMmaps = mmapped.size, mmappedMem = Σ mmapped sizes.
 */
export interface GlibcHeap {
  /** mp_ (mutable: the dynamic threshold moves mmap/trim thresholds). */
  params: MallocParams;
  /** The simulated brk and mmap. */
  os: SimOs;
  /** Event receiver, or null (then nothing is emitted). */
  sink: MallocEventSink | null;

  /** Length of the per-node arrays. */
  capacityNodes: number;
  /** chunksize(p): bytes, flags excluded. */
  size: Uint32Array;
  /** PREV_INUSE bit of p's size field. */
  prevInuse: Uint8Array;
  /** mchunk_prev_size of p (valid when the previous chunk is free). */
  prevSize: Uint32Array;
  /** fd (regular bins, doubly linked; tcache and fastbins use it as their single `next`). */
  fd: Int32Array;
  /** bk (regular bins). */
  bk: Int32Array;
  /** fd_nextsize (largebins; NULL_NODE for all but the first chunk of each size). */
  fdNextsize: Int32Array;
  /** bk_nextsize (largebins). */
  bkNextsize: Int32Array;
  /** ChunkHome of the chunk starting at this node. */
  home: Uint8Array;

  /** av->top as a node; NULL_NODE before the first sysmalloc (glibc's initial_top, size 0). */
  top: number;
  /** av->last_remainder (node or NULL_NODE). */
  lastRemainder: number;
  /** av->have_fastchunks. */
  haveFastchunks: boolean;
  /** av->fastbinsY: first node of each fastbin (LIFO), NULL_NODE if empty. */
  fastbins: Int32Array;
  /** av->binmap: 4 words of 32 bits, one per bin (a hint: set when a bin is filled, cleared lazily). */
  binmap: Uint32Array;
  /** av->system_mem: bytes obtained with brk. */
  systemMem: number;
  /** av->max_system_mem. */
  maxSystemMem: number;

  /** True once tcache_init has allocated the tcache_perthread_struct. */
  tcacheReady: boolean;
  /** tcache->entries: first node of each tcache bin (LIFO). */
  tcacheEntries: Int32Array;
  /** tcache->counts. */
  tcacheCounts: Uint16Array;
  /** User pointer of the tcache_perthread_struct (0 until tcache_init). */
  tcacheStructMem: number;

  /** mp_.n_mmaps. */
  nMmaps: number;
  /** mp_.max_n_mmaps. */
  maxNMmaps: number;
  /** mp_.mmapped_mem. */
  mmappedMem: number;
  /** Live mmapped chunks: chunk address (simulated) → chunk size (= mapping length). */
  mmapped: Map<number, number>;
}

/** Options for createGlibcHeap. */
export interface GlibcHeapOptions {
  /** Receives events; omit for full speed. */
  sink?: MallocEventSink | null;
  /** Initial room for chunk nodes (grows as brk grows). */
  initialCapacityNodes?: number;
}

/** A fresh process's main arena, before its first malloc (malloc_init_state). */
export function createGlibcHeap(params: MallocParams, options: GlibcHeapOptions = {}): GlibcHeap {
  const cap = Math.max(NBINS + 64, options.initialCapacityNodes ?? NBINS + 16384);
  const st: GlibcHeap = {
    params: { ...params },
    os: createSimOs(),
    sink: options.sink ?? null,
    capacityNodes: cap,
    size: new Uint32Array(cap),
    prevInuse: new Uint8Array(cap),
    prevSize: new Uint32Array(cap),
    fd: new Int32Array(cap),
    bk: new Int32Array(cap),
    fdNextsize: new Int32Array(cap),
    bkNextsize: new Int32Array(cap),
    home: new Uint8Array(cap),
    top: NULL_NODE,
    lastRemainder: NULL_NODE,
    haveFastchunks: false,
    fastbins: new Int32Array(NFASTBINS).fill(NULL_NODE),
    binmap: new Uint32Array(4),
    systemMem: 0,
    maxSystemMem: 0,
    tcacheReady: false,
    tcacheEntries: new Int32Array(TCACHE_MAX_BINS).fill(NULL_NODE),
    tcacheCounts: new Uint16Array(TCACHE_MAX_BINS),
    tcacheStructMem: 0,
    nMmaps: 0,
    maxNMmaps: 0,
    mmappedMem: 0,
    mmapped: new Map(),
  };
  for (let i = 0; i < NBINS; i++) {
    st.fd[i] = i;
    st.bk[i] = i;
  }
  return st;
}

/** Makes room for chunk nodes up to the given break (called whenever brk grows). */
export function ensureHeapCapacity(st: GlibcHeap, brkBytes: number): void {
  const need = NBINS + Math.ceil(brkBytes / 16) + 2;
  if (need <= st.capacityNodes) return;
  if (need > 0x7fffffff) throw new RangeError(`simulated heap too large (${brkBytes} bytes)`);
  let cap = st.capacityNodes;
  while (cap < need) cap = Math.min(0x7fffffff, cap * 2);
  const growU32 = (a: Uint32Array): Uint32Array => { const b = new Uint32Array(cap); b.set(a); return b; };
  const growI32 = (a: Int32Array): Int32Array => { const b = new Int32Array(cap); b.set(a); return b; };
  const growU8 = (a: Uint8Array): Uint8Array => { const b = new Uint8Array(cap); b.set(a); return b; };
  st.size = growU32(st.size);
  st.prevInuse = growU8(st.prevInuse);
  st.prevSize = growU32(st.prevSize);
  st.fd = growI32(st.fd);
  st.bk = growI32(st.bk);
  st.fdNextsize = growI32(st.fdNextsize);
  st.bkNextsize = growI32(st.bkNextsize);
  st.home = growU8(st.home);
  st.capacityNodes = cap;
}

/** Node of the chunk right after p (next_chunk). */
export function readNextChunk(st: GlibcHeap, p: number): number {
  return p + st.size[p]! / 16;
}

/** inuse(p): the PREV_INUSE bit of the chunk after p. */
export function isChunkInUse(st: GlibcHeap, p: number): boolean {
  return st.prevInuse[p + st.size[p]! / 16] === 1;
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
  if (!isInSmallbinRange(st.size[p]!) && st.fdNextsize[p] !== NULL_NODE) {
    // glibc reads fd->fd_nextsize; for a bin header that word is the next bin's fd, never NULL.
    if (fd >= NBINS && st.fdNextsize[fd] === NULL_NODE) {
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
  return st.top === NULL_NODE ? 0 : st.size[st.top]!;
}

/** Sends an event to the heap's sink, if any. */
export function emitEvent(st: GlibcHeap, kind: number, a: number, b: number, c: number): void {
  if (st.sink !== null) st.sink(kind, a, b, c);
}

/** chunk2mem for a heap chunk node: the user pointer as an offset from the heap start. */
export function nodeToMem(node: number): number {
  return (node - NBINS) * 16 + 16;
}

/** mem2chunk for a heap user pointer. */
export function memToNode(mem: number): number {
  return NBINS + (mem - 16) / 16;
}
