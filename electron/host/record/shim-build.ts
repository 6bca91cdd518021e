// Builds the recording shim (memscope-record.c, shipped beside this module) with the system's cc on first
// use, into $XDG_CACHE_HOME/memscope (or ~/.cache/memscope), one file per source hash, renamed into place.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiError } from '../../../shared/errors.js';
import { escapeControlChars } from '../../../shared/text/escape.js';

/** The shim's C source: the build copies it next to the compiled module (package.json "build"). */
export const SHIM_SOURCE_PATH = resolve(dirname(fileURLToPath(import.meta.url)), 'memscope-record.c');

/** cc flags; part of the cache key, so changing them rebuilds. -fexceptions: a std::bad_alloc thrown through a recorded operator new runs its cleanup (the op written, the lock released). */
const CC_FLAGS = ['-O2', '-shared', '-fPIC', '-fvisibility=hidden', '-fexceptions', '-Wall'];
/** After the source: glibc < 2.34 keeps dlsym and pthread_* in their own libraries. */
const CC_LIBS = ['-ldl', '-lpthread'];

/** Where built shims live: $XDG_CACHE_HOME/memscope when that is absolute (XDG Base Directory spec), else ~/.cache/memscope. */
export function shimCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env['XDG_CACHE_HOME'];
  return join(xdg !== undefined && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'memscope');
}

/** The first line of cc's complaint, for a one-line error. */
function firstLine(text: string): string {
  return escapeControlChars(text.split('\n').find((l) => l.includes('error')) ?? text.split('\n')[0] ?? '');
}

/**
 * The path of the built shim, compiling it first when this source has not been built yet. Throws one-line
 * ApiErrors (exit 1) when cc is missing or fails, or the cache folder cannot be written.
 */
export function ensureRecordShim(): string {
  const source = readFileSync(SHIM_SOURCE_PATH);
  const key = createHash('sha256').update(source).update(CC_FLAGS.join(' ')).update(CC_LIBS.join(' ')).digest('hex').slice(0, 16);
  const dir = shimCacheDir();
  const out = join(dir, `memscope-record-${key}.so`);
  if (existsSync(out)) return out;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new ApiError('denied', `record: cannot create the shim cache ${escapeControlChars(dir)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const tmp = `${out}.tmp${process.pid}`;
  // The source goes in on stdin: read through Node's fs, it also builds from inside a packaged app's asar.
  const cc = spawnSync('cc', [...CC_FLAGS, '-o', tmp, '-x', 'c', '-', ...CC_LIBS], { input: source, encoding: 'utf8' });
  if ((cc.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new ApiError('gone', 'record: no C compiler: cc is not on PATH, and the recording shim is built from C on first use (apt-get install gcc)');
  }
  if (cc.error !== undefined || cc.status !== 0) {
    rmSync(tmp, { force: true });
    throw new ApiError('internal', `record: cc could not build the recording shim: ${firstLine(cc.stderr || String(cc.error))}`);
  }
  renameSync(tmp, out); // atomic: a concurrent `memscope record` never loads a half-written library
  return out;
}
