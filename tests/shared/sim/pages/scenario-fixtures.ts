// The named page scenarios of tests/fixtures/scenarios (one per rule of kernel-paging.md), read and parsed for
// the tests; a fixture that does not parse fails the test that loads it, naming the file and the bad field.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseScenario, type Scenario } from '../../../../shared/sim/pages/scenario.js';
import { REPO_ROOT } from '../../../helpers/paths.js';

/** The folder of the named scenarios. */
export const SCENARIO_DIR = resolve(REPO_ROOT, 'tests/fixtures/scenarios');

/** Reads and parses SCENARIO_DIR/file (file as in the folder, e.g. "zero-page.json"). */
export function loadScenarioFixture(file: string): Scenario {
  const parsed = parseScenario(readFileSync(resolve(SCENARIO_DIR, file), 'utf8'));
  if (!parsed.ok) throw new Error(`${file}: ${parsed.error.path}: ${parsed.error.message}`);
  return parsed.scenario;
}
