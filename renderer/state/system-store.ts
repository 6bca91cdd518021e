// Host memory, swap and load (MemscopeApi.getSystem), polled every few seconds while someone
// looks; the used-memory history for the summary's chart starts with the host's own (getHostHistory, kept
// at every tick since memscope started, so it survives a reload) and goes on with each poll.
import { useSyncExternalStore } from 'react';
import type { SystemSummary } from '../../shared/api.js';
import { getBridge } from '../api/client.js';
import { createListeners } from './listeners.js';

/** Poll period of getSystem (systeminformation is cheap, but not free). */
export const SYSTEM_POLL_MS = 3000;

/** Most points appended by polls after the host's history (an hour at the poll period). */
const HISTORY_POINTS = 1200;

/** One point of the host's used memory; minKb..maxKb is the range of the ticks it stands for. */
export interface UsedMemoryPoint {
  tMs: number;
  usedKb: number;
  minKb: number;
  maxKb: number;
}

interface SystemState {
  summary: SystemSummary | null;
  /** When summary was read (epoch ms). */
  atMs: number | null;
  history: readonly UsedMemoryPoint[];
  /** How many of history's points came from the host's history (the rest from polls). */
  hostPointCount: number;
  /** When the host's history starts (memscope started watching), null until known. */
  startedMs: number | null;
  error: string | null;
}

let state: SystemState = { summary: null, atMs: null, history: [], hostPointCount: 0, startedMs: null, error: null };
const listeners = createListeners();
let timer: number | null = null;

function emit(next: SystemState): void {
  state = next;
  listeners.notify();
}

async function poll(): Promise<void> {
  try {
    const summary = await getBridge().getSystem();
    const tMs = Date.now();
    const point = { tMs, usedKb: summary.memUsedKb, minKb: summary.memUsedKb, maxKb: summary.memUsedKb };
    const host = state.history.slice(0, state.hostPointCount);
    const polled = [...state.history.slice(state.hostPointCount).slice(-(HISTORY_POINTS - 1)), point];
    emit({ ...state, summary, atMs: tMs, history: [...host, ...polled], error: null });
  } catch (err) {
    emit({ ...state, error: err instanceof Error ? err.message : String(err) });
  }
}

/** Puts the host's history first, keeping the polled points newer than its last. */
async function loadHostHistory(): Promise<void> {
  try {
    const reply = await getBridge().getHostHistory();
    const host = reply.points.map((p) => ({ tMs: p.tMs, usedKb: p.usedKb, minKb: p.bucket?.minUsedKb ?? p.usedKb, maxKb: p.bucket?.maxUsedKb ?? p.usedKb }));
    const lastMs = host[host.length - 1]?.tMs ?? -Infinity;
    const polled = state.history.slice(state.hostPointCount).filter((p) => p.tMs > lastMs);
    emit({ ...state, history: [...host, ...polled], hostPointCount: host.length, startedMs: reply.startedMs });
  } catch {
    // The polls still fill the chart from now on.
  }
}

function subscribe(listener: () => void): () => void {
  const unsubscribe = listeners.subscribe(listener);
  if (timer === null) {
    if (state.hostPointCount === 0) void loadHostHistory();
    void poll();
    timer = window.setInterval(() => void poll(), SYSTEM_POLL_MS);
  }
  return () => {
    unsubscribe();
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
