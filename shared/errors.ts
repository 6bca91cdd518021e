// The error codes every transport (CLI, IPC, HTTP) speaks, so a vanished pid or a
// permission problem reads the same in a terminal, the desktop app and the browser.

/** Why an API call failed. */
export type ApiErrorCode =
  | 'gone' // the process does not exist or exited mid-read (ENOENT, ESRCH)
  | 'denied' // the kernel refused (EACCES, EPERM): another user's smaps needs root
  | 'unauthorized' // a browser-mode or remote server refused the token (HTTP 401)
  | 'malformed' // a file (snapshot, trace, /proc text) is not what it claims to be
  | 'unsupported' // the target is real but memscope cannot read it (a static binary, another libc)
  | 'torn' // the process changed what was being read faster than it could be read consistently
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

/** HTTP status each code maps to in browser mode (the body carries the code itself). */
export const HTTP_STATUS_OF: Record<ApiErrorCode, number> = {
  gone: 404,
  denied: 403,
  unauthorized: 401,
  malformed: 422,
  unsupported: 422,
  torn: 409,
  'bad-arg': 400,
  internal: 500,
};

/** The JSON shape an error crosses a transport in. */
export interface ApiErrorBody {
  code: ApiErrorCode;
  message: string;
}

const CODES: readonly ApiErrorCode[] = ['gone', 'denied', 'unauthorized', 'malformed', 'unsupported', 'torn', 'bad-arg', 'internal'];

/** The one way an error leaves the host on any transport: its code and message; anything not an ApiError is 'internal'. */
export function encodeApiError(err: unknown): ApiErrorBody {
  if (isApiError(err)) return { code: err.code, message: err.message };
  const message = (err as { message?: unknown } | null | undefined)?.message;
  return { code: 'internal', message: typeof message === 'string' ? message : String(err) };
}

/** The one way a client turns a transported error body back into an ApiError; anything unexpected becomes 'internal'. */
export function decodeApiError(body: unknown): ApiError {
  const b = body as Partial<ApiErrorBody> | null;
  const code = CODES.find((c) => c === b?.code) ?? 'internal';
  return new ApiError(code, typeof b?.message === 'string' ? b.message : 'unknown error');
}
