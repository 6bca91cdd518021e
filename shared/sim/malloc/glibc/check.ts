// Consistency check of the glibc heap model: the invariants written on GlibcHeap (state.ts), in
// the spirit of glibc's do_check_malloc_state. Source of truth: glibc 2.36 malloc/malloc.c
// do_check_malloc_state, do_check_free_chunk, do_check_inuse_chunk.

import {
  MALLOC_ALIGNMENT,
  MINSIZE,
  NBINS,
  NFASTBINS,
  NSMALLBINS,
  TCACHE_MAX_BINS,
  UNSORTED_BIN,
  computeBinIndex,
  computeFastbinIndex,
  isInSmallbinRange,
} from './chunk.js';
import { CHUNK_HOME_NAMES, ChunkHome, type GlibcHeap, NULL_SLOT, forEachLiveSlot, readLiveSlot } from './state.js';

const hex = (n: number): string => '0x' + n.toString(16);

/**
 * Checks every invariant of a GlibcHeap. @returns the violations found (empty when consistent),
 * each naming the chunk offset or bin concerned. Cost: O(chunks + bin entries).
 */
export function checkGlibcHeap(st: GlibcHeap): string[] {
  const errors: string[] = [];
  const fail = (m: string): void => { if (errors.length < 50) errors.push(m); };
  const { sizeBytes: size, prevInuse, fd, bk, home } = st;
  const offsetOf = (p: number): number => st.offsetBytes[p]!;

  // mmapped chunks and their mappings
  let mm = 0;
  for (const [address, sz] of st.mmapped) {
    const lead = st.mmappedLead.get(address) ?? 0;
    mm += lead + sz;
    if (st.os.mappings.get(address - lead) !== lead + sz) fail(`mmapped chunk ${hex(address)}: no mapping of ${lead + sz} bytes`);
  }
  if (st.nMmaps !== st.mmapped.size) fail(`nMmaps ${st.nMmaps} ≠ ${st.mmapped.size} mmapped chunks`);
  if (st.mmappedMem !== mm) fail(`mmappedMem ${st.mmappedMem} ≠ Σ mmapped mappings ${mm}`);

  if (st.top === NULL_SLOT) {
    if (st.systemMem !== 0 || st.os.brkBytes !== 0) fail('no top chunk but the heap has memory');
    return errors;
  }

  // Tiling: walk the chunks from the heap start to top.
  const counts = new Uint32Array(8);
  let p = st.firstChunk;
  let prevFree = false;
  let steps = 0;
  let expectOffset = 0;
  let prev = NULL_SLOT;
  if (p === NULL_SLOT || prevInuse[p] !== 1) fail('first chunk missing or lacks PREV_INUSE');
  while (p !== st.top) {
    if (p === NULL_SLOT) { fail('chunk chain ends before top'); return errors; }
    const sz = size[p]!;
    const off = offsetOf(p);
    if (off !== expectOffset) fail(`chunk ${hex(off)} should start at ${hex(expectOffset)}`);
    if (st.prevChunk[p] !== prev) fail(`chunk ${hex(off)}: prevChunk link is wrong`);
    if (sz < MINSIZE || sz % MALLOC_ALIGNMENT !== 0) { fail(`chunk ${hex(off)}: bad size ${sz}`); return errors; }
    const h = home[p]!;
    if (h === ChunkHome.none || h === ChunkHome.top) fail(`chunk ${hex(off)}: home is ${CHUNK_HOME_NAMES[h]}`);
    counts[h] = counts[h]! + 1;
    const next = st.nextChunk[p]!;
    const isFree = h === ChunkHome.unsorted || h === ChunkHome.smallbin || h === ChunkHome.largebin;
    if (next === NULL_SLOT) { fail(`chunk ${hex(off)} has no successor`); return errors; }
    if (isFree !== (prevInuse[next] === 0)) fail(`chunk ${hex(off)} (${CHUNK_HOME_NAMES[h]}): next chunk's PREV_INUSE is ${prevInuse[next]}`);
    if (isFree && prevFree) fail(`free chunk ${hex(off)} follows another free chunk`);
    if (h === ChunkHome.inUse && off + 16 !== st.tcacheStructMem && readLiveSlot(st, off + 16) !== p) fail(`in-use chunk ${hex(off)} is not a live allocation`);
    prevFree = isFree;
    expectOffset = off + sz;
    prev = p;
    p = next;
    if (++steps > st.slotHigh) { fail('chunk walk does not end'); return errors; }
  }
  if (offsetOf(st.top) !== expectOffset) fail(`top should start at ${hex(expectOffset)}`);
  if (st.nextChunk[st.top] !== NULL_SLOT) fail('top has a successor');
  if (home[st.top] !== ChunkHome.top) fail('top chunk not tagged top');
  if (prevFree) fail('a free chunk borders top');
  if (prevInuse[st.top] !== 1) fail('top lacks PREV_INUSE');
  if (size[st.top]! < MINSIZE) fail(`top is ${size[st.top]} bytes (< MINSIZE)`);
  const end = offsetOf(st.top) + size[st.top]!;
  if (end !== st.os.brkBytes) fail(`top ends at ${hex(end)} but brk is ${hex(st.os.brkBytes)}`);
  if (st.systemMem !== st.os.brkBytes) fail(`system_mem ${st.systemMem} ≠ brk ${st.os.brkBytes}`);
  const chunks = steps + 1;
  if (st.slotHigh - NBINS - st.freeSlotCount !== chunks) fail(`${chunks} chunks but ${st.slotHigh - NBINS - st.freeSlotCount} slots in use`);
  let live = 0;
  forEachLiveSlot(st, (mem, slot) => {
    live++;
    if (home[slot] !== ChunkHome.inUse || offsetOf(slot) + 16 !== mem) fail(`live pointer ${hex(mem)} does not name an in-use chunk`);
  });
  if (live !== st.liveCount) fail(`liveCount ${st.liveCount} ≠ ${live} live pointers`);
  if (st.live.count !== st.liveCount) fail(`live table holds ${st.live.count} entries but liveCount is ${st.liveCount}`);
  let inUse = 0;
  for (let q = st.firstChunk; q !== NULL_SLOT; q = st.nextChunk[q]!) if (home[q] === ChunkHome.inUse) inUse += size[q]!;
  if (inUse !== st.inUseBytes) fail(`inUseBytes ${st.inUseBytes} ≠ Σ in-use chunk sizes ${inUse}`);
  const tcacheStructInHeap = st.tcacheStructMem !== 0 && st.tcacheStructMem < st.os.brkBytes ? 1 : 0;
  if (live + tcacheStructInHeap !== counts[ChunkHome.inUse]) fail(`${counts[ChunkHome.inUse]} in-use chunks but ${live} live pointers`);

  // Regular bins: doubly linked, right sizes, largebins sorted with a consistent nextsize ring.
  const binned = new Uint32Array(8);
  for (let i = UNSORTED_BIN; i < NBINS; i++) {
    const want = i === UNSORTED_BIN ? ChunkHome.unsorted : i < NSMALLBINS ? ChunkHome.smallbin : ChunkHome.largebin;
    let prev = i;
    let q = fd[i]!;
    let n = 0;
    let lastSize = Infinity;
    while (q !== i) {
      if (q < NBINS || q >= st.slotHigh) { fail(`bin ${i}: link to node ${q}`); break; }
      if (bk[q] !== prev) fail(`bin ${i}: chunk ${hex(offsetOf(q))} bk does not point back`);
      if (home[q] !== want) fail(`bin ${i}: chunk ${hex(offsetOf(q))} is tagged ${CHUNK_HOME_NAMES[home[q]!]}`);
      binned[want] = binned[want]! + 1;
      const sz = size[q]!;
      if (i !== UNSORTED_BIN && computeBinIndex(sz) !== i) fail(`bin ${i}: chunk ${hex(offsetOf(q))} of ${sz} bytes belongs in bin ${computeBinIndex(sz)}`);
      if (i >= NSMALLBINS) {
        if (sz > lastSize) fail(`largebin ${i}: not sorted at ${hex(offsetOf(q))}`);
        const head = sz !== lastSize;
        if (head !== (st.fdNextsize[q] !== NULL_SLOT)) fail(`largebin ${i}: chunk ${hex(offsetOf(q))} ${head ? 'heads its size but has no' : 'is not first of its size but has a'} nextsize link`);
        lastSize = sz;
      } else if (i === UNSORTED_BIN && !isInSmallbinRange(sz) && st.fdNextsize[q] !== NULL_SLOT) {
        fail(`unsorted chunk ${hex(offsetOf(q))} has a nextsize link`);
      }
      prev = q;
      q = fd[q]!;
      if (++n > st.slotHigh) { fail(`bin ${i}: cycle`); break; }
    }
    if (bk[i] !== prev) fail(`bin ${i}: bk of the header is not the last chunk`);
    if (i >= 2 && n > 0 && ((st.binmap[i >>> 5]! >>> (i & 31)) & 1) === 0) fail(`bin ${i} is not empty but its binmap bit is clear`);
    if (i >= NSMALLBINS && n > 0) {
      // nextsize ring: from the first chunk, fd_nextsize visits each size once, descending, and returns.
      const first = fd[i]!;
      let r = first;
      let k = 0;
      do {
        const nx = st.fdNextsize[r]!;
        if (nx === NULL_SLOT || st.bkNextsize[nx] !== r) { fail(`largebin ${i}: nextsize ring broken at ${hex(offsetOf(r))}`); break; }
        if (nx !== first && size[nx]! >= size[r]!) fail(`largebin ${i}: nextsize ring not descending at ${hex(offsetOf(r))}`);
        r = nx;
        if (++k > n) { fail(`largebin ${i}: nextsize ring does not close`); break; }
      } while (r !== first);
    }
  }
  for (const h of [ChunkHome.unsorted, ChunkHome.smallbin, ChunkHome.largebin]) {
    if (binned[h] !== counts[h]) fail(`${counts[h]} chunks tagged ${CHUNK_HOME_NAMES[h]} but ${binned[h]} in those bins`);
  }

  // Fastbins and tcache: singly linked, right sizes, counts.
  let fastCount = 0;
  for (let i = 0; i < NFASTBINS; i++) {
    let n = 0;
    for (let q = st.fastbins[i]!; q !== NULL_SLOT; q = fd[q]!) {
      if (home[q] !== ChunkHome.fastbin) fail(`fastbin ${i}: chunk ${hex(offsetOf(q))} tagged ${CHUNK_HOME_NAMES[home[q]!]}`);
      if (computeFastbinIndex(size[q]!) !== i) fail(`fastbin ${i}: chunk of ${size[q]} bytes`);
      if (size[q]! > st.params.maxFastBytes) fail(`fastbin ${i}: chunk of ${size[q]} bytes above max_fast`);
      fastCount++;
      if (++n > st.slotHigh) { fail(`fastbin ${i}: cycle`); break; }
    }
  }
  if (fastCount !== counts[ChunkHome.fastbin]) fail(`${counts[ChunkHome.fastbin]} chunks tagged fastbin but ${fastCount} in fastbins`);
  if (fastCount > 0 && !st.haveFastchunks) fail('fastbins hold chunks but have_fastchunks is false');
  let tcCount = 0;
  for (let i = 0; i < TCACHE_MAX_BINS; i++) {
    let n = 0;
    for (let q = st.tcacheEntries[i]!; q !== NULL_SLOT; q = fd[q]!) {
      if (home[q] !== ChunkHome.tcache) fail(`tcache bin ${i}: chunk ${hex(offsetOf(q))} tagged ${CHUNK_HOME_NAMES[home[q]!]}`);
      if (size[q] !== MINSIZE + 16 * i) fail(`tcache bin ${i}: chunk of ${size[q]} bytes`);
      if (++n > st.slotHigh) { fail(`tcache bin ${i}: cycle`); break; }
    }
    if (n !== st.tcacheCounts[i]) fail(`tcache bin ${i}: ${n} chunks but count ${st.tcacheCounts[i]}`);
    if (n > st.params.tcacheCount) fail(`tcache bin ${i}: ${n} chunks above tcache_count ${st.params.tcacheCount}`);
    tcCount += n;
  }
  if (tcCount !== counts[ChunkHome.tcache]) fail(`${counts[ChunkHome.tcache]} chunks tagged tcache but ${tcCount} in the tcache`);
  return errors;
}
