// THE contract between the renderer and the host: one interface implemented once by
// electron/host/service.ts and carried unchanged over IPC (Electron) and HTTP (browser mode).
import type { HistorySample } from './history/sample.js';
import type { TranslationReport } from './mm/translate.js';
import type { MappingGroup } from './proc/group.js';
import type { PageMap } from './proc/page-state-map.js';
import type { VmSizeCheck } from './proc/vmsize.js';
import type { Mapping, ProcessRow, SmapsFields } from './proc/types.js';
import type { CacheGeometry } from './sim/cache/geometry.js';
import type { SnapshotDiff } from './snapshot/diff.js';
import type { Snapshot } from './snapshot/schema.js';

/** One refresh of every process. */
export interface Tick {
  /** 1, 2, 3, … per sampler. */
  seq: number;
  /** Wall-clock time of the sample (epoch ms). */
  tMs: number;
  /** Time since the previous tick (0 on the first). */
  elapsedMs: number;
  memTotalKb: number;
  /** Live rows, then tombstones ('gone') of processes that vanished since the last tick. */
  rows: ProcessRow[];
  /** What this tick cost memscope itself. */
  cost: SamplingCost;
  /** Set when the tick could not read everything (e.g. out of file descriptors); absent on a clean tick. */
  error?: TickError;
}

/**
 * Why a tick is incomplete, in one line. 'partial': some processes could not be read (they keep
 * their last row, marked 'restricted', or are missing if never read). 'failed': /proc could not be
 * listed, so the tick has no rows at all and consumers keep the previous tick's.
 */
export interface TickError {
  kind: 'partial' | 'failed';
  message: string;
}

/** What one tick cost memscope: shown so users can trust it is cheap. */
export interface SamplingCost {
  wallMs: number;
  cpuMs: number;
  processCount: number;
}

/** Host-wide memory and load (systeminformation + os.loadavg), sizes in kB. */
export interface SystemSummary {
  hostname: string;
  os: string;
  kernel: string;
  arch: string;
  uptimeS: number;
  memTotalKb: number;
  memFreeKb: number;
  /** MemTotal - MemAvailable: what applications hold. */
  memUsedKb: number;
  memAvailableKb: number;
  buffersKb: number;
  cachedKb: number;
  swapTotalKb: number;
  swapUsedKb: number;
  load1: number;
  load5: number;
  load15: number;
}

/** One process in depth: everything status says, and its row. */
export interface ProcessDetail {
  pid: number;
  exe: string | null;
  cmdline: string[];
  /** Every /proc/PID/status line, key → value as printed. */
  status: Record<string, string>;
  /** Its latest sampled row, or null before the first tick. */
  row: ProcessRow | null;
}

/** A process's mappings with every smaps field and their totals: what `memscope maps --json` prints. */
export interface MappingsCore {
  pid: number;
  exe: string | null;
  /** In address order; smaps fields present unless smaps was unreadable (then maps only). */
  mappings: Mapping[];
  /** smaps_rollup fields, or null when unreadable. */
  rollup: SmapsFields | null;
  /** Sum of each numeric smaps field over all mappings, under the kernel's names. */
  totals: Record<string, number>;
  /** Mapping sizes summed against VmSize ([vsyscall] excluded, as the kernel does). */
  vmSize: VmSizeCheck;
  /** What could not be read, "file: reason". */
  restricted: string[];
}

/** MappingsCore plus the grouping the mappings table shows. */
export interface MappingsReport extends MappingsCore {
  /** Mappings grouped by backing file, as pmap groups a library's several mappings. */
  groups: MappingGroup[];
}

/** One process's VIRT/RES/SHR/SWAP samples, oldest first. */
export interface ProcessHistory {
  pid: number;
  intervalMs: number;
  samples: HistorySample[];
}

/** The host's data-cache geometry (cpu0's /sys/devices/system/cpu/cpu0/cache/index*), the cache lab's default. */
export interface HostCacheGeometryInfo {
  levels: CacheGeometry;
  /** "sysfs" when read from the machine, "fallback" when sysfs had nothing usable (FALLBACK_GEOMETRY). */
  source: 'sysfs' | 'fallback';
  /** Cache indexes that could not be read or used, one line each. */
  problems: string[];
}

/** The API every shell (CLI, Electron IPC, HTTP) exposes; arguments are validated by shared/validate.ts. */
export interface MemscopeApi {
  /** The latest tick of every process. */
  listProcesses(): Promise<Tick>;
  /** One process's status, command line and row. */
  getProcess(pid: number): Promise<ProcessDetail>;
  /** One process's maps + smaps + smaps_rollup, classified and grouped. */
  getMappings(pid: number): Promise<MappingsReport>;
  /** One mapping of pid, the one starting at startHex (lowercase hex as maps prints it), with every smaps field; null when none starts there. */
  getMapping(pid: number, startHex: string): Promise<Mapping | null>;
  /** One process's VIRT/RES/SHR/SWAP history held so far. */
  getHistory(pid: number): Promise<ProcessHistory>;
  /** Host memory, swap, load, OS. */
  getSystem(): Promise<SystemSummary>;
  /** A versioned snapshot of one process (format memscope-snapshot v1). */
  exportSnapshot(pid: number): Promise<Snapshot>;
  /** Validates a snapshot file's text; throws ApiError('malformed') naming what is wrong. */
  openSnapshot(text: string): Promise<Snapshot>;
  /** What grew, shrank, appeared and disappeared between two snapshots. */
  diffSnapshots(a: Snapshot, b: Snapshot): Promise<SnapshotDiff>;
  /** pageCount pages (1..MAX_PAGES_PER_CALL) of pid from startHex, page by page (pagemap; kpagecount/kpageflags as root). */
  getPages(pid: number, startHex: string, pageCount: number): Promise<PageMap>;
  /** The page-table walk of one address of a live process (hex, 0x optional): levels, page size, pagemap; PFN, kpagecount, kpageflags as root. */
  translateAddress(pid: number, addressHex: string): Promise<TranslationReport>;
  /** The host's data-cache geometry from sysfs (or the built-in fallback, saying why). */
  getCacheGeometry(): Promise<HostCacheGeometryInfo>;
}

/** Every method name of MemscopeApi, for IPC channel and HTTP route tables. */
export const API_METHODS = [
  'listProcesses',
  'getProcess',
  'getMappings',
  'getMapping',
  'getHistory',
  'getSystem',
  'exportSnapshot',
  'openSnapshot',
  'diffSnapshots',
  'getPages',
  'translateAddress',
  'getCacheGeometry',
] as const satisfies readonly (keyof MemscopeApi)[];

/** What the renderer holds: the API plus the live tick stream (IPC events or Server-Sent Events). */
export interface MemscopeBridge extends MemscopeApi {
  /** Calls listener with every new tick; returns the unsubscribe function. */
  onTick(listener: (tick: Tick) => void): () => void;
  /** Where the data comes from, for the title bar ("this machine", or a host name). */
  describeSource(): Promise<SourceInfo>;
}

/** The host a bridge talks to. */
export interface SourceInfo {
  hostname: string;
  /** 'electron' (IPC) or 'http' (browser mode). */
  transport: 'electron' | 'http';
  intervalMs: number;
}

/** A MemscopeApi method name. */
export type ApiMethod = (typeof API_METHODS)[number];

/** IPC channel of a method: "memscope:<method>" (the preload rejects anything else). */
export function channelOf(method: ApiMethod): string {
  return `memscope:${method}`;
}

/** IPC channel the main process sends ticks on. */
export const TICK_CHANNEL = 'memscope:tick';

/**
 * What an IPC handler returns: Electron keeps only an Error's message across ipcRenderer.invoke
 * and contextBridge, so errors travel as data and the preload rethrows them as "[code] message".
 */
export type IpcEnvelope = { ok: true; value: unknown } | { ok: false; code: string; message: string };
