// What gperftools 2.10 TCMalloc does with free or realloc of a block the program already freed: it
// checks nothing (do_free_with_callback looks the span up and pushes the object on a free list), so
// the block ends up free twice and is handed out twice. Measured with tests/harness/tcmalloc-replay.c.

import { kPageSize } from './common.js';
import { getDescriptor } from './page-heap.js';
import { SpanLocation } from './span.js';
import { type TcmallocHeap } from './state.js';
import { formatHex } from '../events.js';
import { HeapMisuseError } from '../heap-misuse.js';

/** Where a free structure holds object `ptr` of class `cl`, or null (it is in use). Cost: O(free objects of the class). */
function findFreeObject(heap: TcmallocHeap, ptr: number, cl: number): string | null {
  for (const tc of heap.threads.heaps) if (tc.lists[cl]!.objects.includes(ptr)) return 'a thread cache';
  const central = heap.central.lists[cl]!;
  if (central.tcSlots.some((chain) => chain.includes(ptr))) return 'the transfer cache';
  const span = getDescriptor(heap.pageHeap, Math.floor(ptr / kPageSize));
  if (span?.objects.includes(ptr) === true) return 'its span';
  return null;
}

/**
 * free or realloc, through a pointer the program freed before, of block `ptr`: null when the block
 * is in use again (handed out since: TCMalloc frees or resizes it as any other, and so does the
 * model), else why the replay stops.
 */
export function diagnoseTcmallocReuse(heap: TcmallocHeap, ptr: number, caller: 'free' | 'realloc'): HeapMisuseError | null {
  const span = getDescriptor(heap.pageHeap, Math.floor(ptr / kPageSize));
  if (span === undefined) return new HeapMisuseError('unmodelled', `${caller}() of the freed block at ${formatHex(ptr)}, which no span covers any more`);
  if (span.location !== SpanLocation.IN_USE) {
    return new HeapMisuseError('undetected', `${caller}() of the freed large block at ${formatHex(ptr)}: its pages are free in the page heap`);
  }
  const cl = span.sizeclass;
  if (cl === 0) {
    if (ptr === span.start * kPageSize) return null;
    return new HeapMisuseError('unmodelled', `${caller}() of the freed block at ${formatHex(ptr)}, now inside the large block at ${formatHex(span.start * kPageSize)}`);
  }
  const objectBytes = heap.sizeMap.classToSize[cl]!;
  if ((ptr - span.start * kPageSize) % objectBytes !== 0) {
    return new HeapMisuseError('unmodelled', `${caller}() of the freed block at ${formatHex(ptr)}, now inside a span of ${objectBytes}-byte objects`);
  }
  const where = findFreeObject(heap, ptr, cl);
  if (where === null) return null;
  return new HeapMisuseError('undetected', `${caller}() of the freed block at ${formatHex(ptr)} (a ${objectBytes}-byte object of class ${cl}, free in ${where})`);
}
