// Implements MemscopeApi once, for the Electron main process, the CLI and the HTTP server:
// a Sampler ticking at an interval (or on demand: tickNow, as `memscope top`), bounded histories
// (none for top), and on-demand per-process reads.
import { hostname } from 'node:os';
import { MAX_HEAP_VIEW_CHUNKS } from '../../shared/api.js';
import type { ApiTransport, HeapReadOptions, HeapView, HostCacheGeometryInfo, MappingChunks, MappingsReport, MappingsUpdate, MemscopeApi, ProcessDetail, ProcessHistory, SourceInfo, SystemSummary, TableView, Tick } from '../../shared/api.js';
import { ApiError } from '../../shared/errors.js';
import { paramsFromMallocPar } from '../../shared/heap/to-model.js';
import { HistoryStore } from '../../shared/history/history-store.js';
import { isExitReading } from '../../shared/history/exit-reading.js';
import type { HistorySample } from '../../shared/history/sample.js';
import { HostMemoryHistory, type HostMemoryHistoryReply } from '../../shared/history/host-memory-history.js';
import { parseMeminfoBytes } from '../../shared/proc/meminfo.js';
import { rawCapacityFor } from '../../shared/history/tiered-history.js';
import type { TranslationReport } from '../../shared/mm/translate.js';
import { parseStatus } from '../../shared/proc/status.js';
import type { PageMap } from '../../shared/proc/page-state-map.js';
import type { Mapping, ProcessRow } from '../../shared/proc/types.js';
import { diffSnapshots } from '../../shared/snapshot/diff.js';
import type { SnapshotDiff } from '../../shared/snapshot/diff.js';
import { parseSnapshotText } from '../../shared/snapshot/parse-snapshot-text.js';
import type { Snapshot } from '../../shared/snapshot/schema.js';
import { validateSnapshot } from '../../shared/snapshot/validate.js';
import { assertPid, isHexAddress } from '../../shared/validate.js';
import { readHostCacheGeometry } from './system/cache-geometry.js';
import { readLiveHeap } from './proc/heap-reader.js';
import { readMappingsReport } from './proc/mappings-reader.js';
import { buildMappingsUpdate, pickSentChunks, rememberSentMappings, type SentMappings } from './mappings-update.js';
import { readOneMapping } from './proc/one-mapping-reader.js';
import { readPageMap } from './proc/page-state-map-reader.js';
import { ProcReader, openProcFile } from './proc/proc-reader.js';
import { Sampler } from './proc/sampler.js';
import { TableViews } from './table-views.js';
import { UserNames } from './system/users.js';
import type { ColumnId } from '../../shared/proc/columns.js';
import { buildSnapshot, readProcessIdentity, readSnapshotMemory, withStatusMemory } from './snapshot-builder.js';
import { readSystemSummary } from './system/system-info.js';
import { translateAddress as translateProcessAddress } from './proc/address-translation-reader.js';
import { setNewest } from '../../shared/recent-map.js';

/** Sizing and pacing of the service. */
export interface ServiceOptions {
  /** Sampling interval (default 1000 ms). */
  intervalMs?: number;
  /**
   * Ticks kept one by one per process before they are folded into 10 s buckets (default: 15 minutes of ticks,
   * at most 900; shared/history/tiered-history.ts); 0 keeps no history (`memscope top` shows ticks only).
   */
  historyCapacity?: number;
  /** Most processes with a history (default DEFAULT_MAX_HISTORY_PROCESSES). */
  maxHistoryProcesses?: number;
  /** Memory budget of all histories (default 256 MiB, DEFAULT_HISTORY_BUDGET_BYTES): over it, old buckets are coarsened. */
  historyBudgetBytes?: number;
  /** /proc root, for tests. */
  procRoot?: string;
  /** How renderers reach this service, for describeSource: 'electron' in the desktop app's main process, else 'http' (serve). */
  transport?: ApiTransport;
  /**
   * Columns sampled whatever clients show (default: every column, as the exporter needs); clients'
   * setTableView columns are added to them. The app passes DEFAULT_COLUMNS, `top` the ones it prints.
   */
  baseColumns?: readonly ColumnId[];
  /** Samples only these pids (Sampler's pids): a one-process service whose ticks cost the same however many processes run. */
  pids?: readonly number[];
}

/** Most processes with a history unless ServiceOptions.maxHistoryProcesses says otherwise. */
export const DEFAULT_MAX_HISTORY_PROCESSES = 2048;

/**
 * Processes whose last getMappingsIfChanged answer the host keeps (mappings by start), to answer the next re-read with
 * patches (a few process pages open at once; the oldest goes first, and a re-read against it gets whole chunks).
 */
const SENT_MAPPINGS_PIDS = 4;

/** Ticks are forgotten from history after this many ticks unseen. */
const FORGET_AFTER_TICKS = 60;

/** The one implementation of MemscopeApi. */
export class MemscopeService implements MemscopeApi {
  readonly intervalMs: number;
  private readonly transport: ApiTransport;
  private readonly sampler: Sampler;
  private readonly views: TableViews;
  /** USER of a snapshot, from its own status read. */
  private readonly userNames = new UserNames();
  private readonly reader: ProcReader;
  /** null when the options asked for no history. */
  private readonly history: HistoryStore | null;
  /** The host's used memory per tick; null with no history. */
  private readonly hostHistory: HostMemoryHistory | null;
  private readonly listeners = new Set<(tick: Tick) => void>();
  private latest: Tick | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Per pid, the mappings of the last getMappingsIfChanged answer (oldest first), what the next one patches. */
  private readonly sentMappings = new Map<number, SentMappings>();
  /** /proc/meminfo kept open for the host history, re-read each tick (null until the first tick, and after stop). */
  private meminfoFd: number | null = null;

  constructor(options: ServiceOptions = {}) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.transport = options.transport ?? 'http';
    this.views = new TableViews(options.baseColumns);
    this.sampler = new Sampler({
      columns: this.views.listColumns(),
      ...(options.procRoot === undefined ? {} : { procRoot: options.procRoot }),
      ...(options.pids === undefined ? {} : { pids: options.pids }),
    });
    this.reader = new ProcReader(options.procRoot);
    const historyCapacity = options.historyCapacity ?? rawCapacityFor(this.intervalMs);
    this.history =
      historyCapacity === 0 ? null : new HistoryStore({ capacityPerProcess: historyCapacity, maxProcesses: options.maxHistoryProcesses ?? DEFAULT_MAX_HISTORY_PROCESSES, budgetBytes: options.historyBudgetBytes });
    this.hostHistory = historyCapacity === 0 ? null : new HostMemoryHistory(historyCapacity);
  }

  /** Starts ticking every intervalMs (the first tick runs now). */
  start(): void {
    if (this.timer !== null) return;
    this.tickNow();
    this.timer = setInterval(() => this.tickNow(), this.intervalMs);
  }

  /** Stops ticking and closes every kept fd. */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.sampler.close();
    if (this.meminfoFd !== null) this.reader.closeKept(this.meminfoFd);
    this.meminfoFd = null;
  }

  /** Calls listener after every tick; returns the unsubscribe function. */
  onTick(listener: (tick: Tick) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Samples every process now (never throws: see tick.error) and records histories. */
  tickNow(): Tick {
    if (this.views.expire(Date.now())) this.applyViews();
    const tick = this.sampler.tick();
    if (this.history !== null) recordHistories(this.history, tick);
    if (this.hostHistory !== null) this.recordHostMemory(this.hostHistory, tick.tMs);
    this.latest = tick;
    for (const listener of this.listeners) listener(tick);
    return tick;
  }

  async listProcesses(): Promise<Tick> {
    return this.latest ?? this.tickNow();
  }

  async getProcess(pid: number): Promise<ProcessDetail> {
    assertPid(pid);
    const status = parseStatus(this.reader.readProcFile(pid, 'status'));
    return { pid, ...readProcessIdentity(this.reader, pid), status, row: this.findRow(pid) };
  }

  async getMappings(pid: number): Promise<MappingsReport> {
    assertPid(pid);
    return readMappingsReport(this.reader, pid);
  }

  async getMappingsIfChanged(pid: number, sinceFingerprint: string | null, chunkMappings?: number, maxMappings?: number): Promise<MappingsUpdate> {
    const report = await this.getMappings(pid);
    if (chunkMappings === undefined) return buildMappingsUpdate(report, sinceFingerprint);
    const update = buildMappingsUpdate(report, sinceFingerprint, chunkMappings, this.sentMappings.get(pid), maxMappings);
    setNewest(this.sentMappings, pid, rememberSentMappings(report, update), SENT_MAPPINGS_PIDS);
    return update;
  }

  async getMappingChunks(pid: number, fingerprint: string, indexes: number[]): Promise<MappingChunks> {
    assertPid(pid);
    const sent = this.sentMappings.get(pid);
    if (sent === undefined || sent.fingerprint !== fingerprint) {
      // The report of an exited process stays held (it is what was read); with none held, say which it is.
      this.reader.readProcFile(pid, 'stat'); // throws 'gone' when it exited
      throw new ApiError('torn', `getMappingChunks: the report of process ${pid} that fingerprint names is no longer held (a newer read replaced it): read again`);
    }
    return { chunks: pickSentChunks(sent, indexes) };
  }

  async getMapping(pid: number, startHex: string): Promise<Mapping | null> {
    assertPid(pid);
    return readOneMapping(this.reader, pid, startHex);
  }

  async getHistory(pid: number): Promise<ProcessHistory> {
    assertPid(pid);
    const row = this.findRow(pid);
    // A process that exited is found among the tombstones: its history, exit included, outlives its row.
    const tracked =
      row === null
        ? this.history?.listTracked().reduce<ReturnType<HistoryStore['getTracked']>>((best, t) => (t.pid === pid && (best === undefined || t.lastSeenTick > best.lastSeenTick) ? t : best), undefined)
        : this.history?.getTracked(pid, row.startTicks);
    const history = tracked?.history;
    return { pid, intervalMs: this.intervalMs, samples: history?.toSamples() ?? [], startedMs: history?.firstMs ?? null, exitedMs: history?.exitedMs ?? null };
  }

  async getSystem(): Promise<SystemSummary> {
    return readSystemSummary();
  }

  async getHostHistory(): Promise<HostMemoryHistoryReply> {
    return this.hostHistory?.toReply(this.intervalMs) ?? { intervalMs: this.intervalMs, startedMs: null, points: [] };
  }

  async exportSnapshot(pid: number): Promise<Snapshot> {
    assertPid(pid);
    if (this.findRow(pid) === null) this.tickNow();
    const found = this.findRow(pid);
    if (found === null) throw new ApiError('gone', `process ${pid} does not exist`);
    const memTotalKb = this.latest?.memTotalKb ?? 0;
    const history = await this.getHistory(pid);
    const identity = readProcessIdentity(this.reader, pid);
    // Every status number from one read (status right before smaps), not the header from the last tick: the status
    // lines, VIRT/RES/SHR/SWAP and USER (even while no table shows USER or SWAP, so the ticks read no status).
    const read = readSnapshotMemory(this.reader, pid);
    this.userNames.refresh();
    const snapshot = buildSnapshot({
      detail: { pid, ...identity, status: read.status, row: found },
      row: withStatusMemory(found, read.memory, memTotalKb, this.userNames),
      report: read.report,
      memTotalKb,
      intervalMs: this.intervalMs,
      samples: history.samples,
      readTimes: { tickMs: this.latest?.tMs ?? read.readTimes.statusMs, ...read.readTimes },
    });
    return validateSnapshot(snapshot); // never hand out a document our own reader would refuse
  }

  async openSnapshot(text: string): Promise<Snapshot> {
    if (typeof text !== 'string') throw new ApiError('bad-arg', 'openSnapshot: expected the file text');
    return parseSnapshotText(text);
  }

  async diffSnapshots(a: Snapshot, b: Snapshot): Promise<SnapshotDiff> {
    return diffSnapshots(validateSnapshot(a), validateSnapshot(b));
  }

  async getPages(pid: number, startHex: string, pageCount: number): Promise<PageMap> {
    assertPid(pid);
    if (!isHexAddress(startHex)) throw new ApiError('bad-arg', `not a hex address: ${JSON.stringify(startHex)}`);
    return readPageMap(pid, startHex, pageCount, this.reader.procRoot);
  }

  async translateAddress(pid: number, addressHex: string): Promise<TranslationReport> {
    assertPid(pid);
    if (typeof addressHex !== 'string') throw new ApiError('bad-arg', `not a hex address: ${JSON.stringify(addressHex)}`);
    return translateProcessAddress(pid, addressHex, { procRoot: this.reader.procRoot });
  }

  async getCacheGeometry(): Promise<HostCacheGeometryInfo> {
    return readHostCacheGeometry();
  }

  async getHeap(pid: number, options: HeapReadOptions = {}): Promise<HeapView> {
    assertPid(pid);
    const live = await readLiveHeap(pid, { freeze: options.freeze === true });
    const chunkCount = live.details.reduce((sum, a) => sum + a.chunkAddresses.length, 0);
    return { report: live.report, arenas: chunkCount <= MAX_HEAP_VIEW_CHUNKS ? live.details : null, chunkCount, params: paramsFromMallocPar(live.mp, live.maxFastBytes) };
  }

  async describeSource(): Promise<SourceInfo> {
    return { hostname: hostname(), transport: this.transport, intervalMs: this.intervalMs };
  }

  async setTableView(clientId: string, view: TableView): Promise<void> {
    if (this.views.set(clientId, view, Date.now())) this.applyViews();
  }

  /** Hands the union of the held views to the sampler: it reads their files from the next tick on. */
  private applyViews(): void {
    this.sampler.setColumns(this.views.listColumns());
    this.sampler.setRollupPids(this.views.listRollupPids());
  }

  /** Appends the host's used memory to its history (one pread of /proc/meminfo, kept open); a failed read skips the tick. */
  private recordHostMemory(history: HostMemoryHistory, tMs: number): void {
    let bytes: Uint8Array;
    try {
      this.meminfoFd ??= openProcFile('meminfo', this.reader.procRoot);
      bytes = this.reader.preadKept(this.meminfoFd);
    } catch {
      return; // the history has a gap, as when a tick is late
    }
    history.record(tMs, parseMeminfoBytes(bytes));
  }

  private findRow(pid: number): ProcessRow | null {
    return this.latest?.rows.find((r) => r.pid === pid && r.rowStatus !== 'gone') ?? null;
  }
}

/** Appends every live row of a tick to its process's history; tombstones and zombies end theirs with an exit event. */
function recordHistories(history: HistoryStore, tick: Tick): void {
  const sample: HistorySample = { tMs: tick.tMs, virtKb: 0, resKb: 0, shrKb: 0, swapKb: 0 };
  for (const row of tick.rows) {
    if (row.rowStatus === 'gone') {
      history.markGone(row.pid, row.startTicks, tick.tMs);
      continue;
    }
    // An exited process (a zombie, or one whose address space do_exit has already released): an event, never a sample
    // of zero. The previous VIRT matters only when this one is 0, so only then is the history looked up.
    const previousVirtKb = row.virtKb === 0 ? history.getHistory(row.pid, row.startTicks)?.getLatestVirtKb() : undefined;
    if (isExitReading(row, previousVirtKb)) {
      history.markExited(row.pid, row.startTicks, tick.tMs, tick.seq);
      continue;
    }
    // One sample object for the whole tick: record() copies its fields (HistoryRingBuffer.push keeps no reference).
    sample.virtKb = row.virtKb;
    sample.resKb = row.resKb;
    sample.shrKb = row.shrKb;
    sample.swapKb = row.swapKb;
    history.record(row.pid, row.startTicks, sample, tick.seq);
  }
  history.dropUnseen(tick.seq, FORGET_AFTER_TICKS);
}
