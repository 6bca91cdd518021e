// The text `memscope top` prints each tick, like `top -b`: a summary, a header and one line per process, written as
// bytes into one reused frame (issue 13: top's CPU per tick). An idle process's line is rendered once and copied after.
import { ApiError } from '../../shared/errors.js';
import { DEFAULT_COLUMNS, formatSources, type ColumnId } from '../../shared/proc/columns.js';
import { formatTimePlus } from '../../shared/proc/top-metrics.js';
import type { ProcessRow } from '../../shared/proc/types.js';
import { escapeControlChars } from '../../shared/text/escape.js';
import type { Tick } from '../../shared/api.js';

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

/** One process's last rendered line: the row it was made from (the sampler hands out an idle process's row again), that row's values, the line's bytes. */
interface PrintedLine {
  row: ProcessRow;
  values: unknown[];
  /** The line's UTF-8 bytes (no newline): a view of exactly its length into `store`. */
  bytes: Uint8Array;
  /** The buffer holding the bytes, reused by the next line of this pid when it fits. */
  store: Buffer;
  /** The render() call that last printed it: lines not printed in a call are dropped after it. */
  printedSeq: number;
}

/** Smallest buffer a line's bytes get: a default-columns line is about 80 bytes. */
const MIN_LINE_BYTES = 128;
/** First size of the frame buffer; it doubles when a frame does not fit. */
const MIN_FRAME_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

/**
 * Formats ticks like `top -b`: a summary header, then one line per process, in the given columns (default
 * PID VIRT RES SHR S %CPU %MEM TIME+ COMMAND). Command lines and user names are chosen by users, so their
 * control characters are shown escaped (`\x1b`, `\n`), never sent to the terminal. An idle process prints
 * the same line tick after tick: its bytes are kept by pid and rebuilt only when its row is a new object with a
 * shown value changed, and every line is copied into one frame buffer reused from tick to tick (issue 13: top's CPU per tick).
 */
export class TopTable {
  private readonly specs: TableColumn[];
  private readonly header: string;
  private readonly printed = new Map<number, PrintedLine>();
  private seq = 0;
  private frame = Buffer.allocUnsafe(MIN_FRAME_BYTES);
  /**
   * The line bytes the frame holds at each row position, and where: a line at the same place as in the last frame
   * (an idle process, rows in the same order) is not copied again. Emptied when the frame buffer is replaced.
   */
  private placedLines: Uint8Array[] = [];
  private placedAt: number[] = [];
  /** The whole second clockOf formatted last, and its text. */
  private clockSecond = NaN;
  private clockText = '';

  constructor(private readonly columns: readonly ColumnId[] = DEFAULT_COLUMNS) {
    this.specs = columns.map(tableColumnOf);
    this.header = this.specs.map((c) => padCell(c, c.title)).join(' ');
  }

  /** The text of one tick (rows as given: sorted by the caller), as a string. */
  format(tick: Tick, rows: readonly ProcessRow[], limit = Infinity): string {
    return this.render(tick, rows, limit).toString('utf8');
  }

  /**
   * The bytes of one tick: summary, header, then the first `limit` of rows (as given: sorted by the caller). The
   * result is a view of the table's frame buffer, overwritten by the next render() unless detachFrame() is called.
   */
  render(tick: Tick, rows: readonly ProcessRow[], limit = Infinity): Buffer {
    // The loop below is all render() compiles: the summary and the forgetting are calls, so a path taken for the first
    // time (a process gone, a frame grown) deoptimizes a small function, not the whole frame (issue 13: top's CPU).
    let at = this.writeText(this.formatHead(tick), 0);
    this.seq += 1;
    const shown = Math.min(rows.length, limit);
    const { placedLines, placedAt } = this;
    for (let i = 0; i < shown; i++) {
      const bytes = this.lineOf(rows[i]!).bytes;
      at = this.reserve(at, bytes.length + 1);
      if (placedLines[i] !== bytes || placedAt[i] !== at) {
        this.frame[at] = NEWLINE;
        this.frame.set(bytes, at + 1); // a typed-array copy: cheaper than Buffer#copy's argument checks
        placedLines[i] = bytes;
        placedAt[i] = at;
      }
      at += bytes.length + 1;
    }
    // Past the last row the frame ends (and a longer frame later writes there): those positions hold no line.
    if (placedLines.length > shown) this.forgetPlacedFrom(shown);
    if (this.printed.size > shown) this.forgetUnprinted();
    at = this.reserve(at, 2);
    this.frame[at++] = NEWLINE;
    this.frame[at++] = NEWLINE;
    return this.frame.subarray(0, at);
  }

  /** The summary lines and the header, as top -b prints them above the processes. */
  private formatHead(tick: Tick): string {
    const counts = { total: 0, running: 0, sleeping: 0, stopped: 0, zombie: 0 };
    for (const r of tick.rows) {
      if (r.rowStatus === 'gone') continue;
      counts.total += 1;
      if (r.state === 'R') counts.running += 1;
      else if (r.state === 'S' || r.state === 'I') counts.sleeping += 1;
      else if (r.state === 'T' || r.state === 't') counts.stopped += 1;
      else if (r.state === 'Z') counts.zombie += 1;
    }
    return (
      `memscope - ${this.clockOf(tick.tMs)}  tasks: ${counts.total} total, ${counts.running} running, ` +
      `${counts.sleeping} sleeping, ${counts.stopped} stopped, ${counts.zombie} zombie\n` +
      `sampling: ${tick.cost.processCount} processes in ${tick.cost.wallMs.toFixed(1)} ms wall, ${tick.cost.cpuMs.toFixed(1)} ms CPU` +
      ` (${formatSources(tick.cost.sources)})\n\n${this.header}`
    );
  }

  /** HH:MM:SS of a time in ms, formatted once a second (a Date and its time zone lookup per refresh at -d 0.05 else). */
  private clockOf(tMs: number): string {
    const second = Math.floor(tMs / 1000);
    if (second !== this.clockSecond) {
      this.clockSecond = second;
      this.clockText = new Date(second * 1000).toTimeString().slice(0, 8);
    }
    return this.clockText;
  }

  /** Forgets the lines of processes not printed by the last render() (gone, or below --limit). */
  private forgetUnprinted(): void {
    for (const [pid, p] of this.printed) if (p.printedSeq !== this.seq) this.printed.delete(pid);
  }

  /** Gives the last frame away (a write still holds it): the next render() writes into a new buffer. */
  detachFrame(): void {
    this.frame = Buffer.allocUnsafe(this.frame.length);
    this.forgetPlacedFrom(0);
  }

  /** Forgets the lines placed at row positions from `first` on: the next render() copies them. */
  private forgetPlacedFrom(first: number): void {
    this.placedLines.length = Math.min(this.placedLines.length, first);
    this.placedAt.length = this.placedLines.length;
  }

  /** Writes text at `at`, growing the frame as needed; returns the offset after it. */
  private writeText(text: string, at: number): number {
    const end = this.reserve(at, Buffer.byteLength(text));
    return end + this.frame.write(text, end);
  }

  /** Makes room for byteCount more bytes after `at` (keeping the bytes before it); returns `at`. */
  private reserve(at: number, byteCount: number): number {
    if (at + byteCount > this.frame.length) this.growFrame(at, at + byteCount);
    return at;
  }

  /** Replaces the frame by one of at least byteCount bytes (doubling), keeping its first `kept` bytes. */
  private growFrame(kept: number, byteCount: number): void {
    let size = this.frame.length * 2;
    while (size < byteCount) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.frame.copy(grown, 0, 0, kept);
    this.frame = grown;
    // Lines wholly in the bytes kept are still in place; the rest were not copied.
    let placed = this.placedLines.length;
    while (placed > 0 && this.placedAt[placed - 1]! + this.placedLines[placed - 1]!.length + 1 > kept) placed--;
    this.forgetPlacedFrom(placed);
  }

  private lineOf(r: ProcessRow): PrintedLine {
    const last = this.printed.get(r.pid);
    if (last !== undefined && (last.row === r || (last.row.rowStatus === r.rowStatus && this.hasShownValues(r, last.values)))) {
      last.row = r;
      last.printedSeq = this.seq;
      return last;
    }
    return this.buildLine(r, last);
  }

  /** True when the row's shown columns hold these values (a new row object of an idle process). */
  private hasShownValues(r: ProcessRow, values: readonly unknown[]): boolean {
    for (let i = 0; i < this.columns.length; i++) if (r[this.columns[i]!] !== values[i]) return false;
    return true;
  }

  /** Renders a row's line into its pid's buffer (reused when it fits) and keeps it as that pid's last line. */
  private buildLine(r: ProcessRow, last: PrintedLine | undefined): PrintedLine {
    let text = '';
    for (let i = 0; i < this.specs.length; i++) {
      const c = this.specs[i]!;
      if (i > 0) text += ' ';
      text += padCell(c, c.cell(r));
    }
    const byteLength = Buffer.byteLength(text);
    const store = last !== undefined && last.store.length >= byteLength ? last.store : Buffer.allocUnsafe(Math.max(MIN_LINE_BYTES, byteLength));
    store.write(text, 0);
    const line: PrintedLine = { row: r, values: this.columns.map((id) => r[id]), bytes: store.subarray(0, byteLength), store, printedSeq: this.seq };
    this.printed.set(r.pid, line);
    return line;
  }
}
