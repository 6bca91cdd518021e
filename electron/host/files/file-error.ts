// Turns an fs error on a file the user named (an input, an output, a token or config file) into the one-line
// ApiError every command reports. It failed at run time, so it is never 'bad-arg' (exit 2 is for bad usage).
import { ApiError, type ApiErrorCode } from '../../../shared/errors.js';
import { quoteUserInput } from '../../../shared/text/escape.js';

/** errno → the few words a person needs; anything else is shown as its code. */
const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  ENOTDIR: 'a parent is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EISDIR: 'is a directory',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EPIPE: 'its reader closed it',
};

/** errno → ApiError code: missing → gone, refused → denied, anything else (a directory, a full disk) → malformed. */
function codeOf(errno: string | undefined): ApiErrorCode {
  if (errno === 'ENOENT' || errno === 'ENOTDIR') return 'gone';
  if (errno === 'EACCES' || errno === 'EPERM' || errno === 'EROFS') return 'denied';
  return 'malformed';
}

/**
 * The error for failing to `verb` ("read", "write") the file at path: `cannot read "PATH": no such file`
 * (path quoted and bounded, "-" named standard input). Exit status 1 in the CLI.
 */
export function fileError(verb: string, path: string, err: unknown): ApiError {
  const errno = (err as NodeJS.ErrnoException | undefined)?.code;
  const why = (errno === undefined ? undefined : REASONS[errno]) ?? errno ?? String(err);
  const what = path === '-' ? 'standard input' : quoteUserInput(path);
  return new ApiError(codeOf(errno), `cannot ${verb} ${what}: ${why}`);
}
