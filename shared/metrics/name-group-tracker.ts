// Follows processes tick by tick into name groups and keeps each group's counters monotonic, as
// process-exporter does: a process's faults and CPU time stay credited to its group after it exits
// or moves to another group (exec changed its comm), so a group's _total never goes down.
import type { Tick } from '../api.js';
import type { ProcessRow } from '../proc/types.js';
import { classifyProcess, isFixedGroupName, type Classification, type MetricsConfig, type ProcessIdentity } from './name-groups.js';
import { ZERO_COUNTERS, computeProcessFigures, readCounters, type ProcessCounters, type ProcessFigures } from './process-figures.js';

/** A group with no process for this many ticks is forgotten, unless its name is fixed (no placeholders). */
export const FORGET_EMPTY_GROUP_TICKS = 300;

/** One group's totals after a tick. */
export interface GroupSummary {
  name: string;
  /** Live processes in the group. */
  processes: number;
  /** Memory summed over members whose status was readable. */
  memory: NonNullable<ProcessFigures['memory']>;
  /** Members' counters since they joined, plus everything departed members had. Never decreases. */
  counters: ProcessCounters;
  /** "pid:startTicks" of every live member, to sum smaps figures over. */
  memberKeys: string[];
  /** The config asks for PSS/USS/SwapPss of this group. */
  smaps: boolean;
}

/** A live process whose smaps_rollup should be read. */
export interface SmapsCandidate {
  /** "pid:startTicks". */
  key: string;
  pid: number;
  startTicks: number;
  resKb: number;
}

/** What the tracker remembers of one process. Invariant: group counters = Σ(last - baseline) + departed. */
interface Member {
  pid: number;
  startTicks: number;
  key: string;
  who: ProcessIdentity;
  cls: Classification;
  /** Counters when the process joined its current group (zero when first seen: its past counts there). */
  baseline: ProcessCounters;
  last: ProcessCounters;
  row: ProcessRow;
  seenSeq: number;
}

interface GroupState {
  departed: ProcessCounters;
  smaps: boolean;
  lastNonEmptySeq: number;
  fixed: boolean;
}

function addCounters(a: ProcessCounters, b: ProcessCounters, sign = 1): ProcessCounters {
  return {
    minorFaults: a.minorFaults + sign * b.minorFaults,
    majorFaults: a.majorFaults + sign * b.majorFaults,
    cpuTicks: a.cpuTicks + sign * b.cpuTicks,
  };
}

/** Tracks group membership and counters across ticks; feed it every tick, in order. */
export class NameGroupTracker {
  private readonly members = new Map<number, Member>();
  private readonly groupStates = new Map<string, GroupState>();
  private summaries: GroupSummary[] = [];
  private seq = 0;

  /** Fixed-name groups exist from the start, with 0 processes, so "no postgres running" is a 0, not a gap. */
  constructor(private readonly config: MetricsConfig) {
    for (const g of config.groups) {
      if (isFixedGroupName(g.name) && !this.groupStates.has(g.name)) {
        this.groupStates.set(g.name, { departed: { ...ZERO_COUNTERS }, smaps: g.smaps, lastNonEmptySeq: 0, fixed: true });
      }
    }
    this.summaries = this.summarize();
  }

  /** Takes one tick: joins, moves and departures, then recomputes every group's totals. */
  observe(tick: Tick): void {
    this.seq = tick.seq;
    for (const row of tick.rows) {
      let m = this.members.get(row.pid);
      if (m !== undefined && m.startTicks !== row.startTicks) {
        this.leave(m); // the pid was reused: the old process is gone
        m = undefined;
      }
      if (row.rowStatus === 'gone') {
        if (m !== undefined) {
          m.last = readCounters(row);
          this.leave(m);
        }
        continue;
      }
      const who: ProcessIdentity = { comm: row.comm, command: row.command, user: row.user };
      const now = readCounters(row);
      if (m === undefined) {
        m = { pid: row.pid, startTicks: row.startTicks, key: `${row.pid}:${row.startTicks}`, who, cls: classifyProcess(this.config, who), baseline: { ...ZERO_COUNTERS }, last: now, row, seenSeq: this.seq };
        this.members.set(row.pid, m);
      } else if (who.comm !== m.who.comm || who.command !== m.who.command || who.user !== m.who.user) {
        const cls = classifyProcess(this.config, who);
        if (cls.group !== m.cls.group) {
          this.credit(m.cls.group, addCounters(now, m.baseline, -1));
          m.baseline = now;
        }
        m.cls = cls;
        m.who = who;
      }
      m.last = now;
      m.row = row;
      m.seenSeq = this.seq;
    }
    for (const m of this.members.values()) if (m.seenSeq !== this.seq) this.leave(m);
    this.summaries = this.summarize();
  }

  /** Every group after the last tick, by name. */
  listGroups(): readonly GroupSummary[] {
    return this.summaries;
  }

  /** Live processes selected for smaps_rollup (by their group, or the smaps matchers without groups). */
  listSmapsCandidates(): SmapsCandidate[] {
    const out: SmapsCandidate[] = [];
    for (const m of this.members.values()) {
      if (m.cls.smaps) out.push({ key: m.key, pid: m.pid, startTicks: m.startTicks, resKb: m.row.resKb });
    }
    return out;
  }

  private leave(m: Member): void {
    this.credit(m.cls.group, addCounters(m.last, m.baseline, -1));
    this.members.delete(m.pid);
  }

  private credit(group: string | null, counters: ProcessCounters): void {
    if (group === null) return;
    const state = this.stateOf(group, false);
    state.departed = addCounters(state.departed, counters);
  }

  private stateOf(group: string, smaps: boolean): GroupState {
    let state = this.groupStates.get(group);
    if (state === undefined) {
      state = { departed: { ...ZERO_COUNTERS }, smaps, lastNonEmptySeq: this.seq, fixed: false };
      this.groupStates.set(group, state);
    }
    return state;
  }

  private summarize(): GroupSummary[] {
    const byName = new Map<string, GroupSummary>();
    for (const m of this.members.values()) {
      const name = m.cls.group;
      if (name === null) continue;
      let s = byName.get(name);
      if (s === undefined) {
        s = { name, processes: 0, memory: { residentBytes: 0, virtualBytes: 0, sharedBytes: 0, swapBytes: 0 }, counters: { ...ZERO_COUNTERS }, memberKeys: [], smaps: m.cls.smaps };
        byName.set(name, s);
      }
      const figures = computeProcessFigures(m.row);
      s.processes += 1;
      s.memberKeys.push(m.key);
      s.counters = addCounters(s.counters, addCounters(m.last, m.baseline, -1));
      if (figures.memory !== null) {
        s.memory.residentBytes += figures.memory.residentBytes;
        s.memory.virtualBytes += figures.memory.virtualBytes;
        s.memory.sharedBytes += figures.memory.sharedBytes;
        s.memory.swapBytes += figures.memory.swapBytes;
      }
      this.stateOf(name, m.cls.smaps).lastNonEmptySeq = this.seq;
    }
    for (const [name, state] of this.groupStates) {
      const live = byName.get(name);
      if (live !== undefined) {
        live.counters = addCounters(live.counters, state.departed);
      } else if (state.fixed || this.seq - state.lastNonEmptySeq < FORGET_EMPTY_GROUP_TICKS) {
        byName.set(name, { name, processes: 0, memory: { residentBytes: 0, virtualBytes: 0, sharedBytes: 0, swapBytes: 0 }, counters: { ...state.departed }, memberKeys: [], smaps: state.smaps });
      } else {
        this.groupStates.delete(name);
      }
    }
    return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
