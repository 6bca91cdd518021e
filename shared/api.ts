// THE contract between the renderer and the host: one interface implemented once by
// electron/host/service.ts and carried unchanged over IPC (Electron) and HTTP (browser mode).
import { decodeApiError, encodeApiError, type ApiErrorBody } from './errors.js';
import type { ArenaDetail } from './heap/inspect.js';
import type { HeapReport } from './heap/report.js';
import type { HistorySample } from './history/sample.js';
import type { TranslationReport } from './mm/translate.js';
import type { MappingGroup } from './proc/group.js';
import type { MappingPatch } from './proc/mapping-patch.js';
import type { PageMap } from './proc/page-state-map.js';
import type { VmSizeCheck } from './proc/vmsize.js';
import type { Mapping, ProcessRow, SmapsFields } from './proc/types.js';
import type { ColumnId, ProcSource } from './proc/columns.js';
import type { CacheGeometry } from './sim/cache/geometry.js';
import type { MallocParams } from './sim/malloc/glibc/params.js';
import type { SnapshotDiff } from './snapshot/diff.js';
import type { HostMemoryHistoryReply } from './history/host-memory-history.js';
import type { Snapshot } from './snapshot/schema.js';
import type { TickScope } from './tick-scope.js';

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
  /**
   * Set when the rows were narrowed to these pids (shared/tick-scope.ts: a stream asked for them); absent, every
   * process's row is here. A pid of the scope without a row has no process (or its tombstone was sent before).
   */
  scope?: number[];
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
  /** The per-process files this tick read: those the shown columns need (shared/proc/columns.ts), in PROC_SOURCES order. */
  sources: ProcSource[];
  /** The smaps_rollup reads for rows on screen, when some client shows PSS, USS or SWAP-PSS; included in wallMs/cpuMs. */
  rollup?: RollupCost;
}

/** What reading smaps_rollup for the rows on screen cost a tick, against its budget. */
export interface RollupCost {
  /** Processes whose smaps_rollup was read this tick. */
  readCount: number;
  /** Wall time those reads took. */
  wallMs: number;
  /** Most wall time a tick spends on them (ROLLUP_BUDGET_MS); the rest wait for the next tick. */
  budgetMs: number;
  /** Asked for but not read this tick (the budget ran out): they show their previous figures. */
  deferredCount: number;
}

/** What one client (a browser tab, the desktop window) shows in its process table. */
export interface TableView {
  /** The shown columns: the sampler reads the files they need (the union over clients). */
  columns: ColumnId[];
  /** Pids of the rows on screen (at most MAX_ROLLUP_PIDS): smaps_rollup is read for them while a rollup column is shown. */
  rollupPids: number[];
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

/** Mappings per chunk of getMappingsIfChanged when the caller names none (callers older than chunkMappings). */
export const MAPPINGS_CHUNK_SIZE = 512;

/**
 * The fewest mappings per chunk (on average) a caller may ask for. A re-read of a live Chromium (~830 mappings, Rss
 * moving in ~10, a few mapped or unmapped) then crosses the few chunks around those, not ~150-450 KB of JSON.
 */
export const MIN_MAPPINGS_CHUNK_SIZE = 4;

/**
 * Chunks a report is cut into at most on average: a bigger report gets longer chunks (powers of 2, up to
 * MAPPINGS_CHUNK_SIZE), so the fingerprint a caller sends back stays under ~17 KB (20,000 mappings: chunks of 32).
 */
export const TARGET_MAPPINGS_CHUNKS = 1024;

/**
 * Up to this many mappings a caller naming chunkMappings groups them itself: a Chromium's groups weigh ~100 KB of
 * JSON and grouping its ~830 mappings costs ~1 ms, where grouping 20,000 costs the page 20-40 ms (then they come).
 */
export const GROUPED_BY_CALLER_MAX_MAPPINGS = 4096;

/**
 * Most mappings one answer carries whole when the caller names maxMappings (getMappingsIfChanged) and in a
 * getMappingChunks answer: ~1 MB of JSON, which the page parses in a task of its own (~10 ms), where the first read of a
 * 20,000-mapping process in one answer was 10 MB parsed in one 60-80 ms task.
 */
export const MAPPINGS_PER_ANSWER = 2048;

/**
 * getMappingsIfChanged's answer: the report without its mappings, which come in chunks (address order), each null
 * when the report the caller's fingerprint names holds a chunk of the same hash. Without chunkMappings: chunks of
 * MAPPINGS_CHUNK_SIZE, a null one the held chunk at its index. With it: chunks cut where a mapping's start address
 * says (answer's chunkMappings long on average), so a mapping that appears or goes changes one chunk, not every later one.
 * A page that polls a 20,000-mapping process then parses what changed (a library's Pss), not 10 MB of JSON every time.
 */
export interface MappingsUpdate {
  /** Names the report's mappings chunk by chunk: one hash (hex) per chunk, '.'-separated. */
  fingerprint: string;
  /**
   * Everything but the mappings; without `groups` when the caller named chunkMappings and the report has at most
   * GROUPED_BY_CALLER_MAX_MAPPINGS mappings: they are groupByBackingFile(mappings), which the caller then runs.
   */
  report: Omit<MappingsReport, 'mappings' | 'groups'> & { groups?: MappingGroup[] };
  /** Mean mappings per chunk when the caller named chunkMappings: that, or more for a big report (TARGET_MAPPINGS_CHUNKS). */
  chunkMappings?: number;
  /** Chunk i's mappings, or null: the held chunk whose hash is the fingerprint's i-th, or mappingPatches' i-th. */
  mappingChunks: (Mapping[] | null)[];
  /**
   * With chunkMappings, when the host still has the report sinceFingerprint names: chunk i, changed but for smaps
   * values only, as those values (mappingChunks' i-th is then null; applyMappingPatch on the held mappings makes it).
   */
  mappingPatches?: (MappingPatch | null)[];
  /**
   * When the caller named maxMappings and the chunks to send held more: [index, mappings] of each chunk not sent
   * (mappingChunks' i-th is then null), to ask with getMappingChunks(pid, fingerprint, indexes).
   */
  deferredChunks?: [index: number, mappings: number][];
}

/** getMappingChunks' answer: the chunks asked for, in the order asked, as many as fit in MAPPINGS_PER_ANSWER mappings (at least one). */
export interface MappingChunks {
  chunks: Mapping[][];
}

/**
 * One process's VIRT/RES/SHR/SWAP history, oldest first: since memscope started watching it, every tick
 * for the last 15 minutes, older ticks in buckets (a sample with `bucket`: its span, count, min and max).
 */
export interface ProcessHistory {
  pid: number;
  intervalMs: number;
  samples: HistorySample[];
  /** When memscope started watching the process: the first tick held (epoch ms), null with no history. */
  startedMs: number | null;
  /** When the process was seen to exit (gone, or a zombie), null while it runs: an event, not a sample. */
  exitedMs: number | null;
}

/** The host's data-cache geometry (cpu0's /sys/devices/system/cpu/cpu0/cache/index*), the cache lab's default. */
export interface HostCacheGeometryInfo {
  levels: CacheGeometry;
  /** "sysfs" when read from the machine, "fallback" when sysfs had nothing usable (FALLBACK_GEOMETRY). */
  source: 'sysfs' | 'fallback';
  /** Cache indexes that could not be read or used, one line each. */
  problems: string[];
}

/**
 * The API every shell (CLI, Electron IPC, HTTP) exposes; arguments are validated by shared/validate-args.ts.
 * Adding a method here without serving it fails the build: API_METHOD_TABLE below, the argument validators
 * (shared/validate-args.ts) and MemscopeService (electron/host/service.ts) each name every method.
 */
export interface MemscopeApi {
  /** The latest tick of every process. */
  listProcesses(): Promise<Tick>;
  /** One process's status, command line and row. */
  getProcess(pid: number): Promise<ProcessDetail>;
  /** One process's maps + smaps + smaps_rollup, classified and grouped. */
  getMappings(pid: number): Promise<MappingsReport>;
  /**
   * getMappings read now, only the chunks of mappings that differ from the report sinceFingerprint names (null: all),
   * cut by content every chunkMappings mappings or more on average (MIN_MAPPINGS_CHUNK_SIZE..MAPPINGS_CHUNK_SIZE; more
   * when the report has over TARGET_MAPPINGS_CHUNKS chunks of that), or without it every MAPPINGS_CHUNK_SIZE mappings as before.
   * With maxMappings, whole chunks beyond that many mappings are left for getMappingChunks (MappingsUpdate.deferredChunks).
   */
  getMappingsIfChanged(pid: number, sinceFingerprint: string | null, chunkMappings?: number, maxMappings?: number): Promise<MappingsUpdate>;
  /**
   * Chunks of the report pid's last getMappingsIfChanged answered (named by fingerprint) by index, a prefix of
   * `indexes` within MAPPINGS_PER_ANSWER mappings. Throws ApiError: torn (the host holds another report of pid now:
   * read again), gone (no such process and no report held), bad-arg (an index the report has no chunk at).
   */
  getMappingChunks(pid: number, fingerprint: string, indexes: number[]): Promise<MappingChunks>;
  /** One mapping of pid, the one starting at startHex (lowercase hex as maps prints it), with every smaps field; null when none starts there. */
  getMapping(pid: number, startHex: string): Promise<Mapping | null>;
  /** One process's VIRT/RES/SHR/SWAP history held so far. */
  getHistory(pid: number): Promise<ProcessHistory>;
  /** Host memory, swap, load, OS. */
  getSystem(): Promise<SystemSummary>;
  /** The host's used memory at every tick since memscope started (older ticks in buckets), for the summary's chart. */
  getHostHistory(): Promise<HostMemoryHistoryReply>;
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
  /**
   * A live process's glibc 2.36 heap read through /proc/PID/mem, on demand (what `memscope heap PID --json` prints).
   * Throws ApiError: denied (no ptrace access), gone, malformed (no glibc, another version, torn read).
   */
  getHeap(pid: number, options?: HeapReadOptions): Promise<HeapView>;
  /** Where the data comes from, for the title bar ("this machine", or a host name) and the connection watchdog. */
  describeSource(): Promise<SourceInfo>;
  /**
   * Says what a client's process table shows; from the next tick on the sampler reads only the files the
   * union of all clients' columns needs. clientId names the tab (any id it keeps for its lifetime); a view
   * not renewed within VIEW_LEASE_MS is forgotten, so a closed tab stops costing.
   */
  setTableView(clientId: string, view: TableView): Promise<void>;
}

/** Most chunks (all arenas) whose detail getHeap sends: about 25 bytes of JSON each, 2.5 MB at the bound. */
export const MAX_HEAP_VIEW_CHUNKS = 100_000;

/** A live heap as the Heap view shows it: the report `memscope heap --json` prints, and every chunk behind it. */
export interface HeapView {
  report: HeapReport;
  /** Each arena chunk by chunk and list by list (same order as report.arenas); null past MAX_HEAP_VIEW_CHUNKS chunks. */
  arenas: ArenaDetail[] | null;
  /** Chunks read in all arenas (whether arenas holds them or not). */
  chunkCount: number;
  /** The glibc model's parameters as the process's mp_ (and GLIBC_TUNABLES' mxfast) set them: the Allocator lab starts from these. */
  params: MallocParams;
}

/** How getHeap reads: as `memscope heap`'s flags. */
export interface HeapReadOptions {
  /** Stop the process (SIGSTOP) for the few milliseconds of the read, and always resume it (`--freeze`). */
  freeze?: boolean;
}

/** The host a bridge talks to. */
export interface SourceInfo {
  hostname: string;
  /** 'electron' (IPC) or 'http' (browser mode). */
  transport: ApiTransport;
  intervalMs: number;
}

/** How a renderer reaches the host: the desktop app's IPC, or HTTP (browser mode, remote hosts). */
export type ApiTransport = 'electron' | 'http';

/** A MemscopeApi method name. */
export type ApiMethod = keyof MemscopeApi;

/** Each method's arguments, as a tuple. */
export type ApiArgs = { [M in ApiMethod]: Parameters<MemscopeApi[M]> };

/** What each method resolves to. */
export type ApiResult = { [M in ApiMethod]: Awaited<ReturnType<MemscopeApi[M]>> };

/**
 * MemscopeApi as a mapped type. Generic code (`api[method](...args)` with `method: M`) type-checks
 * only against this form: TypeScript correlates ApiArgs[M] and ApiResult[M] through one mapped type,
 * never through the interface's separate members. MemscopeApi and ApiFunctions are assignable both ways.
 */
export type ApiFunctions = { [M in ApiMethod]: (...args: ApiArgs[M]) => Promise<ApiResult[M]> };

/**
 * Every method, once: a Record over ApiMethod, so a method of MemscopeApi missing here (or a name
 * that is not one) is a compile error, which a bare array cannot give.
 */
const API_METHOD_TABLE: Record<ApiMethod, true> = {
  listProcesses: true,
  getProcess: true,
  getMappings: true,
  getMappingsIfChanged: true,
  getMappingChunks: true,
  getMapping: true,
  getHistory: true,
  getSystem: true,
  getHostHistory: true,
  exportSnapshot: true,
  openSnapshot: true,
  diffSnapshots: true,
  getPages: true,
  translateAddress: true,
  getCacheGeometry: true,
  getHeap: true,
  describeSource: true,
  setTableView: true,
};

/** Every method name of MemscopeApi, for IPC channel and HTTP route tables. */
export const API_METHODS: readonly ApiMethod[] = Object.freeze(Object.keys(API_METHOD_TABLE) as ApiMethod[]);

/** True when name is a MemscopeApi method. */
export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && Object.hasOwn(API_METHOD_TABLE, name);
}

/** One value per method, made by make (the one loop over API_METHODS that the builders below share). */
function buildMethodTable(make: (method: ApiMethod) => unknown): Record<ApiMethod, unknown> {
  const table: Partial<Record<ApiMethod, unknown>> = {};
  for (const method of API_METHODS) table[method] = make(method);
  return table as Record<ApiMethod, unknown>; // complete: API_METHODS holds every key of the exhaustive table
}

/**
 * A transport's client side: one wrapper per method, made by make, checked against that method's own
 * argument and result types (make's signature spells them out: TypeScript would check a generic
 * `ApiFunctions[M]` result against every method's type at once).
 */
export function buildApiFunctions(make: <M extends ApiMethod>(method: M) => (...args: ApiArgs[M]) => Promise<ApiResult[M]>): ApiFunctions {
  return buildMethodTable(make) as ApiFunctions;
}

/** As buildApiFunctions, for the IPC side whose wrappers answer ApiReplies (the preload). */
export function buildApiReplyFunctions(
  make: <M extends ApiMethod>(method: M) => (...args: ApiArgs[M]) => Promise<ApiReply<ApiResult[M]>>,
): ApiReplyFunctions {
  return buildMethodTable(make) as ApiReplyFunctions;
}

/** What the renderer holds: the API plus the live tick stream (IPC events or Server-Sent Events). */
export interface MemscopeBridge extends MemscopeApi {
  /** Calls listener with every new tick; returns the unsubscribe function. */
  onTick(listener: (tick: Tick) => void): () => void;
  /**
   * From now on the stream carries the rows of these pids only (null: every row, the default); the host then sends
   * the latest tick so narrowed (Tick.scope). A host older than scopes goes on sending every row.
   */
  setTickScope(scope: TickScope): void;
}

/** IPC channel of a method: "memscope:<method>" (the preload rejects anything else). */
export function channelOf(method: ApiMethod): string {
  return `memscope:${method}`;
}

/** IPC channel the main process sends ticks on. */
export const TICK_CHANNEL = 'memscope:tick';

/** IPC channel on which the renderer names its tick scope (MemscopeBridge.setTickScope; a TickScope). */
export const TICK_SCOPE_CHANNEL = 'memscope:tick-scope';

/**
 * How one call ended, as IPC carries it and as HTTP does for a client sending API_REPLY_HEADER: Electron keeps
 * only an Error's message across ipcRenderer.invoke and contextBridge, and Chromium logs every HTTP error status
 * ("Failed to load resource"), so errors travel as data (settleApiCall) and the clients rethrow them (unwrapApiReply).
 */
export type ApiReply<T> = { ok: true; value: T } | { ok: false; error: ApiErrorBody };

/**
 * The HTTP request header by which a client asks for every call's outcome as a 200 ApiReply (the app's own
 * transport sends it). Without it a failed call keeps its code's status (HTTP_STATUS_OF) for curl and scripts.
 */
export const API_REPLY_HEADER = { name: 'memscope-reply', value: 'envelope' } as const;

/** The one way a call's outcome becomes an ApiReply: its value, or what it threw as encodeApiError makes it. */
export async function settleApiCall<T>(call: () => Promise<T>): Promise<ApiReply<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (err) {
    return { ok: false, error: encodeApiError(err) };
  }
}

/** The one way a client reads an ApiReply: the value, or its error rethrown as an ApiError (decodeApiError). */
export function unwrapApiReply<T>(reply: ApiReply<T>): T {
  if (reply.ok) return reply.value;
  throw decodeApiError(reply.error);
}

/** Every method answering an ApiReply instead of throwing: the IPC form of ApiFunctions. */
export type ApiReplyFunctions = { [M in ApiMethod]: (...args: ApiArgs[M]) => Promise<ApiReply<ApiResult[M]>> };

/** What the preload exposes as window.memscope: every method answering an ApiReply, and the tick stream. */
export type PreloadBridge = ApiReplyFunctions & Pick<MemscopeBridge, 'onTick' | 'setTickScope'>;
