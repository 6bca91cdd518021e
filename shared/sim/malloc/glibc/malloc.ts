// malloc and calloc of glibc 2.36: __libc_malloc (tcache first), tcache_init and _int_malloc
// (fastbin, smallbin, the unsorted scan, largebin best fit, binmap search, top, sysmalloc).
// Source of truth: glibc 2.36 malloc/malloc.c __libc_malloc, tcache_init, _int_malloc, __libc_calloc.

import {
  CHUNK_HDR_SZ,
  MAX_ITERS,
  MINSIZE,
  NSMALLBINS,
  PTRDIFF_MAX_BIGINT,
  TCACHE_PERTHREAD_STRUCT_SIZE,
  UNSORTED_BIN,
  checkRequest2size,
  computeFastbinIndex,
  computeLargebinIndex,
  computeSmallbinIndex,
  computeTcacheIndex,
  isInSmallbinRange,
} from './chunk.js';
import {
  ChunkHome,
  type GlibcHeap,
  NULL_SLOT,
  emitEvent,
  markBin,
  placeAtUnsortedHead,
  readTopSize,
  reserveSlots,
  setLiveSlot,
  splitChunkAt,
  splitTop,
  tcacheGet,
  tcachePut,
  unlinkChunk,
} from './state.js';
import { mallocConsolidate } from './consolidate.js';
import { MMAPPED_RESULT, sysmalloc } from './sysmalloc.js';
import { MallocEvent, MallocSource } from '../events.js';

function emitServed(st: GlibcHeap, source: number, p: number): void {
  if (st.sink !== null) st.sink(MallocEvent.served, source, st.offsetBytes[p]!, st.sizeBytes[p]!);
}

function emitStash(st: GlibcHeap, source: number, p: number): void {
  if (st.sink !== null) st.sink(MallocEvent.tcacheStash, source, st.offsetBytes[p]!, st.sizeBytes[p]!);
}

/**
 * Splits chunk `victim` (already out of its bin) into nb bytes for the caller and a free
 * remainder put at the head of the unsorted bin, as the largebin and binmap paths do.
 */
function splitToUnsorted(st: GlibcHeap, victim: number, nb: number, remainderSize: number): number {
  const remainder = splitChunkAt(st, victim, nb);
  placeAtUnsortedHead(st, remainder, remainderSize);
  st.sizeBytes[victim] = nb;
  st.prevInuse[victim] = 1;
  emitEvent(st, MallocEvent.split, st.offsetBytes[victim]!, st.offsetBytes[remainder]!, remainderSize);
  return remainder;
}

/**
 * Takes binned chunk `victim` of at least nb bytes for the caller, as the largebin best fit and the binmap search
 * do: out of its bin, then split when the rest makes a chunk (the remainder goes to unsorted; it becomes the last
 * remainder when `lastRemainder`). One function for both, so the split reached first by either is known to both
 * in V8's feedback (the largebin path's first split deoptimized a compiled intMalloc).
 */
function takeBinnedChunk(st: GlibcHeap, victim: number, nb: number, lastRemainder: boolean): void {
  const remainderSize = st.sizeBytes[victim]! - nb;
  unlinkChunk(st, victim);
  if (remainderSize < MINSIZE) {
    st.prevInuse[st.nextChunk[victim]!] = 1;
  } else {
    const remainder = splitToUnsorted(st, victim, nb, remainderSize);
    if (lastRemainder) st.lastRemainderOffset = st.offsetBytes[remainder]!;
  }
  st.home[victim] = ChunkHome.inUse;
}

/**
 * Files an unsorted chunk into its smallbin (at the head) or largebin (sorted by size, largest
 * first; a chunk of an existing size goes second in its size group, so the nextsize ring needs no
 * change).
 */
function placeInBin(st: GlibcHeap, victim: number, size: number): void {
  let victimIndex: number;
  let bck: number;
  let fwd: number;
  if (isInSmallbinRange(size)) {
    victimIndex = computeSmallbinIndex(size);
    bck = victimIndex;
    fwd = st.fd[bck]!;
    st.home[victim] = ChunkHome.smallbin;
  } else {
    victimIndex = computeLargebinIndex(size);
    bck = victimIndex;
    fwd = st.fd[bck]!;
    if (fwd !== bck) {
      if (size < st.sizeBytes[st.bk[bck]!]!) {
        // Smaller than the smallest: goes last; joins the nextsize ring before the largest.
        fwd = bck;
        bck = st.bk[bck]!;
        const first = st.fd[fwd]!;
        st.fdNextsize[victim] = first;
        st.bkNextsize[victim] = st.bkNextsize[first]!;
        st.fdNextsize[st.bkNextsize[victim]!] = victim;
        st.bkNextsize[first] = victim;
      } else {
        while (size < st.sizeBytes[fwd]!) fwd = st.fdNextsize[fwd]!;
        if (size === st.sizeBytes[fwd]!) {
          fwd = st.fd[fwd]!; // always insert in the second position
        } else {
          st.fdNextsize[victim] = fwd;
          st.bkNextsize[victim] = st.bkNextsize[fwd]!;
          st.bkNextsize[fwd] = victim;
          st.fdNextsize[st.bkNextsize[victim]!] = victim;
        }
        bck = st.bk[fwd]!;
      }
    } else {
      st.fdNextsize[victim] = victim;
      st.bkNextsize[victim] = victim;
    }
    st.home[victim] = ChunkHome.largebin;
  }
  markBin(st, victimIndex);
  st.bk[victim] = bck;
  st.fd[victim] = fwd;
  st.bk[fwd] = victim;
  st.fd[bck] = victim;
  emitEvent(st, MallocEvent.binned, victimIndex, st.offsetBytes[victim]!, size);
}

/**
 * _int_malloc: serves `bytes` from the arena (never from the tcache directly, but it stashes
 * spare chunks of the same size into the tcache on the way). The caller reserved slots.
 * @returns the chunk's slot, MMAPPED_RESULT (address in st.lastMmappedAddress) or NULL_SLOT.
 */
export function intMalloc(st: GlibcHeap, bytes: number): number {
  const nb = checkRequest2size(bytes);
  if (nb === 0) return NULL_SLOT;
  const mp = st.params;
  // Safe to hold the arrays: slots were reserved at call entry, so nothing replaces them.
  const { sizeBytes: size, prevInuse, fd, bk, home, nextChunk } = st;

  // Fastbins: exact size, LIFO; then move the rest of that bin into the tcache.
  if (nb <= mp.maxFastBytes) {
    const idx = computeFastbinIndex(nb);
    const victim = st.fastbins[idx]!;
    if (victim !== NULL_SLOT) {
      st.fastbins[idx] = fd[victim]!;
      home[victim] = ChunkHome.inUse;
      const tcIdx = computeTcacheIndex(nb);
      if (st.tcacheReady && tcIdx < mp.tcacheBins) {
        let tcVictim: number;
        while (st.tcacheCounts[tcIdx]! < mp.tcacheCount && (tcVictim = st.fastbins[idx]!) !== NULL_SLOT) {
          st.fastbins[idx] = fd[tcVictim]!;
          tcachePut(st, tcVictim, tcIdx);
          emitStash(st, MallocSource.fastbin, tcVictim);
        }
      }
      emitServed(st, MallocSource.fastbin, victim);
      return victim;
    }
  }

  // Smallbins: exact size, take the oldest (bin->bk); stash the others into the tcache.
  let idx: number;
  if (isInSmallbinRange(nb)) {
    idx = computeSmallbinIndex(nb);
    const bin = idx;
    const victim = bk[bin]!;
    if (victim !== bin) {
      const bck = bk[victim]!;
      prevInuse[nextChunk[victim]!] = 1;
      bk[bin] = bck;
      fd[bck] = bin;
      home[victim] = ChunkHome.inUse;
      const tcIdx = computeTcacheIndex(nb);
      if (st.tcacheReady && tcIdx < mp.tcacheBins) {
        let tcVictim: number;
        while (st.tcacheCounts[tcIdx]! < mp.tcacheCount && (tcVictim = bk[bin]!) !== bin) {
          const b2 = bk[tcVictim]!;
          prevInuse[nextChunk[tcVictim]!] = 1;
          bk[bin] = b2;
          fd[b2] = bin;
          tcachePut(st, tcVictim, tcIdx);
          emitStash(st, MallocSource.smallbin, tcVictim);
        }
      }
      emitServed(st, MallocSource.smallbin, victim);
      return victim;
    }
  } else {
    idx = computeLargebinIndex(nb);
    if (st.haveFastchunks) mallocConsolidate(st);
  }

  const tcIdx = computeTcacheIndex(nb);
  const tcacheNb = st.tcacheReady && tcIdx < mp.tcacheBins ? nb : 0;
  let returnCached = false;
  let tcacheUnsortedCount = 0;
  // Read and compared on every pass of the scan, not only after a stash: a load or compare first reached after
  // TurboFan compiled intMalloc throws the compiled code away (it did ~0.5 M ops into the 2 M-op malloclab trace).
  const unsortedLimit = mp.tcacheUnsortedLimit > 0 ? mp.tcacheUnsortedLimit : Infinity;
  const smallRequest = isInSmallbinRange(nb);

  for (;;) {
    // The unsorted scan, oldest first: take the last remainder or an exact fit, bin the rest.
    let iters = 0;
    let victim: number;
    while ((victim = bk[UNSORTED_BIN]!) !== UNSORTED_BIN) {
      const bck = bk[victim]!;
      const vsize = size[victim]!;

      if (smallRequest && bck === UNSORTED_BIN && st.offsetBytes[victim] === st.lastRemainderOffset && vsize > nb + MINSIZE) {
        const remainderSize = vsize - nb;
        const remainder = splitChunkAt(st, victim, nb);
        bk[UNSORTED_BIN] = remainder;
        fd[UNSORTED_BIN] = remainder;
        st.lastRemainderOffset = st.offsetBytes[remainder]!;
        bk[remainder] = UNSORTED_BIN;
        fd[remainder] = UNSORTED_BIN;
        if (!isInSmallbinRange(remainderSize)) {
          st.fdNextsize[remainder] = NULL_SLOT;
          st.bkNextsize[remainder] = NULL_SLOT;
        }
        size[victim] = nb;
        prevInuse[victim] = 1;
        size[remainder] = remainderSize;
        prevInuse[remainder] = 1;
        home[victim] = ChunkHome.inUse;
        home[remainder] = ChunkHome.unsorted;
        emitEvent(st, MallocEvent.split, st.offsetBytes[victim]!, st.offsetBytes[remainder]!, remainderSize);
        emitServed(st, MallocSource.remainder, victim);
        return victim;
      }

      bk[UNSORTED_BIN] = bck;
      fd[bck] = UNSORTED_BIN;

      if (vsize === nb) {
        prevInuse[nextChunk[victim]!] = 1;
        if (tcacheNb > 0 && st.tcacheCounts[tcIdx]! < mp.tcacheCount) {
          tcachePut(st, victim, tcIdx);
          emitStash(st, MallocSource.unsorted, victim);
          returnCached = true;
          continue;
        }
        home[victim] = ChunkHome.inUse;
        emitServed(st, MallocSource.unsorted, victim);
        return victim;
      }

      placeInBin(st, victim, vsize);

      ++tcacheUnsortedCount;
      if (tcacheUnsortedCount > unsortedLimit && returnCached) {
        const p = tcacheGet(st, tcIdx);
        emitServed(st, MallocSource.tcache, p);
        return p;
      }
      if (++iters >= MAX_ITERS) break;
    }

    if (returnCached) {
      const p = tcacheGet(st, tcIdx);
      emitServed(st, MallocSource.tcache, p);
      return p;
    }

    // Large request: best fit in its own largebin, walking the nextsize ring from the smallest.
    if (!smallRequest) {
      const bin = idx;
      victim = fd[bin]!;
      if (victim !== bin && size[victim]! >= nb) {
        victim = st.bkNextsize[victim]!;
        while (size[victim]! < nb) victim = st.bkNextsize[victim]!;
        // Avoid removing the first entry for a size so that the skip list need not be rerouted.
        if (victim !== bk[bin] && size[victim] === size[fd[victim]!]) victim = fd[victim]!;
        takeBinnedChunk(st, victim, nb, false);
        emitServed(st, MallocSource.largebin, victim);
        return victim;
      }
    }

    // Binmap search: the smallest non-empty bin above idx; its last (smallest) chunk fits. map and bit are int32
    // (bit 31 negative; glibc's unsigned `bit > map` is "no bit of map at or above bit's"): as uint32, bin 31 of a
    // block made a number past int32 that deoptimized intMalloc ("lost precision") on every real trace.
    let binIdx = idx + 1;
    let block = binIdx >>> 5;
    let map = (st.binmap[block] ?? 0) | 0;
    let bit = 1 << (binIdx & 31);
    let found = false;
    for (;;) {
      if (bit === 0 || map >> (binIdx & 31) === 0) {
        do {
          if (++block >= 4) break;
        } while ((map = st.binmap[block]! | 0) === 0);
        if (block >= 4) break;
        binIdx = block << 5;
        bit = 1;
      }
      while ((bit & map) === 0) {
        binIdx++;
        bit <<= 1;
      }
      victim = bk[binIdx]!;
      if (victim === binIdx) {
        map &= ~bit;
        st.binmap[block] = map; // a false alarm: clear the bit
        binIdx++;
        bit <<= 1;
        continue;
      }
      takeBinnedChunk(st, victim, nb, smallRequest);
      emitServed(st, binIdx < NSMALLBINS ? MallocSource.smallbin : MallocSource.largebin, victim);
      found = true;
      break;
    }
    if (found) return victim;

    // use_top
    const top = st.top;
    const topSize = readTopSize(st);
    if (topSize >= nb + MINSIZE) {
      splitTop(st, nb, topSize);
      emitServed(st, MallocSource.top, top);
      return top;
    } else if (st.haveFastchunks) {
      mallocConsolidate(st);
      idx = smallRequest ? computeSmallbinIndex(nb) : computeLargebinIndex(nb);
    } else {
      return sysmalloc(st, nb);
    }
  }
}

/** tcache_init: the first malloc allocates the 0x290-byte tcache_perthread_struct from the arena. */
export function initTcache(st: GlibcHeap): void {
  const p = intMalloc(st, TCACHE_PERTHREAD_STRUCT_SIZE);
  if (p === NULL_SLOT) return;
  st.tcacheReady = true;
  st.tcacheStructMem = p === MMAPPED_RESULT ? st.lastMmappedAddress + CHUNK_HDR_SZ : st.offsetBytes[p]! + CHUNK_HDR_SZ;
  st.tcacheStructSlot = p === MMAPPED_RESULT ? NULL_SLOT : p;
  if (p !== MMAPPED_RESULT) st.inUseBytes += st.sizeBytes[p]!;
}

/** Turns an intMalloc result into the user pointer handed to the program (0 for NULL). */
export function publishChunk(st: GlibcHeap, p: number): number {
  if (p === NULL_SLOT) return 0;
  if (p === MMAPPED_RESULT) return st.lastMmappedAddress + CHUNK_HDR_SZ;
  const mem = st.offsetBytes[p]! + CHUNK_HDR_SZ;
  setLiveSlot(st, mem, p);
  return mem;
}

/**
 * __libc_malloc: a tcache hit for sizes the tcache covers, else _int_malloc.
 * @returns the user pointer: heap offset + 16, or (mmapped chunks) simulated address + 16; 0 for NULL.
 */
export function libcMalloc(st: GlibcHeap, bytes: number): number {
  const tbytes = checkRequest2size(bytes);
  if (tbytes === 0) return 0;
  reserveSlots(st);
  const tcIdx = computeTcacheIndex(tbytes);
  if (!st.tcacheReady) initTcache(st);
  if (tcIdx < st.params.tcacheBins && st.tcacheReady && st.tcacheCounts[tcIdx]! > 0) {
    const p = tcacheGet(st, tcIdx);
    emitServed(st, MallocSource.tcache, p);
    return publishChunk(st, p);
  }
  return publishChunk(st, intMalloc(st, bytes));
}

/** __libc_calloc's first check: n × elemBytes overflows ptrdiff_t (__builtin_mul_overflow), exactly (a double rounds above 2^53). */
export function isCallocOverflow(n: number, elemBytes: number): boolean {
  return BigInt(n) * BigInt(elemBytes) > PTRDIFF_MAX_BIGINT;
}

/**
 * __libc_calloc: n × elemBytes from _int_malloc directly (calloc never takes from the tcache);
 * the zeroing is not modelled (the simulator holds no contents). A product that overflows
 * ptrdiff_t (above PTRDIFF_MAX) is NULL before anything else, even the tcache's set-up.
 */
export function libcCalloc(st: GlibcHeap, n: number, elemBytes: number): number {
  if (isCallocOverflow(n, elemBytes)) return 0;
  const bytes = n * elemBytes;
  reserveSlots(st);
  if (!st.tcacheReady) initTcache(st);
  return publishChunk(st, intMalloc(st, bytes));
}
