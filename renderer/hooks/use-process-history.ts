// A process's VIRT/RES/SHR/SWAP history: what the host holds (getHistory: every tick for 15 min, buckets
// before, back to the first tick it saw), then every tick's row appended while the view is open. When the
// appended ticks pile up, the host's tiered history is read again, so "all" stays all with bounded memory here too.
import { useEffect, useRef, useState } from 'react';
import { isExitReading } from '../../shared/history/exit-reading.js';
import type { HistorySample } from '../../shared/history/sample.js';
import { getBridge } from '../api/client.js';
import { hasStreamedTick, subscribeTicks } from '../state/samples-store.js';
import { usePolled } from './use-polled.js';
import { setNewest } from '../../shared/recent-map.js';

/** Ticks appended after the host's history before it is read again (an hour at 1 Hz). */
export const MAX_APPENDED_SAMPLES = 3600;

interface HistoryEntry {
  startTicks: number | null;
  /** Oldest first, strictly increasing tMs; mutated in place, `version` says when. */
  samples: HistorySample[];
  /** How many of samples came from ticks, after the host's history. */
  appendedCount: number;
  /** When memscope started watching (the host's first tick), null when unknown. */
  startedMs: number | null;
  /** When the process was seen to exit, null while it runs. */
  exitedMs: number | null;
}

const entries = new Map<number, HistoryEntry>();
const KEEP_PIDS = 6;

function entryOf(pid: number): HistoryEntry {
  let e = entries.get(pid);
  if (e === undefined) {
    e = { startTicks: null, samples: [], appendedCount: 0, startedMs: null, exitedMs: null };
    setNewest(entries, pid, e, KEEP_PIDS);
  }
  return e;
}

function append(e: HistoryEntry, s: HistorySample): boolean {
  const last = e.samples[e.samples.length - 1];
  if (last !== undefined && s.tMs <= last.tMs) return false;
  e.samples.push(s);
  e.appendedCount++;
  return true;
}

/** The host's history replaces ours, followed by the ticks we saw after its newest. */
function merge(e: HistoryEntry, fromHost: readonly HistorySample[]): void {
  const hostLast = fromHost[fromHost.length - 1];
  if (hostLast === undefined) return;
  const newer = e.samples.filter((s) => s.tMs > hostLast.tMs);
  e.samples.length = 0;
  e.samples.push(...fromHost, ...newer);
  e.appendedCount = newer.length;
}

/** The samples (same array, mutated) and a version that changes whenever they do. */
export interface ProcessHistoryState {
  samples: readonly HistorySample[];
  version: number;
  intervalMs: number;
  loaded: boolean;
  /** When memscope started watching the process (epoch ms), null when unknown. */
  startedMs: number | null;
  /** When the process was seen to exit (gone or a zombie), null while it runs. */
  exitedMs: number | null;
}

/** Follows pid's history while mounted; `live` false (process gone) stops appending. */
export function useProcessHistory(pid: number, live: boolean): ProcessHistoryState {
  const [version, setVersion] = useState(0);
  const entry = entryOf(pid);
  // A history read sent before the tick stream was open (a page just loaded: EventSource connects after it) may
  // answer before ticks that the stream then never brings: such a read is made again at the first tick after it.
  const readBeforeStream = useRef(false);
  const rereadAtTick = useRef(false);
  const held = usePolled(String(pid), () => {
    readBeforeStream.current = !hasStreamedTick();
    return getBridge().getHistory(pid);
  }, {
    pollMs: null,
    onValue: (h) => {
      if (readBeforeStream.current) rereadAtTick.current = true;
      const e = entryOf(pid);
      merge(e, h.samples);
      if (h.startedMs !== null) e.startedMs = h.startedMs;
      if (h.exitedMs !== null && e.exitedMs === null) e.exitedMs = h.exitedMs;
      setVersion((v) => v + 1);
    },
  });
  const { refresh } = held;

  useEffect(() => {
    return subscribeTicks((tick) => {
      if (rereadAtTick.current && hasStreamedTick()) {
        rereadAtTick.current = false;
        refresh();
      }
      const e = entryOf(pid);
      for (const row of tick.rows) {
        if (row.pid !== pid) continue;
        if (e.startTicks !== null && e.startTicks !== row.startTicks) {
          // the pid names a new process now: its history starts over
          e.samples.length = 0;
          e.appendedCount = 0;
          e.exitedMs = null;
          e.startedMs = null;
        }
        e.startTicks = row.startTicks;
        // An exit (tombstone, zombie, or an address space already released) is an event, never a sample of zero.
        if (row.rowStatus === 'gone' || isExitReading(row, e.samples[e.samples.length - 1]?.virtKb)) {
          if (e.exitedMs === null) {
            e.exitedMs = tick.tMs;
            setVersion((v) => v + 1);
          }
          break;
        }
        if (!live) break;
        if (e.startedMs === null) e.startedMs = tick.tMs;
        const changed = append(e, { tMs: tick.tMs, virtKb: row.virtKb, resKb: row.resKb, shrKb: row.shrKb, swapKb: row.swapKb });
        if (changed) setVersion((v) => v + 1);
        if (e.appendedCount > MAX_APPENDED_SAMPLES) {
          e.appendedCount = 0; // asked once; the answer resets it too
          refresh();
        }
        break;
      }
    });
  }, [pid, live, refresh]);

  // A failed read counts as loaded: the ticks still fill the history from now on.
  return {
    samples: entry.samples,
    version,
    intervalMs: held.value?.intervalMs ?? 1000,
    loaded: !held.loading,
    startedMs: entry.startedMs,
    exitedMs: entry.exitedMs,
  };
}
