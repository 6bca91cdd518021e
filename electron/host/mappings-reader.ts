// One process's maps/smaps/smaps_rollup read on demand and turned into a MappingsReport.
// smaps walks the target's page tables under its mm lock (htop issue 1712), so this runs
// only for the process a user is looking at, never per tick.
import type { MappingsCore, MappingsReport } from '../../shared/api.js';
import { isApiError } from '../../shared/errors.js';
import { groupByBackingFile } from '../../shared/proc/group.js';
import { parseMaps } from '../../shared/proc/maps.js';
import { parseSmaps, parseSmapsRollup } from '../../shared/proc/smaps.js';
import { sumSmapsAmounts } from '../../shared/proc/smaps-fields.js';
import { writeSmapsJson, type SmapsJson } from '../../shared/proc/smaps-json.js';
import { parseStatusMemory } from '../../shared/proc/status.js';
import type { Mapping, SmapsFields } from '../../shared/proc/types.js';
import { checkVmSize, finishVmSizeCheck } from '../../shared/proc/vmsize.js';
import type { ProcReader } from './proc-reader.js';

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
  const rollup = readRollup(reader, pid, mappings.length, vmSizeKb, restricted);
  return {
    pid,
    exe,
    mappings,
    rollup,
    totals: sumSmapsAmounts(mappings),
    vmSize: checkVmSize(mappings, vmSizeKb),
    restricted,
  };
}

/**
 * The JSON text of readMappingsCore(reader, pid), key for key the document JSON.stringify gives,
 * as parts to write in order (strings, and UTF-8 bytes that alias the reader's buffer: write them
 * before the next read through `reader`). The mappings are written straight from the smaps bytes
 * by writeSmapsJson, over those bytes, never as objects: for a process with 20,000 mappings that
 * is most of `memscope maps PID --json`'s time. When smaps is unreadable or outside
 * writeSmapsJson's reach, the document is readMappingsCore's (the same reads and errors).
 */
export function readMappingsJson(reader: ProcReader, pid: number): Array<string | Uint8Array> {
  const restricted: string[] = [];
  const exe = reader.readLink(pid, 'exe');
  const vmSizeKb = parseStatusMemory(reader.readProcFile(pid, 'status')).vmSizeKb;
  // smaps_rollup first: the JSON is written over the smaps bytes in the reader's buffer, which
  // the next read would overwrite. What its failure means depends on smaps, so it waits.
  let rollup: SmapsFields | null = null;
  let rollupError: unknown = null;
  try {
    rollup = parseSmapsRollup(reader.readProcFile(pid, 'smaps_rollup')).fields;
  } catch (err) {
    rollupError = err;
  }
  let fast: SmapsJson | null = null;
  try {
    fast = writeSmapsJson(reader.readProcFile(pid, 'smaps'), exe, { overwriteInput: true });
  } catch (err) {
    if (!isApiError(err) || err.code !== 'denied') throw err;
  }
  // Denied smaps (maps instead), or bytes writeSmapsJson leaves to parseSmaps (never the kernel's):
  // the object path, read again from the start.
  if (fast === null) return [JSON.stringify(readMappingsCore(reader, pid))];
  if (rollupError !== null) noteRollupFailure(rollupError, fast.mappingCount, vmSizeKb, restricted);
  const vmSize = finishVmSizeCheck(fast, vmSizeKb);
  // The small parts go through JSON.stringify, with MappingsCore's key order: pid, exe | mappings | rollup, …
  const head = JSON.stringify({ pid, exe } satisfies Partial<MappingsCore>);
  const tail = JSON.stringify({ rollup, totals: fast.totals, vmSize, restricted } satisfies Partial<MappingsCore>);
  return [`${head.slice(0, -1)},"mappings":`, fast.json, `,${tail.slice(1)}`];
}

/**
 * Reads smaps_rollup's fields after smaps was read (mappingCount mappings), noting in `restricted`
 * why it could not be read. Throws ApiError 'gone' when the process exited.
 */
function readRollup(reader: ProcReader, pid: number, mappingCount: number, vmSizeKb: number, restricted: string[]): SmapsFields | null {
  try {
    return parseSmapsRollup(reader.readProcFile(pid, 'smaps_rollup')).fields;
  } catch (err) {
    noteRollupFailure(err, mappingCount, vmSizeKb, restricted);
    return null;
  }
}

/** Notes in `restricted` why smaps_rollup could not be read; rethrows 'gone' unless the process is a kernel thread. */
function noteRollupFailure(err: unknown, mappingCount: number, vmSizeKb: number, restricted: string[]): void {
  // A kernel thread has no mm: its smaps is empty and smaps_rollup reads ESRCH although it lives.
  const kernelThread = mappingCount === 0 && vmSizeKb === 0;
  if (isApiError(err) && err.code === 'gone' && !kernelThread) throw err;
  if (kernelThread) restricted.push('smaps_rollup: a kernel thread has no user address space');
  else restricted.push(`smaps_rollup: ${isApiError(err) && err.code === 'denied' ? 'permission denied' : (err as Error).message}`);
}
