// Argv helpers shared by every command: parse errors and wrong positionals become
// one-line ApiError('bad-arg') messages that quote the user's text bounded and escaped.
import { ApiError } from '../../shared/errors.js';
import { quoteUserInput } from '../../shared/text/escape.js';

/**
 * Runs node:util parseArgs (strict) for a command, turning its errors (unknown flag,
 * missing value) into one-line ApiError('bad-arg') messages.
 */
export function parseCommandArgs<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new ApiError('bad-arg', `${command}: ${describeParseError(err as Error & { code?: string })}; see memscope ${command} --help`);
  }
}

/** Throws bad-arg unless there are no positionals (commands that take only options). */
export function expectNoPositionals(command: string, positionals: string[]): void {
  if (positionals.length > 0) throw new ApiError('bad-arg', `${command}: unexpected argument ${quoteUserInput(positionals[0] ?? '')}; see memscope ${command} --help`);
}

/** Returns the positionals expected, or throws naming what is missing or extra. */
export function expectPositionals(command: string, positionals: string[], names: string[]): string[] {
  if (positionals.length !== names.length) {
    const expected = names.map((n) => n.toUpperCase()).join(' ');
    const got = positionals.length < names.length ? 'missing' : `unexpected ${quoteUserInput(positionals[names.length] ?? '')}`;
    throw new ApiError('bad-arg', `${command}: expected ${expected} (${got}); see memscope ${command} --help`);
  }
  return positionals;
}

/**
 * node's parseArgs messages run on with advice about '--', and the unknown-option one quotes the option raw
 * (any length, any bytes): keep the first sentence, with the option quoted by quoteUserInput.
 */
function describeParseError(err: Error & { code?: string }): string {
  const unknown = err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /^Unknown option '(.*?)'\. To specify a positional/s.exec(err.message) : null;
  if (unknown !== null) return `Unknown option ${quoteUserInput(unknown[1] ?? '')}`;
  const line = err.message.split('\n')[0] ?? err.message;
  const stop = line.indexOf('. ');
  return stop > 0 ? line.slice(0, stop) : line;
}
