// `memscope top`: like `top -b`, every process each tick, as a table or one JSON array per tick. It reads only
// the files the printed columns (and the sort column) need: the default columns cost stat + statm, no status.
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { ApiError } from '../../shared/errors.js';
import { ALL_COLUMN_IDS, COLUMNS, DEFAULT_COLUMNS, ROLLUP_COLUMNS, isColumnId, type ColumnId } from '../../shared/proc/columns.js';
import { quoteUserInput } from '../../shared/text/escape.js';
import { parseIntervalMs, parsePositiveNumber } from '../../shared/validate.js';
import { Sampler } from '../host/proc/sampler.js';
import { expectNoPositionals, parseCommandArgs } from './args.js';
import { TopSorter } from './top-sort.js';
import { TopTable } from './top-table.js';

/** top's and htop's header names (and the ids) accepted by --sort and -o, mapped to column ids. */
const COLUMN_ALIASES: Record<string, ColumnId> = Object.fromEntries(
  COLUMNS.flatMap((c) => [
    [c.title.toLowerCase(), c.id],
    [c.id.toLowerCase(), c.id],
  ]),
);

/** Columns `top` can print: every column but the smaps_rollup ones, which the app reads for the rows on screen only. */
const TOP_COLUMNS: readonly ColumnId[] = ALL_COLUMN_IDS.filter((id) => !ROLLUP_COLUMNS.includes(id));

/** Runs `memscope top [-n N] [-d SECONDS] [-o COLUMNS] [--sort FIELD] [--limit K] [--json]`. */
export async function runTop(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('top', () =>
    parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        n: { type: 'string', short: 'n' },
        d: { type: 'string', short: 'd' },
        columns: { type: 'string', short: 'o' },
        sort: { type: 'string', short: 's' },
        limit: { type: 'string', short: 'k' },
        json: { type: 'boolean' },
      },
    }),
  );
  expectNoPositionals('top', positionals);
  const iterations = values.n === undefined ? Infinity : parsePositiveNumber(values.n, '-n', { integer: true, min: 1 });
  const delayMs = values.d === undefined ? 1000 : parseIntervalMs(values.d, 0.01);
  const limit = values.limit === undefined ? Infinity : parsePositiveNumber(values.limit, '--limit', { integer: true, min: 1 });
  const sortKey = parseColumn(values.sort ?? 'resKb', '--sort');
  const json = values.json === true;
  // JSON rows carry every field, so --json reads every file unless -o says which columns.
  const shown = values.columns === undefined ? (json ? TOP_COLUMNS : DEFAULT_COLUMNS) : parseColumnList(values.columns);

  // The app's sampler (the service's tick without its histories), ticked at top's pace. Not the service itself: its
  // module graph (heap, pages, snapshots…) is loaded by Node in parallel, and under `ulimit -n 64` the load alone ran
  // out of fds (tests/electron/host/system/fd-budget.test.ts).
  const sampler = new Sampler({ columns: [...new Set<ColumnId>([...shown, sortKey])] });
  const table = new TopTable(orderForTable(shown));
  const sorter = new TopSorter(sortKey);
  let incompleteTicks = 0;
  let stopped = false;
  process.once('SIGINT', () => {
    stopped = true;
  });
  try {
    sampler.tick(); // prime: %CPU and fault rates need a previous sample, as top's first refresh
    await sleep(Math.min(delayMs, 200));
    for (let i = 0; i < iterations && !stopped; i++) {
      if (i > 0) await sleep(delayMs);
      const tick = sampler.tick();
      const rows = sorter.sort(tick.rows);
      if (json) process.stdout.write(`${JSON.stringify(rows.length > limit ? rows.slice(0, limit) : rows)}\n`);
      else {
        process.stdout.write(table.render(tick, rows, limit)); // one write per frame
        if (process.stdout.writableLength > 0) table.detachFrame(); // the stream still holds the frame's bytes
      }
      if (tick.error !== undefined) {
        incompleteTicks += 1; // printed anyway: the next tick may read everything again
        process.stderr.write(`memscope: top: tick ${i + 1}: ${tick.error.message}\n`);
      }
    }
  } finally {
    sampler.close();
  }
  return incompleteTicks === 0 ? 0 : 1;
}

/** One column named by id or header (RES, %CPU, swapKb…); bad-arg otherwise. */
function parseColumn(text: string, option: string): ColumnId {
  const id = COLUMN_ALIASES[text.toLowerCase()] ?? (isColumnId(text) ? text : undefined);
  if (id === undefined || !TOP_COLUMNS.includes(id)) {
    const names = TOP_COLUMNS.map((c) => c).join(', ');
    const rollup = id !== undefined ? ' (PSS, USS and SWAP-PSS are read for the rows on screen in the app only)' : '';
    throw new ApiError('bad-arg', `top: unknown ${option} field ${quoteUserInput(text)}${rollup} (one of: ${names}, or a header like RES)`);
  }
  return id;
}

/** `-o pid,user,RES,%CPU,command`: a comma-separated list of columns, each once. */
function parseColumnList(text: string): ColumnId[] {
  const ids = new Set<ColumnId>();
  for (const part of text.split(',')) ids.add(parseColumn(part.trim(), '-o'));
  return [...ids];
}

/** The columns as printed: in the order given, COMMAND last (its width is the rest of the line). */
function orderForTable(columns: readonly ColumnId[]): ColumnId[] {
  return [...columns.filter((id) => id !== 'command'), ...(columns.includes('command') ? (['command'] as const) : [])];
}
