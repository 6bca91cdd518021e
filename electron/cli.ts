#!/usr/bin/env node
// bin `memscope`: parses the command name and hands argv to electron/commands/*.
// Every failure ends as one line on stderr and a non-zero exit, never a stack trace.
import { ApiError, isApiError } from '../shared/errors.js';
import { runCommand, USAGE } from './commands/registry.js';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  return runCommand(name, rest);
}

/** Exit codes: 0 ok, 1 runtime failure (gone, denied, malformed), 2 bad usage. */
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
    process.stderr.write(`memscope: ${message}\n`);
    if (process.env['MEMSCOPE_DEBUG'] !== undefined && err instanceof Error && !(err instanceof ApiError)) {
      process.stderr.write(`${err.stack ?? ''}\n`);
    }
    process.exitCode = exitCodeOf(err);
  },
);
