// Builds a memscope-snapshot v1 document for one process from what the host can read now
// (format: shared/snapshot/FORMAT.md; validated by shared/snapshot/validate.ts on re-open). Its memory
// numbers are one read: status right before smaps (withStatusMemory), each part's time in readTimes.
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
import type { ProcReader } from './proc/proc-reader.js';

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
 * The process-table row with VIRT/RES/SHR/SWAP (and %MEM) from a status read, top's meanings
 * (shared/proc/top-metrics.ts): a snapshot's header then says what the smaps read next to it says.
 */
export function withStatusMemory(row: ProcessRow, memory: StatusMemory, memTotalKb: number): ProcessRow {
  const resKb = computeResKb(memory.rssAnonKb, memory.rssFileKb, memory.rssShmemKb);
  return {
    ...row,
    virtKb: computeVirtKb(memory.vmSizeKb),
    resKb,
    shrKb: computeShrKb(memory.rssFileKb, memory.rssShmemKb),
    swapKb: memory.vmSwapKb,
    memPct: computeMemPct(resKb, memTotalKb),
  };
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
 * Throws ApiError as readMappingsReport.
 */
export function readSnapshotMemory(reader: ProcReader, pid: number): SnapshotMemory {
  for (let attempt = 1; ; attempt++) {
    const statusMs = Date.now();
    const statusBytes = reader.readProcFileCopy(pid, 'status');
    const smapsStartMs = Date.now();
    const report = readMappingsReport(reader, pid);
    const smapsEndMs = Date.now();
    const memory = parseStatusMemory(statusBytes);
    const settled = isSameMemory(memory, parseStatusMemory(reader.readProcFile(pid, 'status')));
    if (settled || attempt === MAX_MEMORY_READS) {
      return { status: parseStatus(statusBytes), memory, report, readTimes: { statusMs, smapsStartMs, smapsEndMs } };
    }
  }
}

function isSameMemory(a: StatusMemory, b: StatusMemory): boolean {
  return a.vmSizeKb === b.vmSizeKb && a.rssAnonKb === b.rssAnonKb && a.rssFileKb === b.rssFileKb && a.rssShmemKb === b.rssShmemKb && a.vmSwapKb === b.vmSwapKb;
}
