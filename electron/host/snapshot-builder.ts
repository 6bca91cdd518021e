// Builds a memscope-snapshot v1 document for one process from what the host can read now
// (format: shared/snapshot/FORMAT.md; validated by shared/snapshot/validate.ts on re-open). Its memory
// numbers are one read: status right before smaps (withStatusMemory: VIRT/RES/SHR/SWAP and USER), each part's time in readTimes.
import { readFileSync } from 'node:fs';
import { arch, hostname, release } from 'node:os';
import type { MappingsReport, ProcessDetail } from '../../shared/api.js';
import type { HistorySample } from '../../shared/history/sample.js';
import type { ProcessRow } from '../../shared/proc/types.js';
import { parseStatus, parseStatusMemory, type StatusFields, type StatusMemory } from '../../shared/proc/status.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type Snapshot, type SnapshotHost, type SnapshotReadTimes } from '../../shared/snapshot/schema.js';
import { computeMemPct, computeResKb, computeShrKb, computeVirtKb, USER_HZ } from '../../shared/proc/top-metrics.js';
import { PAGE_SIZE } from '../../shared/units.js';
import { readMappingsReport } from './proc/mappings-reader.js';
import { toApiError, type ProcReader } from './proc/proc-reader.js';
import type { UserNames } from './system/users.js';

const PACKAGE_JSON = new URL('../../../package.json', import.meta.url);

/** memscope's own version, from package.json. */
export function readMemscopeVersion(): string {
  try {
    return (JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** PRETTY_NAME from /etc/os-release, e.g. "Debian GNU/Linux 12 (bookworm)". */
function readOsName(): string {
  try {
    const line = readFileSync('/etc/os-release', 'utf8').split('\n').find((l) => l.startsWith('PRETTY_NAME='));
    return line === undefined ? 'Linux' : line.slice('PRETTY_NAME='.length).replace(/^"|"$/g, '');
  } catch {
    return 'Linux';
  }
}

/** This host, as a snapshot records it. */
export function describeHost(memTotalKb: number): SnapshotHost {
  return {
    hostname: hostname(),
    kernel: release(),
    os: readOsName(),
    arch: arch(),
    memTotalKb,
    pageSizeBytes: PAGE_SIZE,
    clockTicksPerS: USER_HZ,
    memscopeVersion: readMemscopeVersion(),
  };
}

/**
 * The process-table row with VIRT/RES/SHR/SWAP (and %MEM) and USER from a status read, top's meanings
 * (shared/proc/top-metrics.ts): a snapshot's header then says what the smaps read next to it says, whatever
 * columns the ticks read. userNames should be refreshed by the caller.
 */
export function withStatusMemory(row: ProcessRow, memory: StatusMemory, memTotalKb: number, userNames: Pick<UserNames, 'nameOf'>): ProcessRow {
  const resKb = computeResKb(memory.rssAnonKb, memory.rssFileKb, memory.rssShmemKb);
  return {
    ...row,
    uid: memory.euid,
    user: userNames.nameOf(memory.euid),
    virtKb: computeVirtKb(memory.vmSizeKb),
    resKb,
    shrKb: computeShrKb(memory.rssFileKb, memory.rssShmemKb),
    swapKb: memory.vmSwapKb,
    memPct: computeMemPct(resKb, memTotalKb),
  };
}

/** What names a process besides its status: the exe link (null when unreadable) and argv. Throws ApiError for cmdline. */
export function readProcessIdentity(reader: ProcReader, pid: number): Pick<ProcessDetail, 'exe' | 'cmdline'> {
  const cmdline = Buffer.from(reader.readProcFile(pid, 'cmdline')).toString('utf8').split('\0');
  if (cmdline.at(-1) === '') cmdline.pop();
  return { exe: reader.readLink(pid, 'exe'), cmdline };
}

/** Everything a snapshot holds, gathered by the service. */
export interface SnapshotParts {
  detail: ProcessDetail;
  /** Already withStatusMemory of detail.status's read. */
  row: ProcessRow;
  report: MappingsReport;
  memTotalKb: number;
  intervalMs: number;
  samples: HistorySample[];
  readTimes: SnapshotReadTimes;
}

/** Assembles the v1 document. */
export function buildSnapshot(parts: SnapshotParts): Snapshot {
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    createdAt: new Date().toISOString(),
    host: describeHost(parts.memTotalKb),
    process: {
      pid: parts.detail.pid,
      exe: parts.detail.exe,
      cmdline: parts.detail.cmdline,
      status: parts.detail.status,
      metrics: parts.row,
    },
    mappings: parts.report.mappings,
    rollup: parts.report.rollup,
    totals: parts.report.totals,
    history: { intervalMs: parts.intervalMs, samples: parts.samples },
    restricted: parts.report.restricted,
    readTimes: parts.readTimes,
  };
}

/** Reads of a moving process before a snapshot settles for the last one (each is status + smaps + status). */
const MAX_MEMORY_READS = 3;

/** One process's memory read as one moment, for a snapshot: see readSnapshotMemory. */
export interface SnapshotMemory {
  status: StatusFields;
  memory: StatusMemory;
  report: MappingsReport;
  readTimes: Omit<SnapshotReadTimes, 'tickMs'>;
}

/**
 * status, then smaps_rollup and smaps (readMappingsReport), then status again: when the memory lines of
 * the two status reads differ the process moved during the read, and it is read again (at most
 * MAX_MEMORY_READS times), so header and mappings agree whenever the process holds still that long.
 * status is opened once and re-read with pread (a seq_file regenerates its text at offset 0): every status
 * number of the snapshot, USER and SWAP included, comes from the read kept. Throws ApiError as readMappingsReport.
 */
export function readSnapshotMemory(reader: ProcReader, pid: number): SnapshotMemory {
  const where = `/proc/${pid}/status`;
  let fd: number;
  try {
    fd = reader.openKept(reader.pathOf(pid, 'status'));
  } catch (err) {
    throw toApiError(err, where);
  }
  const readStatus = (): Uint8Array => {
    try {
      return reader.preadKept(fd);
    } catch (err) {
      throw toApiError(err, where);
    }
  };
  try {
    for (let attempt = 1; ; attempt++) {
      const statusMs = Date.now();
      const statusBytes = Uint8Array.prototype.slice.call(readStatus()); // the reader's buffer is reused by smaps
      const smapsStartMs = Date.now();
      const memory = parseStatusMemory(statusBytes);
      const report = readMappingsReport(reader, pid, memory.vmSizeKb);
      const smapsEndMs = Date.now();
      const settled = isSameMemory(memory, parseStatusMemory(readStatus()));
      if (settled || attempt === MAX_MEMORY_READS) {
        return { status: parseStatus(statusBytes), memory, report, readTimes: { statusMs, smapsStartMs, smapsEndMs } };
      }
    }
  } finally {
    reader.closeKept(fd);
  }
}

function isSameMemory(a: StatusMemory, b: StatusMemory): boolean {
  return a.vmSizeKb === b.vmSizeKb && a.rssAnonKb === b.rssAnonKb && a.rssFileKb === b.rssFileKb && a.rssShmemKb === b.rssShmemKb && a.vmSwapKb === b.vmSwapKb;
}
