// Writes a file so that readers see the old content or the whole new content, never half:
// temp file in the same directory, fsync, rename over the target, fsync the directory.
// A replaced file keeps its mode; a new one is 0600 (snapshots hold command lines); a signal
// mid-write removes the temp file (the write and fsync run on the thread pool, so a signal's
// listener runs while the temp file exists instead of after it was renamed).
// A path that is not a regular file (/dev/null, a FIFO, a terminal) is written straight through: renaming
// over it would put a regular file where the device was (as root, `-o /dev/null` replaced /dev/null). A
// symbolic link to a file keeps being a link: the file it points to is the one replaced.
import { closeSync, fchmodSync, fsync, fsyncSync, openSync, realpathSync, renameSync, rmSync, statSync, write, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
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
  const existing = statOrUndefined(path);
  if (existing !== undefined && !existing.isFile() && !existing.isDirectory()) return writeThrough(path, produce);
  // A link's target is replaced, not the link; a directory is left for the rename to refuse (EISDIR).
  let target = path;
  try {
    if (existing?.isFile() === true) target = realpathSync(path);
  } catch (err) {
    throw fileError('write', path, err); // gone or refused between the stat and now
  }
  await replaceAtomically(target, existing === undefined ? NEW_FILE_MODE : existing.mode & 0o777, produce, path);
}

/** Writes produce's pieces to a temp file next to target, then renames it over target (named path in errors). */
async function replaceAtomically(target: string, mode: number, produce: (write: WriteChunk) => Promise<void>, path: string): Promise<void> {
  const tmp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${Date.now()}`);
  const release = removeOnSignal(tmp);
  let fd = -1;
  let producing = false;
  try {
    fd = openSync(tmp, 'wx', mode);
    fchmodSync(fd, mode); // exactly the old mode, whatever the umask
    const file = fd;
    producing = true;
    await produce((data) => writeWhole(data, (bytes, from) => writeAsync(file, bytes, from, bytes.length - from)));
    producing = false;
    await fsyncAsync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, target);
    syncDirectory(dirname(target));
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

/**
 * Writes produce's pieces straight into a device, FIFO or socket path (no temp file: there is no file to
 * keep whole). The open runs on the thread pool, so a FIFO with no reader yet waits without blocking signals.
 */
async function writeThrough(path: string, produce: (write: WriteChunk) => Promise<void>): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'w');
  } catch (err) {
    throw fileError('write', path, err);
  }
  const file = handle;
  // produce's errors are its own (the process went away mid-read); the file's, close's too, are a failed write.
  let failure: unknown = null;
  try {
    await produce((data) => writeWhole(data, (bytes, from) => file.write(bytes, from, bytes.length - from)));
  } catch (err) {
    failure = isApiError(err) ? err : fileError('write', path, err);
  }
  try {
    await file.close();
  } catch (err) {
    failure ??= fileError('write', path, err);
  }
  if (failure !== null) throw failure;
}

/** Writes all of data (strings as UTF-8) with writeAt, which may write less than asked. */
async function writeWhole(data: string | Uint8Array, writeAt: (bytes: Uint8Array, from: number) => Promise<{ bytesWritten: number }>): Promise<void> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let written = 0;
  while (written < bytes.length) written += (await writeAt(bytes, written)).bytesWritten;
}

/** path's status (links followed), or undefined when nothing is there yet. */
function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
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
