// Reads a range of /proc/PID/pagemap with one pread at the range's offset (8 bytes per page).
// Offsets use bigint: the [vsyscall] page's entry lies beyond 2^53.
import { closeSync, openSync, readSync } from 'node:fs';
import { PAGEMAP_ENTRY_BYTES } from '../../shared/proc/pagemap.js';
import { hexToBigInt, PAGE_SHIFT } from '../../shared/units.js';
import { toApiError } from './proc-reader.js';

/** Reads the pagemap entries of pageCount pages from startHex; returns the raw bytes. Throws ApiError. */
export function readPagemapRange(pid: number, startHex: string, pageCount: number, procRoot = '/proc'): Uint8Array {
  const path = `${procRoot}/${pid}/pagemap`;
  const bytes = new Uint8Array(pageCount * PAGEMAP_ENTRY_BYTES);
  let fd = -1;
  try {
    fd = openSync(path, 'r');
    const base = (hexToBigInt(startHex) >> BigInt(PAGE_SHIFT)) * BigInt(PAGEMAP_ENTRY_BYTES);
    let done = 0;
    while (done < bytes.length) {
      const n = readSync(fd, bytes, done, bytes.length - done, base + BigInt(done));
      if (n === 0) break;
      done += n;
    }
    return bytes.subarray(0, done);
  } catch (err) {
    throw toApiError(err, `/proc/${pid}/pagemap`);
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}
