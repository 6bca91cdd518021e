// Renders /metrics from what the exporter already holds: the sampler's latest tick, the group
// totals, the last background smaps_rollup and host-memory reads. Pure: no /proc access here.
// Names and help come from metric-names.ts; the format from exposition.ts.
import type { SystemSummary, Tick } from '../api.js';
import type { ProcessRow } from '../proc/types.js';
import { ExpositionWriter, formatLabels } from './exposition.js';
import {
  GROUP_PREFIX,
  GROUP_PROCESSES,
  HOST_FAMILIES,
  PROCESS_FIGURE_FAMILIES,
  PROCESS_PREFIX,
  SELF_FAMILIES,
  SMAPS_FIGURE_FAMILIES,
  type MetricFamily,
  type ProcessFigureFamily,
} from './metric-names.js';
import type { GroupSummary } from './name-group-tracker.js';
import { computeCpuSeconds, readCounters, type SmapsFigures } from './process-figures.js';

/** What the last background smaps_rollup refresh did. */
export interface SmapsRefreshStats {
  wallMs: number;
  /** Rollups read. */
  processes: number;
  /** Selected but unreadable (denied, or text we could not parse). */
  unreadable: number;
  /** Selected but over smapsMaxProcesses. */
  skipped: number;
}

/** Everything one /metrics text is made of. */
export interface MetricsState {
  tick: Tick;
  /** Group totals; null for one series per process. */
  groups: readonly GroupSummary[] | null;
  /** smaps figures by "pid:startTicks", for the selected processes. */
  smaps: ReadonlyMap<string, SmapsFigures>;
  /** Host memory, or null before the first read succeeded. */
  host: SystemSummary | null;
  /** null until the first refresh when smaps is configured, and always without it. */
  smapsRefresh: SmapsRefreshStats | null;
  /** Wall time of the previous render, or null for the first. */
  previousRenderSeconds: number | null;
  /** Ticks so far that carried an error (partial or failed). */
  samplingErrorsTotal: number;
}

type FigureField = (typeof PROCESS_FIGURE_FAMILIES)[number]['field'] | (typeof SMAPS_FIGURE_FAMILIES)[number]['field'];

/** A row's value of one per-process family; undefined when it has none (restricted row, no smaps read). */
function pickRowValue(row: ProcessRow, smaps: SmapsFigures | undefined, field: FigureField): number | undefined {
  // A 'restricted' row could not read status: its memory columns are not 0, they are unknown.
  const memory = row.rowStatus !== 'restricted';
  switch (field) {
    case 'residentBytes':
      return memory ? row.resKb * 1024 : undefined;
    case 'virtualBytes':
      return memory ? row.virtKb * 1024 : undefined;
    case 'sharedBytes':
      return memory ? row.shrKb * 1024 : undefined;
    case 'swapBytes':
      return memory ? row.swapKb * 1024 : undefined;
    case 'minorFaults':
      return row.minflt;
    case 'majorFaults':
      return row.majflt;
    case 'cpuSeconds':
      return computeCpuSeconds(readCounters(row).cpuTicks);
    default:
      return smaps?.[field];
  }
}

function pickGroupValue(g: GroupSummary, smaps: SmapsFigures | undefined, field: FigureField): number | undefined {
  switch (field) {
    case 'residentBytes':
    case 'virtualBytes':
    case 'sharedBytes':
    case 'swapBytes':
      return g.memory[field];
    case 'minorFaults':
    case 'majorFaults':
      return g.counters[field];
    case 'cpuSeconds':
      return computeCpuSeconds(g.counters.cpuTicks);
    default:
      return smaps?.[field];
  }
}

/** A group's smaps figures: the sum over members whose rollup was read. */
function sumSmaps(keys: readonly string[], smaps: ReadonlyMap<string, SmapsFigures>): SmapsFigures {
  const sum: SmapsFigures = { pssBytes: 0, ussBytes: 0, swapPssBytes: 0 };
  for (const key of keys) {
    const s = smaps.get(key);
    if (s === undefined) continue;
    sum.pssBytes += s.pssBytes;
    sum.ussBytes += s.ussBytes;
    sum.swapPssBytes += s.swapPssBytes;
  }
  return sum;
}

/** The label text of one process, kept while pid, comm and user stay the same. */
interface LabelEntry {
  startTicks: number;
  comm: string;
  user: string;
  text: string;
  seenRender: number;
}

/**
 * Renders exposition texts one after another, keeping each process's escaped label text between
 * renders (most processes keep pid, comm and user for their whole life), so a render of 500
 * processes is string appends and number formatting only.
 */
export class MetricsRenderer {
  private readonly labels = new Map<number, LabelEntry>();
  private renders = 0;

  /** Renders the exposition text of a state. */
  render(state: MetricsState): string {
    this.renders += 1;
    const w = new ExpositionWriter();
    if (state.groups === null) this.writeProcessSeries(w, state);
    else writeGroupSeries(w, state, state.groups);
    if (state.host !== null) {
      for (const f of HOST_FAMILIES) writeOne(w, f, state.host[f.field] * 1024);
    }
    writeSelf(w, state);
    for (const [pid, entry] of this.labels) if (entry.seenRender !== this.renders) this.labels.delete(pid);
    return w.toText();
  }

  private labelTextOf(row: ProcessRow): string {
    let entry = this.labels.get(row.pid);
    if (entry === undefined || entry.startTicks !== row.startTicks || entry.comm !== row.comm || entry.user !== row.user) {
      const text = formatLabels({ pid: String(row.pid), comm: row.comm, user: row.user });
      entry = { startTicks: row.startTicks, comm: row.comm, user: row.user, text, seenRender: 0 };
      this.labels.set(row.pid, entry);
    }
    entry.seenRender = this.renders;
    return entry.text;
  }

  private writeProcessSeries(w: ExpositionWriter, state: MetricsState): void {
    const rows: ProcessRow[] = [];
    const labelTexts: string[] = [];
    const smaps: (SmapsFigures | undefined)[] = [];
    for (const row of state.tick.rows) {
      if (row.rowStatus === 'gone') continue;
      rows.push(row);
      labelTexts.push(this.labelTextOf(row));
      smaps.push(state.smaps.size === 0 ? undefined : state.smaps.get(`${row.pid}:${row.startTicks}`));
    }
    for (const f of [...PROCESS_FIGURE_FAMILIES, ...SMAPS_FIGURE_FAMILIES]) {
      writeFamily(w, PROCESS_PREFIX, f, rows.length, (i) => {
        const row = rows[i];
        return row === undefined ? undefined : pickRowValue(row, smaps[i], f.field);
      }, labelTexts);
    }
  }
}

/** Renders one state with a fresh renderer (no label cache). */
export function renderMetrics(state: MetricsState): string {
  return new MetricsRenderer().render(state);
}

function writeGroupSeries(w: ExpositionWriter, state: MetricsState, groups: readonly GroupSummary[]): void {
  const labelTexts = groups.map((g) => formatLabels({ groupname: g.name }));
  const smaps = groups.map((g) => (g.smaps ? sumSmaps(g.memberKeys, state.smaps) : undefined));
  w.beginFamily(GROUP_PROCESSES.name, GROUP_PROCESSES.type, GROUP_PROCESSES.help);
  groups.forEach((g, i) => w.writeSample(GROUP_PROCESSES.name, labelTexts[i] ?? '', g.processes));
  for (const f of [...PROCESS_FIGURE_FAMILIES, ...SMAPS_FIGURE_FAMILIES]) {
    writeFamily(w, GROUP_PREFIX, f, groups.length, (i) => {
      const g = groups[i];
      return g === undefined ? undefined : pickGroupValue(g, smaps[i], f.field);
    }, labelTexts);
  }
}

/** Writes prefix+suffix for every subject that has a value; nothing at all (not even HELP) when none has. */
function writeFamily(
  w: ExpositionWriter,
  prefix: string,
  f: ProcessFigureFamily,
  count: number,
  valueAt: (i: number) => number | undefined,
  labelTexts: readonly string[],
): void {
  const name = prefix + f.suffix;
  let begun = false;
  for (let i = 0; i < count; i++) {
    const v = valueAt(i);
    if (v === undefined) continue;
    if (!begun) w.beginFamily(name, f.type, f.help);
    begun = true;
    w.writeSample(name, labelTexts[i] ?? '', v);
  }
}

function writeOne(w: ExpositionWriter, family: MetricFamily, value: number): void {
  w.beginFamily(family.name, family.type, family.help);
  w.writeSample(family.name, '', value);
}

function writeSelf(w: ExpositionWriter, state: MetricsState): void {
  const { cost, tMs } = state.tick;
  writeOne(w, SELF_FAMILIES.tickWallSeconds, cost.wallMs / 1000);
  writeOne(w, SELF_FAMILIES.tickCpuSeconds, cost.cpuMs / 1000);
  writeOne(w, SELF_FAMILIES.tickProcesses, cost.processCount);
  writeOne(w, SELF_FAMILIES.tickTimestamp, tMs / 1000);
  writeOne(w, SELF_FAMILIES.tickErrors, state.samplingErrorsTotal);
  const smaps = state.smapsRefresh;
  if (smaps !== null) {
    writeOne(w, SELF_FAMILIES.smapsWallSeconds, smaps.wallMs / 1000);
    writeOne(w, SELF_FAMILIES.smapsProcesses, smaps.processes);
    writeOne(w, SELF_FAMILIES.smapsUnreadable, smaps.unreadable);
    writeOne(w, SELF_FAMILIES.smapsSkipped, smaps.skipped);
  }
  if (state.previousRenderSeconds !== null) writeOne(w, SELF_FAMILIES.renderSeconds, state.previousRenderSeconds);
}
