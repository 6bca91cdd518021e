// A bearer token kept in a file (exporter and serve --token-file): one line of printable ASCII,
// so what Prometheus's `authorization` sends is byte for byte what we compare.
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { ApiError } from '../../../shared/errors.js';
import { quoteUserInput } from '../../../shared/text/escape.js';
import { fileError } from '../files/file-error.js';

/** Shortest token accepted: 16 characters of base64 are 96 bits, out of reach of guessing over HTTP. */
export const MIN_TOKEN_CHARS = 16;

/** Reads a file's text and its mode from one descriptor (the mode checked is the file read). */
function readWithMode(path: string): { text: string; mode: number } {
  const fd = openSync(path, 'r');
  try {
    return { mode: fstatSync(fd).mode, text: readFileSync(fd, 'utf8') };
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a bearer token from a file (trailing newline dropped). An unreadable or unusable file fails at run time:
 * throws ApiError (gone, denied: unreadable; malformed: empty, short or not one printable line), never 'bad-arg'. Warns on
 * stderr (one line) when the file's group or other users can read it: the token reads every process's memory map.
 */
export function readTokenFile(path: string): string {
  let text: string;
  let mode: number;
  try {
    ({ text, mode } = readWithMode(path));
  } catch (err) {
    throw fileError('read --token-file', path, err);
  }
  const token = text.replace(/\r?\n$/, '');
  if (token === '') throw new ApiError('malformed', `--token-file ${quoteUserInput(path)} is empty`);
  // An HTTP header value: visible ASCII only, so what Prometheus sends is byte-for-byte what we compare.
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new ApiError('malformed', `--token-file ${quoteUserInput(path)}: the token must be one line of printable ASCII without spaces`);
  }
  if (token.length < MIN_TOKEN_CHARS) {
    throw new ApiError('malformed', `--token-file ${quoteUserInput(path)}: the token has ${token.length} characters, at least ${MIN_TOKEN_CHARS} are needed (head -c 32 /dev/urandom | base64 | tr -d '/+=\\n')`);
  }
  if ((mode & 0o044) !== 0) {
    process.stderr.write(`memscope: warning: ${quoteUserInput(path)} is readable by ${(mode & 0o004) !== 0 ? 'every user' : 'its group'}; chmod 600 it\n`);
  }
  return token;
}
