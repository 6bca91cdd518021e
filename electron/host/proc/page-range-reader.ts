// One range of a process's memory opened for reading page by page: resolved against /proc/PID/maps, then read
// chunk by chunk (pages-reader.ts) with running totals. The one path of getPages (page-state-map-reader.ts) and of
// `memscope pages`, which streams ranges of any size through it in bounded memory.
import type { PageRange } from '../../../shared/proc/page-range.js';
import { addChunkToTally, createPagesTally, type PagesChunk, type PagesTotals } from '../../../shared/proc/page-row.js';
import { PagesReader, readPageChunks, readProcessPageRange, type PagesReaderOptions } from './pages-reader.js';
import { ProcReader } from './proc-reader.js';

/** A resolved range and the files it is read from: close() it when done, after an error too. */
export interface OpenPageRange {
  range: PageRange;
  /** Whether chunks carry kpageflags/kpagecount and pagemap shows PFNs. */
  pfnsVisible: boolean;
  /** What could not be read and why (empty as root). */
  restricted: readonly string[];
  /** Totals of the chunks taken so far from chunks(): the whole range's once every chunk was taken. */
  totals: PagesTotals;
  /** The range chunk by chunk, each valid until the next is taken and added to `totals` as it is taken. */
  chunks(): Generator<PagesChunk, void, void>;
  /** Closes the files; safe to call twice. */
  close(): void;
}

/**
 * Resolves "START[-END]" against pid's maps and opens its pagemap (and, as root, kpageflags + kpagecount),
 * all under options.procRoot. Throws ApiError: bad-arg (bad hex, unmapped START, a range over unmapped space), gone, denied.
 */
export function openPageRange(pid: number, rangeText: string, options: PagesReaderOptions = {}): OpenPageRange {
  const range = readProcessPageRange(pid, rangeText, new ProcReader(options.procRoot));
  const reader = new PagesReader(pid, options);
  const tally = createPagesTally(reader.pfnsVisible);
  return {
    range,
    pfnsVisible: reader.pfnsVisible,
    restricted: reader.restricted,
    totals: tally.totals,
    *chunks() {
      for (const chunk of readPageChunks(reader, range)) {
        addChunkToTally(tally, chunk);
        yield chunk;
      }
    },
    close: () => reader.close(),
  };
}
