// Reads a file named on the command line ("-" = stdin). A file that cannot be read fails at run time
// (exit 1), with one line that names it (electron/host/files/file-error.ts).
import { readFileSync } from 'node:fs';
import { fileError } from '../host/files/file-error.js';

/** The text of path (or of stdin for "-"); throws ApiError (gone, denied, malformed) saying why it cannot be read. */
export function readInputText(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (err) {
    throw fileError('read', path, err);
  }
}
