// Reads the trace of `memscope sim malloc` from a file or stdin as bytes: whole, or streamed (issue 13) so that
// a malloclab trace's ops go to the replay chunk by chunk as they are read and the command holds one chunk of
// ops, not the whole trace. JSON and memscope-trace 2 traces are always read whole (the threaded model, the
// TCMalloc model and the table take a whole trace).
import { ApiError } from '../../shared/errors.js';
import { type Trace, TraceParseError, TraceTextReader } from '../../shared/sim/trace.js';
import { readInputChunks } from './read-input.js';

/** Bytes read at a time when streaming: each chunk's ops are held until replayed, so smaller chunks hold less (~28 K ops here). */
const STREAM_CHUNK_BYTES = 1 << 18;

/** A trace that cannot be read, as the command's one line naming the input and the line (malformed input, exit 1). */
function describeParseError(err: unknown, label: string): unknown {
  if (err instanceof TraceParseError) return new ApiError('malformed', `${label}: ${err.message}`.replace(/\s*\n\s*/g, ' '));
  return err;
}

/**
 * Reads a trace file (or stdin for "-") streamed as bytes: no string of the whole file is ever made. A trace
 * that cannot be read names the input and the line (malformed input, exit 1).
 */
export async function readTrace(path: string, label: string): Promise<Trace> {
  let reader = new TraceTextReader();
  try {
    await readInputChunks(
      path,
      (sizeBytes) => (reader = new TraceTextReader('any', sizeBytes)),
      (chunk) => reader.feed(chunk),
    );
    return reader.finish();
  } catch (err) {
    throw describeParseError(err, label);
  }
}

/** What readTraceStreamed read. */
export interface StreamedRead {
  /** The whole trace when it was not streamable (JSON, memscope-trace 2, or no line at all); consume never ran. */
  whole: Trace | null;
  /** True when consume threw (`failure`); no later op went to it. */
  failed: boolean;
  failure: unknown;
}

/**
 * Reads a trace as readTrace does, handing a malloclab trace's ops to `consume` chunk by chunk as they are read
 * (each a trace of its own: TraceTextReader.takeOps; at least one call, the last maybe empty).
 *
 * Errors keep the precedence of reading first and replaying after: a malformed line anywhere is thrown, even
 * after a failure of consume (a heap misuse at an earlier op), which is returned once the whole input is read.
 */
export async function readTraceStreamed(path: string, label: string, consume: (ops: Trace) => Promise<void>): Promise<StreamedRead> {
  let reader = new TraceTextReader();
  let streaming: boolean | null = null;
  let failed = false;
  let failure: unknown = null;
  const pass = async (ops: Trace): Promise<void> => {
    if (failed) return; // read on for a malformed line, replay no more
    try {
      await consume(ops);
    } catch (err) {
      failed = true;
      failure = err;
    }
  };
  let whole: Trace;
  try {
    await readInputChunks(
      path,
      (sizeBytes) => (reader = new TraceTextReader('any', sizeBytes, true)),
      async (chunk) => {
        reader.feed(chunk);
        streaming ??= reader.streamable;
        if (streaming === true) await pass(reader.takeOps());
      },
      STREAM_CHUNK_BYTES,
    );
    whole = reader.finish();
  } catch (err) {
    throw describeParseError(err, label);
  }
  if (streaming !== true) return { whole, failed: false, failure: null };
  await pass(reader.takeOps());
  return { whole: null, failed, failure };
}
