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
import { CHUNK_HOME_NAMES, ChunkHome, type GlibcHeap, NULL_NODE, nodeToOffset } from './state.js';

const hex = (n: number): string => '0x' + n.toString(16);

/**
 * Checks every invariant of a GlibcHeap. @returns the violations found (empty when consistent),
 * each naming the chunk offset or bin concerned. Cost: O(chunks + bin entries).
 */
export function checkGlibcHeap(st: GlibcHeap): string[] {
  const errors: string[] = [];
  const fail = (m: string): void => { if (errors.length < 50) errors.push(m); };
  const { size, prevInuse, prevSize, fd, bk, home } = st;

  // mmapped chunks and their mappings
  let mm = 0;
  for (const [address, sz] of st.mmapped) {
    mm += sz;
    if (st.os.mappings.get(address) !== sz) fail(`mmapped chunk ${hex(address)}: no mapping of ${sz} bytes`);
  }
  if (st.nMmaps !== st.mmapped.size) fail(`nMmaps ${st.nMmaps} ≠ ${st.mmapped.size} mmapped chunks`);
  if (st.mmappedMem !== mm) fail(`mmappedMem ${st.mmappedMem} ≠ Σ mmapped sizes ${mm}`);

  if (st.top === NULL_NODE) {
    if (st.systemMem !== 0 || st.os.brkBytes !== 0) fail('no top chunk but the heap has memory');
    return errors;
  }

  // Tiling: walk the chunks from the heap start to top.
  const counts = new Uint32Array(8);
  let p = NBINS;
  let prevFree = false;
  let steps = 0;
  if (prevInuse[p] !== 1) fail('first chunk lacks PREV_INUSE');
  while (p !== st.top) {
    const sz = size[p]!;
    const off = nodeToOffset(p);
    if (sz < MINSIZE || sz % MALLOC_ALIGNMENT !== 0) { fail(`chunk ${hex(off)}: bad size ${sz}`); return errors; }
    if (p >= st.top) { fail(`chunk ${hex(off)} runs past top at ${hex(nodeToOffset(st.top))}`); return errors; }
    const h = home[p]!;
    if (h === ChunkHome.none || h === ChunkHome.top) fail(`chunk ${hex(off)}: home is ${CHUNK_HOME_NAMES[h]}`);
    counts[h] = counts[h]! + 1;
    const next = p + sz / 16;
    const isFree = h === ChunkHome.unsorted || h === ChunkHome.smallbin || h === ChunkHome.largebin;
    if (isFree !== (prevInuse[next] === 0)) fail(`chunk ${hex(off)} (${CHUNK_HOME_NAMES[h]}): next chunk's PREV_INUSE is ${prevInuse[next]}`);
    if (isFree && prevSize[next] !== sz) fail(`free chunk ${hex(off)}: footer ${prevSize[next]} ≠ size ${sz}`);
    if (isFree && prevFree) fail(`free chunk ${hex(off)} follows another free chunk`);
    prevFree = isFree;
    p = next;
    if (++steps > st.capacityNodes) { fail('chunk walk does not end'); return errors; }
  }
  if (home[st.top] !== ChunkHome.top) fail('top chunk not tagged top');
  if (prevFree) fail('a free chunk borders top');
  if (prevInuse[st.top] !== 1) fail('top lacks PREV_INUSE');
  if (size[st.top]! < MINSIZE) fail(`top is ${size[st.top]} bytes (< MINSIZE)`);
  const end = nodeToOffset(st.top) + size[st.top]!;
  if (end !== st.os.brkBytes) fail(`top ends at ${hex(end)} but brk is ${hex(st.os.brkBytes)}`);
  if (st.systemMem !== st.os.brkBytes) fail(`system_mem ${st.systemMem} ≠ brk ${st.os.brkBytes}`);

  // Regular bins: doubly linked, right sizes, largebins sorted with a consistent nextsize ring.
  const binned = new Uint32Array(8);
  for (let i = UNSORTED_BIN; i < NBINS; i++) {
    const want = i === UNSORTED_BIN ? ChunkHome.unsorted : i < NSMALLBINS ? ChunkHome.smallbin : ChunkHome.largebin;
    let prev = i;
    let q = fd[i]!;
    let n = 0;
    let lastSize = Infinity;
    while (q !== i) {
      if (q < NBINS || q >= st.capacityNodes) { fail(`bin ${i}: link to node ${q}`); break; }
      if (bk[q] !== prev) fail(`bin ${i}: chunk ${hex(nodeToOffset(q))} bk does not point back`);
      if (home[q] !== want) fail(`bin ${i}: chunk ${hex(nodeToOffset(q))} is tagged ${CHUNK_HOME_NAMES[home[q]!]}`);
      binned[want] = binned[want]! + 1;
      const sz = size[q]!;
      if (i !== UNSORTED_BIN && computeBinIndex(sz) !== i) fail(`bin ${i}: chunk ${hex(nodeToOffset(q))} of ${sz} bytes belongs in bin ${computeBinIndex(sz)}`);
      if (i >= NSMALLBINS) {
        if (sz > lastSize) fail(`largebin ${i}: not sorted at ${hex(nodeToOffset(q))}`);
        const head = sz !== lastSize;
        if (head !== (st.fdNextsize[q] !== NULL_NODE)) fail(`largebin ${i}: chunk ${hex(nodeToOffset(q))} ${head ? 'heads its size but has no' : 'is not first of its size but has a'} nextsize link`);
        lastSize = sz;
      } else if (i === UNSORTED_BIN && !isInSmallbinRange(sz) && st.fdNextsize[q] !== NULL_NODE) {
        fail(`unsorted chunk ${hex(nodeToOffset(q))} has a nextsize link`);
      }
      prev = q;
      q = fd[q]!;
      if (++n > st.capacityNodes) { fail(`bin ${i}: cycle`); break; }
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
        if (nx === NULL_NODE || st.bkNextsize[nx] !== r) { fail(`largebin ${i}: nextsize ring broken at ${hex(nodeToOffset(r))}`); break; }
        if (nx !== first && size[nx]! >= size[r]!) fail(`largebin ${i}: nextsize ring not descending at ${hex(nodeToOffset(r))}`);
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
    for (let q = st.fastbins[i]!; q !== NULL_NODE; q = fd[q]!) {
      if (home[q] !== ChunkHome.fastbin) fail(`fastbin ${i}: chunk ${hex(nodeToOffset(q))} tagged ${CHUNK_HOME_NAMES[home[q]!]}`);
      if (computeFastbinIndex(size[q]!) !== i) fail(`fastbin ${i}: chunk of ${size[q]} bytes`);
      if (size[q]! > st.params.maxFastBytes) fail(`fastbin ${i}: chunk of ${size[q]} bytes above max_fast`);
      fastCount++;
      if (++n > st.capacityNodes) { fail(`fastbin ${i}: cycle`); break; }
    }
  }
  if (fastCount !== counts[ChunkHome.fastbin]) fail(`${counts[ChunkHome.fastbin]} chunks tagged fastbin but ${fastCount} in fastbins`);
  if (fastCount > 0 && !st.haveFastchunks) fail('fastbins hold chunks but have_fastchunks is false');
  let tcCount = 0;
  for (let i = 0; i < TCACHE_MAX_BINS; i++) {
    let n = 0;
    for (let q = st.tcacheEntries[i]!; q !== NULL_NODE; q = fd[q]!) {
      if (home[q] !== ChunkHome.tcache) fail(`tcache bin ${i}: chunk ${hex(nodeToOffset(q))} tagged ${CHUNK_HOME_NAMES[home[q]!]}`);
      if (size[q] !== MINSIZE + 16 * i) fail(`tcache bin ${i}: chunk of ${size[q]} bytes`);
      if (++n > st.capacityNodes) { fail(`tcache bin ${i}: cycle`); break; }
    }
    if (n !== st.tcacheCounts[i]) fail(`tcache bin ${i}: ${n} chunks but count ${st.tcacheCounts[i]}`);
    if (n > st.params.tcacheCount) fail(`tcache bin ${i}: ${n} chunks above tcache_count ${st.params.tcacheCount}`);
    tcCount += n;
  }
  if (tcCount !== counts[ChunkHome.tcache]) fail(`${counts[ChunkHome.tcache]} chunks tagged tcache but ${tcCount} in the tcache`);
  return errors;
}
