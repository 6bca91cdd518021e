// `Authorization: Bearer <token>` as /api and /metrics both read it: the scheme compared
// case-insensitively (RFC 7235 §2.1, RFC 6750 §2.1), the token in constant time.
import { timingSafeEqual } from 'node:crypto';

/** The token of an `Authorization: Bearer …` header (any case of "Bearer"), or null. */
export function readBearerToken(authorization: string | undefined): string | null {
  return /^Bearer +(\S+) *$/i.exec(authorization ?? '')?.[1] ?? null;
}

/** Whether `given` is `token`, compared in constant time. */
export function tokenMatches(given: string | null, token: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
