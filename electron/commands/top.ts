// `memscope top`: like `top -b`, every process each tick, as a table or one JSON array per tick. It reads only
// the files the printed columns (and the sort column) need: the default columns cost stat + statm, no status.
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { ApiError } from '../../shared/errors.js';
import { ALL_COLUMN_IDS, COLUMNS, DEFAULT_COLUMNS, ROLLUP_COLUMNS, formatSources, isColumnId, type ColumnId } from '../../shared/proc/columns.js';
import { formatTimePlus } from '../../shared/proc/top-metrics.js';
import type { ProcessRow } from '../../shared/proc/types.js';
import { escapeControlChars, quoteUserInput } from '../../shared/text/escape.js';
import { parseIntervalMs, parsePositiveNumber } from '../../shared/validate.js';
import type { Tick } from '../../shared/api.js';
import { MemscopeService } from '../host/service.js';
import { expectNoPositionals, parseCommandArgs } from './args.js';

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

  // The app's service, ticked on demand at top's pace; top prints ticks and keeps no history.
  const service = new MemscopeService({ intervalMs: delayMs, historyCapacity: 0, baseColumns: [...shown, sortKey] });
  const table = new TopTable(orderForTable(shown));
  let incompleteTicks = 0;
  let stopped = false;
  process.once('SIGINT', () => {
    stopped = true;
  });
  try {
    service.tickNow(); // prime: %CPU and fault rates need a previous sample, as top's first refresh
    await sleep(Math.min(delayMs, 200));
    for (let i = 0; i < iterations && !stopped; i++) {
      if (i > 0) await sleep(delayMs);
      const tick = service.tickNow();
      const rows = sortRows(tick.rows, sortKey);
      if (rows.length > limit) rows.length = limit;
      process.stdout.write(json ? `${JSON.stringify(rows)}\n` : table.format(tick, rows));
      if (tick.error !== undefined) {
        incompleteTicks += 1; // printed anyway: the next tick may read everything again
        process.stderr.write(`memscope: top: tick ${i + 1}: ${tick.error.message}\n`);
      }
    }
  } finally {
    service.stop();
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

/** One collator for every text comparison: localeCompare's order without building one per call. */
const COLLATOR = new Intl.Collator();

/** Sorts a copy descending for numbers (biggest first, as top), ascending for text. */
function sortRows(rows: readonly ProcessRow[], key: ColumnId): ProcessRow[] {
  const sorted = rows.slice();
  if (typeof rows[0]?.[key] === 'number') {
    return sorted.sort((a, b) => (b[key] as number) - (a[key] as number) || a.pid - b.pid);
  }
  return sorted.sort((a, b) => COLLATOR.compare(String(a[key]), String(b[key])) || a.pid - b.pid);
}

/** How one column is printed in the table: header width (0: the rest of the line), alignment and cell text. */
interface TableColumn {
  title: string;
  widthChars: number;
  left: boolean;
  cell: (r: ProcessRow) => string;
}

/**
 * Escaped command lines by the command text: a command changes only on exec, so each is escaped once, not
 * every tick for every process (the table is rebuilt every tick; issue 13's CPU budget for top is 4 ms).
 */
const escapedCommands = new Map<string, string>();
/** Bound on escapedCommands: past it the cache starts over (a machine spawning many short-lived commands). */
const MAX_ESCAPED_COMMANDS = 8192;

function escapeCommand(command: string): string {
  let escaped = escapedCommands.get(command);
  if (escaped === undefined) {
    if (escapedCommands.size >= MAX_ESCAPED_COMMANDS) escapedCommands.clear();
    escaped = escapeControlChars(command);
    escapedCommands.set(command, escaped);
  }
  return escaped;
}

const TABLE_COLUMNS: Record<Exclude<ColumnId, 'pssKb' | 'ussKb' | 'swapPssKb'>, TableColumn> = {
  pid: { title: 'PID', widthChars: 7, left: false, cell: (r) => String(r.pid) },
  ppid: { title: 'PPID', widthChars: 7, left: false, cell: (r) => String(r.ppid) },
  user: { title: 'USER', widthChars: 9, left: true, cell: (r) => escapeControlChars(r.user).slice(0, 9) },
  virtKb: { title: 'VIRT', widthChars: 9, left: false, cell: (r) => String(r.virtKb) },
  resKb: { title: 'RES', widthChars: 8, left: false, cell: (r) => String(r.resKb) },
  shrKb: { title: 'SHR', widthChars: 8, left: false, cell: (r) => String(r.shrKb) },
  swapKb: { title: 'SWAP', widthChars: 7, left: false, cell: (r) => String(r.swapKb) },
  state: { title: 'S', widthChars: 1, left: true, cell: (r) => r.state },
  cpuPct: { title: '%CPU', widthChars: 5, left: false, cell: (r) => r.cpuPct.toFixed(1) },
  memPct: { title: '%MEM', widthChars: 5, left: false, cell: (r) => r.memPct.toFixed(1) },
  cpuTimeS: { title: 'TIME+', widthChars: 9, left: false, cell: (r) => formatTimePlus(r.cpuTimeS) },
  threads: { title: 'NLWP', widthChars: 4, left: false, cell: (r) => String(r.threads) },
  minflt: { title: 'MINFLT', widthChars: 10, left: false, cell: (r) => String(r.minflt) },
  majflt: { title: 'MAJFLT', widthChars: 8, left: false, cell: (r) => String(r.majflt) },
  minfltPerS: { title: 'MINFLT/s', widthChars: 9, left: false, cell: (r) => r.minfltPerS.toFixed(0) },
  majfltPerS: { title: 'MAJFLT/s', widthChars: 9, left: false, cell: (r) => r.majfltPerS.toFixed(0) },
  command: {
    title: 'COMMAND',
    widthChars: 0,
    left: true,
    cell: (r) => {
      const mark = r.rowStatus === 'gone' ? ' (gone)' : r.rowStatus === 'restricted' ? ' (restricted)' : '';
      return escapeCommand(r.command) + mark;
    },
  },
};

function tableColumnOf(id: ColumnId): TableColumn {
  const spec = (TABLE_COLUMNS as Partial<Record<ColumnId, TableColumn>>)[id];
  if (spec === undefined) throw new ApiError('bad-arg', `top: column ${id} is not printable`);
  return spec;
}

function padCell(c: TableColumn, text: string): string {
  if (c.widthChars === 0) return text;
  return c.left ? text.padEnd(c.widthChars) : text.padStart(c.widthChars);
}

/** One process's last printed line, the row it was made from (the sampler hands out an idle process's row again), and that row's values. */
interface PrintedLine {
  row: ProcessRow;
  values: unknown[];
  line: string;
  /** The format() call that last printed it: lines not printed in a call are dropped after it. */
  printedSeq: number;
}

/**
 * Formats ticks like `top -b`: a summary header, then one line per process, in the given columns (default
 * PID VIRT RES SHR S %CPU %MEM TIME+ COMMAND). Command lines and user names are chosen by users, so their
 * control characters are shown escaped (`\x1b`, `\n`), never sent to the terminal. An idle process prints
 * the same line tick after tick: it is kept by pid and rebuilt only when its row is a new object with a
 * shown value changed (issue 13: top's CPU per tick).
 */
export class TopTable {
  private readonly specs: TableColumn[];
  private readonly header: string;
  private readonly printed = new Map<number, PrintedLine>();
  private seq = 0;
  /** The lines of one format() call, reused: joined once instead of a string grown line by line. */
  private readonly lines: string[] = [];

  constructor(private readonly columns: readonly ColumnId[] = DEFAULT_COLUMNS) {
    this.specs = columns.map(tableColumnOf);
    this.header = this.specs.map((c) => padCell(c, c.title)).join(' ');
  }

  /** The text of one tick: summary, header, rows (as given: sorted and limited by the caller). */
  format(tick: Tick, rows: readonly ProcessRow[]): string {
    const counts = { total: 0, running: 0, sleeping: 0, stopped: 0, zombie: 0 };
    for (const r of tick.rows) {
      if (r.rowStatus === 'gone') continue;
      counts.total += 1;
      if (r.state === 'R') counts.running += 1;
      else if (r.state === 'S' || r.state === 'I') counts.sleeping += 1;
      else if (r.state === 'T' || r.state === 't') counts.stopped += 1;
      else if (r.state === 'Z') counts.zombie += 1;
    }
    const lines = this.lines;
    lines.length = 0;
    lines.push(
      `memscope - ${new Date(tick.tMs).toTimeString().slice(0, 8)}  tasks: ${counts.total} total, ${counts.running} running, ` +
        `${counts.sleeping} sleeping, ${counts.stopped} stopped, ${counts.zombie} zombie`,
      `sampling: ${tick.cost.processCount} processes in ${tick.cost.wallMs.toFixed(1)} ms wall, ${tick.cost.cpuMs.toFixed(1)} ms CPU` +
        ` (${formatSources(tick.cost.sources)})`,
      '',
      this.header,
    );
    this.seq += 1;
    for (const r of rows) lines.push(this.lineOf(r));
    // Processes not printed this time are forgotten (nothing to do when every printed line was printed again).
    if (this.printed.size > rows.length) for (const [pid, p] of this.printed) if (p.printedSeq !== this.seq) this.printed.delete(pid);
    lines.push('', '');
    return lines.join('\n');
  }

  private lineOf(r: ProcessRow): string {
    const last = this.printed.get(r.pid);
    if (last !== undefined && (last.row === r || (last.row.rowStatus === r.rowStatus && this.columns.every((id, i) => r[id] === last.values[i])))) {
      last.row = r;
      last.printedSeq = this.seq;
      return last.line;
    }
    let line = '';
    for (let i = 0; i < this.specs.length; i++) {
      const c = this.specs[i]!;
      if (i > 0) line += ' ';
      line += padCell(c, c.cell(r));
    }
    this.printed.set(r.pid, { row: r, values: this.columns.map((id) => r[id]), line, printedSeq: this.seq });
    return line;
  }
}
