// A process's VIRT/RES/SHR/SWAP history: what the host holds (getHistory), then every tick's row
// appended while the view is open. Kept per pid for a day of 1 s samples so "all" means all we saw.
import { useEffect, useState } from 'react';
import type { HistorySample } from '../../shared/history/sample.js';
import { getBridge } from '../api/client.js';
import { subscribeTicks } from '../state/samples-store.js';
import { usePolled } from './use-polled.js';

/** Most samples kept per process (a day at 1 Hz); the oldest tenth is dropped when full. */
export const MAX_HISTORY_SAMPLES = 86_400;

interface HistoryEntry {
  startTicks: number | null;
  /** Oldest first, strictly increasing tMs; mutated in place, `version` says when. */
  samples: HistorySample[];
}

const entries = new Map<number, HistoryEntry>();
const KEEP_PIDS = 6;

function entryOf(pid: number): HistoryEntry {
  let e = entries.get(pid);
  if (e === undefined) {
    e = { startTicks: null, samples: [] };
    entries.set(pid, e);
    while (entries.size > KEEP_PIDS) entries.delete(entries.keys().next().value as number);
  }
  return e;
}

function append(e: HistoryEntry, s: HistorySample): boolean {
  const last = e.samples[e.samples.length - 1];
  if (last !== undefined && s.tMs <= last.tMs) return false;
  e.samples.push(s);
  if (e.samples.length > MAX_HISTORY_SAMPLES) e.samples.splice(0, Math.ceil(MAX_HISTORY_SAMPLES / 10));
  return true;
}

/** Merges the host's history into ours: its older samples before, its newer ones after. */
function merge(e: HistoryEntry, fromHost: readonly HistorySample[]): void {
  const first = e.samples[0];
  const last = e.samples[e.samples.length - 1];
  if (first === undefined || last === undefined) {
    e.samples.push(...fromHost);
    return;
  }
  const older = fromHost.filter((s) => s.tMs < first.tMs);
  const newer = fromHost.filter((s) => s.tMs > last.tMs);
  e.samples.unshift(...older);
  e.samples.push(...newer);
}

/** The samples (same array, mutated) and a version that changes whenever they do. */
export interface ProcessHistoryState {
  samples: readonly HistorySample[];
  version: number;
  intervalMs: number;
  loaded: boolean;
}

/** Follows pid's history while mounted; `live` false (process gone) stops appending. */
export function useProcessHistory(pid: number, live: boolean): ProcessHistoryState {
  const [version, setVersion] = useState(0);
  const entry = entryOf(pid);
  const held = usePolled(String(pid), () => getBridge().getHistory(pid), {
    pollMs: null,
    onValue: (h) => {
      merge(entryOf(pid), h.samples);
      setVersion((v) => v + 1);
    },
  });

  useEffect(() => {
    if (!live) return;
    return subscribeTicks((tick) => {
      const e = entryOf(pid);
      for (const row of tick.rows) {
        if (row.pid !== pid || row.rowStatus === 'gone') continue;
        if (e.startTicks !== null && e.startTicks !== row.startTicks) {
          e.samples.length = 0; // the pid names a new process now: its history starts over
        }
        e.startTicks = row.startTicks;
        const changed = append(e, { tMs: tick.tMs, virtKb: row.virtKb, resKb: row.resKb, shrKb: row.shrKb, swapKb: row.swapKb });
        if (changed) setVersion((v) => v + 1);
        break;
      }
    });
  }, [pid, live]);

  // A failed read counts as loaded: the ticks still fill the history from now on.
  return { samples: entry.samples, version, intervalMs: held.value?.intervalMs ?? 1000, loaded: !held.loading };
}
