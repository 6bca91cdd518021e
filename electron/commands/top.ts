// `memscope top`: like `top -b`, every process each tick, as a table or one JSON array per tick.
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { ApiError } from '../../shared/errors.js';
import { COLUMNS, isColumnId, type ColumnId } from '../../shared/proc/columns.js';
import { formatTimePlus } from '../../shared/proc/top-metrics.js';
import type { ProcessRow } from '../../shared/proc/types.js';
import { escapeControlChars, quoteUserInput } from '../../shared/text/escape.js';
import { parseIntervalMs, parsePositiveNumber } from '../../shared/validate.js';
import type { Tick } from '../../shared/api.js';
import { MemscopeService } from '../host/service.js';
import { expectNoPositionals, parseCommandArgs } from './args.js';

/** top's and htop's header names accepted by --sort, mapped to column ids. */
const SORT_ALIASES: Record<string, ColumnId> = Object.fromEntries(
  COLUMNS.flatMap((c) => [
    [c.title.toLowerCase(), c.id],
    [c.id.toLowerCase(), c.id],
  ]),
);

/** Runs `memscope top [-n N] [-d SECONDS] [--sort FIELD] [--limit K] [--json]`. */
export async function runTop(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('top', () =>
    parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        n: { type: 'string', short: 'n' },
        d: { type: 'string', short: 'd' },
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
  const sortKey = parseSortKey(values.sort ?? 'resKb');

  // The app's service, ticked on demand at top's pace; top prints ticks and keeps no history.
  const service = new MemscopeService({ intervalMs: delayMs, historyCapacity: 0 });
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
      const rows = sortRows(tick.rows, sortKey).slice(0, limit);
      process.stdout.write(values.json === true ? `${JSON.stringify(rows)}\n` : formatTopTable(tick, rows));
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

function parseSortKey(text: string): ColumnId {
  const id = SORT_ALIASES[text.toLowerCase()] ?? (isColumnId(text) ? text : undefined);
  if (id === undefined) {
    const names = COLUMNS.map((c) => c.id).join(', ');
    throw new ApiError('bad-arg', `top: unknown --sort field ${quoteUserInput(text)} (one of: ${names}, or a header like RES)`);
  }
  return id;
}

/** Sorts descending for numbers (biggest first, as top), ascending for text. */
function sortRows(rows: ProcessRow[], key: ColumnId): ProcessRow[] {
  return [...rows].sort((a, b) => {
    const x = a[key];
    const y = b[key];
    if (typeof x === 'number' && typeof y === 'number') return y - x || a.pid - b.pid;
    return String(x).localeCompare(String(y)) || a.pid - b.pid;
  });
}

/**
 * Formats a tick like `top -b`: a summary header, then one line per process. Command lines and user names are
 * chosen by users, so their control characters are shown escaped (`\x1b`, `\n`), never sent to the terminal.
 */
export function formatTopTable(tick: Tick, rows: ProcessRow[]): string {
  const live = tick.rows.filter((r) => r.rowStatus !== 'gone');
  const count = (s: string) => live.filter((r) => r.state === s).length;
  const lines = [
    `memscope - ${new Date(tick.tMs).toTimeString().slice(0, 8)}  tasks: ${live.length} total, ${count('R')} running, ` +
      `${count('S') + count('I')} sleeping, ${count('T') + count('t')} stopped, ${count('Z')} zombie`,
    `sampling: ${tick.cost.processCount} processes in ${tick.cost.wallMs.toFixed(1)} ms wall, ${tick.cost.cpuMs.toFixed(1)} ms CPU`,
    '',
    `${'PID'.padStart(7)} ${'USER'.padEnd(9)} ${'VIRT'.padStart(9)} ${'RES'.padStart(8)} ${'SHR'.padStart(8)} ` +
      `${'SWAP'.padStart(7)} S ${'%CPU'.padStart(5)} ${'%MEM'.padStart(5)} ${'TIME+'.padStart(9)} COMMAND`,
  ];
  for (const r of rows) {
    const mark = r.rowStatus === 'gone' ? ' (gone)' : r.rowStatus === 'restricted' ? ' (restricted)' : '';
    lines.push(
      `${String(r.pid).padStart(7)} ${escapeControlChars(r.user).slice(0, 9).padEnd(9)} ${String(r.virtKb).padStart(9)} ${String(r.resKb).padStart(8)} ` +
        `${String(r.shrKb).padStart(8)} ${String(r.swapKb).padStart(7)} ${r.state} ${r.cpuPct.toFixed(1).padStart(5)} ` +
        `${r.memPct.toFixed(1).padStart(5)} ${formatTimePlus(r.cpuTimeS).padStart(9)} ${escapeControlChars(r.command)}${mark}`,
    );
  }
  return `${lines.join('\n')}\n\n`;
}
