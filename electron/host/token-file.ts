// A bearer token kept in a file (exporter and serve --token-file): one line of printable ASCII,
// so what Prometheus's `authorization` sends is byte for byte what we compare.
import { readFileSync } from 'node:fs';
import { ApiError } from '../../shared/errors.js';

/** Reads a bearer token from a file (trailing newline dropped); throws ApiError('bad-arg') when unusable. */
export function readTokenFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ApiError('bad-arg', `--token-file ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? String(err))}`);
  }
  const token = text.replace(/\r?\n$/, '');
  if (token === '') throw new ApiError('bad-arg', `--token-file ${path} is empty`);
  // An HTTP header value: visible ASCII only, so what Prometheus sends is byte-for-byte what we compare.
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new ApiError('bad-arg', `--token-file ${path}: the token must be one line of printable ASCII without spaces`);
  }
  return token;
}
