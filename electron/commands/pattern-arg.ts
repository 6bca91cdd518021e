// Resolves the PATTERN argument of `memscope sim cache|tlb`: a built-in "NAME[:key=value,…]" from
// shared/sim/access/pattern-catalog.ts, or the path of a custom access list (JSON or text, access-list.ts).
import { readFileSync } from 'node:fs';
import { ApiError } from '../../shared/errors.js';
import { quoteUserInput } from '../../shared/text/escape.js';
import { fileError } from '../host/files/file-error.js';
import { createListPattern, MAX_PATTERN_ACCESSES, type AccessPattern } from '../../shared/sim/access/access-pattern.js';
import { AccessListParseError, parseAccessList } from '../../shared/sim/access/access-list.js';
import { findPatternKind, parsePatternSpec, PATTERN_KINDS } from '../../shared/sim/access/pattern-catalog.js';

/**
 * Builds the pattern a user named. Throws ApiError: bad-arg (unknown name, bad parameter, neither a built-in nor a
 * file), denied or malformed (a file that cannot be read, or a bad list).
 */
export function resolvePatternArg(arg: string): AccessPattern {
  const colon = arg.indexOf(':');
  if (findPatternKind(colon < 0 ? arg : arg.slice(0, colon)) !== undefined) return parsePatternSpec(arg);
  let text: string;
  try {
    text = readFileSync(arg, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ApiError('bad-arg', `unknown pattern ${quoteUserInput(arg)}: not a built-in (${PATTERN_KINDS.map((k) => k.name).join(', ')}) and no such file`);
    }
    throw fileError('read', arg, err); // it exists but cannot be read: a run-time failure (exit 1)
  }
  try {
    return createListPattern(parseAccessList(text), arg);
  } catch (err) {
    if (err instanceof AccessListParseError) throw new ApiError('malformed', `${arg}: ${err.message}`.replace(/\s*\n\s*/g, ' '));
    throw err;
  }
}

/**
 * Builds every PATTERN argument of `command`; their accesses together may not pass MAX_PATTERN_ACCESSES
 * (each one's own bound is checked before it is built). Throws ApiError as resolvePatternArg does.
 */
export function resolvePatternArgs(command: string, args: readonly string[]): AccessPattern[] {
  const patterns = args.map(resolvePatternArg);
  const total = patterns.reduce((sum, p) => sum + p.accessCount, 0);
  if (total > MAX_PATTERN_ACCESSES) {
    throw new ApiError('bad-arg', `${command}: the patterns make ${total} accesses together, more than ${MAX_PATTERN_ACCESSES} (the simulator's bound)`);
  }
  return patterns;
}
