// Reads a range of /proc/PID/pagemap with one pread at the range's offset (8 bytes per page).
// Offsets use bigint: the [vsyscall] page's entry lies beyond 2^53.
import { closeSync } from 'node:fs';
import { PAGEMAP_ENTRY_BYTES } from '../../../shared/proc/pagemap.js';
import { hexToBigInt, PAGE_SHIFT } from '../../../shared/units.js';
import { openProcFile, preadFull, PROC_ROOT, toApiError } from './proc-reader.js';

/** Reads the pagemap entries of pageCount pages from startHex; returns the raw bytes. Throws ApiError. */
export function readPagemapRange(pid: number, startHex: string, pageCount: number, procRoot = PROC_ROOT): Uint8Array {
  const bytes = new Uint8Array(pageCount * PAGEMAP_ENTRY_BYTES);
  let fd = -1;
  try {
    fd = openProcFile(`${pid}/pagemap`, procRoot);
    const base = (hexToBigInt(startHex) >> BigInt(PAGE_SHIFT)) * BigInt(PAGEMAP_ENTRY_BYTES);
    return bytes.subarray(0, preadFull(fd, bytes, bytes.length, base));
  } catch (err) {
    throw toApiError(err, `/proc/${pid}/pagemap`);
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}
