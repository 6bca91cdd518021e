// One process's maps/smaps/smaps_rollup read on demand and turned into a MappingsReport.
// smaps walks the target's page tables under its mm lock (htop issue 1712), so this runs
// only for the process a user is looking at, never per tick.
import type { MappingsCore, MappingsReport } from '../../../shared/api.js';
import { isApiError } from '../../../shared/errors.js';
import { groupByBackingFile } from '../../../shared/proc/group.js';
import { computeTableWidths, formatMapsTable, formatTableFoot, formatTableHead, writeSmapsTable, type Latin1Decoder } from '../../../shared/proc/maps-table.js';
import { parseMaps } from '../../../shared/proc/maps.js';
import { parseSmaps, parseSmapsRollup } from '../../../shared/proc/smaps.js';
import { sumSmapsAmounts } from '../../../shared/proc/smaps-fields.js';
import { writeSmapsJson } from '../../../shared/proc/smaps-json.js';
import { parseStatusMemory } from '../../../shared/proc/status.js';
import type { Mapping, SmapsFields } from '../../../shared/proc/types.js';
import { checkVmSize, finishVmSizeCheck } from '../../../shared/proc/vmsize.js';
import { isKernelThread } from './kernel-thread.js';
import type { ProcReader } from './proc-reader.js';

/** readMappingsCore plus the per-backing-file groups the mappings table shows. */
export function readMappingsReport(reader: ProcReader, pid: number, statusVmSizeKb?: number): MappingsReport {
  const core = readMappingsCore(reader, pid, statusVmSizeKb);
  return { ...core, groups: groupByBackingFile(core.mappings) };
}

/**
 * Reads /proc/PID/{status,smaps_rollup,smaps} (falling back to maps when smaps is denied)
 * into mappings, rollup and totals. Throws ApiError 'gone' or 'denied' when nothing could be read.
 * statusVmSizeKb: VmSize of the caller's own status read right before (a snapshot's), so status is read once.
 */
export function readMappingsCore(reader: ProcReader, pid: number, statusVmSizeKb?: number): MappingsCore {
  const files = readMappingsFiles(reader, pid, parseSmaps, statusVmSizeKb);
  return buildMappingsCore(pid, files, 'smaps' in files.list ? files.list.smaps : files.list.maps);
}

/**
 * The JSON text of readMappingsCore(reader, pid), key for key the document JSON.stringify gives,
 * as parts to write in order (strings, and UTF-8 bytes that alias the reader's buffer: write them
 * before the next read through `reader`). The mappings are written straight from the smaps bytes
 * by writeSmapsJson, over those bytes, never as objects: for a process with 20,000 mappings that
 * is most of `memscope maps PID --json`'s time. The files read and their errors are
 * readMappingsCore's (readMappingsFiles); when smaps is denied, or holds bytes writeSmapsJson
 * leaves to parseSmaps (never the kernel's), the document is built from objects.
 */
export function readMappingsJson(reader: ProcReader, pid: number): Array<string | Uint8Array> {
  const files = readMappingsFiles(reader, pid, (bytes, exe) => writeSmapsJson(bytes, exe, { overwriteInput: true }));
  if ('maps' in files.list) return [JSON.stringify(buildMappingsCore(pid, files, files.list.maps))];
  const fast = files.list.smaps;
  // writeSmapsJson left these bytes to parseSmaps, and may have written over them: read smaps again.
  if (fast === null) return [JSON.stringify(buildMappingsCore(pid, files, parseSmaps(reader.readProcFile(pid, 'smaps'), files.exe)))];
  const restricted = [...files.restricted];
  const rollup = judgeRollup(files, fast.mappingCount, restricted);
  const vmSize = finishVmSizeCheck(fast, files.vmSizeKb);
  // The small parts go through JSON.stringify, with MappingsCore's key order: pid, exe | mappings | rollup, …
  const head = JSON.stringify({ pid, exe: files.exe } satisfies Partial<MappingsCore>);
  const tail = JSON.stringify({ rollup, totals: fast.totals, vmSize, restricted } satisfies Partial<MappingsCore>);
  return [`${head.slice(0, -1)},"mappings":`, fast.json, `,${tail.slice(1)}`];
}

/**
 * The text of `memscope maps PID` (formatMapsTable of readMappingsCore(reader, pid)) as parts to write in
 * order, made from the smaps bytes by writeSmapsTable without a Mapping per line, as readMappingsJson makes
 * the JSON; from objects when smaps is denied or holds bytes writeSmapsTable leaves to parseSmaps.
 */
export function readMappingsTable(reader: ProcReader, pid: number): Array<string | Uint8Array> {
  // The table shows no rollup figure, only why it could not be read, which matters only where smaps has no mappings
  // (a kernel thread) or is not read plainly: smaps_rollup (a second walk of every page table, ~11 ms CPU on 20,000
  // mappings; pmap -X reads smaps alone) is read only then, after smaps. With mappings, smaps readable means the
  // rollup is too (the same ptrace check), but for a process exiting between the two reads.
  const files = readMappingsFiles(reader, pid, (bytes, exe) => writeSmapsTable(bytes, exe, decodeLatin1Native), undefined, (list) => !('smaps' in list) || list.smaps === null || list.smaps.mappingCount === 0);
  if ('maps' in files.list) return [formatMapsTable(buildMappingsCore(pid, files, files.list.maps))];
  const table = files.list.smaps;
  if (table === null) return [formatMapsTable(buildMappingsCore(pid, files, parseSmaps(reader.readProcFile(pid, 'smaps'), files.exe)))];
  const restricted = [...files.restricted];
  judgeRollup(files, table.mappingCount, restricted);
  const vmSize = finishVmSizeCheck(table, files.vmSizeKb);
  const widths = computeTableWidths(table.totals);
  // renderRows reads the smaps bytes in the reader's buffer: before any other read.
  return [formatTableHead(pid, files.exe, widths), table.renderRows(widths), formatTableFoot(widths, table.totals, table.mappingCount, vmSize, restricted)];
}

/** Node's native latin1 decoding, for writeSmapsTable's pattern path. */
const decodeLatin1Native: Latin1Decoder = (bytes, start, end) => Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');

/** The mapping list of a process: what smaps made through a reader's parser, or maps when smaps was denied. */
export type MappingList<T> = { smaps: T } | { maps: Mapping[] };

/** What a MappingsCore is read from, before the mapping list is turned into mappings or JSON. */
interface MappingsFiles<T> {
  /** Where they were read from: reportRollupError may read pid's stat too. */
  reader: ProcReader;
  pid: number;
  exe: string | null;
  vmSizeKb: number;
  /** smaps_rollup's fields, or null with rollupError set: what that failure means depends on the mapping count. */
  rollup: SmapsFields | null;
  rollupError: unknown;
  list: MappingList<T>;
  /** What could not be read so far ("smaps: permission denied"). */
  restricted: string[];
}

/**
 * Reads the files of a MappingsCore in the one order both of its forms need: exe, status, smaps_rollup,
 * then smaps last (fromSmaps may write over its bytes in the reader's buffer, which any later read would
 * overwrite). Throws ApiError 'gone' or 'denied' (status, or smaps and maps both refused).
 * readRollupAfter: smaps_rollup is read after smaps instead, and only when this says so of the mapping list
 * (which must then not alias the reader's buffer); else it is left unread (rollup null, no error).
 */
function readMappingsFiles<T>(
  reader: ProcReader,
  pid: number,
  fromSmaps: (bytes: Uint8Array, exe: string | null) => T,
  statusVmSizeKb?: number,
  readRollupAfter?: (list: MappingList<T>) => boolean,
): MappingsFiles<T> {
  const exe = reader.readLink(pid, 'exe');
  const vmSizeKb = statusVmSizeKb ?? parseStatusMemory(reader.readProcFile(pid, 'status')).vmSizeKb;
  let { rollup, rollupError } = readRollupAfter === undefined ? readRollupOrError(reader, pid) : { rollup: null, rollupError: null };
  const restricted: string[] = [];
  const list = readMappingList(reader, pid, exe, fromSmaps, restricted);
  if (readRollupAfter?.(list) === true) ({ rollup, rollupError } = readRollupOrError(reader, pid));
  return { reader, pid, exe, vmSizeKb, rollup, rollupError, list, restricted };
}

/**
 * smaps of pid through fromSmaps or, when the kernel denies smaps (it walks page tables; maps does not),
 * maps parsed, with the reason pushed to `restricted`. Throws ApiError 'gone', or 'denied' when maps is refused too.
 */
export function readMappingList<T>(
  reader: ProcReader,
  pid: number,
  exe: string | null,
  fromSmaps: (bytes: Uint8Array, exe: string | null) => T,
  restricted: string[] = [],
): MappingList<T> {
  try {
    return { smaps: fromSmaps(reader.readProcFile(pid, 'smaps'), exe) };
  } catch (err) {
    if (!isApiError(err) || err.code !== 'denied') throw err;
    restricted.push("smaps: permission denied (root is needed for other users' processes)");
    return { maps: parseMaps(reader.readProcFile(pid, 'maps'), exe) };
  }
}

/** The MappingsCore of what readMappingsFiles read, with `mappings` made of its mapping list. */
function buildMappingsCore(pid: number, files: MappingsFiles<unknown>, mappings: Mapping[]): MappingsCore {
  const restricted = [...files.restricted];
  const rollup = judgeRollup(files, mappings.length, restricted);
  return {
    pid,
    exe: files.exe,
    mappings,
    rollup,
    totals: sumSmapsAmounts(mappings),
    vmSize: checkVmSize(mappings, files.vmSizeKb),
    restricted,
  };
}

/**
 * The rollup when it was read; else null, with the reason pushed to `restricted`.
 * Throws ApiError 'gone' when the process exited (a kernel thread, which has no mm, did not).
 */
function judgeRollup(files: MappingsFiles<unknown>, mappingCount: number, restricted: string[]): SmapsFields | null {
  if (files.rollupError === null) return files.rollup;
  reportRollupError(files.rollupError, mappingCount, files.vmSizeKb, restricted, files.reader, files.pid);
  return null;
}

/**
 * smaps_rollup's fields, or what reading it threw: read before smaps, judged after it (reportRollupError needs
 * smaps' mapping count to tell a kernel thread from a process that exited).
 */
export function readRollupOrError(reader: ProcReader, pid: number): { rollup: SmapsFields | null; rollupError: unknown } {
  try {
    return { rollup: parseSmapsRollup(reader.readProcFile(pid, 'smaps_rollup')).fields, rollupError: null };
  } catch (err) {
    return { rollup: null, rollupError: err };
  }
}

/**
 * Why smaps_rollup could not be read, pushed to `restricted`, given what smaps and status said.
 * Throws `err` when it is ApiError 'gone' and the process exited (a kernel thread, which has no mm, did not).
 */
export function reportRollupError(err: unknown, mappingCount: number, vmSizeKb: number, restricted: string[], reader: ProcReader, pid: number): void {
  const gone = isApiError(err) && err.code === 'gone';
  // No mappings and no VmSize: a kernel thread (no mm; smaps_rollup reads ESRCH although it lives), or a process that
  // exited (a zombie, or one exiting) whose status still reads. stat's PF_KTHREAD tells them apart.
  const kernelThread = mappingCount === 0 && vmSizeKb === 0 && isKernelThread(reader, pid);
  if (gone && !kernelThread) throw err;
  if (kernelThread) restricted.push('smaps_rollup: a kernel thread has no user address space');
  else restricted.push(`smaps_rollup: ${isApiError(err) && err.code === 'denied' ? 'permission denied' : (err as Error).message}`);
}
