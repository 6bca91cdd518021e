// `memscope pages PID START[-END] [--json]`: a range of a process's memory page by page (pagemap, and as root
// kpageflags + kpagecount) with totals, streamed chunk by chunk so a 1 GiB range never becomes 262,144 objects.
import { parseArgs } from 'node:util';
import type { PagesTotals } from '../../shared/proc/page-row.js';
import { createPagesJsonFormatter, createPagesTableFormatter, type PagesReportHeader } from '../../shared/proc/page-format.js';
import { escapeControlChars } from '../../shared/text/escape.js';
import { parsePid } from '../../shared/validate.js';
import { openPageRange } from '../host/proc/page-range-reader.js';
import type { PagesReaderOptions } from '../host/proc/pages-reader.js';
import { expectPositionals, parseCommandArgs } from './args.js';
import { writeStdout } from './write-stdout.js';

/** Where the text goes; a returned promise is awaited before the next chunk is read (backpressure). */
export type PagesSink = (text: string) => void | Promise<void>;

/** Options of {@link streamPages}. */
export interface StreamPagesOptions extends PagesReaderOptions {
  format: 'json' | 'table';
}

/**
 * Resolves the range, then reads and renders it chunk by chunk into sink (openPageRange, as getPages); returns the totals.
 * Throws ApiError: bad-arg (bad hex, unmapped START, range over unmapped space), gone, denied.
 */
export async function streamPages(pid: number, rangeText: string, options: StreamPagesOptions, sink: PagesSink): Promise<PagesTotals> {
  const pages = openPageRange(pid, rangeText, options);
  try {
    const header: PagesReportHeader = {
      pid,
      start: pages.range.startAddress.toString(16),
      end: pages.range.endAddress.toString(16),
      pageCount: pages.range.pageCount,
      mappings: pages.range.mappings,
      pfnsVisible: pages.pfnsVisible,
      restricted: pages.restricted,
    };
    const formatter = options.format === 'json' ? createPagesJsonFormatter(header) : createPagesTableFormatter(escapeHeaderText(header));
    await sink(formatter.formatHeader());
    for (const chunk of pages.chunks()) await sink(formatter.formatChunk(chunk));
    await sink(formatter.formatFooter(pages.totals));
    return pages.totals;
  } finally {
    pages.close();
  }
}

/** The header for the table: paths are file names anyone could choose, so their control characters are shown escaped (JSON keeps them exact). */
function escapeHeaderText(header: PagesReportHeader): PagesReportHeader {
  return { ...header, mappings: header.mappings.map((m) => ({ ...m, path: escapeControlChars(m.path) })), restricted: header.restricted.map(escapeControlChars) };
}

/** Runs `memscope pages`. */
export async function runPages(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('pages', () =>
    parseArgs({ args: argv, strict: true, allowPositionals: true, options: { json: { type: 'boolean' } } }),
  );
  const [pidText, rangeText] = expectPositionals('pages', positionals, ['pid', 'start[-end]']);
  const pid = parsePid(pidText ?? '');
  await streamPages(pid, rangeText ?? '', { format: values.json === true ? 'json' : 'table' }, writeStdout);
  return 0;
}
