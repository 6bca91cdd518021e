// Where things live, for tests running from dist/tests/**.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from dist/tests/helpers/, three levels down). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** Captured real /proc text, one folder per case. */
export const PROC_FIXTURES = resolve(REPO_ROOT, 'tests/fixtures/proc');
/** C harness sources (subject programs, replayers). */
export const HARNESS_DIR = resolve(REPO_ROOT, 'tests/harness');
/** The 13 CMU malloclab traces (see their README): test and benchmark data. */
export const MALLOCLAB_TRACES_DIR = resolve(REPO_ROOT, 'tests/fixtures/traces/malloclab');
/** The compiled CLI entry point. */
export const CLI_PATH = resolve(REPO_ROOT, 'dist/electron/cli.js');
