// What TCMalloc does before a program's main, replayed so the model starts where the real process
// does. Source of truth: gperftools 2.10 src/tcmalloc.cc (TCMallocGuard), malloc_extension.cc
// (InitModule), and the call order observed under gdb on Debian 12 (libstdc++'s pool comes first).

import { type TcmallocParams } from './params.js';
import { type TcmallocHeap, createTcmallocHeap, initThreadSpecificData } from './state.js';
import { tcFree, tcMalloc } from './tcmalloc.js';
import { type MallocEventSink } from '../events.js';

/** sizeof(TCMallocImplementation): vtable pointer + extra_bytes_released_. */
const kTCMallocImplementationBytes = 16;
/** sizeof(MallocExtension): vtable pointer. */
const kMallocExtensionBytes = 8;

/**
 * Runs the pre-main sequence on a fresh heap:
 *  1. libstdc++'s emergency pool malloc(libstdcxxPoolBytes) (TCMalloc's flags not initialized:
 *     release rate 0, so the first heap growth postpones scavenging by kDefaultReleaseDelay), unless
 *     traceHoldsPool: a program that loads libstdc++ itself (trace header `stdcxx=1`) was recorded making
 *     that call, so the trace runs it and the model must not run it twice;
 *  2. TCMallocGuard: tc_free(tc_malloc(1)) before InitTSD (the free bypasses the thread cache);
 *  3. InitTSD; tc_free(tc_malloc(1)) with a second, TLS-registered thread cache;
 *  4. new TCMallocImplementation (16 bytes) and new MallocExtension (8 bytes), kept for ever.
 */
export function runProcessStartup(heap: TcmallocHeap, traceHoldsPool = false): void {
  if (heap.params.libstdcxxPoolBytes > 0 && !traceHoldsPool) tcMalloc(heap, heap.params.libstdcxxPoolBytes);
  tcFree(heap, tcMalloc(heap, 1));
  initThreadSpecificData(heap);
  heap.pageHeap.releaseRate = heap.params.releaseRate;
  tcFree(heap, tcMalloc(heap, 1));
  tcMalloc(heap, kTCMallocImplementationBytes);
  tcMalloc(heap, kMallocExtensionBytes);
}

/**
 * The allocator as a program finds it when main starts; `sink` receives events from then on;
 * mapLimitBytes bounds each sbrk/mmap (../os.ts); traceHoldsPool as runProcessStartup takes it.
 */
export function createProcessHeap(params: TcmallocParams, sink: MallocEventSink | null = null, mapLimitBytes?: number, traceHoldsPool = false): TcmallocHeap {
  const heap = createTcmallocHeap(params, null, mapLimitBytes);
  runProcessStartup(heap, traceHoldsPool);
  heap.out.sink = sink;
  return heap;
}
