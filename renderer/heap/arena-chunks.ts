// A live arena's chunks and lists (getHeap's ArenaDetail) turned into what the Allocator lab's components draw:
// strip blocks per heap coloured by ChunkHome, and bin chains for BinsView, with offsets from the arena's first
// chunk (the lab's "heap offset"). Only reshapes what was read: every figure stays measured.
import { CHUNK_KINDS, type ArenaDetail } from '../../shared/heap/inspect.js';
import type { GlibcBinChain, GlibcBinKind } from '../../shared/sim/lab/glibc-lab.js';
import { NSMALLBINS, UNSORTED_BIN } from '../../shared/sim/malloc/glibc/chunk.js';
import { ChunkHome } from '../../shared/sim/malloc/glibc/state.js';

/** ChunkHome of each chunk-kind code (CHUNK_KINDS: 'in_use', the free lists, 'top'). */
const HOME_OF_CODE: readonly number[] = CHUNK_KINDS.map(
  (k) => ({ in_use: ChunkHome.inUse, tcache: ChunkHome.tcache, fastbins: ChunkHome.fastbin, unsorted: ChunkHome.unsorted, smallbins: ChunkHome.smallbin, largebins: ChunkHome.largebin, top: ChunkHome.top })[k],
);

/** The ChunkHome of a chunk-kind code (in use when the code is unknown). */
export function homeOfKind(code: number): number {
  return HOME_OF_CODE[code] ?? ChunkHome.inUse;
}

/** One chunk of a heap strip. */
export interface LiveChunk {
  /** Index in the arena's chunk arrays. */
  index: number;
  address: number;
  /** Bytes from the heap's start. */
  offsetBytes: number;
  sizeBytes: number;
  home: number;
}

/** The chunks of heap h of the arena (in address order), offsets from that heap's start. */
export function listHeapChunks(arena: ArenaDetail, h: number): LiveChunk[] {
  const heap = arena.heaps[h];
  if (heap === undefined) return [];
  const out: LiveChunk[] = [];
  arena.chunkAddresses.forEach((address, i) => {
    if (address < heap.start || address >= heap.end) return;
    out.push({ index: i, address, offsetBytes: address - heap.start, sizeBytes: arena.chunkSizes[i] ?? 0, home: homeOfKind(arena.chunkKinds[i] ?? 0) });
  });
  return out;
}

/** The chains BinsView lists: tcache, fastbins, unsorted, small and large bins, first `maxChain` chunks each; offsets from `base`. */
export function listBinChains(arena: ArenaDetail, base: number, maxChain = 64): GlibcBinChain[] {
  const sizeOf = new Map<number, number>();
  arena.chunkAddresses.forEach((a, i) => sizeOf.set(a, arena.chunkSizes[i] ?? 0));
  const chains: GlibcBinChain[] = [];
  const add = (kind: GlibcBinKind, index: number, list: readonly number[], sizeLabel: (sizes: number[]) => string) => {
    if (list.length === 0) return;
    const sizes = list.map((a) => sizeOf.get(a) ?? 0);
    chains.push({ kind, index, sizeLabel: sizeLabel(sizes), count: list.length, offsets: list.slice(0, maxChain).map((a) => a - base), sizes: sizes.slice(0, maxChain) });
  };
  const oneSize = (fallback: number) => (sizes: number[]) => String(sizes[0] ?? fallback);
  (arena.tcache?.entries ?? []).forEach((list, i) => add('tcache', i, list, oneSize(32 + 16 * i)));
  arena.fastbins.forEach((list, i) => add('fastbin', i, list, oneSize(32 + 16 * i)));
  arena.bins.forEach((list, i) => {
    if (i < UNSORTED_BIN) return;
    const kind: GlibcBinKind = i === UNSORTED_BIN ? 'unsorted' : i < NSMALLBINS ? 'smallbin' : 'largebin';
    // A largebin's label is the range of the sizes it holds now (sorted largest first), as read.
    add(kind, i, list, (sizes) => (kind === 'unsorted' ? 'any' : kind === 'smallbin' ? String(16 * i) : `${Math.min(...sizes)}–${Math.max(...sizes)}`));
  });
  return chains;
}
