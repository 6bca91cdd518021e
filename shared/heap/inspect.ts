// Reads a live glibc 2.36 heap: every arena on main_arena's `next` ring, every heap of each, every chunk, and the
// free lists (the tcaches found, fastbins, unsorted, small and large bins), then mallinfo2 as int_mallinfo computes
// it. Source of truth: glibc 2.36 malloc/malloc.c (int_mallinfo, tcache_put, PROTECT_PTR) and malloc/arena.c.
import {
  CHUNK_HDR_SZ,
  computeFastbinIndex,
  computeTcacheIndex,
  MALLOC_ALIGNMENT,
  MIN_LARGE_SIZE,
  NBINS,
  NFASTBINS,
  TCACHE_MAX_BINS,
  TCACHE_PERTHREAD_STRUCT_SIZE,
  UNSORTED_BIN,
  request2size,
} from '../sim/malloc/glibc/chunk.js';
import { binAt, BK_OFFSET, FD_OFFSET, HEAP_INFO, HEAP_MAX_SIZE, MALLOC_PAR, MALLOC_STATE, revealPointer, TCACHE_STRUCT } from './layout.js';
import { FREE_KINDS, FreeChunks, type FreeKind } from './free-chunks.js';
import { MemoryImages, TornReadError, type ReadMemory } from './memory.js';
import { emptyTotals, type ArenaReport, type ChunkTotals, type FreeTotals, type Mallinfo2 } from './report.js';
import { decodeArena, decodeMallocPar, type ArenaState, type MallocPar } from './structs.js';

/** More arenas than glibc's limit on any machine (8 × CPUs) would mean a corrupt ring. */
const MAX_ARENAS = 4096;
/** The size of a tcache_perthread_struct chunk (0x290). */
const TCACHE_CHUNK_BYTES = request2size(TCACHE_PERTHREAD_STRUCT_SIZE);

/** Where the allocator lives in the process, as found in libc's data. */
export interface HeapLocation {
  mainArena: number;
  mallocPar: number;
}

/** The part of the report read from the allocator (the host adds pid, libc, reads, frozen). */
export interface HeapInspection {
  arenas: ArenaReport[];
  mmapped: ChunkTotals;
  mallinfo2: Mallinfo2;
  /** Every chunk and list of each arena (same order as arenas), for the model, the explainer and --chunks. */
  details: ArenaDetail[];
  /** mp_ as read. */
  mp: MallocPar;
}

/** What a chunk is, by index in CHUNK_KINDS: in use, on a free list (FREE_KINDS order), or top. */
export const CHUNK_KINDS = ['in_use', ...FREE_KINDS, 'top'] as const;
/** One of CHUNK_KINDS. */
export type ChunkKind = (typeof CHUNK_KINDS)[number];
/** Code of 'top' in ArenaDetail.chunkKinds. */
export const TOP_KIND_CODE = CHUNK_KINDS.indexOf('top');

/**
 * One arena chunk by chunk and list by list, as read (plain arrays: it crosses transports as JSON). Addresses are
 * numbers (user-space addresses, exact below 2^53).
 */
export interface ArenaDetail {
  index: number;
  main: boolean;
  /** Chunk space of each heap [start, end), oldest first. */
  heaps: { start: number; end: number }[];
  /** Every chunk in address order, top last: its address, chunksize() and kind (CHUNK_KINDS index). */
  chunkAddresses: number[];
  chunkSizes: number[];
  chunkKinds: number[];
  /** av->fastbinsY: each fastbin's chunks from its head. */
  fastbins: number[][];
  /** av->bins: bin i's chunks (i = 1..127; 0 is empty) from bin's fd (first) to its bk (last). */
  bins: number[][];
  /** The tcache_perthread_struct at the arena's first chunk (user pointer) and its bins' chunks from each head, or null. */
  tcache: { address: number; entries: number[][] } | null;
  /** av->last_remainder (0: none), av->have_fastchunks, av->binmap, av->max_system_mem. */
  lastRemainder: number;
  haveFastchunks: boolean;
  binmap: number[];
  maxSystemMemBytes: number;
}

interface ArenaHeaps {
  arena: ArenaState;
  /** Chunk space of each heap, oldest first; the last one ends at top. */
  heaps: { start: number; end: number }[];
}

function hex(n: number): string {
  return n.toString(16);
}

function chunkSize(images: MemoryImages, chunk: number): number {
  const field = images.word(chunk + 8);
  return field - (field & 7); // & on a double keeps its low bits (ToInt32), without fmod's cost per chunk
}

/** Reads a malloc_state at `address`. */
function readArena(read: ReadMemory, address: number): { state: ArenaState; bytes: Uint8Array } {
  const bytes = read(address, MALLOC_STATE.sizeBytes);
  return { state: decodeArena(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0, address), bytes };
}

/** The heaps of a non-main arena: from top's heap_info back along `prev` (arena.c heap_for_ptr). */
function findThreadHeaps(read: ReadMemory, arena: ArenaState): { start: number; end: number }[] {
  const heaps: { start: number; end: number }[] = [];
  let heap = arena.top - (arena.top % HEAP_MAX_SIZE);
  while (heap !== 0) {
    if (heaps.length > MAX_ARENAS) throw new TornReadError(`arena ${hex(arena.address)}: heap_info chain does not end`);
    const bytes = read(heap, HEAP_INFO.sizeBytes);
    const info = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength); // a view into a pool, maybe
    const owner = info.getUint32(HEAP_INFO.ar_ptr, true) + info.getUint32(HEAP_INFO.ar_ptr + 4, true) * 2 ** 32;
    if (owner !== arena.address) throw new TornReadError(`heap ${hex(heap)} does not belong to arena ${hex(arena.address)}`);
    const size = info.getUint32(HEAP_INFO.size, true) + info.getUint32(HEAP_INFO.size + 4, true) * 2 ** 32;
    // The first heap holds the arena itself after heap_info; its chunks start after the malloc_state.
    const first = heap + HEAP_INFO.sizeBytes === arena.address ? arena.address + MALLOC_STATE.sizeBytes : heap + HEAP_INFO.sizeBytes;
    heaps.unshift({ start: first + ((MALLOC_ALIGNMENT - (first % MALLOC_ALIGNMENT)) % MALLOC_ALIGNMENT), end: heap + size });
    heap = info.getUint32(HEAP_INFO.prev, true) + info.getUint32(HEAP_INFO.prev + 4, true) * 2 ** 32;
  }
  return heaps;
}

/** The entries of one tcache_perthread_struct (at user pointer `tcache`), per bin from its head; null when it is not a valid one. */
function collectTcache(images: MemoryImages, tcache: number, free: FreeChunks, strict: boolean): number[][] | null {
  const raw = images.bytes(tcache, TCACHE_PERTHREAD_STRUCT_SIZE);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const chains: { chunk: number; index: number }[] = [];
  for (let i = 0; i < TCACHE_MAX_BINS; i++) {
    const count = view.getUint16(TCACHE_STRUCT.counts + 2 * i, true);
    let entry = view.getUint32(TCACHE_STRUCT.entries + 8 * i, true) + view.getUint32(TCACHE_STRUCT.entries + 8 * i + 4, true) * 2 ** 32;
    for (let k = 0; k < count; k++) {
      if (entry === 0 || entry % MALLOC_ALIGNMENT !== 0) {
        if (strict) throw new TornReadError(`tcache ${hex(tcache)} bin ${i}: ${count} counted, chain ends after ${k}`);
        return null;
      }
      chains.push({ chunk: entry - CHUNK_HDR_SZ, index: i });
      entry = revealPointer(entry, images.word(entry));
    }
    if (entry !== 0) {
      if (strict) throw new TornReadError(`tcache ${hex(tcache)} bin ${i}: chain longer than its count ${count}`);
      return null;
    }
  }
  const entries: number[][] = Array.from({ length: TCACHE_MAX_BINS }, () => []);
  for (const { chunk, index } of chains) {
    if (computeTcacheIndex(chunkSize(images, chunk)) !== index) throw new TornReadError(`tcache chunk ${hex(chunk)} has the wrong size for bin ${index}`);
    free.add(chunk, 'tcache');
    entries[index]?.push(chunk);
  }
  return entries;
}

/** Fastbins and bins of one arena into `free`; returns int_mallinfo's counts for it. */
function collectArenaLists(images: MemoryImages, arena: ArenaState, free: FreeChunks, maxChunks: number) {
  const fastbins: number[][] = [];
  const bins: number[][] = [[]];
  let fastChunks = 0;
  let fastBytes = 0;
  let binChunks = 0;
  let binBytes = 0;
  for (let i = 0; i < NFASTBINS; i++) {
    const list: number[] = [];
    fastbins.push(list);
    for (let p = arena.fastbins[i] ?? 0, n = 0; p !== 0; n++) {
      if (n > maxChunks || p % MALLOC_ALIGNMENT !== 0) throw new TornReadError(`arena ${hex(arena.address)} fastbin ${i} is broken`);
      const size = chunkSize(images, p);
      if (computeFastbinIndex(size) !== i) throw new TornReadError(`fastbin chunk ${hex(p)} has the wrong size for bin ${i}`);
      free.add(p, 'fastbins');
      list.push(p);
      fastChunks++;
      fastBytes += size;
      p = revealPointer(p + FD_OFFSET, images.word(p + FD_OFFSET));
    }
  }
  for (let i = 1; i < NBINS; i++) {
    const bin = binAt(arena.address, i);
    const kind: FreeKind = i === UNSORTED_BIN ? 'unsorted' : i < MIN_LARGE_SIZE / 16 ? 'smallbins' : 'largebins';
    const list: number[] = [];
    bins.push(list);
    // int_mallinfo walks each bin from last(b) along bk.
    for (let p = arena.binBk[i] ?? bin, n = 0; p !== bin; n++) {
      if (n > maxChunks || p % MALLOC_ALIGNMENT !== 0) throw new TornReadError(`arena ${hex(arena.address)} bin ${i} is broken`);
      free.add(p, kind);
      list.push(p);
      binChunks++;
      binBytes += chunkSize(images, p);
      p = images.word(p + BK_OFFSET);
    }
  }
  for (const list of bins) list.reverse(); // walked last to first
  return { fastChunks, fastBytes, binChunks, binBytes, fastbins, bins };
}

/** Walks one arena's heaps chunk by chunk, classifying each by the free lists. */
function walkArena(images: MemoryImages, a: ArenaHeaps, free: FreeChunks, index: number, detail: ArenaDetail): ArenaReport {
  const { chunkAddresses, chunkSizes, chunkKinds } = detail;
  const inUse = emptyTotals();
  const freeTotals: FreeTotals = { tcache: emptyTotals(), fastbins: emptyTotals(), unsorted: emptyTotals(), smallbins: emptyTotals(), largebins: emptyTotals() };
  const topBytes = chunkSize(images, a.arena.top);
  const kindBytes = new Float64Array(FREE_KINDS.length);
  const kindChunks = new Float64Array(FREE_KINDS.length);
  const top = a.arena.top;
  for (const heap of a.heaps) {
    // One copy per heap (snapshotHeap): its fields are read straight from it, the size field once per chunk.
    const image = images.imageAt(heap.start);
    if (image === null) throw new TornReadError(`heap ${hex(heap.start)} was not copied`);
    const { view } = image;
    const end = Math.min(heap.end, image.end);
    let c = heap.start;
    let prevSize = 0;
    let prevListed = true; // nothing before the first chunk
    for (;;) {
      if (c + CHUNK_HDR_SZ > end) throw new TornReadError(`arena ${hex(a.arena.address)}: chunks run past ${hex(heap.end)}`);
      const lo = view.getUint32(c - image.start + 8, true);
      // A chunk whose successor says it is free must be on a list; else the heap moved under us.
      if (!prevListed && prevSize >= 32 && (lo & 1) === 0) throw new TornReadError(`chunk ${hex(c - prevSize)} is free but on no list`);
      if (c === top) break;
      const size = view.getUint32(c - image.start + 12, true) * 2 ** 32 + (lo - (lo & 7));
      if (size === 0) break; // the fencepost that closes a heap that is no longer the top one (sysmalloc)
      if (size < CHUNK_HDR_SZ || c + size > heap.end) throw new TornReadError(`chunk ${hex(c)} has size ${size}, past its heap`);
      chunkAddresses.push(c);
      chunkSizes.push(size);
      const code = free.codeOf(c);
      chunkKinds.push(code);
      if (code !== 0) {
        kindChunks[code - 1]!++;
        kindBytes[code - 1]! += size;
      } else {
        inUse.chunks++;
        inUse.bytes += size;
      }
      prevListed = code !== 0;
      prevSize = size;
      c += size;
    }
  }
  FREE_KINDS.forEach((kind, k) => {
    freeTotals[kind].chunks = kindChunks[k]!;
    freeTotals[kind].bytes = kindBytes[k]!;
  });
  chunkAddresses.push(a.arena.top);
  chunkSizes.push(topBytes);
  chunkKinds.push(TOP_KIND_CODE);
  return {
    index,
    main: index === 0,
    address: hex(a.arena.address),
    system_bytes: a.arena.systemMemBytes,
    top_bytes: topBytes,
    in_use: inUse,
    free: freeTotals,
    heaps: a.heaps.map((h) => ({ start: hex(h.start), end: hex(h.end) })),
  };
}

/** Everything read from the process for one report: taken in one go (the process may be stopped meanwhile). */
export interface HeapSnapshot {
  mp: MallocPar;
  parBytes: Uint8Array;
  ring: { state: ArenaState; bytes: Uint8Array }[];
  arenas: ArenaHeaps[];
  images: MemoryImages;
}

/** The bytes from a heap's start that hold the tcache_perthread_struct when it is one (compared by verifySnapshot). */
const TCACHE_CHECK_BYTES = CHUNK_HDR_SZ + TCACHE_PERTHREAD_STRUCT_SIZE;

/**
 * Reads mp_, every arena on the ring and a copy of every heap. Throws TornReadError when an arena is locked (an
 * allocator call is half done) or the ring or a heap chain does not hold together.
 */
export function snapshotHeap(read: ReadMemory, where: HeapLocation): HeapSnapshot {
  const parBytes = read(where.mallocPar, MALLOC_PAR.sizeBytes);
  const mp: MallocPar = decodeMallocPar(new DataView(parBytes.buffer, parBytes.byteOffset, parBytes.byteLength), 0, where.mallocPar);
  const ring: { state: ArenaState; bytes: Uint8Array }[] = [];
  for (let address = where.mainArena; ring.length === 0 || address !== where.mainArena; ) {
    if (ring.length > MAX_ARENAS) throw new TornReadError('the arena ring does not close');
    const a = readArena(read, address);
    // A held arena lock means an allocator call is half done (also when the process was stopped inside one).
    if (new DataView(a.bytes.buffer, a.bytes.byteOffset).getInt32(MALLOC_STATE.mutex, true) !== 0) throw new TornReadError(`arena ${hex(address)} is locked: an allocator call is in progress`);
    ring.push(a);
    address = a.state.next;
  }
  const images = new MemoryImages(read);
  const arenas: ArenaHeaps[] = ring.map(({ state }, i) => {
    if (i > 0) return { arena: state, heaps: findThreadHeaps(read, state) };
    const start = mp.sbrkBase + ((MALLOC_ALIGNMENT - (mp.sbrkBase % MALLOC_ALIGNMENT)) % MALLOC_ALIGNMENT);
    if (state.top < start) throw new TornReadError(`main arena top ${hex(state.top)} is below sbrk_base ${hex(mp.sbrkBase)}`);
    return { arena: state, heaps: [{ start, end: state.top + CHUNK_HDR_SZ }] };
  });
  arenas.forEach((a, i) => {
    const main = a.heaps[0];
    if (i === 0 && main !== undefined) {
      // Main arena: copy up to top's header, then learn top's size from the copy (top's body is never read).
      images.add(main.start, main.end);
      main.end = a.arena.top + chunkSize(images, a.arena.top);
    } else {
      // Top's body is never read: copying it would cost time and map the zero page over its untouched pages.
      for (const h of a.heaps) images.add(h.start, a.arena.top >= h.start && a.arena.top < h.end ? a.arena.top + CHUNK_HDR_SZ : h.end);
    }
  });
  images.seal();
  return { mp, parBytes, ring, arenas, images };
}

/** Decodes a snapshot: free lists, the chunk walk of every heap, mallinfo2. Throws TornReadError when it does not hold together. */
export function analyzeHeap(snapshot: HeapSnapshot): HeapInspection {
  const { mp, ring, arenas, images } = snapshot;
  const free = new FreeChunks();
  const maxChunks = ring.reduce((sum, a) => sum + a.state.systemMemBytes, 0) / 32 + 1;
  const counts = arenas.map((a) => collectArenaLists(images, a.arena, free, maxChunks));
  // Tcaches: the main thread's is the first chunk of the brk heap; a thread's may be the first chunk of its arena.
  const tcaches = arenas.map((a, i) => {
    const first = a.heaps[0]?.start;
    if (first === undefined || first === a.arena.top || chunkSize(images, first) !== TCACHE_CHUNK_BYTES) return null;
    if (free.kindOf(first) !== undefined) return null; // a thread exited and freed its tcache
    const entries = collectTcache(images, first + CHUNK_HDR_SZ, free, i === 0);
    return entries === null ? null : { address: first + CHUNK_HDR_SZ, entries };
  });
  const details: ArenaDetail[] = arenas.map((a, i) => ({
    index: i,
    main: i === 0,
    heaps: a.heaps.map((h) => ({ start: h.start, end: h.end })),
    chunkAddresses: [],
    chunkSizes: [],
    chunkKinds: [],
    fastbins: counts[i]?.fastbins ?? [],
    bins: counts[i]?.bins ?? [],
    tcache: tcaches[i] ?? null,
    lastRemainder: a.arena.lastRemainder,
    haveFastchunks: a.arena.haveFastchunks,
    binmap: a.arena.binmap,
    maxSystemMemBytes: a.arena.maxSystemMemBytes,
  }));
  const reports = arenas.map((a, i) => walkArena(images, a, free, i, details[i]!));
  // Every listed chunk must have been met by a walk; one that was not is not where a chunk starts (it moved).
  const met = reports.reduce((sum, r) => sum + Object.values(r.free).reduce((s, t) => s + t.chunks, 0), 0);
  if (met !== free.size) throw new TornReadError(`${free.size - met} listed chunks are not where a chunk starts`);
  const mallinfo2: Mallinfo2 = { arena: 0, ordblks: 0, smblks: 0, hblks: mp.nMmaps, hblkhd: mp.mmappedMemBytes, usmblks: 0, fsmblks: 0, uordblks: 0, fordblks: 0, keepcost: 0 };
  reports.forEach((r, i) => {
    const c = counts[i] ?? { fastChunks: 0, fastBytes: 0, binChunks: 0, binBytes: 0 };
    const avail = r.top_bytes + c.fastBytes + c.binBytes;
    mallinfo2.smblks += c.fastChunks;
    mallinfo2.ordblks += c.binChunks + 1; // top always counts as one block
    mallinfo2.fordblks += avail;
    mallinfo2.uordblks += r.system_bytes - avail;
    mallinfo2.arena += r.system_bytes;
    mallinfo2.fsmblks += c.fastBytes;
    if (i === 0) mallinfo2.keepcost = r.top_bytes;
  });
  return { arenas: reports, mmapped: { chunks: mp.nMmaps, bytes: mp.mmappedMemBytes }, mallinfo2, details, mp };
}

/**
 * For a process that kept running: throws TornReadError unless mp_, the arenas and the first bytes of every heap
 * (where tcaches live; tcache operations touch no arena) read the same now as in the snapshot.
 */
export function verifySnapshot(read: ReadMemory, snapshot: HeapSnapshot): void {
  if (!sameBytes(read(snapshot.mp.address, MALLOC_PAR.sizeBytes), snapshot.parBytes)) throw new TornReadError('mp_ changed during the read');
  for (const a of snapshot.ring) if (!sameBytes(read(a.state.address, MALLOC_STATE.sizeBytes), a.bytes)) throw new TornReadError(`arena ${hex(a.state.address)} changed during the read`);
  for (const a of snapshot.arenas) {
    const first = a.heaps[0]?.start;
    if (first === undefined || first + TCACHE_CHECK_BYTES > a.arena.top) continue;
    if (!sameBytes(read(first, TCACHE_CHECK_BYTES), snapshot.images.bytes(first, TCACHE_CHECK_BYTES))) throw new TornReadError(`the tcache at ${hex(first)} changed during the read`);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
