// A trace replayed through one allocator model for the Allocator lab: one full pass records the series the
// charts need, the OS events of the timeline and checkpoints, so seeking to any op (scrubbing, stepping back)
// replays at most the ops since the nearest checkpoint. Allocator-agnostic: any MallocReplayModel plugs in.

import { type MallocEventRecord, createMallocEventLog } from '../malloc/events.js';
import { type MallocReplayModel, type ReplayProgress } from '../malloc/replay-model.js';
import { REGION_HEAP, type ReplayResults } from '../malloc/replay-results.js';
import { OP_ALLOC, OP_FREE, type Trace } from '../trace.js';

/** One recorded event and the op that caused it. */
export interface LabEvent extends MallocEventRecord {
  /** 0-based op index. */
  op: number;
}

/** Heap figures sampled along the trace (about maxSeriesPoints of them, always including 0 and the end). */
export interface LabSeries {
  /** Ops run when the sample was taken (0 … trace.length). */
  cursor: number[];
  heapBytes: number[];
  liveBytes: number[];
  mmappedBytes: number[];
  releasedBytes: number[];
}

/** A replay state kept to restart from. */
interface Checkpoint<R> {
  cursor: number;
  state: R;
}

/**
 * A trace, its full replay through one model, and the replay positioned where the view is.
 *
 * Invariants: checkpoints are sorted by cursor, the first at 0; freedPtr[i] is the user pointer op i released
 * (free, realloc that moved, realloc(p, 0)) or NaN; events are in op order.
 */
export interface MallocLabSession<R extends ReplayProgress> {
  model: MallocReplayModel<R>;
  trace: Trace;
  /** Every op's result (from the full pass). */
  results: ReplayResults;
  /** Events the pass kept (keepEvent), with their op. */
  events: LabEvent[];
  /** Per op: the heap user pointer it released, or NaN. */
  freedPtr: Float64Array;
  series: LabSeries;
  checkpoints: Checkpoint<R>[];
  /** The replay the view reads; positioned by seekMallocLab. */
  current: R;
  /** Wall time of the full pass, ms. */
  passMs: number;
}

/** Options of createMallocLabSession. */
export interface MallocLabOptions {
  /** Which events the pass keeps (e.g. brk and mmap for the timeline). Default: none. */
  keepEvent?: (kind: number) => boolean;
  /** A clock in ms (performance.now in a browser); checkpoint spacing adapts to what copies cost. */
  nowMs: () => number;
  /** Samples in the series (default 1000). */
  maxSeriesPoints?: number;
  /** Fewest ops between checkpoints (default 1000). */
  minCheckpointOps?: number;
  /** Checkpoints may cost at most 1/this of the replay time between them (default 4). */
  checkpointCostRatio?: number;
}

/** Replays the whole trace once, recording results, kept events, series and checkpoints. */
export function createMallocLabSession<R extends ReplayProgress>(model: MallocReplayModel<R>, trace: Trace, options: MallocLabOptions): MallocLabSession<R> {
  const n = trace.length;
  const keep = options.keepEvent ?? (() => false);
  const minOps = options.minCheckpointOps ?? 1000;
  const ratio = options.checkpointCostRatio ?? 4;
  const step = Math.max(1, Math.ceil(n / (options.maxSeriesPoints ?? 1000)));
  const events: LabEvent[] = [];
  const series: LabSeries = { cursor: [], heapBytes: [], liveBytes: [], mmappedBytes: [], releasedBytes: [] };
  const sample = (r: R, cursor: number): void => {
    const m = model.measure(r);
    series.cursor.push(cursor);
    series.heapBytes.push(m.heapBytes);
    series.liveBytes.push(m.liveBytes);
    series.mmappedBytes.push(m.mmappedBytes);
    series.releasedBytes.push(m.releasedBytes);
  };

  const t0 = options.nowMs();
  const r = model.create(null);
  const checkpoints: Checkpoint<R>[] = [{ cursor: 0, state: model.clone(r) }];
  let op = 0;
  model.setSink(r, (kind, a, b, c) => {
    if (keep(kind)) events.push({ op, kind, a, b, c });
  });
  sample(r, 0);
  let copyTotalMs = 0;
  let nextCheckpoint = minOps;
  for (; op < n; op++) {
    model.run(r, op + 1);
    const cursor = op + 1;
    if (cursor % step === 0 || cursor === n) sample(r, cursor);
    if (cursor >= nextCheckpoint && cursor < n) {
      const c0 = options.nowMs();
      checkpoints.push({ cursor, state: model.clone(r) });
      const c1 = options.nowMs();
      copyTotalMs += c1 - c0;
      // Replay speed so far (copies excluded): the next checkpoint waits until replaying costs ratio × this copy.
      const opsPerMs = cursor / Math.max(c0 - t0 - (copyTotalMs - (c1 - c0)), 0.001);
      nextCheckpoint = cursor + Math.max(minOps, Math.ceil(ratio * (c1 - c0) * opsPerMs));
    }
  }
  model.setSink(r, null);
  const results = r.results;
  return {
    model,
    trace,
    results,
    events,
    freedPtr: computeFreedPointers(trace, results),
    series,
    checkpoints,
    current: r,
    passMs: options.nowMs() - t0,
  };
}

/** Per op, the heap user pointer it released (free, a realloc that moved or freed), else NaN. */
export function computeFreedPointers(trace: Trace, results: ReplayResults): Float64Array {
  const freed = new Float64Array(trace.length).fill(NaN);
  const held = new Float64Array(trace.slotCount).fill(NaN);
  for (let i = 0; i < trace.length; i++) {
    const slot = trace.slots[i]!;
    const ptr = results.region[i] === REGION_HEAP ? results.offset[i]! : NaN;
    const kind = trace.kinds[i];
    if (kind === OP_ALLOC) {
      held[slot] = ptr; // the old block leaks
    } else if (kind === OP_FREE) {
      freed[i] = held[slot]!;
      held[slot] = NaN;
    } else {
      const old = held[slot]!;
      if (!Number.isNaN(old) && old !== ptr) freed[i] = old;
      held[slot] = ptr;
    }
  }
  return freed;
}

/** Positions the session's replay after `cursor` ops (0 … trace.length) and returns it. */
export function seekMallocLab<R extends ReplayProgress>(s: MallocLabSession<R>, cursor: number): R {
  const target = Math.max(0, Math.min(s.trace.length, Math.floor(cursor)));
  const at = s.current.next;
  let best = s.checkpoints[0]!;
  for (const cp of s.checkpoints) if (cp.cursor <= target && cp.cursor > best.cursor) best = cp;
  if (at > target || at < best.cursor) s.current = s.model.clone(best.state);
  s.model.run(s.current, target);
  return s.current;
}

/**
 * Positions the replay after `cursor` ops and returns every event of op cursor − 1 (the op just run), e.g.
 * "served from tcache …"; empty at cursor 0.
 */
export function explainMallocLabOp<R extends ReplayProgress>(s: MallocLabSession<R>, cursor: number): MallocEventRecord[] {
  if (cursor <= 0) {
    seekMallocLab(s, 0);
    return [];
  }
  const r = seekMallocLab(s, cursor - 1);
  const log = createMallocEventLog();
  s.model.setSink(r, log.sink);
  try {
    s.model.run(r, cursor);
  } finally {
    s.model.setSink(r, null);
  }
  return log.events;
}

/** The last op before `cursor` that returned or released user pointer ptr (heap blocks), or null. */
export function findPointerOrigin(s: MallocLabSession<ReplayProgress>, cursor: number, ptr: number): { op: number; how: 'returned' | 'released' } | null {
  const { region, offset } = s.results;
  for (let i = Math.min(cursor, s.trace.length) - 1; i >= 0; i--) {
    if (region[i] === REGION_HEAP && offset[i] === ptr) return { op: i, how: 'returned' };
    if (s.freedPtr[i] === ptr) return { op: i, how: 'released' };
  }
  return null;
}

/** The last kept event before `cursor` matching test, or null. */
export function findLastEvent(s: MallocLabSession<ReplayProgress>, cursor: number, test: (e: LabEvent) => boolean): LabEvent | null {
  let lo = 0;
  let hi = s.events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s.events[mid]!.op < cursor) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo - 1; k >= 0; k--) if (test(s.events[k]!)) return s.events[k]!;
  return null;
}
