// Writes a file so that readers see the old content or the whole new content, never half:
// temp file in the same directory, fsync, rename over the target, fsync the directory.
// A replaced file keeps its mode; a new one is 0600 (snapshots hold command lines); a signal
// mid-write removes the temp file (the write and fsync run on the thread pool, so a signal's
// listener runs while the temp file exists instead of after it was renamed).
import { closeSync, fchmodSync, fsync, fsyncSync, openSync, renameSync, rmSync, statSync, write } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { isApiError } from '../../../shared/errors.js';
import { fileError } from './file-error.js';
import { removeOnSignal } from './signal-cleanup.js';

/** Mode of a file that did not exist: only its owner may read what memscope wrote about a process. */
export const NEW_FILE_MODE = 0o600;

const writeAsync = promisify(write);
const fsyncAsync = promisify(fsync);

/** Atomically replaces path with data. Throws ApiError (gone, denied, malformed) with the reason on failure. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await writeFileAtomicStream(path, async (write) => write(data));
}

/** Appends one piece to the file being written (strings as UTF-8). */
export type WriteChunk = (data: string | Uint8Array) => Promise<void>;

/**
 * Atomically replaces path with what `produce` writes, piece by piece (memscope snapshot streams 50 MB
 * without holding it): the pieces go to the temp file as they come, and only when produce resolves is it
 * fsynced and renamed over path. If produce throws, or a signal arrives, the temp file is removed and path
 * is untouched. Throws ApiError: produce's own, or the write's (gone, denied, malformed) with the reason.
 */
export async function writeFileAtomicStream(path: string, produce: (write: WriteChunk) => Promise<void>): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now()}`);
  const mode = modeToKeep(path);
  const release = removeOnSignal(tmp);
  let fd = -1;
  let producing = false;
  try {
    fd = openSync(tmp, 'wx', mode);
    fchmodSync(fd, mode); // exactly the old mode, whatever the umask
    const file = fd;
    const write: WriteChunk = async (data) => {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let written = 0;
      while (written < bytes.length) written += (await writeAsync(file, bytes, written, bytes.length - written)).bytesWritten;
    };
    producing = true;
    await produce(write);
    producing = false;
    await fsyncAsync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
    syncDirectory(dirname(path));
  } catch (err) {
    if (fd >= 0) closeSync(fd);
    try {
      rmSync(tmp, { force: true });
    } catch {
      // a path the kernel refuses (ENAMETOOLONG, ENOTDIR) never got a temp file; report the write's own error
    }
    // produce's errors are its own (the process went away mid-read); the file's are a failed write.
    if (producing && isApiError(err)) throw err;
    throw fileError('write', path, err); // a run-time failure (exit 1), never bad usage
  } finally {
    release();
  }
}

/** The permission bits of the file being replaced, or NEW_FILE_MODE when there is none. */
function modeToKeep(path: string): number {
  try {
    return statSync(path).mode & 0o777;
  } catch {
    return NEW_FILE_MODE;
  }
}

function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // some filesystems refuse fsync on directories; the rename itself is still atomic
  }
}
