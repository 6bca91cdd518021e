// Compiles a C harness from tests/harness/ once per content, caching the binary under dist/c/.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { HARNESS_DIR, REPO_ROOT } from './paths.js';

/**
 * Builds tests/harness/<name> with gcc (-O2) and returns the binary's path.
 * Extra flags (e.g. ['-ltcmalloc_minimal']) go after the source.
 */
export function buildHarness(name: string, extraFlags: string[] = []): string {
  const src = resolve(HARNESS_DIR, name);
  const hash = createHash('sha256').update(readFileSync(src)).update(extraFlags.join(' ')).digest('hex').slice(0, 12);
  const outDir = resolve(REPO_ROOT, 'dist/c');
  mkdirSync(outDir, { recursive: true });
  const out = resolve(outDir, `${basename(name, '.c')}-${hash}`);
  if (!existsSync(out)) {
    const tmp = `${out}.tmp${process.pid}`;
    execFileSync('gcc', ['-O2', '-Wall', '-o', tmp, src, ...extraFlags], { stdio: ['ignore', 'inherit', 'inherit'] });
    renameSync(tmp, out); // atomic: parallel test files never run a half-written binary
  }
  return out;
}
