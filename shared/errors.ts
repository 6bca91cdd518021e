// The error codes every transport (CLI, IPC, HTTP) speaks, so a vanished pid or a
// permission problem reads the same in a terminal, the desktop app and the browser.

/** Why an API call failed. */
export type ApiErrorCode =
  | 'gone' // the process does not exist or exited mid-read (ENOENT, ESRCH)
  | 'denied' // the kernel refused (EACCES, EPERM): another user's smaps needs root
  | 'malformed' // a file (snapshot, trace, /proc text) is not what it claims to be
  | 'bad-arg' // an argument failed validation before anything touched /proc
  | 'internal'; // a bug: anything else

/** An error with a code that crosses every transport, and a one-line message for humans. */
export class ApiError extends Error {
  /** Creates an error with a transport-independent code. */
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** True when value is an ApiError (also after crossing a realm, by shape). */
export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError || (typeof value === 'object' && value !== null && (value as { name?: unknown }).name === 'ApiError');
}
