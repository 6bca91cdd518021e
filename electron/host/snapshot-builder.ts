// Builds a memscope-snapshot v1 document for one process from what the host can read now
// (format: shared/snapshot/FORMAT.md; validated by shared/snapshot/validate.ts on re-open).
import { readFileSync } from 'node:fs';
import { arch, hostname, release } from 'node:os';
import type { MappingsReport, ProcessDetail } from '../../shared/api.js';
import type { HistorySample } from '../../shared/history/sample.js';
import type { ProcessRow } from '../../shared/proc/types.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type Snapshot, type SnapshotHost } from '../../shared/snapshot/schema.js';
import { USER_HZ } from '../../shared/proc/top-metrics.js';
import { PAGE_SIZE } from '../../shared/units.js';

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

/** Everything a snapshot holds, gathered by the service. */
export interface SnapshotParts {
  detail: ProcessDetail;
  row: ProcessRow;
  report: MappingsReport;
  memTotalKb: number;
  intervalMs: number;
  samples: HistorySample[];
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
  };
}
