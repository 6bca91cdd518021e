// The only memscope module that opens files under /proc (the systeminformation library, system/system-info.ts,
// reads /proc/meminfo itself): callers name a file ('meminfo', `${pid}/pagemap`) and get text, bytes or an fd
// back, so the root (a copy elsewhere in tests) and the fs calls live here. Per-tick and large files go through
// one reused, growing buffer (no allocation per read) and fds kept open between ticks.
// Kernel behaviour relied on: a kept fd of an exited process reads ESRCH, never the pid's next owner; pread at
// offset 0 regenerates a seq_file.
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, readSync } from 'node:fs';
import { ApiError } from '../../../shared/errors.js';

/** The kernel's /proc; readers take another root only in tests. */
export const PROC_ROOT = '/proc';

const INITIAL_BUFFER_BYTES = 64 * 1024;
const FIRST_READ_BYTES = 8192;
/**
 * When a file does not fit, the buffer grows ×16 up to FAST_GROWTH_LIMIT_BYTES, then ×2. Every
 * byte of a buffer outgrown was copied and every page of it faulted in for nothing: doubling from
 * 64 KiB to hold a 14 MB smaps copies 16 MB and touches 30 MB; 64 KiB → 1 MiB → 16 MiB copies 1 MiB
 * and touches 15 MB (pages never written are never committed).
 */
const FAST_GROWTH_LIMIT_BYTES = 16 * 1024 * 1024;

/** True for the errno codes of a /proc file whose process exited (ENOENT opening it, ESRCH reading a kept fd). */
export function isGoneCode(code: string | undefined): boolean {
  return code === 'ENOENT' || code === 'ESRCH';
}

/** Turns an fs error about `what` into the ApiError every transport speaks. */
export function toApiError(err: unknown, what: string): ApiError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (isGoneCode(code)) return new ApiError('gone', `${what}: no such process (it exited)`);
  if (code === 'EACCES' || code === 'EPERM') {
    // Root can be refused too (/proc/1 here, other PID namespaces, ptrace restrictions).
    const hint = process.getuid?.() === 0 ? 'the kernel refuses it even to root' : "reading another user's process needs root";
    return new ApiError('denied', `${what}: permission denied (${hint})`);
  }
  return new ApiError('internal', `${what}: ${(err as Error | undefined)?.message ?? String(err)}`);
}

/**
 * Reads a small /proc file whole as text, named from the root ('meminfo', 'cpuinfo', 'self/limits',
 * 'sys/vm/overcommit_memory', `${pid}/maps`). For files read now and then; per-tick and large reads go through
 * a ProcReader. Throws raw fs errors (see toApiError).
 */
export function readProcText(file: string, procRoot = PROC_ROOT): string {
  return readFileSync(`${procRoot}/${file}`, 'latin1');
}

/** Opens a /proc file for preadFull at offsets of the caller's choosing (`${pid}/pagemap`, 'kpageflags'). Throws raw fs errors. */
export function openProcFile(file: string, procRoot = PROC_ROOT): number {
  return openSync(`${procRoot}/${file}`, 'r');
}

/**
 * True when the /proc at procRoot is the one of this process's pid namespace (the one /proc/loadavg's last pid
 * counts in): /proc/self resolves to our own pid there, and our status lists one pid (NSpid has a field per
 * namespace from the mount's down to ours).
 */
export function isOwnPidNamespace(procRoot = PROC_ROOT): boolean {
  try {
    if (readlinkSync(`${procRoot}/self`) !== String(process.pid)) return false;
    const nspid = /^NSpid:(.*)$/m.exec(readProcText('self/status', procRoot))?.[1];
    return nspid !== undefined && nspid.trim().split(/\s+/).length === 1;
  } catch {
    return false;
  }
}

/** preads until `length` bytes or EOF; returns the bytes read. Positions may pass 2^53 (pagemap of [vsyscall]). Throws raw fs errors. */
export function preadFull(fd: number, into: Uint8Array, length: number, position: number | bigint): number {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, into, done, length - done, typeof position === 'bigint' ? position + BigInt(done) : position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** Reads /proc (or a copy of it rooted elsewhere) with one reused buffer. */
export class ProcReader {
  private buf: Buffer = Buffer.allocUnsafe(INITIAL_BUFFER_BYTES);
  /** buf as a plain Uint8Array: its subarray and indexOf are builtins, a Buffer's go through node:buffer (per tick × every process). */
  private bufView = new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  /** buf as 32-bit words (a buffer this large is its own ArrayBuffer, at offset 0): KeptText compares and copies by words. */
  private bufWords = new Int32Array(this.buf.buffer, this.buf.byteOffset, this.buf.length >> 2);
  /** buf as 64-bit words (its length a multiple of 8: 64 KiB grown ×16 or ×2), which KeptText compares as doubles. */
  private bufDoubles = new Float64Array(this.buf.buffer, this.buf.byteOffset, this.buf.length >> 3);

  /** procRoot is PROC_ROOT except in tests that point it elsewhere. */
  constructor(readonly procRoot = PROC_ROOT) {}

  /** Path of a per-process file, e.g. pathOf(42, 'smaps') → /proc/42/smaps. */
  pathOf(pid: number, file: string): string {
    return `${this.procRoot}/${pid}/${file}`;
  }

  /** Every numeric entry of /proc: the live tgids, in readdir order. */
  listPids(): number[] {
    const pids: number[] = [];
    for (const name of readdirSync(this.procRoot)) {
      const c = name.charCodeAt(0);
      if (c >= 48 && c <= 57) pids.push(Number(name));
    }
    return pids;
  }

  /**
   * Reads a whole file. The returned view aliases the reused buffer: it is valid only
   * until the next read through this reader. Throws raw fs errors (see toApiError).
   */
  readPath(path: string): Uint8Array {
    const length = this.readPathLength(path); // first: the read may replace bufView with a bigger one
    return this.bufView.subarray(0, length);
  }

  /**
   * Reads a whole file into the reused buffer and returns its length: the bytes are readBuffer[0, length),
   * valid until the next read (the sampler's per-tick path: no view allocated per read). Throws raw fs errors.
   */
  readPathLength(path: string): number {
    const fd = openSync(path, 'r');
    try {
      return this.readFd(fd, false);
    } finally {
      closeSync(fd);
    }
  }

  /** The reused buffer that readPathLength and preadKeptLength fill from offset 0. */
  get readBuffer(): Uint8Array {
    return this.bufView;
  }

  /** readBuffer as 32-bit words, word i holding bytes [4i, 4i + 4). */
  get readWords(): Int32Array {
    return this.bufWords;
  }

  /** readBuffer as 64-bit words (as doubles), word i holding bytes [8i, 8i + 8). */
  get readDoubles(): Float64Array {
    return this.bufDoubles;
  }

  /** Reads /proc/PID/FILE whole (view valid until the next read). Throws ApiError. */
  readProcFile(pid: number, file: string): Uint8Array {
    try {
      return this.readPath(this.pathOf(pid, file));
    } catch (err) {
      throw toApiError(err, `/proc/${pid}/${file}`);
    }
  }

  /** Like readProcFile but returns a copy the caller may keep. */
  readProcFileCopy(pid: number, file: string): Uint8Array {
    return Uint8Array.prototype.slice.call(this.readProcFile(pid, file));
  }

  /**
   * Reads /proc/PID/FILE in pieces of at most chunkBytes, in order, so a 70 MB smaps is never in memory
   * whole (memscope snapshot streams it). Each yielded view aliases one buffer of this generator: use it
   * before asking for the next. Throws ApiError.
   */
  *readProcFileChunks(pid: number, file: string, chunkBytes: number): Generator<Uint8Array, void, undefined> {
    const where = `/proc/${pid}/${file}`;
    const chunk = Buffer.allocUnsafe(chunkBytes);
    let fd: number;
    try {
      fd = openSync(this.pathOf(pid, file), 'r');
    } catch (err) {
      throw toApiError(err, where);
    }
    try {
      // A seq_file read returns about a page whatever is asked: fill the chunk, so consumers see few large pieces.
      for (let eof = false; !eof; ) {
        let filled = 0;
        while (filled < chunkBytes) {
          let n: number;
          try {
            n = readSync(fd, chunk, filled, chunkBytes - filled, null);
          } catch (err) {
            throw toApiError(err, where);
          }
          if (n === 0) {
            eof = true;
            break;
          }
          filled += n;
        }
        if (filled > 0) yield chunk.subarray(0, filled);
      }
    } finally {
      closeSync(fd);
    }
  }

  /** Opens a file to be re-read with preadKept each tick. Throws raw fs errors. */
  openKept(path: string): number {
    return openSync(path, 'r');
  }

  /** Re-reads a kept fd from offset 0 (view valid until the next read). Throws raw fs errors. */
  preadKept(fd: number): Uint8Array {
    const length = this.readFd(fd, true); // first: the read may replace bufView with a bigger one
    return this.bufView.subarray(0, length);
  }

  /** Re-reads a kept fd from offset 0 into readBuffer; returns the length. Throws raw fs errors. */
  preadKeptLength(fd: number): number {
    return this.readFd(fd, true);
  }

  /** Closes a kept fd, ignoring errors (the process may be long gone). */
  closeKept(fd: number): void {
    try {
      closeSync(fd);
    } catch {
      // already closed: nothing to release
    }
  }

  /** readlink of /proc/PID/<link> (exe, cwd), or null when unreadable or a kernel thread. */
  readLink(pid: number, link: string): string | null {
    try {
      return readlinkSync(this.pathOf(pid, link));
    } catch {
      return null;
    }
  }

  /** Reads until EOF into buf[0, length), growing it so a 14 MB smaps is read in large chunks; returns the length. */
  private readFd(fd: number, fromStart: boolean): number {
    let total = 0;
    for (;;) {
      if (total === this.buf.length) {
        const bigger = Buffer.allocUnsafe(this.buf.length * (this.buf.length < FAST_GROWTH_LIMIT_BYTES ? 16 : 2));
        this.buf.copy(bigger, 0, 0, total);
        this.buf = bigger;
        this.bufView = new Uint8Array(bigger.buffer, bigger.byteOffset, bigger.length);
        this.bufWords = new Int32Array(bigger.buffer, bigger.byteOffset, bigger.length >> 2);
        this.bufDoubles = new Float64Array(bigger.buffer, bigger.byteOffset, bigger.length >> 3);
      }
      // Explicit positions for kept fds (pread); null position continues a fresh open.
      // Small first reads: the kernel's cost grows with the length asked for, and a per-tick file is < 4 KiB.
      const want = Math.min(this.buf.length - total, total === 0 ? FIRST_READ_BYTES : this.buf.length);
      const n = readSync(fd, this.buf, total, want, fromStart ? total : null);
      if (n === 0) break;
      total += n;
      // Kept files (stat, statm, status) are single_open seq_files: one read returns all of it
      // when it fits, and a second pread at the end would make the kernel regenerate the text.
      if (fromStart && n < want) break;
    }
    return total;
  }
}
