// One op of a trace and what an allocator returned for it, in words: "a id 5 size 40 → heap 0x2b0 (usable 40)".
import { REGION_ARENA, REGION_HEAP, REGION_MMAP, type ReplayResults } from '../../shared/sim/malloc/replay-results.js';
import { readTraceOpKind, type Trace } from '../../shared/sim/trace.js';
import { formatBytes } from '../../shared/units.js';
import { formatHexOffset } from './lab-format.js';

/** "a id 5 size 40", "f id 5", "r id 5 size 100", "c id 5 4 × 10", "m id 5 align 64 size 100", "t pad 0", "x thread 2". */
export function describeTraceOp(trace: Trace, i: number): string {
  const k = readTraceOpKind(trace, i);
  const id = trace.ids[i];
  if (k === 'f') return `f id ${id}`;
  if (k === 't') return `t pad ${trace.sizes[i]}`;
  if (k === 'x') return `x thread ${trace.tids[i]}`;
  if (k === 'c') return `c id ${id} ${trace.aux[i]} × ${trace.sizes[i]}`;
  if (k === 'm') return `m id ${id} align ${trace.aux[i]} size ${trace.sizes[i]}`;
  return `${k} id ${id} size ${trace.sizes[i]}`;
}

/** The C call an op makes: "p5 = malloc(40)", "free(p5)", "p5 = realloc(p5, 100)". */
export function describeTraceCall(trace: Trace, i: number): string {
  const k = readTraceOpKind(trace, i);
  const id = trace.ids[i];
  if (k === 'f') return `free(p${id})`;
  if (k === 't') return `malloc_trim(${trace.sizes[i]})`;
  if (k === 'x') return `thread ${trace.tids[i]} exits`;
  if (k === 'c') return `p${id} = calloc(${trace.aux[i]}, ${trace.sizes[i]})`;
  if (k === 'm') return `p${id} = memalign(${trace.aux[i]}, ${trace.sizes[i]})`;
  return k === 'a' ? `p${id} = malloc(${trace.sizes[i]})` : `p${id} = realloc(p${id}, ${trace.sizes[i]})`;
}

/** What op i returned: "heap 0x2b0, usable 40", "mmap 135168 B, usable 131056", "NULL", or "" for frees. */
export function describeOpResult(trace: Trace, results: ReplayResults, i: number): string {
  const k = readTraceOpKind(trace, i);
  if (k === 'f' || k === 't' || k === 'x') return '';
  const region = results.region[i];
  if (region === REGION_HEAP) return `→ ${formatHexOffset(results.offset[i]!)} (usable ${results.usable[i]})`;
  if (region === REGION_ARENA) return `→ arena ${results.arena?.[i]} heap ${results.heap?.[i]} + ${formatHexOffset(results.offset[i]!)} (usable ${results.usable[i]})`;
  if (region === REGION_MMAP) return `→ mmapped chunk of ${formatBytes(results.mmapSize[i]!)} (usable ${results.usable[i]})`;
  return '→ NULL';
}
