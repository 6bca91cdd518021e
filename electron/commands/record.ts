// `memscope record [-o TRACE] [--follow] [--addresses] [--] CMD [ARGS…]`: runs CMD under the LD_PRELOAD shim
// (electron/host/record/memscope-record.c), which writes every allocator call as memscope-trace 2 (README).
// CMD's output and exit status pass through; what was recorded is reported on stderr.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ApiError } from '../../shared/errors.js';
import { countNoun } from '../../shared/text/count-noun.js';
import { escapeControlChars, quoteUserInput } from '../../shared/text/escape.js';
import { fileError } from '../host/files/file-error.js';
import { runRecorded, shellStatusOf, type RecordedExit } from '../host/record/run-recorded.js';
import { isSetIdCommand } from '../host/record/set-id.js';
import { ensureRecordShim } from '../host/record/shim-build.js';
import { summarizeClosingLines, summarizeTrace, type TraceSummary } from '../host/record/trace-summary.js';
import { openTraceOutput } from '../host/record/trace-output.js';
import { parseCommandArgs } from './args.js';

const RECORD_OPTIONS = {
  output: { type: 'string', short: 'o' },
  follow: { type: 'boolean' },
  addresses: { type: 'boolean' },
  measure: { type: 'boolean' },
} as const;

/**
 * Splits argv at CMD: memscope's options come before it (or before `--`), everything from CMD on is CMD's,
 * so `memscope record python3 -c …` passes -c to python3. A non-strict pass finds where CMD starts.
 */
function splitAtCommand(argv: string[]): { own: string[]; command: string[] } {
  const { tokens } = parseArgs({ args: argv, strict: false, allowPositionals: true, tokens: true, options: RECORD_OPTIONS });
  const first = tokens.find((t) => t.kind === 'positional' || t.kind === 'option-terminator');
  if (first === undefined) return { own: argv, command: [] };
  const skip = first.kind === 'option-terminator' ? 1 : 0;
  return { own: argv.slice(0, first.index), command: argv.slice(first.index + skip) };
}

/** memscope-CMD-YYYYMMDDTHHMMSS.trace, in the current folder. */
function defaultTracePath(command: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `memscope-${basename(command).replace(/[^A-Za-z0-9._-]/g, '_') || 'cmd'}-${stamp}.trace`;
}

/** `N ops on T thread(s)`, plus what is missing or passed through. */
function describe(summary: TraceSummary): string {
  const threads = countNoun(summary.threadCount, 'thread');
  const notes = [
    ...(summary.complete ? [] : ['incomplete: no closing line, so the program ended without exit() (a signal); its last buffered calls are lost']),
    ...(summary.untrackedCount > 0 ? [`${countNoun(summary.untrackedCount, 'call')} passed through unrecorded: libc's thread-exit cleanup, blocks from before recording, a vfork child's calls once the buffer was full`] : []),
  ];
  return `${countNoun(summary.opCount, 'op')} on ${threads}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
}

/** The real run's heap footprint, the figure `sim malloc --variants` predicts (shared/sim/malloc/footprint.ts). */
function describeFootprint(summary: TraceSummary): string {
  const f = summary.footprint;
  if (f === null) return summary.complete ? 'footprint not measured (the allocator is neither glibc nor TCMalloc)' : 'footprint not measured (the trace is incomplete)';
  const parts = f.allocator === 'glibc' ? 'brk heap + arena heaps + mmapped chunks' : "TCMalloc's page heap, heap_size − unmapped";
  return `footprint ${f.peakBytes} bytes peak (after op ${f.peakOp}), ${f.finalBytes} bytes at exit (measured: ${parts})`;
}

/**
 * Every trace write the shim could not make, one line each (the status file names the first STATUS_FAILURE_SLOTS
 * and counts the rest): all but the last go to stderr here; the last is returned, to be thrown as the command's error.
 */
function writeFailuresError(exit: RecordedExit, writePath: string, tracePath: string): ApiError {
  const errors = exit.writeFailures.map((f) => fileError('write', f.path === writePath ? tracePath : f.path, Object.assign(new Error(f.errno), { code: f.errno })));
  const more = exit.writeFailureCount - errors.length;
  if (more > 0 || errors.length === 0) errors.push(new ApiError('malformed', `record: ${countNoun(more, 'more trace write')} failed (not named)`));
  for (const err of errors.slice(0, -1)) process.stderr.write(`memscope: ${err.message}\n`);
  return errors.at(-1)!;
}

/** Traces the shim's --follow children wrote during this run: TRACE.PID and TRACE.PID.N, newest run only. */
function listChildTraces(tracePath: string, sinceMs: number): string[] {
  const prefix = `${basename(tracePath)}.`;
  const dir = dirname(tracePath);
  return readdirSync(dir)
    .filter((name) => name.startsWith(prefix) && /^\d+(\.\d+)?$/.test(name.slice(prefix.length)))
    .map((name) => resolve(dir, name))
    .filter((path) => statSync(path).mtimeMs >= sinceMs)
    .sort();
}

/** Runs `memscope record`; returns CMD's own exit status (128 + N when signal N ended it). */
export async function runRecord(argv: string[]): Promise<number> {
  const { own, command } = splitAtCommand(argv);
  const { values, positionals } = parseCommandArgs('record', () => parseArgs({ args: own, strict: true, allowPositionals: true, options: RECORD_OPTIONS }));
  const [cmd, ...cmdArgs] = [...positionals, ...command];
  if (cmd === undefined || cmd === '') throw new ApiError('bad-arg', 'record: expected CMD (the program to record); see memscope record --help');
  const measureOnly = values.measure === true;
  // --measure without -o keeps nothing: the shim's closing lines go to a file removed once read.
  if (measureOnly && values.follow === true) throw new ApiError('bad-arg', 'record: --measure measures one process; give it without --follow');
  const keep = values.output !== undefined || !measureOnly;
  const tracePath = resolve(values.output ?? (measureOnly ? join(mkdtempSync(join(tmpdir(), 'memscope-measure-')), 'run.trace') : defaultTracePath(cmd)));
  if (values.output === '-') throw new ApiError('bad-arg', 'record: -o - is not supported (standard output belongs to CMD); name a file');

  const shimPath = ensureRecordShim();
  if (/[\s:]/.test(shimPath)) {
    throw new ApiError('bad-arg', `record: the shim's path ${quoteUserInput(shimPath)} has a space or colon, which LD_PRELOAD cannot carry; set XDG_CACHE_HOME elsewhere`);
  }
  // A temp file beside TRACE, renamed over it at the end: an older TRACE stays as it was until the new one is whole.
  const output = openTraceOutput(tracePath);
  if (output.direct && values.follow === true) {
    // Children's traces would be created beside it: /dev/null.PID in /dev.
    throw new ApiError('bad-arg', `record: --follow writes each child's trace beside TRACE as TRACE.PID, and ${quoteUserInput(tracePath)} is a device or FIFO; name a regular file`);
  }
  const forget = () => {
    output.discard();
    if (!keep) rmSync(dirname(tracePath), { recursive: true, force: true });
  };
  // Child traces are told apart by mtime; the file system's clock granularity is coarser than ours.
  const startMs = statSync(output.writePath).mtimeMs;
  const options = { shimPath, tracePath: output.writePath, childBasePath: tracePath, follow: values.follow === true, addresses: values.addresses === true, measureOnly };
  output.keepOnSignal();
  const exit = await runRecorded(cmd, cmdArgs, options).catch((err: unknown) => {
    forget(); // CMD never ran: leave no empty trace behind
    throw err;
  });

  const children = values.follow === true ? listChildTraces(tracePath, startMs) : [];
  if (exit.writeFailureCount > 0) {
    // A trace cut off by a full disk must not pass for a recording: none of this run's traces is kept.
    forget();
    for (const path of children) rmSync(path, { force: true });
    throw writeFailuresError(exit, output.writePath, tracePath);
  }
  // Whether a process wrote the main trace is the shim's to say: a device reads back empty, a FIFO not at all.
  if (exit.mainTrace === null && children.length === 0) {
    forget();
    const why = isSetIdCommand(cmd)
      ? 'is set-user-ID or set-group-ID, so the loader ignored LD_PRELOAD (secure mode)'
      : 'made none, is statically linked, or brings its own allocator';
    throw new ApiError('malformed', `record: no malloc call reached the shim: ${quoteUserInput(cmd)} ${why} (nothing recorded)`);
  }
  const main = exit.mainTrace === null ? null : output.direct ? summarizeClosingLines(exit.mainTrace) : summarizeTrace(output.writePath);
  try {
    output.commit();
  } finally {
    if (!keep) rmSync(dirname(tracePath), { recursive: true, force: true });
  }
  const where = keep ? ` into ${escapeControlChars(tracePath)}` : '';
  // The footprint is in every trace (`# footprint`); it is printed when asked for with --measure.
  const lines = [
    exit.mainTrace === null
      ? `recorded nothing${where} (no malloc call reached it)`
      : main === null
        ? `recorded an incomplete trace${where} (no closing line, so the program ended without exit(); a device or FIFO is not read back to count its ops)`
        : measureOnly ? `measured ${describe(main)}${where}: ${describeFootprint(main)}` : `recorded ${describe(main)}${where}`,
  ];
  for (const path of children) lines.push(`recorded ${describe(summarizeTrace(path))} into ${escapeControlChars(path)}`);
  process.stderr.write(`${lines.join('\n')}\n`);
  return shellStatusOf(exit);
}
