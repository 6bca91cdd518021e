// One line per replayed op for `memscope sim malloc --format table`: the op, what it returned
// (heap offset or mmap), the chunk's size, the path that served it or took the freed block, and the
// rest of the model's events in words (brk grow/trim, consolidation, coalescing, mmap, …).

import { type Trace, readTraceOpKind } from '../trace.js';
import { MallocEvent, describeMallocEvent, type MallocEventRecord } from './events.js';
import { TcmallocEvent, describeTcmallocEvent } from './tcmalloc/events.js';
import { REGION_ARENA, REGION_HEAP, REGION_MMAP, REGION_NONE, type ReplayResults } from './replay-results.js';
import { FREEING_REALLOC_PATHS, type MallocAllocatorName, type MallocOpTally, namePath } from './format-summary.js';
import { countNoun } from '../../text/count-noun.js';

/** glibc: an in-use heap chunk's size is malloc_usable_size + SIZE_SZ (malloc.c musable). */
const SIZE_SZ = 8;

/** Column widths (the events column is last and unpadded). */
const W_I = 8;
const W_OP = 3;
const W_ID = 8;
const W_SIZE = 11;
const W_RESULT = 14;
const W_CHUNK = 10;
const W_PATH = 24;

/** The table's heading line. */
export function formatMallocTableHeader(allocator: MallocAllocatorName): string {
  const chunk = allocator === 'glibc' ? 'chunk' : 'usable';
  return (
    'i'.padStart(W_I) + ' ' + 'op'.padEnd(W_OP) + 'id'.padStart(W_ID) + 'size'.padStart(W_SIZE) + '  ' +
    'result'.padEnd(W_RESULT) + chunk.padStart(W_CHUNK) + '  ' + 'path'.padEnd(W_PATH) + 'events\n'
  );
}

/**
 * What handled op i, in words: for a block handed out, the path that served it ("tcache", "top",
 * "mmap", "move: smallbin", "thread-cache"); for a free, where the block went ("→ fastbin",
 * "munmap"); for realloc kept in place, its path ("in-place", "grow-into-top", "mremap").
 */
export function describeOpPath(trace: Trace, results: ReplayResults, i: number, tally: MallocOpTally): string {
  const op = readTraceOpKind(trace, i);
  const servedFrom = namePath(tally.servedCode);
  const freedInto = namePath(tally.freedCode);
  const freed = freedInto === 'mmap' ? 'munmap' : freedInto === '' ? '' : `→ ${freedInto}`;
  if (op === 'f') return freed === '' ? 'free(NULL)' : freed;
  if (op === 'r') {
    const path = namePath(tally.reallocCode);
    if (path === 'free') return freed === '' ? 'realloc(p, 0)' : `realloc(p, 0) ${freed}`;
    if (path === 'malloc') return servedFrom === '' ? 'NULL' : servedFrom;
    if (path === 'move' || path === 'grow-with-slack') return `${path}: ${servedFrom === '' ? 'NULL' : servedFrom}`;
    if (path !== '') return path;
  }
  if (op === 't' || op === 'x') return op === 't' ? 'malloc_trim' : 'thread exit';
  if (results.region[i] === REGION_NONE) return 'NULL';
  return servedFrom === '' ? '?' : servedFrom;
}

/** True for the events the path column already says (served, realloc, cache hits; frees when it names them). */
function isPathEvent(kind: number, pathNamesFree: boolean): boolean {
  return (
    kind === MallocEvent.served || kind === MallocEvent.realloc || kind === TcmallocEvent.threadCacheHit || kind === TcmallocEvent.realloc ||
    (pathNamesFree && (kind === MallocEvent.freed || kind === TcmallocEvent.freeToThreadCache))
  );
}

/**
 * The op's other events in words, joined by "; ". Runs of unsorted-bin filing and tcache stashing
 * (one event per chunk) are counted rather than listed. `pathNamesFree` leaves out the free the
 * path column names (a free, realloc(p, 0), a move); otherwise frees are listed (realloc's split-off remainders).
 */
export function describeOpEvents(events: readonly MallocEventRecord[], pathNamesFree: boolean): string {
  const words: string[] = [];
  let binned = 0;
  let stashed = 0;
  for (const e of events) {
    if (isPathEvent(e.kind, pathNamesFree)) continue;
    if (e.kind === MallocEvent.binned) binned++;
    else if (e.kind === MallocEvent.tcacheStash) stashed++;
    else words.push(e.kind >= 100 ? describeTcmallocEvent(e) : describeMallocEvent(e));
  }
  if (binned > 0) words.unshift(`${countNoun(binned, 'unsorted chunk')} filed into bins`);
  if (stashed > 0) words.push(`${countNoun(stashed, 'chunk')} stashed into tcache`);
  return words.join('; ');
}

/** One table row (newline-terminated) for op i, replayed with `tally` collecting its events. */
export function formatMallocTableRow(allocator: MallocAllocatorName, trace: Trace, results: ReplayResults, i: number, tally: MallocOpTally): string {
  const op = readTraceOpKind(trace, i);
  const region = results.region[i];
  let result = '-';
  let chunk = '-';
  if (op !== 'f' && op !== 't' && op !== 'x') {
    if (region === REGION_HEAP || region === REGION_ARENA) {
      // A thread arena's chunk: arena number, heap index, offset from that heap's start.
      result = region === REGION_HEAP ? `heap 0x${results.offset[i]!.toString(16)}` : `arena ${results.arena![i]!}/${results.heap![i]!} 0x${results.offset[i]!.toString(16)}`;
      chunk = String(allocator === 'glibc' ? results.usable[i]! + SIZE_SZ : results.usable[i]!);
    } else if (region === REGION_MMAP) {
      result = 'mmap';
      chunk = String(results.mmapSize[i]!);
    } else {
      result = 'NULL';
    }
  }
  // A leading space keeps a size wider than its column (a 1 TiB request) apart from the id.
  const size = op === 'f' ? '' : ` ${trace.sizes[i]!}`;
  return (
    String(i).padStart(W_I) + ' ' + op.padEnd(W_OP) + String(trace.ids[i]!).padStart(W_ID) + size.padStart(W_SIZE) + '  ' +
    result.padEnd(W_RESULT) + chunk.padStart(W_CHUNK) + '  ' + describeOpPath(trace, results, i, tally).padEnd(W_PATH) +
    describeOpEvents(tally.events, op === 'f' || FREEING_REALLOC_PATHS.has(namePath(tally.reallocCode))) + '\n'
  ).replace(/ +\n$/, '\n');
}
