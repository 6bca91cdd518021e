// `memscope sim malloc [--allocator glibc|tcmalloc] [--tunables STRING] [--format jsonl|table|summary]
// [--workload NAME [--ops N] [--seed S]] [TRACE|-]`: replays a malloclab/JSON trace or a built-in workload
// through an allocator model (shared/sim/malloc/) and streams one record or row per op, or a summary (issue 4).
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { ApiError } from '../../shared/errors.js';
import { quoteUserInput } from '../../shared/text/escape.js';
import { type Trace, readTraceOpKind } from '../../shared/sim/trace.js';
import { type MallocParams, parseGlibcTunables } from '../../shared/sim/malloc/glibc/params.js';
import { createGlibcReplayModel } from '../../shared/sim/malloc/glibc/replay.js';
import { type MallocReplayModel, type ReplayProgress } from '../../shared/sim/malloc/replay-model.js';
import type { OpRecordWriter } from '../../shared/sim/malloc/replay-jsonl.js';
import { HeapMisuseError, describeMisuseOutcome } from '../../shared/sim/malloc/heap-misuse.js';
import { type MallocEventSink } from '../../shared/sim/malloc/events.js';
import { TraceUnsupportedError } from '../../shared/sim/malloc/trace-support.js';
import { type TcmallocParams } from '../../shared/sim/malloc/tcmalloc/params.js';
import {
  type MallocAllocatorName,
  type MallocOpTally,
  type MallocSummaryBuilder,
  addBatchedOpToSummary,
  addOpToSummary,
  clearOpPathRows,
  createMallocOpTally,
  createOpPathRows,
  createMallocSummaryBuilder,
  finishMallocSummary,
  formatMallocSummary,
  resetMallocOpTally,
} from '../../shared/sim/malloc/format-summary.js';
import { type FootprintTrack, computeFootprintBytes, createFootprintTrack, noteFootprint, trackReplayFootprint } from '../../shared/sim/malloc/footprint.js';
import type { AllocatorVariant, VariantPrediction } from '../../shared/sim/malloc/variants.js';
import { readHostMapLimitBytes } from '../host/system/map-limit.js';
import { parseCommandArgs } from './args.js';
import { readTrace, readTraceStreamed } from './sim-malloc-input.js';

const COMMAND = 'sim malloc';
const FORMATS = ['jsonl', 'table', 'summary'] as const;
type Format = (typeof FORMATS)[number];
const ALLOCATORS: readonly MallocAllocatorName[] = ['glibc', 'tcmalloc'];
/** Ops of a --workload without --ops (named in the usage, electron/commands/registry.ts). */
export const DEFAULT_WORKLOAD_OPS = 10_000;
/** Generated ops are objects before packing, and results take 57 bytes per op: keep a workload in memory. */
export const MAX_WORKLOAD_OPS = 5_000_000;
/** Ops replayed at a time for jsonl output (its records are written in JSONL_WRITE_BYTES chunks); a power of two, as it is the result window. */
const JSONL_CHUNK_OPS = 4096;
/** Buffered output is written once it passes this many characters. */
const WRITE_CHUNK_CHARS = 1 << 16;
/**
 * jsonl's record buffer, in bytes. 2 M-op malloclab trace (180 MB of records), callgrind: 64 KiB writes 7.56 G
 * instructions, 256 KiB 7.42 G (each write through process.stdout costs ~70 K), 1 MiB 7.40 G; the writer's two
 * buffers (one being written out) took 0.5 MB more peak RSS at 256 KiB and 1.8 MB more at 1 MiB.
 */
const JSONL_WRITE_BYTES = 1 << 18;

/** A model's replay as the command drives it, op by op, whichever the model, over a whole trace or streamed chunks. */
interface MallocReplayer {
  model: MallocReplayModel<ReplayProgress>;
  replay: ReplayProgress;
  /** Number in the whole trace of op 0 of replay.trace (0 unless the trace comes in chunks). */
  opBase: number;
}

/** A model with its settings read, waiting for the trace. */
interface PreparedModel {
  /** One line naming the model and its settings. */
  title: string;
  /**
   * The model over a trace; brk and mmap are refused as this host's kernel refuses them. resultWindowOps: the
   * output reads each op's result once, right after it ran, so the model may keep only that many ops' results.
   */
  bind(trace: Trace, resultWindowOps?: number): Promise<MallocReplayModel<ReplayProgress>>;
  /** True when bind's model of a malloclab (version 1) trace takes it in chunks (continueWith). */
  streams: boolean;
}

/** Writes to stdout, waiting for 'drain' when the pipe is full (`| head` ends in cli.ts's EPIPE handler). */
async function writeStdout(text: string | Uint8Array): Promise<void> {
  if (text.length === 0) return;
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

/** A non-negative decimal integer option, or a usage error naming it. */
function parseIntegerOption(name: string, text: string, min: number, max: number): number {
  if (!/^[0-9]+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new ApiError('bad-arg', `${COMMAND}: --${name} ${quoteUserInput(text)} is not an integer from ${min} to ${max}`);
  }
  return Number(text);
}

/** A tunable value as glibc's _dl_strtoul reads it, written in full: decimal, 0x hex or 0 octal. */
const TUNABLE_VALUE = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/;

/** Writes the records the writer holds to stdout and hands the buffer back once nothing of it is queued there. */
async function writeRecords(writer: OpRecordWriter): Promise<void> {
  const bytes = writer.take();
  await writeStdout(bytes);
  if (process.stdout.writableLength === 0) writer.recycle(bytes);
}

/**
 * Reads --tunables for glibc. glibc itself skips what it cannot use silently; here a malformed pair
 * or an out-of-range value is a usage error naming it, and a name glibc would ignore is a warning.
 */
function readGlibcTunables(text: string, warn: (line: string) => void): MallocParams {
  for (const part of text.split(':')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new ApiError('bad-arg', `${COMMAND}: --tunables: '${part}' is not NAME=VALUE (e.g. glibc.malloc.tcache_count=0)`);
    if (!TUNABLE_VALUE.test(part.slice(eq + 1))) {
      throw new ApiError('bad-arg', `${COMMAND}: --tunables: '${part}': the value is not a number (decimal, 0x hex or 0 octal)`);
    }
  }
  const { params, notes } = parseGlibcTunables(text);
  for (const n of notes) {
    if (n.outcome === 'rejected') throw new ApiError('bad-arg', `${COMMAND}: --tunables: '${n.name}=${n.value}' is out of range (glibc would ignore it)`);
  }
  for (const n of notes) {
    if (n.outcome === 'unknown') warn(`--tunables: '${n.name}' is not a malloc tunable; ignored, as glibc ignores it`);
    else if (n.outcome === 'not-modelled') warn(`--tunables: '${n.name}' is not modelled by the simulator; ignored`);
  }
  return params;
}

/** The glibc 2.36 model with --tunables read. */
function prepareGlibc(tunables: string, warn: (line: string) => void): PreparedModel {
  const params = readGlibcTunables(tunables, warn);
  return {
    title: `glibc 2.36 ptmalloc2 model, GLIBC_TUNABLES='${tunables}'`,
    // memscope-trace 2 (threads, calloc, memalign, trim, exits) takes the model with threads and arenas.
    bind: async (trace, resultWindowOps) => {
      const options = { mapLimitBytes: readHostMapLimitBytes(), ...(resultWindowOps === undefined ? {} : { resultWindowOps }) };
      if (trace.version === 1) return createGlibcReplayModel(trace, params, options);
      const { createGlibcThreadedReplayModel } = await import('../../shared/sim/malloc/glibc/replay-threads.js');
      return createGlibcThreadedReplayModel(trace, params, options);
    },
    streams: true,
  };
}

/** The gperftools 2.10 TCMalloc model (loaded only when asked for) with --tunables read. */
async function prepareTcmalloc(tunables: string): Promise<PreparedModel> {
  const [{ TcmallocEnvError, parseTcmallocEnv }, { createTcmallocReplayModel }] = await Promise.all([
    import('../../shared/sim/malloc/tcmalloc/params.js'),
    import('../../shared/sim/malloc/tcmalloc/replay.js'),
  ]);
  let params: TcmallocParams;
  try {
    params = parseTcmallocEnv(tunables).params;
  } catch (err) {
    if (err instanceof TcmallocEnvError) throw new ApiError('bad-arg', `${COMMAND}: --tunables: ${err.message} (with --allocator tcmalloc it takes TCMALLOC_* settings)`);
    throw err;
  }
  return {
    title: `gperftools 2.10 TCMalloc model${tunables === '' ? '' : `, ${tunables}`}`,
    bind: async (trace) => createTcmallocReplayModel(trace, params, { mapLimitBytes: readHostMapLimitBytes() }),
    streams: false,
  };
}

/** The model's replay at op 0; a trace the model cannot run yet is refused here, before op 0 (exit 2). */
function createReplay(model: MallocReplayModel<ReplayProgress>, sink: MallocEventSink | null, label: string): ReplayProgress {
  try {
    return model.create(sink);
  } catch (err) {
    if (err instanceof TraceUnsupportedError) throw new ApiError('bad-arg', `${COMMAND}: ${label}: ${err.message}`);
    throw err;
  }
}

/** Runs the replay to `end`; a heap misuse stops it there and is returned (the replay sits at its op). */
function runUntilMisuse(replayer: MallocReplayer, end: number): HeapMisuseError | null {
  try {
    replayer.model.run(replayer.replay, end);
    return null;
  } catch (err) {
    if (err instanceof HeapMisuseError) return err;
    throw err;
  }
}

/**
 * The one-line failure for a replay stopped by a misuse (exit 1, as the real program dies or goes
 * astray there): "t.rep: op 2 (f 0): free(): double free detected in tcache 2; glibc aborts …".
 * opBase: the number in the whole trace of the trace's op 0 (a streamed chunk's).
 */
function describeMisuse(err: HeapMisuseError, trace: Trace, label: string, allocator: MallocAllocatorName, opBase = 0): ApiError {
  const i = err.opIndex;
  const kind = readTraceOpKind(trace, i);
  const op = kind === 'f' ? `f ${trace.ids[i]}` : `${kind} ${trace.ids[i]} ${trace.sizes[i]}`;
  const outcome = describeMisuseOutcome(err, allocator === 'glibc' ? 'glibc' : 'TCMalloc');
  return new ApiError('malformed', `${label}: op ${opBase + i} (${op}): ${err.message}; ${outcome}`);
}

/**
 * Replays the replayer's trace (a whole trace or a streamed chunk) with one jsonl record per op, written as bytes
 * in JSONL_WRITE_BYTES chunks (the writer's last bytes are the caller's to write); a misuse ends it after the ops before it.
 */
async function writeJsonlOps(replayer: MallocReplayer, writer: OpRecordWriter, label: string): Promise<void> {
  const trace = replayer.replay.trace;
  const opBase = replayer.opBase;
  for (let start = 0; start < trace.length; start += JSONL_CHUNK_OPS) {
    const end = Math.min(trace.length, start + JSONL_CHUNK_OPS);
    const misuse = runUntilMisuse(replayer, end);
    const done = misuse === null ? end : misuse.opIndex;
    const results = replayer.replay.results;
    // Threaded replays (memscope-trace 2) add tid, arena and heap to every record.
    const threaded = results.arena !== null;
    if (threaded) {
      for (let i = start; i < done; i++) {
        if (writer.full) await writeRecords(writer);
        writer.writeThreaded(trace, results, i);
      }
    } else {
      for (let i = start; i < done; ) {
        if (writer.full) await writeRecords(writer);
        i = writer.writeRange(trace, results, i, done, opBase);
      }
    }
    if (misuse !== null) {
      await writeStdout(writer.take());
      throw describeMisuse(misuse, trace, label, replayer.model.name, opBase);
    }
  }
}

/** Streams the table: a heading, then one row per op with that op's events; a misuse ends it after the ops before it. */
async function streamTable(trace: Trace, replayer: MallocReplayer, tally: MallocOpTally, label: string): Promise<void> {
  const { formatMallocTableHeader, formatMallocTableRow } = await import('../../shared/sim/malloc/format-table.js');
  const allocator = replayer.model.name;
  let text = formatMallocTableHeader(allocator);
  for (let i = 0; i < trace.length; i++) {
    resetMallocOpTally(tally);
    const misuse = runUntilMisuse(replayer, i + 1);
    if (misuse !== null) {
      await writeStdout(text);
      throw describeMisuse(misuse, trace, label, allocator);
    }
    text += formatMallocTableRow(allocator, trace, replayer.replay.results, i, tally);
    if (text.length >= WRITE_CHUNK_CHARS) {
      await writeStdout(text);
      text = '';
    }
  }
  await writeStdout(text);
}

/** A summary being built op by op, over a whole trace or streamed chunks. */
interface SummaryRun {
  builder: MallocSummaryBuilder;
  footprint: FootprintTrack;
  tally: MallocOpTally;
}

/** Starts a summary of a replay by `allocator` whose events go to tally.sink. */
function createSummaryRun(allocator: MallocAllocatorName, tally: MallocOpTally): SummaryRun {
  return { builder: createMallocSummaryBuilder(allocator), footprint: createFootprintTrack(), tally };
}

/**
 * Replays the replayer's trace (a whole trace or a streamed chunk) into the summary; a misuse throws its one line.
 * A model whose results hold each op's footprint runs a result window of ops at a time (a call per op cost 20 %
 * of a 2 M-op summary), its tally writing each op's paths to the op's row; others run op by op.
 */
function summarizeOps(run: SummaryRun, replayer: MallocReplayer, label: string): void {
  const { builder, footprint, tally } = run;
  const { model, replay, opBase } = replayer;
  const trace = replay.trace;
  const tracksInUse = model.name === 'glibc';
  const results = replay.results;
  if (model.footprintInResults === true && results.rowMask !== -1) {
    const rows = (tally.rows ??= createOpPathRows(replay, results.rowMask + 1));
    rows.progress = replay;
    for (let start = 0; start < trace.length; start += rows.mask + 1) {
      const end = Math.min(trace.length, start + rows.mask + 1);
      clearOpPathRows(rows);
      try {
        model.run(replay, end);
      } catch (err) {
        if (err instanceof HeapMisuseError) throw describeMisuse(err, trace, label, model.name, opBase);
        throw err;
      }
      for (let i = start; i < end; i++) {
        addBatchedOpToSummary(builder, trace, results, i, rows, tracksInUse, opBase + i);
        const row = i & rows.mask;
        noteFootprint(footprint, opBase + i, results.brk[row]! + results.mmappedBytes[row]!);
      }
    }
    return;
  }
  // One try around the loop, not one per op: the op loop is the command's hot path.
  try {
    for (let i = 0; i < trace.length; i++) {
      resetMallocOpTally(tally);
      model.run(replay, i + 1);
      addOpToSummary(builder, trace, replay.results, i, tally, tracksInUse, opBase + i);
      noteFootprint(footprint, opBase + i, computeFootprintBytes(model.measure(replay)));
    }
  } catch (err) {
    if (err instanceof HeapMisuseError) throw describeMisuse(err, trace, label, model.name, opBase);
    throw err;
  }
}

/** Prints the summary of the ops summarizeOps took. */
async function printSummary(run: SummaryRun, replayer: MallocReplayer, title: string, source: string): Promise<void> {
  const summary = finishMallocSummary(run.builder, run.tally, replayer.model.readSummaryOverrides(replayer.replay));
  summary.footprint = run.footprint;
  await writeStdout(formatMallocSummary(summary, [`model               ${title}`, `trace               ${source}`]));
}

/** Predicts one variant's footprint; a trace the model cannot run, or a misuse, is the row's error. */
async function predictVariant(variant: AllocatorVariant, trace: Trace, label: string): Promise<VariantPrediction> {
  const prepared = variant.allocator === 'glibc' ? prepareGlibc(variant.tunables, () => undefined) : await prepareTcmalloc(variant.tunables);
  const model = await prepared.bind(trace);
  try {
    return { variant, footprint: trackReplayFootprint(model, model.create(null)), error: null };
  } catch (err) {
    if (err instanceof TraceUnsupportedError) return { variant, footprint: null, error: err.message };
    if (err instanceof HeapMisuseError) return { variant, footprint: null, error: describeMisuse(err, trace, label, model.name).message };
    throw err;
  }
}

/** `--variants`: the footprint of one trace under each allocator variant (variants.ts), as a table or --json. */
async function printVariants(trace: Trace, source: string, label: string, json: boolean): Promise<void> {
  const { ALLOCATOR_VARIANTS, formatVariantJson, formatVariantTable } = await import('../../shared/sim/malloc/variants.js');
  const predictions: VariantPrediction[] = [];
  for (const v of ALLOCATOR_VARIANTS) predictions.push(await predictVariant(v, trace, label));
  if (json) {
    await writeStdout(JSON.stringify({ trace: source, ops: trace.length, variants: predictions.map(formatVariantJson) }) + '\n');
    return;
  }
  await writeStdout(`trace               ${source}\nfootprint           brk heap + arena heaps + mmapped chunks (TCMalloc: its page heap), in bytes\n\n${formatVariantTable(predictions)}`);
}

/** Runs `memscope sim malloc`. */
export async function runSimMalloc(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(COMMAND, () =>
    parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        allocator: { type: 'string', short: 'a' },
        tunables: { type: 'string', short: 't' },
        format: { type: 'string', short: 'f' },
        workload: { type: 'string', short: 'w' },
        ops: { type: 'string', short: 'n' },
        seed: { type: 'string', short: 's' },
        variants: { type: 'boolean' },
        json: { type: 'boolean' },
      },
    }),
  );
  const allocator = values.allocator ?? 'glibc';
  if (!(ALLOCATORS as readonly string[]).includes(allocator)) {
    throw new ApiError('bad-arg', `${COMMAND}: unknown --allocator ${quoteUserInput(allocator)} (expected ${ALLOCATORS.join(' or ')})`);
  }
  const format = (values.format ?? 'summary') as Format;
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new ApiError('bad-arg', `${COMMAND}: unknown --format ${quoteUserInput(format)} (expected ${FORMATS.join(', ')})`);
  }
  if (positionals.length > 1) throw new ApiError('bad-arg', `${COMMAND}: expected one TRACE (unexpected ${quoteUserInput(positionals[1] ?? '')}); see memscope sim malloc --help`);
  const path = positionals[0];
  const workload = values.workload;
  if (workload !== undefined && path !== undefined) throw new ApiError('bad-arg', `${COMMAND}: give TRACE or --workload, not both`);
  if (workload === undefined && path === undefined) throw new ApiError('bad-arg', `${COMMAND}: expected TRACE (a file, or - for stdin) or --workload NAME; see memscope sim malloc --help`);
  if (workload === undefined && (values.ops !== undefined || values.seed !== undefined)) {
    throw new ApiError('bad-arg', `${COMMAND}: --ops and --seed go with --workload`);
  }
  const variants = values.variants === true;
  if (variants && (values.allocator !== undefined || values.tunables !== undefined || values.format !== undefined)) {
    throw new ApiError('bad-arg', `${COMMAND}: --variants runs every allocator variant itself: give no --allocator, --tunables or --format`);
  }
  if (!variants && values.json === true) throw new ApiError('bad-arg', `${COMMAND}: --json goes with --variants (use --format jsonl for per-op records)`);
  // Settings are read before any input, so a bad flag never waits on stdin.
  const tunables = values.tunables ?? '';
  const warnings: string[] = [];
  const prepared = allocator === 'glibc' ? prepareGlibc(tunables, (line) => warnings.push(line)) : await prepareTcmalloc(tunables);

  const printWarnings = () => {
    for (const w of warnings.splice(0)) process.stderr.write(`memscope: warning: ${w}\n`);
  };
  const tally = createMallocOpTally(format === 'table');
  // jsonl and the summary read each op once, right after its chunk (or op) ran; the table keeps every op.
  const windowOps = format === 'table' ? undefined : JSONL_CHUNK_OPS;
  const sink = format === 'jsonl' ? null : tally.sink;
  const run = createSummaryRun(allocator as MallocAllocatorName, tally);
  const writer = format === 'jsonl' ? new (await import('../../shared/sim/malloc/replay-jsonl.js')).OpRecordWriter(JSONL_WRITE_BYTES) : null;
  /** Replays the ops of a whole trace, or of one streamed chunk after those before it, into the output. */
  let replayer: MallocReplayer | null = null;
  const replayOps = async (ops: Trace, label: string): Promise<MallocReplayer> => {
    if (replayer === null) {
      const model = await prepared.bind(ops, windowOps);
      replayer = { model, replay: createReplay(model, sink, label), opBase: 0 };
    } else {
      replayer.opBase += replayer.replay.trace.length;
      replayer.model.continueWith!(replayer.replay, ops);
    }
    if (format === 'jsonl') {
      printWarnings(); // before the first record, as the whole-trace path prints them
      await writeJsonlOps(replayer, writer!, label);
    } else if (format === 'table') await streamTable(ops, replayer, tally, label);
    else summarizeOps(run, replayer, label);
    return replayer;
  };

  let trace: Trace;
  let source: string;
  let label: string;
  if (workload !== undefined) {
    const { WORKLOADS, generateWorkload } = await import('../../shared/sim/malloc/workloads.js');
    if (!WORKLOADS.some((w) => w.name === workload)) {
      throw new ApiError('bad-arg', `${COMMAND}: unknown workload ${quoteUserInput(workload)} (known: ${WORKLOADS.map((w) => w.name).join(', ')})`);
    }
    const opCount = values.ops === undefined ? DEFAULT_WORKLOAD_OPS : parseIntegerOption('ops', values.ops, 1, MAX_WORKLOAD_OPS);
    const seed = values.seed === undefined ? 1 : parseIntegerOption('seed', values.seed, 0, 0xffffffff);
    trace = generateWorkload(workload, { seed, opCount });
    source = `workload ${workload} (--ops ${opCount} --seed ${seed}): ${trace.length} ops`;
    label = `workload ${workload}`;
  } else {
    const p = path ?? '-';
    const inputLabel = p === '-' ? '<stdin>' : p;
    label = inputLabel;
    // jsonl and the summary of a malloclab trace replay it chunk by chunk as it is read (issue 13: memory of one
    // chunk of ops, not of the whole trace); anything else is read whole first.
    const read = !variants && format !== 'table' && prepared.streams ? await readTraceStreamed(p, label, async (ops) => void (await replayOps(ops, inputLabel))) : null;
    if (read !== null && read.whole === null) {
      printWarnings(); // the whole trace was read: as the whole-trace path, warnings come before a misuse's line
      if (read.failed) throw read.failure;
      const done = replayer as MallocReplayer | null;
      if (done === null) throw new RangeError('sim malloc: a streamed trace reached no replay');
      await finishOutput(done, `${label}: ${done.opBase + done.replay.trace.length} ops`);
      return 0;
    }
    trace = read?.whole ?? (await readTrace(p, label));
    source = `${label}: ${trace.length} ops`;
  }
  printWarnings();
  if (variants) {
    await printVariants(trace, source, label, values.json === true);
    return 0;
  }
  await finishOutput(await replayOps(trace, label), source);
  return 0;

  /** Ends the output once every op ran: jsonl's last bytes, or the summary. */
  async function finishOutput(done: MallocReplayer, traceSource: string): Promise<void> {
    if (writer !== null) await writeStdout(writer.take());
    else if (format === 'summary') {
      printWarnings();
      await printSummary(run, done, prepared.title, traceSource);
    }
  }
}
