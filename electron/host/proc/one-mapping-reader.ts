// One mapping of a process, for a mapping page being watched: smaps (maps when smaps is denied),
// kept to the mapping that starts at the given address.
import { parseSmaps } from '../../../shared/proc/smaps.js';
import type { Mapping } from '../../../shared/proc/types.js';
import { readMappingList } from './mappings-reader.js';
import type { ProcReader } from './proc-reader.js';

/** The mapping of pid starting at startHex with its smaps fields (maps only when smaps is denied), or null. */
export function readOneMapping(reader: ProcReader, pid: number, startHex: string): Mapping | null {
  const list = readMappingList(reader, pid, reader.readLink(pid, 'exe'), parseSmaps);
  const mappings = 'smaps' in list ? list.smaps : list.maps;
  return mappings.find((m) => m.start === startHex) ?? null;
}
