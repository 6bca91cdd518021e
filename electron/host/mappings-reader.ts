// One process's maps/smaps/smaps_rollup read on demand and turned into a MappingsReport.
// smaps walks the target's page tables under its mm lock (htop issue 1712), so this runs
// only for the process a user is looking at, never per tick.
import type { MappingsCore, MappingsReport } from '../../shared/api.js';
import { isApiError } from '../../shared/errors.js';
import { groupByBackingFile, NON_ADDITIVE_SMAPS_FIELDS } from '../../shared/proc/group.js';
import { parseMaps } from '../../shared/proc/maps.js';
import { parseSmaps, parseSmapsRollup } from '../../shared/proc/smaps.js';
import { parseStatusMemory } from '../../shared/proc/status.js';
import type { Mapping, SmapsFields } from '../../shared/proc/types.js';
import { checkVmSize } from '../../shared/proc/vmsize.js';
import type { ProcReader } from './proc-reader.js';

/** Sums every additive numeric smaps field over the mappings, under the kernel's names (page sizes are not summed). */
export function sumSmapsFields(mappings: readonly Mapping[]): Record<string, number> {
  const totals: Record<string, number> = {};
  // The kernel prints the same fields for every VMA, so the additive keys are found once and
  // found again only when a mapping has a different number of fields.
  let keys: string[] = [];
  let fieldCount = -1;
  for (const m of mappings) {
    const fields = m.smaps;
    if (fields === undefined) continue;
    const names = Object.keys(fields);
    if (names.length !== fieldCount) {
      fieldCount = names.length;
      keys = names.filter((k) => typeof fields[k] === 'number' && !NON_ADDITIVE_SMAPS_FIELDS.has(k));
    }
    for (const key of keys) {
      const value = fields[key];
      if (typeof value === 'number') totals[key] = (totals[key] ?? 0) + value;
    }
  }
  return totals;
}

/** readMappingsCore plus the per-backing-file groups the mappings table shows. */
export function readMappingsReport(reader: ProcReader, pid: number): MappingsReport {
  const core = readMappingsCore(reader, pid);
  return { ...core, groups: groupByBackingFile(core.mappings) };
}

/**
 * Reads /proc/PID/{smaps,smaps_rollup,status} (falling back to maps when smaps is denied)
 * into mappings, rollup and totals. Throws ApiError 'gone' or 'denied' when nothing could be read.
 */
export function readMappingsCore(reader: ProcReader, pid: number): MappingsCore {
  const restricted: string[] = [];
  const exe = reader.readLink(pid, 'exe');
  const vmSizeKb = parseStatusMemory(reader.readProcFile(pid, 'status')).vmSizeKb;
  let mappings: Mapping[];
  try {
    mappings = parseSmaps(reader.readProcFile(pid, 'smaps'), exe);
  } catch (err) {
    if (!isApiError(err) || err.code !== 'denied') throw err;
    restricted.push('smaps: permission denied (root is needed for other users\' processes)');
    mappings = parseMaps(reader.readProcFile(pid, 'maps'), exe);
  }
  let rollup: SmapsFields | null = null;
  try {
    rollup = parseSmapsRollup(reader.readProcFile(pid, 'smaps_rollup')).fields;
  } catch (err) {
    // A kernel thread has no mm: its smaps is empty and smaps_rollup reads ESRCH although it lives.
    const kernelThread = mappings.length === 0 && vmSizeKb === 0;
    if (isApiError(err) && err.code === 'gone' && !kernelThread) throw err;
    if (kernelThread) restricted.push('smaps_rollup: a kernel thread has no user address space');
    else restricted.push(`smaps_rollup: ${isApiError(err) && err.code === 'denied' ? 'permission denied' : (err as Error).message}`);
  }
  return {
    pid,
    exe,
    mappings,
    rollup,
    totals: sumSmapsFields(mappings),
    vmSize: checkVmSize(mappings, vmSizeKb),
    restricted,
  };
}
