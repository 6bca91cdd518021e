// One mapping of a process, for a mapping page being watched: smaps (maps when smaps is denied),
// kept to the mapping that starts at the given address.
import { isApiError } from '../../shared/errors.js';
import { parseMaps } from '../../shared/proc/maps.js';
import { parseSmaps } from '../../shared/proc/smaps.js';
import type { Mapping } from '../../shared/proc/types.js';
import type { ProcReader } from './proc-reader.js';

/** The mapping of pid starting at startHex with its smaps fields (maps only when smaps is denied), or null. */
export function readOneMapping(reader: ProcReader, pid: number, startHex: string): Mapping | null {
  const exe = reader.readLink(pid, 'exe');
  let mappings: Mapping[];
  try {
    mappings = parseSmaps(reader.readProcFile(pid, 'smaps'), exe);
  } catch (err) {
    if (!isApiError(err) || err.code !== 'denied') throw err;
    mappings = parseMaps(reader.readProcFile(pid, 'maps'), exe);
  }
  return mappings.find((m) => m.start === startHex) ?? null;
}
