// Allocation traces (malloclab `.rep`, `# memscope-trace 2`, JSON) packed for fast replay, and written back.
// Format: shared/sim/TRACE-FORMAT.md; sources of truth: CS:APP malloclab mdriver.c read_trace, issue 4 (headers,
// comments, C-replay semantics) and issue 12 §2 (version 2: threads, calloc, memalign, trim, addresses).

import { TraceBuilder } from './trace-builder.js';
import { TraceTextReader, parseTraceBytes } from './trace-parse-bytes.js';
import { TRACE_V2_MAGIC } from './trace-parse-line.js';
import { OP_ALLOC, OP_CALLOC, OP_FREE, OP_MEMALIGN, OP_REALLOC, OP_THREAD_EXIT, OP_TRIM, TRACE_OP_LETTERS, type Trace, type TraceOp, type TraceOpKind } from './trace-types.js';

import { encodeUtf8 } from '../proc/bytes.js';

export {
  NO_SLOT,
  OP_ALLOC,
  OP_CALLOC,
  OP_FREE,
  OP_MEMALIGN,
  OP_REALLOC,
  OP_THREAD_EXIT,
  OP_TRIM,
  TRACE_OP_LETTERS,
  TraceParseError,
  type Trace,
  type TraceOp,
  type TraceOpKind,
} from './trace-types.js';
export { parseJsonTrace } from './trace-json.js';
export { TraceTextReader, parseTraceBytes } from './trace-parse-bytes.js';

const KIND_CODES: Record<TraceOpKind, number> = { a: OP_ALLOC, f: OP_FREE, r: OP_REALLOC, c: OP_CALLOC, m: OP_MEMALIGN, t: OP_TRIM, x: OP_THREAD_EXIT };

/**
 * Parses `.rep` text: malloclab (leading lines holding one bare integer are the header, 2 or 4 of them in
 * the wild, any number accepted; then `a ID SIZE`, `f ID`, `r ID SIZE`) or `# memscope-trace 2` (its first
 * line; then also `c`, `m`, `t`, `x`, `@` lines and `=HEX`). Lines starting with `#` and blank lines are
 * skipped anywhere. @throws TraceParseError naming the line and what is wrong.
 */
export function parseRepTrace(text: string): Trace {
  const reader = new TraceTextReader('text');
  reader.feed(encodeUtf8(text));
  return reader.finish();
}

/** Parses either form: JSON when the first non-blank character is '[', malloclab `.rep` otherwise. */
export function parseTrace(text: string): Trace {
  return parseTraceBytes(encodeUtf8(text));
}

/**
 * Packs ops given as objects (e.g. from a workload generator) without a text round trip: version 1 when every
 * op is a, f or r on thread 0 without `returned`, else version 2 with `cpus` (default: null).
 * @throws TraceParseError as the parsers do.
 */
export function packTraceOps(ops: readonly TraceOp[], v2Header: { cpus?: number; brk0?: number } = {}): Trace {
  const b = new TraceBuilder();
  const isV2 = v2Header.cpus !== undefined || v2Header.brk0 !== undefined || ops.some((o) => KIND_CODES[o.op] > OP_REALLOC || (o.tid ?? 0) !== 0 || o.returned !== undefined);
  if (isV2) {
    b.version = 2;
    b.cpus = v2Header.cpus ?? null;
    b.brk0 = v2Header.brk0 ?? null;
    if (ops.some((o) => o.returned !== undefined)) b.enableAddresses();
  }
  for (const o of ops) {
    const kind = KIND_CODES[o.op];
    if (kind === OP_THREAD_EXIT) {
      b.pushIdless(kind, o.tid ?? 0, 0, 0);
      continue;
    }
    if ((o.tid ?? 0) !== b.tid) b.useThread(o.tid ?? 0, 0);
    if (kind === OP_TRIM) b.pushIdless(kind, b.tid, o.size ?? 0, 0);
    else b.push(kind, o.id, kind === OP_FREE ? 0 : (o.size ?? 0), kind === OP_CALLOC || kind === OP_MEMALIGN ? (o.aux ?? 0) : 0, o.returned ?? 0, 0);
  }
  return b.finish();
}

/** The op kind letter of op i. */
export function readTraceOpKind(trace: Trace, i: number): TraceOpKind {
  return TRACE_OP_LETTERS[trace.kinds[i] ?? 0] ?? 'a';
}

/** Op i as its trace line (without `=HEX`): "a 3 40", "f 3", "c 3 4 10", "t 0", "x 2". */
export function formatTraceOp(trace: Trace, i: number): string {
  const k = readTraceOpKind(trace, i);
  const kind = trace.kinds[i];
  if (kind === OP_FREE) return `f ${trace.ids[i]}`;
  if (kind === OP_TRIM) return `t ${trace.sizes[i]}`;
  if (kind === OP_THREAD_EXIT) return `x ${trace.tids[i]}`;
  if (kind === OP_CALLOC || kind === OP_MEMALIGN) return `${k} ${trace.ids[i]} ${trace.aux[i]} ${trace.sizes[i]}`;
  return `${k} ${trace.ids[i]} ${trace.sizes[i]}`;
}

/**
 * Writes a trace as text: version 1 as malloclab `.rep` with the 2-integer header (ids, ops); version 2 with
 * its `# memscope-trace 2` header (cpus=1 when the trace has none), `@ TID` before each change of thread and
 * `=HEX` when it has addresses.
 */
export function formatRepTrace(trace: Trace): string {
  if (trace.version === 1) {
    const out: string[] = [String(trace.slotCount), String(trace.length)];
    for (let i = 0; i < trace.length; i++) out.push(formatTraceOp(trace, i));
    return out.join('\n') + '\n';
  }
  let head = `${TRACE_V2_MAGIC} 2 cpus=${trace.cpus ?? 1}`;
  if (trace.brk0 !== null) head += ` brk0=${trace.brk0.toString(16)}`;
  if (trace.stdcxx) head += ' stdcxx=1';
  if (trace.returned !== null) head += ' addresses';
  const out: string[] = [head];
  let tid = 0;
  for (let i = 0; i < trace.length; i++) {
    const kind = trace.kinds[i];
    const opTid = trace.tids[i]!;
    if (kind !== OP_THREAD_EXIT && opTid !== tid) {
      out.push(`@ ${opTid}`);
      tid = opTid;
    }
    const ret = trace.returned;
    const takesAddress = ret !== null && kind !== OP_FREE && kind !== OP_TRIM && kind !== OP_THREAD_EXIT;
    out.push(takesAddress ? `${formatTraceOp(trace, i)} =${ret[i]!.toString(16)}` : formatTraceOp(trace, i));
  }
  return out.join('\n') + '\n';
}

/** Writes a trace in the JSON form, one op per line. @throws RangeError for ops the JSON form does not hold (c, m, t, x, threads). */
export function formatJsonTrace(trace: Trace): string {
  const out: string[] = [];
  for (let i = 0; i < trace.length; i++) {
    const kind = trace.kinds[i]!;
    if (kind > OP_REALLOC || trace.tids[i] !== 0) throw new RangeError(`op ${i} (${formatTraceOp(trace, i)}): the JSON form holds a, f and r ops of one thread only`);
    const k = readTraceOpKind(trace, i);
    out.push(k === 'f' ? `{"op":"f","id":${trace.ids[i]}}` : `{"op":"${k}","id":${trace.ids[i]},"size":${trace.sizes[i]}}`);
  }
  return '[\n' + out.join(',\n') + '\n]\n';
}
