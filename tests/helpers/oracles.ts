// The optional oracles of tests/oracles.json: whether each is installed (its file exists), the skip reason
// when it is not, and MEMSCOPE_REQUIRE_ORACLES=1 (CI) turning that skip into a failure with the same reason.
// tests/run.mjs reads the same table for its closing summary line, .ci/run for what it apt-installs.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT } from './paths.js';

/** One optional program the tests use as an oracle. */
export interface Oracle {
  /** What tests name it by: `oracleMissing('chromium')`. */
  id: string;
  /** Absolute path whose existence means it is installed. */
  file: string;
  /** The Debian package that installs `file`. */
  package: string;
  /** What the tests prove with it. */
  proves: string;
}

/** The table, one file for the helpers, tests/run.mjs and .ci/run. */
export const ORACLES_FILE = resolve(REPO_ROOT, 'tests/oracles.json');

/** Every optional oracle, in table order. */
export const ORACLES: readonly Oracle[] = (JSON.parse(readFileSync(ORACLES_FILE, 'utf8')) as { oracles: Oracle[] }).oracles;

/** Set to 1 (CI does), a missing oracle fails the tests that need it instead of skipping them. */
export const REQUIRE_ORACLES_ENV = 'MEMSCOPE_REQUIRE_ORACLES';

/** Whether MEMSCOPE_REQUIRE_ORACLES=1. */
export function areOraclesRequired(): boolean {
  return process.env[REQUIRE_ORACLES_ENV] === '1';
}

/** The oracle named `id`; an unknown id is a mistake in the test, so it throws. */
export function findOracle(id: string): Oracle {
  const oracle = ORACLES.find((o) => o.id === id);
  if (oracle === undefined) throw new Error(`no oracle '${id}' in ${ORACLES_FILE} (known: ${ORACLES.map((o) => o.id).join(', ')})`);
  return oracle;
}

/** The reason a test skips or fails without it: "needs /usr/bin/chromium (apt-get install chromium)". */
export function explainOracleNeed(oracle: Oracle): string {
  return `needs ${oracle.file} (apt-get install ${oracle.package})`;
}

/** The oracles whose file is not on this machine, in table order. */
export function listMissingOracles(): Oracle[] {
  return ORACLES.filter((o) => !existsSync(o.file));
}

/** The one command that installs these oracles (each package once, in table order). */
export function formatAptInstall(oracles: readonly Oracle[]): string {
  return `apt-get install -y ${[...new Set(oracles.map((o) => o.package))].join(' ')}`;
}

/**
 * node:test's `skip` option for a test or suite that needs these oracles: the reason of the first one
 * missing, or false when all are installed. With MEMSCOPE_REQUIRE_ORACLES=1 it is always false, so the
 * test runs and fails with the same reason in requireOracle (never a silent skip in CI).
 */
export function oracleMissing(...ids: string[]): string | false {
  const missing = ids.map(findOracle).find((o) => !existsSync(o.file));
  return missing === undefined || areOraclesRequired() ? false : explainOracleNeed(missing);
}

/** The oracle's file; throws the reason when it is missing. Called where a test first uses the oracle. */
export function requireOracle(id: string): string {
  const oracle = findOracle(id);
  if (!existsSync(oracle.file)) throw new Error(explainOracleNeed(oracle));
  return oracle.file;
}
