// Host memory, swap and load (MemscopeApi.getSystem), polled every few seconds while someone
// looks, with a short history of used memory for the summary's chart.
import { useSyncExternalStore } from 'react';
import type { SystemSummary } from '../../shared/api.js';
import { getBridge } from '../api/client.js';

/** Poll period of getSystem (systeminformation is cheap, but not free). */
export const SYSTEM_POLL_MS = 3000;

/** Most points kept in the used-memory history (an hour at the poll period). */
const HISTORY_POINTS = 1200;

/** One point of the host's used memory. */
export interface UsedMemoryPoint {
  tMs: number;
  usedKb: number;
  cachedKb: number;
}

interface SystemState {
  summary: SystemSummary | null;
  /** When summary was read (epoch ms). */
  atMs: number | null;
  history: readonly UsedMemoryPoint[];
  error: string | null;
}

let state: SystemState = { summary: null, atMs: null, history: [], error: null };
const listeners = new Set<() => void>();
let timer: number | null = null;

function emit(next: SystemState): void {
  state = next;
  for (const l of listeners) l();
}

async function poll(): Promise<void> {
  try {
    const summary = await getBridge().getSystem();
    const tMs = Date.now();
    const point = { tMs, usedKb: summary.memUsedKb, cachedKb: summary.cachedKb + summary.buffersKb };
    const history = [...state.history.slice(-(HISTORY_POINTS - 1)), point];
    emit({ summary, atMs: tMs, history, error: null });
  } catch (err) {
    emit({ ...state, error: err instanceof Error ? err.message : String(err) });
  }
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === null) {
    void poll();
    timer = window.setInterval(() => void poll(), SYSTEM_POLL_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== null) {
      window.clearInterval(timer);
      timer = null;
    }
  };
}

/** The host summary and its used-memory history; polls while any component uses it. */
export function useSystem(): SystemState {
  return useSyncExternalStore(subscribe, () => state);
}
