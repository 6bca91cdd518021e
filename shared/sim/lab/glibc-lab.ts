// The glibc 2.36 model in the Allocator lab: a view of the heap at one op (chunks in address order, every
// bin's chain, mmapped chunks); the lab replays it through malloc/glibc/replay.ts createGlibcReplayModel.
// Bin vocabulary: glibc malloc/malloc.c's "Bins" comment.

import { MIN_LARGE_SIZE, NBINS, NFASTBINS, NSMALLBINS, TCACHE_MAX_BINS, UNSORTED_BIN, computeLargebinIndex } from '../malloc/glibc/chunk.js';
import { ChunkHome, type GlibcHeap, type HeapChunkView, NULL_SLOT, listHeapChunks } from '../malloc/glibc/state.js';

/** Which structure a chain belongs to. */
export type GlibcBinKind = 'tcache' | 'fastbin' | 'unsorted' | 'smallbin' | 'largebin';

/** One non-empty bin and its chain, in list order (the chunk malloc takes next first, for LIFO bins). */
export interface GlibcBinChain {
  kind: GlibcBinKind;
  /** Index within its kind (tcache 0–63, fastbin 0–9) or glibc's bin index (unsorted 1, smallbin 2–63, largebin 64–126). */
  index: number;
  /** Chunk size the bin holds ("48" or "1024–1088" for a largebin). */
  sizeLabel: string;
  /** Chunks in the chain. */
  count: number;
  /** Heap offsets of the first `maxChain` chunks. */
  offsets: number[];
  /** Their sizes. */
  sizes: number[];
}

/** The glibc heap at one op, for the strip and the bins panel. */
export interface GlibcHeapView {
  /** Every chunk of the brk heap in address order, top last (listHeapChunks). */
  chunks: HeapChunkView[];
  /** Program break minus the heap start. */
  brkBytes: number;
  topBytes: number;
  /** Bytes in chunks held by the program (and the tcache struct). */
  inUseBytes: number;
  /** Bytes of free chunks inside the heap, top excluded. */
  freeBytes: number;
  /** User pointer of glibc's own tcache_perthread_struct (0 before the first malloc). */
  tcacheStructMem: number;
  bins: GlibcBinChain[];
  /** Live mmapped chunks: simulated address and length. */
  mmapped: { address: number; sizeBytes: number }[];
  mmapThresholdBytes: number;
  trimThresholdBytes: number;
}

/** Smallest chunk size (a multiple of 16, ≥ MIN_LARGE_SIZE) whose largebin index is at least `index`. */
function findLargebinLowerBytes(index: number): number {
  let lo = MIN_LARGE_SIZE / 16;
  let hi = 2 ** 40;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (computeLargebinIndex(mid * 16) >= index) hi = mid;
    else lo = mid + 1;
  }
  return lo * 16;
}

/** The chunk sizes a largebin holds, e.g. "3136–3568" (largebin_index_64 is monotonic in the size). */
function describeLargebin(index: number): string {
  const low = findLargebinLowerBytes(index);
  return index >= NBINS - 2 ? `≥ ${low}` : `${low}–${findLargebinLowerBytes(index + 1) - 16}`;
}

function walkChain(st: GlibcHeap, head: number, stop: number, maxChain: number, into: GlibcBinChain): void {
  let p = head;
  let guard = 0;
  while (p !== stop && p !== NULL_SLOT && guard++ < 1_000_000) {
    if (into.offsets.length < maxChain) {
      into.offsets.push(st.offsetBytes[p]!);
      into.sizes.push(st.sizeBytes[p]!);
    }
    into.count++;
    p = st.fd[p]!;
  }
}

/** Reads the heap's chunks and bins (allocates; for views). maxChain bounds the chunks listed per chain. */
export function readGlibcHeapView(st: GlibcHeap, maxChain = 64): GlibcHeapView {
  const chunks = listHeapChunks(st);
  let freeBytes = 0;
  let topBytes = 0;
  for (const c of chunks) {
    if (c.home === ChunkHome.top) topBytes = c.sizeBytes;
    else if (c.home !== ChunkHome.inUse) freeBytes += c.sizeBytes;
  }
  const bins: GlibcBinChain[] = [];
  for (let i = 0; i < TCACHE_MAX_BINS; i++) {
    if (st.tcacheEntries[i] === NULL_SLOT) continue;
    const chain: GlibcBinChain = { kind: 'tcache', index: i, sizeLabel: String(32 + 16 * i), count: 0, offsets: [], sizes: [] };
    walkChain(st, st.tcacheEntries[i]!, NULL_SLOT, maxChain, chain);
    bins.push(chain);
  }
  for (let i = 0; i < NFASTBINS; i++) {
    if (st.fastbins[i] === NULL_SLOT) continue;
    const chain: GlibcBinChain = { kind: 'fastbin', index: i, sizeLabel: String(32 + 16 * i), count: 0, offsets: [], sizes: [] };
    walkChain(st, st.fastbins[i]!, NULL_SLOT, maxChain, chain);
    bins.push(chain);
  }
  for (let b = UNSORTED_BIN; b < NBINS; b++) {
    if (st.fd[b] === b) continue;
    const kind: GlibcBinKind = b === UNSORTED_BIN ? 'unsorted' : b < NSMALLBINS ? 'smallbin' : 'largebin';
    const sizeLabel = kind === 'unsorted' ? 'any' : kind === 'smallbin' ? String(16 * b) : describeLargebin(b);
    const chain: GlibcBinChain = { kind, index: b, sizeLabel, count: 0, offsets: [], sizes: [] };
    walkChain(st, st.fd[b]!, b, maxChain, chain);
    bins.push(chain);
  }
  const mmapped = [...st.mmapped].map(([address, sizeBytes]) => ({ address, sizeBytes })).sort((a, b) => a.address - b.address);
  return {
    chunks,
    brkBytes: st.os.brkBytes,
    topBytes,
    inUseBytes: st.inUseBytes,
    freeBytes,
    tcacheStructMem: st.tcacheStructMem,
    bins,
    mmapped,
    mmapThresholdBytes: st.params.mmapThresholdBytes,
    trimThresholdBytes: st.params.trimThresholdBytes,
  };
}
