// What /metrics says, kept ready between scrapes: every sampler tick is folded into the name-group
// totals as it happens, smaps_rollup (selected processes only: it walks page tables, htop issue 1712)
// and host memory are refreshed in the background, and a scrape only renders (cached per change).
import { performance } from 'node:perf_hooks';
import type { SystemSummary, Tick } from '../../../shared/api.js';
import { isApiError } from '../../../shared/errors.js';
import { NameGroupTracker } from '../../../shared/metrics/name-group-tracker.js';
import { DEFAULT_METRICS_CONFIG, type MetricsConfig } from '../../../shared/metrics/name-groups.js';
import { computeSmapsFigures, type SmapsFigures } from '../../../shared/metrics/process-figures.js';
import { MetricsRenderer, type SmapsRefreshStats } from '../../../shared/metrics/render-metrics.js';
import { parseSmapsRollup } from '../../../shared/proc/smaps.js';
import { parseStat } from '../../../shared/proc/stat.js';
import { ProcReader } from '../proc/proc-reader.js';
import type { MemscopeService } from '../service.js';
import { readSystemSummary } from '../system/system-info.js';

/** smaps_rollup reads done in one turn of the event loop before letting scrapes through. */
const SMAPS_BATCH = 16;

/** Keeps the state behind /metrics for one MemscopeService; render() never reads /proc. */
export class MetricsCollector {
  private readonly tracker: NameGroupTracker;
  private readonly renderer = new MetricsRenderer();
  private readonly reader = new ProcReader();
  private readonly wantsSmaps: boolean;
  private latest: Tick | null = null;
  private smaps: ReadonlyMap<string, SmapsFigures> = new Map();
  private smapsStats: SmapsRefreshStats | null = null;
  private smapsGeneration = 0;
  private host: SystemSummary | null = null;
  private hostGeneration = 0;
  private lastRenderSeconds: number | null = null;
  private samplingErrorsTotal = 0;
  private lastSeenSeq = 0;
  private cache: { key: string; text: string } | null = null;
  private ready: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;
  private timers: NodeJS.Timeout[] = [];
  private smapsRunning = false;
  private closed = false;

  /** The service must be ticking (start()) for the numbers to move; the collector only listens. */
  constructor(
    private readonly service: MemscopeService,
    readonly config: MetricsConfig = DEFAULT_METRICS_CONFIG,
  ) {
    this.tracker = new NameGroupTracker(config);
    this.wantsSmaps = config.smaps.length > 0 || config.groups.some((g) => g.smaps);
  }

  /**
   * Subscribes to ticks and starts the background refreshes; resolves once the first tick, the
   * first host read and the first smaps refresh are in, so no scrape shows a half-empty picture.
   * Idempotent; render() calls it.
   */
  start(): Promise<void> {
    this.ready ??= this.init();
    return this.ready;
  }

  /** Stops listening and refreshing (the service is the caller's to stop). */
  close(): void {
    this.closed = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  /** The exposition text from the latest tick (rendered once per change, then served from cache). */
  async render(): Promise<string> {
    await this.start();
    return this.renderNow();
  }

  private async init(): Promise<void> {
    this.unsubscribe = this.service.onTick((tick) => this.observe(tick));
    this.observe(await this.service.listProcesses());
    await Promise.all([this.refreshHost(), this.refreshSmaps()]);
    if (this.closed) return;
    const every = (seconds: number, fn: () => Promise<void>) => {
      const timer = setInterval(() => void fn(), seconds * 1000);
      timer.unref(); // a background refresh never keeps the process alive
      this.timers.push(timer);
    };
    every(this.config.hostRefreshSeconds, () => this.refreshHost());
    if (this.wantsSmaps) every(this.config.smapsRefreshSeconds, () => this.refreshSmaps());
  }

  private observe(tick: Tick): void {
    if (tick.seq <= this.lastSeenSeq) return; // already folded in
    this.lastSeenSeq = tick.seq;
    if (tick.error !== undefined) this.samplingErrorsTotal += 1;
    // A failed tick read nothing: to the group tracker it would look as if every process had exited.
    if (tick.error?.kind === 'failed' && this.latest !== null) return;
    this.tracker.observe(tick);
    this.latest = tick;
  }

  private renderNow(): string {
    const tick = this.latest;
    if (tick === null) throw new Error('MetricsCollector: no tick yet');
    const key = `${tick.seq}:${this.smapsGeneration}:${this.hostGeneration}:${this.samplingErrorsTotal}`;
    if (this.cache?.key === key) return this.cache.text;
    const t0 = performance.now();
    const text = this.renderer.render({
      tick,
      groups: this.config.groups.length === 0 ? null : this.tracker.listGroups(),
      smaps: this.smaps,
      host: this.host,
      smapsRefresh: this.smapsStats,
      previousRenderSeconds: this.lastRenderSeconds,
      samplingErrorsTotal: this.samplingErrorsTotal,
    });
    this.lastRenderSeconds = (performance.now() - t0) / 1000;
    this.cache = { key, text };
    return text;
  }

  private async refreshHost(): Promise<void> {
    try {
      const host = await readSystemSummary();
      if (this.closed) return;
      this.host = host;
      this.hostGeneration += 1;
    } catch {
      // Keep the last reading: host memory is context, and a failed read must not fail a scrape.
    }
  }

  /**
   * Reads smaps_rollup of the selected processes, largest RSS first, at most smapsMaxProcesses,
   * in batches so a scrape arriving meanwhile is answered from the previous figures.
   */
  private async refreshSmaps(): Promise<void> {
    if (!this.wantsSmaps || this.smapsRunning || this.closed) return;
    this.smapsRunning = true;
    try {
      const candidates = this.tracker.listSmapsCandidates().sort((a, b) => b.resKb - a.resKb);
      const chosen = candidates.slice(0, this.config.smapsMaxProcesses);
      const next = new Map<string, SmapsFigures>();
      let unreadable = 0;
      let busyMs = 0;
      for (let i = 0; i < chosen.length; i += SMAPS_BATCH) {
        if (i > 0) await new Promise((r) => setImmediate(r));
        if (this.closed) return;
        const t0 = performance.now();
        for (const c of chosen.slice(i, i + SMAPS_BATCH)) {
          const outcome = this.readSmapsFigures(c.pid, c.startTicks);
          if (outcome === 'unreadable') unreadable += 1;
          else if (outcome !== 'gone') next.set(c.key, outcome);
        }
        busyMs += performance.now() - t0;
      }
      this.smaps = next;
      this.smapsStats = { wallMs: busyMs, processes: next.size, unreadable, skipped: candidates.length - chosen.length };
      this.smapsGeneration += 1;
    } finally {
      this.smapsRunning = false;
    }
  }

  /** One process's figures; 'gone' when it exited or its pid now names another process. */
  private readSmapsFigures(pid: number, startTicks: number): SmapsFigures | 'gone' | 'unreadable' {
    try {
      // (22) starttime first: between the tick and now the pid may have been reused.
      if (parseStat(this.reader.readProcFile(pid, 'stat')).starttime !== startTicks) return 'gone';
      const bytes = this.reader.readProcFile(pid, 'smaps_rollup');
      // A process without an mm (zombie, exiting) reads as empty: it holds no memory.
      if (bytes.length === 0) return { pssBytes: 0, ussBytes: 0, swapPssBytes: 0 };
      return computeSmapsFigures(parseSmapsRollup(bytes).fields);
    } catch (err) {
      return isApiError(err) && err.code === 'gone' ? 'gone' : 'unreadable';
    }
  }
}
