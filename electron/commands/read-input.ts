// Reads a file named on the command line ("-" = stdin), whole as text or streamed as byte chunks. A file that
// cannot be read fails at run time (exit 1), with one line that names it (electron/host/files/file-error.ts).
import { createReadStream, fstatSync, openSync, readFileSync } from 'node:fs';
import { fileError } from '../host/files/file-error.js';

/** Bytes per chunk when streaming an input. */
const INPUT_CHUNK_BYTES = 1 << 20;

/** The text of path (or of stdin for "-"); throws ApiError (gone, denied, malformed) saying why it cannot be read. */
export function readInputText(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (err) {
    throw fileError('read', path, err);
  }
}

/**
 * Streams path (or stdin for "-") in chunks of at most 1 MiB, so an input never has to fit in memory whole:
 * `start` gets its size first (0 when unknown, e.g. a pipe), then `take` each chunk in order (a chunk is
 * lent: copy what must outlive the call). Throws ApiError (gone, denied, malformed) saying why it cannot be read.
 */
export async function readInputChunks(path: string, start: (sizeBytes: number) => void, take: (chunk: Uint8Array) => void): Promise<void> {
  let fd: number;
  try {
    fd = path === '-' ? 0 : openSync(path, 'r');
    const st = fstatSync(fd);
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    start(st.isFile() ? st.size : 0);
  } catch (err) {
    throw fileError('read', path, err);
  }
  try {
    for await (const chunk of createReadStream('', { fd, highWaterMark: INPUT_CHUNK_BYTES, autoClose: path !== '-' })) take(chunk as Buffer);
  } catch (err) {
    // Only the stream's own failures (system errors name their syscall) are about the file; take's errors pass.
    if ((err as NodeJS.ErrnoException | undefined)?.syscall === undefined) throw err;
    throw fileError('read', path, err);
  }
}
