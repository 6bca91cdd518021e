// A bearer token kept in a file (exporter and serve --token-file): one line of printable ASCII,
// so what Prometheus's `authorization` sends is byte for byte what we compare.
import { readFileSync } from 'node:fs';
import { ApiError } from '../../shared/errors.js';
import { quoteUserInput } from '../../shared/text/escape.js';
import { fileError } from './file-error.js';

/**
 * Reads a bearer token from a file (trailing newline dropped). An unreadable or unusable file fails at run time:
 * throws ApiError (gone, denied: unreadable; malformed: empty or not one printable line), never 'bad-arg'.
 */
export function readTokenFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw fileError('read --token-file', path, err);
  }
  const token = text.replace(/\r?\n$/, '');
  if (token === '') throw new ApiError('malformed', `--token-file ${quoteUserInput(path)} is empty`);
  // An HTTP header value: visible ASCII only, so what Prometheus sends is byte-for-byte what we compare.
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new ApiError('malformed', `--token-file ${quoteUserInput(path)}: the token must be one line of printable ASCII without spaces`);
  }
  return token;
}
