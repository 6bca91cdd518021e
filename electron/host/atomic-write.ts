// Writes a file so that readers see the old content or the whole new content, never half:
// temp file in the same directory, fsync, rename over the target, fsync the directory.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileError } from './file-error.js';

/** Atomically replaces path with data. Throws ApiError (gone, denied, malformed) with the reason on failure. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now()}`);
  let fd = -1;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
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
    throw fileError('write', path, err); // a run-time failure (exit 1), never bad usage
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
