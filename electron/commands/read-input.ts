// Reads a file named on the command line ("-" = stdin), turning fs errors into one-line
// ApiError('bad-arg') messages that name the file.
import { readFileSync } from 'node:fs';
import { ApiError } from '../../shared/errors.js';

/** The text of path (or of stdin for "-"); throws ApiError('bad-arg') saying why it cannot be read. */
export function readInputText(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : String(code);
    throw new ApiError('bad-arg', `cannot read ${path === '-' ? 'standard input' : path}: ${why}`);
  }
}
