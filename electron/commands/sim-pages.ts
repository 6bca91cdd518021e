// `memscope sim pages SCENARIO.json [--format table|json]`: runs a page-level scenario through the demand-paging
// and copy-on-write simulator (shared/sim/pages/) and prints a step-by-step table or the JSON report of issue 5.
import { parseArgs } from 'node:util';
import { ApiError } from '../../shared/errors.js';
import { quoteUserInput } from '../../shared/text/escape.js';
import { buildSimPagesReport, countTableRows, formatStepTable, MAX_TABLE_ROWS } from '../../shared/sim/pages/format.js';
import { parseScenario, type Scenario } from '../../shared/sim/pages/scenario.js';
import { simulateScenario } from '../../shared/sim/pages/simulate.js';
import { PagesBoundError } from '../../shared/sim/pages/state.js';
import { expectPositionals, parseCommandArgs } from './args.js';
import { readInputText } from './read-input.js';

const FORMATS = ['table', 'json'] as const;

/**
 * Reads and validates a scenario file; a bad field is reported as `PATH: steps[3].region: why` (malformed, exit 1),
 * a field past a bound the same way as a usage error (exit 2).
 */
export function readScenarioFile(path: string): Scenario {
  const text = readInputText(path);
  const parsed = parseScenario(text);
  if (!parsed.ok) {
    const where = parsed.error.path === '' ? '' : `${parsed.error.path}: `;
    // JSON.parse messages are one line; keep every message on one line whatever it quotes.
    throw new ApiError(parsed.error.beyondBound ? 'bad-arg' : 'malformed', `${path}: ${where}${parsed.error.message}`.replace(/\s*\n\s*/g, ' '));
  }
  return parsed.scenario;
}

/** The output for a scenario; a run that passes a bound of the simulated machine is a usage error naming the step. */
function renderScenario(path: string, scenario: Scenario, format: string): string {
  try {
    return format === 'json' ? `${JSON.stringify(buildSimPagesReport(scenario))}\n` : formatStepTable(simulateScenario(scenario));
  } catch (e) {
    if (e instanceof PagesBoundError) throw new ApiError('bad-arg', `${path}: ${e.message}`);
    throw e;
  }
}

/** Runs `memscope sim pages`. */
export async function runSimPages(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('sim pages', () =>
    parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: { format: { type: 'string', short: 'f' } },
    }),
  );
  const format = values.format ?? 'table';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new ApiError('bad-arg', `sim pages: unknown --format ${quoteUserInput(format)} (expected ${FORMATS.join(' or ')})`);
  }
  const [path] = expectPositionals('sim pages', positionals, ['scenario.json']);
  const scenario = readScenarioFile(path ?? '');
  const rows = format === 'table' ? countTableRows(scenario) : 0;
  if (rows > MAX_TABLE_ROWS) {
    throw new ApiError('bad-arg', `${path}: the step table would have ${rows} rows, more than ${MAX_TABLE_ROWS} (the bound); --format json prints only the final rows`);
  }
  process.stdout.write(renderScenario(path ?? '', scenario, format));
  return 0;
}
