// A small reader of memscope-trace 2 for the record tests: the ops as the shim wrote them, and the rules a
// recording must keep (ids named once, frees of live ids only, threads numbered in order, nothing after `x`).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseTraceBytes } from '../../../shared/sim/trace.js';
import { TRACE_OP_LETTERS } from '../../../shared/sim/trace-types.js';

/** One a c m r f t x line, with the thread it ran on (for x: the exiting thread). */
export interface RecordedOp {
  kind: string;
  tid: number;
  /** The numbers after the kind: a ID SIZE, c ID NMEMB SIZE, m ID ALIGN SIZE, r ID SIZE, f ID, t PAD, x TID. */
  args: number[];
  /** `=HEX` of a/c/m/r lines with `addresses` (0n for NULL). */
  address: bigint | null;
  /** The line as written, without `=HEX`. */
  text: string;
}

/** A parsed recording. */
export interface RecordedTrace {
  header: { cpus: number; brk0: bigint; stdcxx: boolean; addresses: boolean };
  ops: RecordedOp[];
  /** The `# end ops=N threads=T …` counts, or null when missing. */
  end: { ops: number; threads: number; untracked: number } | null;
  /** The `# footprint peak=B peak_op=I final=B allocator=A` the shim measured, or null. */
  footprint: { peakBytes: number; peakOp: number; finalBytes: number; allocator: string } | null;
}

const HEADER = /^# memscope-trace 2 cpus=(\d+) brk0=([0-9a-f]+)( stdcxx=1)?( addresses)?$/;
const END = /^# end ops=(\d+) threads=(\d+) untracked=(\d+) internal=\d+$/;
const FOOTPRINT = /^# footprint peak=(\d+) peak_op=(\d+) final=(\d+) allocator=(glibc|tcmalloc)$/;

/** Reads a trace the shim wrote; any line outside the format fails the test. */
export function readRecordedTrace(path: string): RecordedTrace {
  const lines = readFileSync(path, 'utf8').split('\n');
  assert.equal(lines.at(-1), '', 'the trace ends with a newline');
  const head = HEADER.exec(lines[0] ?? '');
  assert.ok(head, `header: ${lines[0]}`);
  const trace: RecordedTrace = { header: { cpus: Number(head[1]), brk0: BigInt(`0x${head[2]}`), stdcxx: head[3] !== undefined, addresses: head[4] !== undefined }, ops: [], end: null, footprint: null };
  let tid = 0;
  for (const line of lines.slice(1, -1)) {
    const end = END.exec(line);
    if (end !== null) {
      trace.end = { ops: Number(end[1]), threads: Number(end[2]), untracked: Number(end[3]) };
      continue;
    }
    const footprint = FOOTPRINT.exec(line);
    if (footprint !== null) {
      trace.footprint = { peakBytes: Number(footprint[1]), peakOp: Number(footprint[2]), finalBytes: Number(footprint[3]), allocator: footprint[4]! };
      continue;
    }
    const [body = '', hex] = line.split(' =');
    const [kind = '', ...rest] = body.split(' ');
    assert.match(body, /^([acmrftx@]( \d+)+)$/, `line ${JSON.stringify(line)}`);
    const args = rest.map(Number);
    if (kind === '@') {
      tid = args[0]!;
      continue;
    }
    const withAddress = 'acmr'.includes(kind) && trace.header.addresses;
    assert.equal(hex !== undefined, withAddress, `=HEX on ${JSON.stringify(line)}`);
    trace.ops.push({ kind, tid: kind === 'x' ? args[0]! : tid, args, address: hex === undefined ? null : BigInt(`0x${hex}`), text: body });
  }
  return trace;
}

/** The op lines as written (`a 0 100`), without `=HEX`. */
export const opLines = (trace: RecordedTrace) => trace.ops.map((op) => op.text);

/**
 * Checks what any recording must be: a/c/m name a fresh id, f and r name a live one (r of a fresh id is
 * realloc(NULL)), threads appear in order 0, 1, 2, …, no thread runs an op after its `x`, and the closing
 * line counts the ops and threads the file holds. Returns the number of threads.
 */
export function checkRecording(trace: RecordedTrace): number {
  const live = new Set<number>();
  const named = new Set<number>();
  const exited = new Set<number>();
  let threads = 0;
  for (const [i, op] of trace.ops.entries()) {
    const where = `op ${i} (${op.text}, thread ${op.tid})`;
    if (op.kind !== 'x') {
      assert.ok(op.tid <= threads, `${where}: threads are numbered in order of appearance`);
      threads = Math.max(threads, op.tid + 1);
      assert.ok(!exited.has(op.tid), `${where}: after the thread's x`);
    }
    const id = op.args[0]!;
    const failed = op.address === 0n;
    if ('acm'.includes(op.kind)) {
      assert.ok(!named.has(id), `${where}: id named before`);
      named.add(id);
      if (!failed) live.add(id);
    } else if (op.kind === 'f') {
      assert.ok(live.delete(id), `${where}: frees an id that holds nothing`);
    } else if (op.kind === 'r') {
      assert.ok(live.has(id) || !named.has(id), `${where}: reallocs a freed id`);
      named.add(id);
      if (op.args[1] === 0) live.delete(id);
      else if (!failed) live.add(id);
    } else if (op.kind === 'x') {
      assert.ok(id < threads && !exited.has(id), `${where}: exit of a thread not running`);
      exited.add(id);
    }
  }
  assert.ok(trace.end, 'the closing line is there');
  assert.equal(trace.end.ops, trace.ops.length, 'closing line: ops');
  assert.equal(trace.end.threads, threads, 'closing line: threads');
  return threads;
}

/**
 * Parses the file with the project's own reader (shared/sim/trace.ts, what `sim malloc` replays) and checks
 * it reads what the shim wrote: op for op kind, thread and returned pointer, the header's cpus and brk0.
 */
export function assertProjectParserAgrees(path: string, trace: RecordedTrace): void {
  const parsed = parseTraceBytes(new Uint8Array(readFileSync(path)));
  assert.equal(parsed.version, 2);
  assert.equal(parsed.length, trace.ops.length);
  assert.equal(parsed.cpus, trace.header.cpus);
  assert.equal(parsed.brk0, Number(trace.header.brk0));
  assert.equal(parsed.stdcxx, trace.header.stdcxx);
  assert.equal(parsed.threadCount, trace.end?.threads);
  assert.equal(parsed.returned !== null, trace.header.addresses);
  for (const [i, op] of trace.ops.entries()) {
    assert.equal(TRACE_OP_LETTERS[parsed.kinds[i]!], op.kind, `op ${i}: ${op.text}`);
    assert.equal(parsed.tids[i], op.tid, `op ${i}: ${op.text}`);
    if (op.address !== null) assert.equal(parsed.returned?.[i], Number(op.address), `op ${i}: ${op.text}`);
  }
}
