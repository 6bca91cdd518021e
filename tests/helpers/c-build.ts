// Compiles a C harness from tests/harness/ once per content, caching the binary under dist/c/.
import { execFileSync } from 'node:child_process';
import { createHash, type Hash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { HARNESS_DIR, REPO_ROOT } from './paths.js';

/** `#include "file"` (quoted: the harness's own headers; <system> headers are not followed). */
const LOCAL_INCLUDE = /^\s*#\s*include\s+"([^"]+)"/gm;

/** Feeds a source and every local header it includes (recursively, each once) into the hash. */
function hashSourceTree(path: string, hash: Hash, seen: Set<string>): void {
  if (seen.has(path)) return;
  seen.add(path);
  const text = readFileSync(path);
  hash.update(text);
  for (const m of text.toString('utf8').matchAll(LOCAL_INCLUDE)) hashSourceTree(resolve(dirname(path), m[1]!), hash, seen);
}

/**
 * Builds tests/harness/<name> with gcc (-O2) and returns the binary's path. The cache key covers the source,
 * the local headers it includes and the flags, so changing a shared header rebuilds every harness using it.
 * Extra flags (e.g. ['-ltcmalloc_minimal']) go after the source.
 */
export function buildHarness(name: string, extraFlags: string[] = []): string {
  const src = resolve(HARNESS_DIR, name);
  const hash = createHash('sha256');
  hashSourceTree(src, hash, new Set());
  const key = hash.update(extraFlags.join(' ')).digest('hex').slice(0, 12);
  const outDir = resolve(REPO_ROOT, 'dist/c');
  mkdirSync(outDir, { recursive: true });
  const out = resolve(outDir, `${basename(name, '.c')}-${key}`);
  if (!existsSync(out)) {
    const tmp = `${out}.tmp${process.pid}`;
    execFileSync('gcc', ['-O2', '-Wall', '-o', tmp, src, ...extraFlags], { stdio: ['ignore', 'inherit', 'inherit'] });
    renameSync(tmp, out); // atomic: parallel test files never run a half-written binary
  }
  return out;
}
