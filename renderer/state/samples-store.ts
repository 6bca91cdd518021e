// The live tick stream (MemscopeBridge.onTick): the latest tick, and the table's rows with the
// sampler's one-tick tombstones of vanished processes kept a few seconds so people can see them go.
import { useSyncExternalStore } from 'react';
import type { Tick } from '../../shared/api.js';
import type { ProcessRow } from '../../shared/proc/types.js';
import { getBridge } from '../api/client.js';
import { createListeners } from './listeners.js';

/** How long a vanished process stays in the table, greyed, after its tombstone tick. */
export const GONE_KEEP_MS = 10_000;

interface SamplesState {
  tick: Tick | null;
  /** Live rows, then remembered tombstones; a new array per tick, row objects as received. */
  rows: readonly ProcessRow[];
  /** performance.now() when the last tick arrived, null before the first. */
  receivedAt: number | null;
}

let state: SamplesState = { tick: null, rows: [], receivedAt: null };
const tombstones = new Map<number, { row: ProcessRow; goneAtMs: number }>();
const listeners = createListeners();
const tickListeners = createListeners<[Tick]>();
let started = false;
/** A tick came through the stream (bridge.onTick): it is open, so a read sent from now on misses no tick after it. */
let streamed = false;

function accept(received: Tick): void {
  if (state.tick !== null && received.seq <= state.tick.seq && received.tMs <= state.tick.tMs) return;
  // A failed tick read nothing (e.g. the host ran out of fds): keep the last rows, show its error.
  const tick = received.error?.kind === 'failed' && state.tick !== null ? { ...state.tick, seq: received.seq, error: received.error } : received;
  const live: ProcessRow[] = [];
  const livePids = new Set<number>();
  for (const row of tick.rows) {
    if (row.rowStatus === 'gone') tombstones.set(row.pid, { row, goneAtMs: tick.tMs });
    else {
      live.push(row);
      livePids.add(row.pid);
    }
  }
  for (const [pid, t] of tombstones) {
    if (livePids.has(pid) || tick.tMs - t.goneAtMs > GONE_KEEP_MS) tombstones.delete(pid);
    else live.push(t.row);
  }
  state = { tick, rows: live, receivedAt: performance.now() };
  tickListeners.notify(tick);
  listeners.notify();
}

/** Subscribes to the bridge once, for the app's lifetime. */
function ensureStarted(): void {
  if (started) return;
  started = true;
  const bridge = getBridge();
  bridge.onTick((tick) => {
    streamed = true;
    accept(tick);
  });
  bridge.listProcesses().then(accept, () => undefined);
}

function subscribe(listener: () => void): () => void {
  ensureStarted();
  return listeners.subscribe(listener);
}

/** Calls listener with every new tick (after the store has updated); returns the unsubscribe function. */
export function subscribeTicks(listener: (tick: Tick) => void): () => void {
  ensureStarted();
  return tickListeners.subscribe(listener);
}

/** True once a tick came through the stream: a host read sent from now on is followed by every tick after it. */
export function hasStreamedTick(): boolean {
  return streamed;
}

/** The latest tick, null before the first. */
export function useTick(): Tick | null {
  return useSyncExternalStore(subscribe, () => state.tick);
}

/** The process table's rows: live ones, then tombstones of the last GONE_KEEP_MS. */
export function useTableRows(): readonly ProcessRow[] {
  return useSyncExternalStore(subscribe, () => state.rows);
}

/** performance.now() at the latest tick's arrival (null before the first); not reactive. */
export function readTickReceivedAt(): number | null {
  return state.receivedAt;
}

