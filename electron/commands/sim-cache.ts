// `memscope sim cache [--geometry SPEC] [--format table|json] [--sets] PATTERN…`: replays access patterns
// through the cache-hierarchy simulator (shared/sim/cache/) with the machine's geometry from sysfs (or SPEC)
// and prints accesses, hits and misses per level.
import { parseArgs } from 'node:util';
import { ApiError } from '../../shared/errors.js';
import { quoteUserInput } from '../../shared/text/escape.js';
import { formatCacheReport, formatGeometry } from '../../shared/sim/cache/format.js';
import { parseGeometrySpec, type CacheGeometry } from '../../shared/sim/cache/geometry.js';
import { describePatternKinds } from '../../shared/sim/access/pattern-catalog.js';
import { simulateCache } from '../../shared/sim/cache/simulate.js';
import { readHostCacheGeometry, SYSFS_CACHE_DIR } from '../host/system/cache-geometry.js';
import { parseCommandArgs } from './args.js';
import { resolvePatternArgs } from './pattern-arg.js';

const FORMATS = ['table', 'json'] as const;

/** Runs `memscope sim cache`. */
export async function runSimCache(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('sim cache', () =>
    parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        geometry: { type: 'string', short: 'g' },
        format: { type: 'string', short: 'f' },
        sets: { type: 'boolean' },
        list: { type: 'boolean' },
      },
    }),
  );
  if (values.list === true) {
    process.stdout.write(`built-in patterns (NAME[:key=value,…], defaults shown):\n${describePatternKinds()}\n`);
    return 0;
  }
  const format = values.format ?? 'table';
  if (!(FORMATS as readonly string[]).includes(format)) throw new ApiError('bad-arg', `sim cache: unknown --format ${quoteUserInput(format)} (expected table or json)`);
  if (positionals.length === 0) throw new ApiError('bad-arg', 'sim cache: expected PATTERN (see memscope sim cache --list); see memscope --help');
  let geometry: CacheGeometry;
  let source: string;
  const notes: string[] = [];
  if (values.geometry === undefined || values.geometry === 'host') {
    const host = readHostCacheGeometry();
    geometry = host.levels;
    source = host.source === 'sysfs' ? SYSFS_CACHE_DIR : 'built-in fallback (sysfs unreadable)';
    notes.push(...host.problems);
  } else {
    geometry = parseGeometrySpec(values.geometry);
    source = '--geometry';
  }
  const patterns = resolvePatternArgs('sim cache', positionals);
  const reports = patterns.map((p) => simulateCache(geometry, p, { setHeat: values.sets === true }));
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify({ geometry, geometrySource: source, notes, results: reports })}\n`);
    return 0;
  }
  const out = [`geometry (${source}):`, formatGeometry(geometry), ...notes.map((n) => `  not used: ${n}`), ''];
  for (const r of reports) {
    out.push(formatCacheReport(r));
    if (values.sets === true) for (const l of r.levels) out.push(`${l.name} line misses per set: ${(l.setLineMisses ?? []).join(' ')}`, '');
  }
  process.stdout.write(`${out.join('\n')}`);
  return 0;
}
