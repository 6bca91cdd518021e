// Turns whatever an API call threw into what the UI says: the ApiError code (shared/errors.ts),
// the host's message, and a sentence on what it means for the user.
import { isApiError, type ApiErrorCode } from '../shared/errors.js';

/** An error as the UI shows it. */
export interface UiError {
  code: ApiErrorCode;
  message: string;
  /** What the user can do about it. */
  hint: string;
}

const HINTS: Record<ApiErrorCode, string> = {
  gone: 'The process has exited (or its pid now names another process). The last data read is kept below.',
  denied:
    "The kernel refused to show this. Another user's /proc/PID/smaps (and mem, pagemap) are readable only by root (or with CAP_SYS_PTRACE): run memscope as root to see them.",
  unauthorized: 'The memscope server refused the token: open the URL `memscope serve` printed, or paste the token in the host menu.',
  malformed: 'The data is not what it claims to be; the message says where.',
  unsupported: 'memscope cannot read this process this way (the message says what it found, e.g. a static binary or another libc).',
  torn: 'The process changed what memscope was reading faster than it could be read consistently: read again, or freeze it for the read.',
  'bad-arg': 'The request was rejected before reaching /proc (a pid must be a positive integer, an address a hex string).',
  internal: 'Something went wrong in memscope or the connection to it.',
};

/**
 * Classifies a thrown value. Both bridges (renderer/api/) throw ApiErrors decoded from the transport's
 * ApiErrorBody; anything else is a fault of this page, whatever words its message holds.
 */
export function toUiError(err: unknown): UiError {
  if (isApiError(err)) return { code: err.code, message: err.message, hint: HINTS[err.code] };
  return { code: 'internal', message: err instanceof Error ? err.message : String(err), hint: HINTS.internal };
}
