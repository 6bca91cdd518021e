// `memscope sim tlb [--entries N] [--ways W] [--page 4k|2m] [--format table|json] PATTERN…`: replays access
// patterns through the TLB model (shared/sim/tlb/); without --page it compares 4 KiB with 2 MiB pages.
import { parseArgs } from 'node:util';
import { ApiError } from '../../shared/errors.js';
import { quoteUserInput } from '../../shared/text/escape.js';
import { describePatternKinds } from '../../shared/sim/access/pattern-catalog.js';
import { formatTlbReports } from '../../shared/sim/tlb/format.js';
import { DEFAULT_TLB_2M, DEFAULT_TLB_4K, validateTlbGeometry, type TlbGeometry } from '../../shared/sim/tlb/params.js';
import { compareTlbPageSizes } from '../../shared/sim/tlb/simulate.js';
import { parsePositiveNumber } from '../../shared/validate.js';
import { parseCommandArgs } from './args.js';
import { resolvePatternArgs } from './pattern-arg.js';

const PAGES: Record<string, TlbGeometry> = { '4k': DEFAULT_TLB_4K, '2m': DEFAULT_TLB_2M };

/** Runs `memscope sim tlb`. */
export async function runSimTlb(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('sim tlb', () =>
    parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        entries: { type: 'string' },
        ways: { type: 'string' },
        page: { type: 'string' },
        format: { type: 'string', short: 'f' },
        list: { type: 'boolean' },
      },
    }),
  );
  if (values.list === true) {
    process.stdout.write(`built-in patterns (NAME[:key=value,…], defaults shown):\n${describePatternKinds()}\n`);
    return 0;
  }
  const format = values.format ?? 'table';
  if (format !== 'table' && format !== 'json') throw new ApiError('bad-arg', `sim tlb: unknown --format ${quoteUserInput(format)} (expected table or json)`);
  const pageKey = values.page?.toLowerCase();
  if (pageKey !== undefined && PAGES[pageKey] === undefined) throw new ApiError('bad-arg', `sim tlb: unknown --page ${quoteUserInput(values.page ?? '')} (expected 4k or 2m)`);
  if (positionals.length === 0) throw new ApiError('bad-arg', 'sim tlb: expected PATTERN (see memscope sim tlb --list); see memscope --help');
  const entries = values.entries === undefined ? undefined : parsePositiveNumber(values.entries, '--entries', { integer: true, min: 1 });
  const ways = values.ways === undefined ? undefined : parsePositiveNumber(values.ways, '--ways', { integer: true, min: 1 });
  const geometries = (pageKey === undefined ? [DEFAULT_TLB_4K, DEFAULT_TLB_2M] : [PAGES[pageKey]!]).map((g) => ({
    entries: entries ?? g.entries,
    ways: ways ?? g.ways,
    pageBytes: g.pageBytes,
  }));
  for (const g of geometries) {
    const problems = validateTlbGeometry(g);
    if (problems.length > 0) throw new ApiError('bad-arg', `sim tlb: ${problems[0]}`);
  }
  const results = resolvePatternArgs('sim tlb', positionals).map((pattern) => compareTlbPageSizes(pattern, geometries));
  if (format === 'json') process.stdout.write(`${JSON.stringify({ results })}\n`);
  else process.stdout.write(results.map(formatTlbReports).join('\n'));
  return 0;
}
