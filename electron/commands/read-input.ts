// Reads a file named on the command line ("-" = stdin), whole as text or streamed as byte chunks. A file that
// cannot be read fails at run time (exit 1), with one line that names it (electron/host/files/file-error.ts).
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { ApiError } from '../../shared/errors.js';
import { quoteUserInput } from '../../shared/text/escape.js';
import { formatKb } from '../../shared/units.js';
import { fileError } from '../host/files/file-error.js';
import { MAX_BODY_BYTES } from '../host/http/body-reader.js';

/** Bytes per chunk when streaming an input. */
const INPUT_CHUNK_BYTES = 1 << 20;

/**
 * The most bytes of one input read whole as text (a snapshot, a scenario): 256 MiB, the largest request body
 * the app's server takes, so the CLI reads every snapshot the app opens. It bounds /dev/zero, a FIFO that never
 * ends and a 10 GB sparse file, which were read until memory ran out.
 */
export const MAX_INPUT_TEXT_BYTES = MAX_BODY_BYTES;

/**
 * The text of path (or of stdin for "-"), at most maxBytes (else ApiError('bad-arg'), exit 2: a documented
 * bound; a regular file is refused by its size before a byte is read); throws ApiError (gone, denied, malformed)
 * saying why it cannot be read.
 */
export function readInputText(path: string, maxBytes = MAX_INPUT_TEXT_BYTES): string {
  let fd: number | undefined;
  try {
    fd = path === '-' ? 0 : openSync(path, 'r');
    const st = fstatSync(fd);
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (st.isFile() && st.size > maxBytes) throw inputTooLarge(path, maxBytes);
    return readAtMost(fd, path, maxBytes).toString('utf8');
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw fileError('read', path, err);
  } finally {
    if (fd !== undefined && path !== '-') closeSync(fd);
  }
}

/** The bytes of fd up to its end, refused once they pass maxBytes (a device or pipe has no size to check first). */
function readAtMost(fd: number, path: string, maxBytes: number): Buffer {
  const chunks: Buffer[] = [];
  let totalBytes = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(INPUT_CHUNK_BYTES);
    const n = readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) return Buffer.concat(chunks, totalBytes);
    totalBytes += n;
    if (totalBytes > maxBytes) throw inputTooLarge(path, maxBytes);
    chunks.push(chunk.subarray(0, n));
  }
}

function inputTooLarge(path: string, maxBytes: number): ApiError {
  const what = path === '-' ? 'standard input' : quoteUserInput(path);
  return new ApiError('bad-arg', `${what} is larger than ${formatKb(maxBytes / 1024)}, the most memscope reads`);
}

/**
 * Streams path (or stdin for "-") in chunks of at most chunkBytes (default 1 MiB), so an input never has to fit in memory whole:
 * `start` gets its size first (0 when unknown, e.g. a pipe), then `take` each chunk in order (a chunk is
 * lent: copy what must outlive the call, or the promise take returns, which is awaited before the next read).
 * Throws ApiError (gone, denied, malformed) saying why it cannot be read.
 */
export async function readInputChunks(
  path: string,
  start: (sizeBytes: number) => void,
  take: (chunk: Uint8Array) => void | Promise<void>,
  chunkBytes = INPUT_CHUNK_BYTES,
): Promise<void> {
  let fd: number;
  let regular = false;
  try {
    fd = path === '-' ? 0 : openSync(path, 'r');
    const st = fstatSync(fd);
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    regular = st.isFile() && path !== '-';
    start(st.isFile() ? st.size : 0);
  } catch (err) {
    throw fileError('read', path, err);
  }
  try {
    if (regular) return await readFileChunks(fd, take, chunkBytes);
    for await (const chunk of createReadStream('', { fd, highWaterMark: chunkBytes, autoClose: path !== '-' })) await take(chunk as Buffer);
  } catch (err) {
    // Only the stream's own failures (system errors name their syscall) are about the file; take's errors pass.
    if ((err as NodeJS.ErrnoException | undefined)?.syscall === undefined) throw err;
    throw fileError('read', path, err);
  }
}

/**
 * A regular file's chunks, read into one buffer lent to `take` again and again: a stream's fresh 1 MiB Buffer
 * per chunk left the whole file in garbage until the next collection (18 MB of peak RSS on a 2 M-op trace).
 */
async function readFileChunks(fd: number, take: (chunk: Uint8Array) => void | Promise<void>, chunkBytes: number): Promise<void> {
  const buf = new Uint8Array(chunkBytes);
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) await take(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}
