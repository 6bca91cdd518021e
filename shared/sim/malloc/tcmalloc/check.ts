// Consistency check of the TCMalloc model: the invariants written on PageHeap, Span, CentralFreeList,
// ThreadCache and FreeList. Source of truth: gperftools 2.10 src/page_heap.cc (CheckExpensive,
// CheckList, CheckSet) and central_freelist.cc (the object-count check in ReleaseToSpans).

import { kMaxNumTransferEntries, kMaxPages, kPageSize } from './common.js';
import { computeObjectsPerSpan } from './size-classes.js';
import { type Span, SPAN_LOCATION_NAMES, SpanLocation } from './span.js';
import { type TcmallocHeap } from './state.js';

/**
 * Checks every invariant of a TcmallocHeap. `liveBlocks` (addresses the program holds), when given,
 * must each be an in-use object or span start that no free structure also holds.
 * @returns the violations found (empty when consistent), each naming the page, class or object.
 * Cost: O(pages + free objects).
 */
export function checkTcmallocHeap(heap: TcmallocHeap, liveBlocks?: Iterable<number>): string[] {
  const errors: string[] = [];
  const fail = (m: string): void => { if (errors.length < 50) errors.push(m); };
  const { pageHeap: ph, sizeMap, central, threads } = heap;

  // Page heap: tiling, page map boundaries, coalescing, byte counts.
  const spans: Span[] = [];
  const freeSpans = new Set<Span>();
  let normalBytes = 0;
  let returnedBytes = 0;
  let prev: Span | undefined;
  for (let p = 0; p < ph.endPage;) {
    const s = ph.pagemap[p];
    if (s === undefined || s.start !== p) { fail(`page ${p}: no span starts here (tiling broken)`); break; }
    if (s.length < 1 || s.start + s.length > ph.endPage) { fail(`span @${p}: length ${s.length} leaves the heap`); break; }
    if (ph.pagemap[p + s.length - 1] !== s) fail(`span @${p}: last page ${p + s.length - 1} not mapped to it`);
    if (s.sizeclass > 0) {
      if (s.location !== SpanLocation.IN_USE) fail(`span @${p}: class ${s.sizeclass} but ${SPAN_LOCATION_NAMES[s.location]}`);
      for (let q = p; q < p + s.length; q++) if (ph.pagemap[q] !== s) { fail(`span @${p} of class ${s.sizeclass}: page ${q} not mapped to it`); break; }
    }
    if (s.location !== SpanLocation.IN_USE) {
      freeSpans.add(s);
      if (s.location === SpanLocation.ON_NORMAL_FREELIST) normalBytes += s.length * kPageSize;
      else returnedBytes += s.length * kPageSize;
      if (prev !== undefined && prev.location === s.location) fail(`spans @${prev.start} and @${p}: adjacent free spans of one kind not coalesced`);
    }
    spans.push(s);
    prev = s;
    p += s.length;
  }
  let listed = 0;
  for (let i = 0; i < kMaxPages; i++) {
    for (const [list, loc] of [[ph.free[i]!.normal, SpanLocation.ON_NORMAL_FREELIST], [ph.free[i]!.returned, SpanLocation.ON_RETURNED_FREELIST]] as const) {
      for (let s = list.next; s !== list; s = s.next) {
        listed++;
        if (s.length !== i + 1) fail(`free list ${i + 1}: span @${s.start} has ${s.length} pages`);
        if (s.location !== loc) fail(`free list ${i + 1}: span @${s.start} is ${SPAN_LOCATION_NAMES[s.location]}`);
        if (!freeSpans.has(s)) fail(`free list ${i + 1}: span @${s.start} is not a free span of the heap`);
        if (s.next.prev !== s) fail(`free list ${i + 1}: broken links at span @${s.start}`);
      }
    }
  }
  for (const [set, loc, name] of [[ph.largeNormal, SpanLocation.ON_NORMAL_FREELIST, 'large_normal_'], [ph.largeReturned, SpanLocation.ON_RETURNED_FREELIST, 'large_returned_']] as const) {
    for (let k = 0; k < set.length; k++) {
      const s = set[k]!;
      listed++;
      if (s.length <= kMaxPages) fail(`${name}: span @${s.start} has only ${s.length} pages`);
      if (s.location !== loc) fail(`${name}: span @${s.start} is ${SPAN_LOCATION_NAMES[s.location]}`);
      if (!freeSpans.has(s)) fail(`${name}: span @${s.start} is not a free span of the heap`);
      const t = set[k + 1];
      if (t !== undefined && (t.length < s.length || (t.length === s.length && t.start <= s.start))) fail(`${name}: not sorted at span @${s.start}`);
    }
  }
  if (listed !== freeSpans.size) fail(`${freeSpans.size} free spans but ${listed} on free lists and sets`);
  const st = ph.stats;
  if (st.freeBytes !== normalBytes) fail(`pageheap free_bytes ${st.freeBytes} ≠ Σ normal free spans ${normalBytes}`);
  if (st.unmappedBytes !== returnedBytes) fail(`pageheap unmapped_bytes ${st.unmappedBytes} ≠ Σ returned spans ${returnedBytes}`);
  if (st.systemBytes !== ph.endPage * kPageSize) fail(`system_bytes ${st.systemBytes} ≠ ${ph.endPage} pages`);
  if (st.committedBytes + st.unmappedBytes !== st.systemBytes) fail(`committed ${st.committedBytes} + unmapped ${st.unmappedBytes} ≠ system ${st.systemBytes}`);
  if (heap.os.brkBytes !== st.systemBytes) fail(`break ${heap.os.brkBytes} ≠ system_bytes ${st.systemBytes}`);

  // Every free object must sit in exactly one place, inside an in-use span of its class.
  const owner = new Map<number, string>();
  const outside = new Map<Span, number>();
  const claim = (object: number, cl: number, where: string, fromSpan: boolean): void => {
    const other = owner.get(object);
    if (other !== undefined) { fail(`object ${object}: both in ${other} and in ${where}`); return; }
    owner.set(object, where);
    const s = ph.pagemap[Math.floor(object / kPageSize)];
    if (s === undefined || s.sizeclass !== cl || s.location !== SpanLocation.IN_USE) { fail(`object ${object} in ${where}: not in an in-use span of class ${cl}`); return; }
    if ((object - s.start * kPageSize) % sizeMap.classToSize[cl]! !== 0) fail(`object ${object} in ${where}: not on an object boundary of span @${s.start}`);
    if (!fromSpan) outside.set(s, (outside.get(s) ?? 0) + 1);
  };

  const inCentral = new Set<Span>();
  for (let cl = 1; cl < sizeMap.numSizeClasses; cl++) {
    const l = central.lists[cl]!;
    const perSpan = computeObjectsPerSpan(sizeMap, cl);
    let count = 0;
    let objects = 0;
    for (const [list, wantObjects] of [[l.nonempty, true], [l.empty, false]] as const) {
      for (let s = list.next; s !== list; s = s.next) {
        count++;
        inCentral.add(s);
        if (s.sizeclass !== cl) fail(`class ${cl}: span @${s.start} on its lists has class ${s.sizeclass}`);
        if ((s.objects.length > 0) !== wantObjects) fail(`class ${cl}: span @${s.start} with ${s.objects.length} free objects on the ${wantObjects ? 'non-empty' : 'empty'} list`);
        if (s.refcount + s.objects.length !== perSpan) fail(`class ${cl}: span @${s.start} refcount ${s.refcount} + ${s.objects.length} free ≠ ${perSpan} objects`);
        objects += s.objects.length;
        for (const o of s.objects) claim(o, cl, `span @${s.start}`, true);
      }
    }
    if (count !== l.numSpans) fail(`class ${cl}: num_spans ${l.numSpans} ≠ ${count} spans on its lists`);
    if (objects !== l.counter) fail(`class ${cl}: counter ${l.counter} ≠ ${objects} free objects in its spans`);
    if (!(l.tcSlots.length <= l.cacheSize && l.cacheSize <= l.maxCacheSize && l.maxCacheSize <= kMaxNumTransferEntries)) {
      fail(`class ${cl}: transfer cache used ${l.tcSlots.length} / size ${l.cacheSize} / max ${l.maxCacheSize} out of order`);
    }
    for (const chain of l.tcSlots) {
      if (chain.length !== sizeMap.numObjectsToMove[cl]) fail(`class ${cl}: transfer slot of ${chain.length} objects, batch is ${sizeMap.numObjectsToMove[cl]}`);
      for (const o of chain) claim(o, cl, `transfer cache ${cl}`, false);
    }
  }
  const c0 = central.lists[0]!;
  if (c0.tcSlots.length !== 0 || c0.numSpans !== 0) fail('class 0 holds objects');
  for (const s of spans) if (s.sizeclass > 0 && !inCentral.has(s)) fail(`span @${s.start} of class ${s.sizeclass} is on no central list`);

  for (const tc of threads.heaps) {
    let bytes = 0;
    for (let cl = 0; cl < sizeMap.numSizeClasses; cl++) {
      const list = tc.lists[cl]!;
      bytes += list.objects.length * list.objectSize;
      if (list.objectSize !== sizeMap.classToSize[cl]) fail(`thread cache ${tc.id} class ${cl}: object size ${list.objectSize}`);
      if (list.lowater > list.objects.length) fail(`thread cache ${tc.id} class ${cl}: lowater ${list.lowater} > length ${list.objects.length}`);
      if (list.maxLength < 1) fail(`thread cache ${tc.id} class ${cl}: max_length ${list.maxLength}`);
      for (const o of list.objects) claim(o, cl, `thread cache ${tc.id} class ${cl}`, false);
    }
    if (bytes !== tc.size) fail(`thread cache ${tc.id}: size_ ${tc.size} ≠ ${bytes} bytes in its lists`);
  }
  if (heap.tls !== null && !threads.heaps.includes(heap.tls)) fail('the TLS thread cache is not in thread_heaps_');
  heap.savedTls.forEach((tc, tid) => {
    if (tc !== null && (tid === heap.currentTid || tc === heap.tls || !threads.heaps.includes(tc))) fail(`thread ${tid}: its TLS cache is not its own one in thread_heaps_`);
  });
  let claimedBytes = 0;
  for (const tc of threads.heaps) claimedBytes += tc.maxSize;
  if (threads.unclaimedCacheSpace + claimedBytes !== threads.overallThreadCacheSize) {
    fail(`unclaimed_cache_space_ ${threads.unclaimedCacheSpace} + Σ max_size_ ${claimedBytes} ≠ overall_thread_cache_size_ ${threads.overallThreadCacheSize}`);
  }

  if (liveBlocks !== undefined) {
    for (const b of liveBlocks) {
      const s = ph.pagemap[Math.floor(b / kPageSize)];
      if (s === undefined || s.location !== SpanLocation.IN_USE) { fail(`live block ${b}: not in an in-use span`); continue; }
      if (s.sizeclass === 0) {
        if (b !== s.start * kPageSize) fail(`live block ${b}: not the start of its large span @${s.start}`);
        continue;
      }
      const where = owner.get(b);
      if (where !== undefined) fail(`live block ${b}: also free in ${where}`);
      owner.set(b, 'the program');
      outside.set(s, (outside.get(s) ?? 0) + 1);
    }
  }
  for (const [s, n] of outside) if (n > s.refcount) fail(`span @${s.start}: ${n} objects held outside it but refcount ${s.refcount}`);
  return errors;
}
