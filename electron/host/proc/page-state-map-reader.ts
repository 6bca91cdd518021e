// Reads a page range of a process into the compact PageMap the getPages API returns (shared/proc/page-state-map.ts),
// through page-range-reader.ts (the range checked against /proc/PID/maps, then read chunk by chunk), as `memscope pages`.
import { ApiError } from '../../../shared/errors.js';
import { encodePageEntry, MAX_PAGES_PER_CALL, readPageEntryBits, type PageMap } from '../../../shared/proc/page-state-map.js';
import { hexToBigInt, PAGE_SIZE } from '../../../shared/units.js';
import { openPageRange } from './page-range-reader.js';
import { PROC_ROOT } from './proc-reader.js';

/**
 * Reads pageCount pages of pid from startHex (rounded down to its page). Throws ApiError: bad-arg when the
 * count is out of 1..MAX_PAGES_PER_CALL or the range is not entirely mapped; gone or denied from /proc.
 */
export function readPageMap(pid: number, startHex: string, pageCount: number, procRoot = PROC_ROOT): PageMap {
  if (!Number.isInteger(pageCount) || pageCount < 1 || pageCount > MAX_PAGES_PER_CALL) {
    throw new ApiError('bad-arg', `page count ${pageCount} out of range (1..${MAX_PAGES_PER_CALL})`);
  }
  const start = (hexToBigInt(startHex) / BigInt(PAGE_SIZE)) * BigInt(PAGE_SIZE);
  const end = start + BigInt(pageCount) * BigInt(PAGE_SIZE);
  const pages = openPageRange(pid, `${start.toString(16)}-${end.toString(16)}`, { procRoot });
  try {
    const entries: string[] = [];
    const mapCounts: number[] | null = pages.pfnsVisible ? [] : null;
    const kpageflags: number[] | null = pages.pfnsVisible ? [] : null;
    for (const chunk of pages.chunks()) {
      let text = '';
      for (let i = 0; i < chunk.pageCount; i++) text += encodePageEntry(readPageEntryBits(chunk.pagemap, i));
      entries.push(text);
      if (mapCounts !== null && kpageflags !== null && chunk.kpagecount !== null && chunk.kpageflags !== null) {
        for (let i = 0; i < chunk.pageCount; i++) {
          mapCounts.push(chunk.kpagecount[i]!);
          kpageflags.push(chunk.kpageflags[i]!);
        }
      }
    }
    return {
      pid,
      startAddress: pages.range.startAddress.toString(16),
      pageCount: pages.range.pageCount,
      entries: entries.join(''),
      mapCounts,
      kpageflags,
      totals: pages.totals,
      mappings: pages.range.mappings,
      pfnsVisible: pages.pfnsVisible,
      restricted: [...pages.restricted],
    };
  } finally {
    pages.close();
  }
}
