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
import { ApiError, isApiError } from '../../../shared/errors.js';
import { quoteUserInput } from '../../../shared/text/escape.js';
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
  const plan = planReplace(path);
  if (plan === null) return writeThrough(path, produce);
  await replaceAtomically(plan, produce, path);
}

/** Where an atomic replace of a path writes: the file renamed over (a link's target) and the mode it gets. */
export interface ReplacePlan {
  /** The path the temp file is renamed over: path itself, or the file a symbolic link points to. */
  target: string;
  /** A replaced file's own mode; NEW_FILE_MODE for a new one. */
  mode: number;
}

/**
 * How path is replaced atomically, or null when it is not a regular file (a device, FIFO, socket) and must be
 * written straight through. A link's target is replaced, not the link; a directory is left for the rename to
 * refuse (EISDIR). Throws the one-line write error when path went away or was refused between stat and realpath.
 */
export function planReplace(path: string): ReplacePlan | null {
  const existing = statOrUndefined(path);
  if (existing !== undefined && !existing.isFile() && !existing.isDirectory()) return null;
  let target = path;
  try {
    if (existing?.isFile() === true) target = realpathSync(path);
  } catch (err) {
    throw fileError('write', path, err);
  }
  return { target, mode: existing === undefined ? NEW_FILE_MODE : existing.mode & 0o777 };
}

/** The temp file's path beside target (same directory: the rename stays on one file system). */
function tempPathBeside(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${Date.now()}`);
}

/**
 * Creates the temp file at tmpPath (tempPathBeside) with exactly mode, whatever the umask, and returns its fd.
 * Throws the one-line error naming path, the file the user asked for.
 */
function createTempFile(tmpPath: string, mode: number, path: string): number {
  let fd = -1;
  try {
    fd = openSync(tmpPath, 'wx', mode);
    fchmodSync(fd, mode);
    return fd;
  } catch (err) {
    if (fd >= 0) {
      closeSync(fd);
      rmSync(tmpPath, { force: true });
    }
    // /proc and /sys answer a new name with ENOENT though the folder is there: "no such file" would be a lie.
    const dir = dirname(tmpPath);
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && isDirectory(dir)) {
      throw new ApiError('denied', `cannot write ${quoteUserInput(path)}: ${quoteUserInput(dir)} does not let files be created (memscope writes a temp file there, then renames it)`);
    }
    throw fileError('write', path, err);
  }
}

/** Puts a written and fsynced temp file in target's place (atomic), then makes the rename durable. */
export function renameIntoPlace(tmpPath: string, target: string): void {
  renameSync(tmpPath, target);
  syncDirectory(dirname(target));
}

/** A temp file beside plan.target. */
export interface TempBeside {
  tmpPath: string;
  /** Open for writing, with exactly plan.mode. */
  fd: number;
  /** Stops removing tmpPath on SIGINT/SIGTERM (once it is renamed, or to be kept). */
  release: () => void;
}

/**
 * Creates the temp file that will replace plan.target, removed by a signal until `release`. Throws the one-line write
 * error (named by path), with nothing left behind.
 */
export function openTempBeside(plan: ReplacePlan, path: string): TempBeside {
  const tmpPath = tempPathBeside(plan.target);
  // Before the file exists: until a listener is installed, SIGTERM kills node at once, leaving the file behind.
  const release = removeOnSignal(tmpPath);
  try {
    return { tmpPath, fd: createTempFile(tmpPath, plan.mode, path), release };
  } catch (err) {
    release();
    throw err;
  }
}

/** Writes produce's pieces to a temp file next to plan.target, then renames it over the target (named path in errors). */
async function replaceAtomically(plan: ReplacePlan, produce: (write: WriteChunk) => Promise<void>, path: string): Promise<void> {
  const { tmpPath, fd, release } = openTempBeside(plan, path);
  let open = true;
  let producing = false;
  try {
    producing = true;
    await produce((data) => writeWhole(data, (bytes, from) => writeAsync(fd, bytes, from, bytes.length - from)));
    producing = false;
    await fsyncAsync(fd);
    open = false;
    closeSync(fd);
    renameIntoPlace(tmpPath, plan.target);
  } catch (err) {
    if (open) closeSync(fd);
    rmSync(tmpPath, { force: true });
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

/** True when path is a directory (links followed). */
function isDirectory(path: string): boolean {
  return statOrUndefined(path)?.isDirectory() === true;
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
