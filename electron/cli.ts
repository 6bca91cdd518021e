#!/usr/bin/env -S node --no-concurrent-recompilation
// bin `memscope`: parses the command name and hands argv to electron/commands/*.
// Every failure ends as one line on stderr and a non-zero exit, never a stack trace.
// Node flags read at start-up are the shebang's, for every command (README "The CLI"): --no-concurrent-recompilation
// optimizes on the main thread, as a batch command wants: V8's compiler thread held ~5 MB more peak RSS in
// `sim malloc` (66 → 60.5 MB on a 2 M-op trace) and no less CPU. V8 reads it when the isolate is created, so
// v8.setFlagsFromString cannot set it (measured); `node dist/electron/cli.js` skips it. Per command: node-flags.ts.
import { ApiError, isApiError } from '../shared/errors.js';
import { boundMessage } from '../shared/text/escape.js';
import { formatUsage, runCommand } from './commands/registry.js';
import { applyCommandV8Flags } from './node-flags.js';

/**
 * Longest error line printed. Messages quote user input bounded already (quoteUserInput); this is the net
 * for text quoted from deeper down (a /proc line, a snapshot's JSON path), which also gets its controls escaped.
 */
const MAX_ERROR_CHARS = 1000;

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0) {
    process.stdout.write(formatUsage());
    return 2;
  }
  applyCommandV8Flags(argv);
  return runCommand(argv);
}

/** Exit codes: 0 ok, 1 runtime failure (gone, denied, unreadable or malformed file, failed write), 2 bad usage. */
function exitCodeOf(err: unknown): number {
  return isApiError(err) && err.code === 'bad-arg' ? 2 : 1;
}

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0); // `memscope top | head`: the reader left
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const message = isApiError(err) || err instanceof Error ? err.message : String(err);
    process.stderr.write(`memscope: ${boundMessage(message, MAX_ERROR_CHARS)}\n`);
    if (process.env['MEMSCOPE_DEBUG'] !== undefined && err instanceof Error && !(err instanceof ApiError)) {
      process.stderr.write(`${err.stack ?? ''}\n`);
    }
    process.exitCode = exitCodeOf(err);
  },
);
