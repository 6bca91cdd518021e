// Argv helpers shared by every command: parse errors and wrong positionals become
// one-line ApiError('bad-arg') messages.
import { ApiError } from '../../shared/errors.js';

/**
 * Runs node:util parseArgs (strict) for a command, turning its errors (unknown flag,
 * missing value) into one-line ApiError('bad-arg') messages.
 */
export function parseCommandArgs<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new ApiError('bad-arg', `${command}: ${firstSentence((err as Error).message)}`);
  }
}

/** Returns the single positional expected, or throws naming what is missing or extra. */
export function expectPositionals(command: string, positionals: string[], names: string[]): string[] {
  if (positionals.length !== names.length) {
    const expected = names.map((n) => n.toUpperCase()).join(' ');
    const got = positionals.length < names.length ? 'missing' : `unexpected ${JSON.stringify(positionals[names.length])}`;
    throw new ApiError('bad-arg', `${command}: expected ${expected} (${got}); see memscope --help`);
  }
  return positionals;
}

/** node's parseArgs messages run on with advice about '--'; the first sentence says it all. */
function firstSentence(message: string): string {
  const line = message.split('\n')[0] ?? message;
  const stop = line.indexOf('. ');
  return stop > 0 ? line.slice(0, stop) : line;
}
