// The live tick stream (MemscopeBridge.onTick): the latest tick, and the table's rows with the
// sampler's one-tick tombstones of vanished processes kept a few seconds so people can see them go.
// A page about one process narrows the stream to its row (useTickOf: the bridge's tick scope); with none, every row.
import { useLayoutEffect, useSyncExternalStore } from 'react';
import type { Tick } from '../../shared/api.js';
import { scopeCovers, tickScopeKey, unionTickScopes, type TickScope } from '../../shared/tick-scope.js';
import type { ProcessRow } from '../../shared/proc/types.js';
import { getBridge } from '../api/client.js';
import { createListeners } from './listeners.js';

/** How long a vanished process stays in the table, greyed, after its tombstone tick. */
export const GONE_KEEP_MS = 10_000;

interface SamplesState {
  /** The latest tick with every row (the table's), null before the first. */
  tick: Tick | null;
  /** Live rows, then remembered tombstones; a new array per whole tick, row objects as received. */
  rows: readonly ProcessRow[];
  /** The latest tick holding the rows of the wanted scope (whole, or narrowed to it), null until one comes. */
  scopedTick: Tick | null;
  /** performance.now() when the last tick arrived, null before the first. */
  receivedAt: number | null;
}

let state: SamplesState = { tick: null, rows: [], scopedTick: null, receivedAt: null };
const tombstones = new Map<number, { row: ProcessRow; goneAtMs: number }>();
const listeners = createListeners();
const tickListeners = createListeners<[Tick]>();
let started = false;
/** The last tick taken, whatever its scope. */
let latest: Tick | null = null;
/** The scopes the mounted views asked for (useTickOf), and their union: what the stream is to carry. */
const scopes = new Map<symbol, TickScope>();
let wanted: TickScope = null;
/** The scope the bridge was last told (the microtask after a change tells it, once per commit). */
let told: TickScope = null;
/**
 * A tick holding the wanted scope's rows came through the stream opened for it: a read sent from now on misses no
 * tick after it. Cleared by every change of scope (browser mode opens a new stream, which skips the ticks in between).
 */
let streamed = false;

/** An older tick, or the same tick in the same scope again (a stream's first tick, a read's answer), is not news. */
function isStale(received: Tick): boolean {
  if (latest === null || received.tMs > latest.tMs) return false;
  return received.seq < latest.seq || (received.seq === latest.seq && tickScopeKey(received.scope) === tickScopeKey(latest.scope));
}

function accept(received: Tick): void {
  if (isStale(received)) return;
  // A failed tick read nothing (e.g. the host ran out of fds): keep the last rows, show its error.
  const tick = received.error?.kind === 'failed' && latest !== null ? { ...latest, seq: received.seq, error: received.error } : received;
  latest = tick;
  let { tick: whole, rows } = state;
  if (tick.scope === undefined) {
    whole = tick;
    rows = tableRows(tick);
  }
  state = { tick: whole, rows, scopedTick: scopeCovers(tick.scope, wanted) ? tick : state.scopedTick, receivedAt: performance.now() };
  tickListeners.notify(tick);
  listeners.notify();
}

/** Streamed ticks not taken yet, oldest first. */
const pending: Tick[] = [];

/**
 * Takes streamed ticks one per task. Chromium dispatches every event of one network read in one task, and a read of
 * narrowed ticks (~1 KB each) holds dozens once the page falls behind; each tick renders synchronously
 * (useSyncExternalStore), so at serve -d 0.05 with the chart's tooltip up (a recharts redraw of ~1,000 points, 0.2-0.5 s)
 * they made one 35-55 s task, during which the next read's backlog grew: no frame, no input, no other task ran.
 */
function receive(tick: Tick): void {
  pending.push(tick);
  if (pending.length === 1) setTimeout(takePending, 0);
}

function takePending(): void {
  const tick = pending.shift();
  if (tick !== undefined) {
    if (scopeCovers(tick.scope, wanted)) streamed = true;
    accept(tick);
  }
  if (pending.length > 0) setTimeout(takePending, 0);
}

/** A whole tick's live rows, then the tombstones of the last GONE_KEEP_MS (this one's included). */
function tableRows(tick: Tick): ProcessRow[] {
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
  return live;
}

/** The union of the mounted views' scopes becomes the wanted one; the bridge is told after the commit. */
function updateWanted(): void {
  const next = unionTickScopes(scopes.values());
  if (tickScopeKey(next) === tickScopeKey(wanted)) return;
  wanted = next;
  streamed = false;
  // The last tick serves the new scope when it holds its rows; otherwise none does until the stream brings one.
  state = { ...state, scopedTick: latest !== null && scopeCovers(latest.scope, next) ? latest : null };
  queueMicrotask(tellBridge);
  listeners.notify();
}

/** Tells the bridge the wanted scope, once however many views came and went in one commit (a page replacing another). */
function tellBridge(): void {
  if (tickScopeKey(told) === tickScopeKey(wanted)) return;
  told = wanted;
  getBridge().setTickScope(wanted);
}

/** Asks for the rows of scope's pids while registered (until the function returned is called). */
function registerTickScope(scope: TickScope): () => void {
  const id = Symbol('tick scope');
  scopes.set(id, scope);
  updateWanted();
  return () => {
    scopes.delete(id);
    updateWanted();
  };
}

/** Subscribes to the bridge once, for the app's lifetime. */
function ensureStarted(): void {
  if (started) return;
  started = true;
  const bridge = getBridge();
  bridge.onTick(receive);
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

/** True once a tick holding the wanted scope's rows came through its stream: a host read sent from now on is followed by every tick after it. */
export function hasStreamedTick(): boolean {
  return streamed;
}

/** The latest tick with every row, null before the first. */
export function useTick(): Tick | null {
  return useSyncExternalStore(subscribe, () => state.tick);
}

/**
 * For a page about one process: the stream carries pid's row alone while mounted (not every process's: ~170 KB of
 * JSON a tick with 370 processes), and this returns the latest tick holding that row if the process has one, null
 * until the first comes. A tick sent before the scope changed, without pid's rows, is never returned.
 */
export function useTickOf(pid: number): Tick | null {
  useLayoutEffect(() => registerTickScope([pid]), [pid]);
  return useSyncExternalStore(subscribe, () => {
    const tick = state.scopedTick;
    return tick !== null && scopeCovers(tick.scope, [pid]) ? tick : null;
  });
}

/** The process table's rows: live ones, then tombstones of the last GONE_KEEP_MS. */
export function useTableRows(): readonly ProcessRow[] {
  return useSyncExternalStore(subscribe, () => state.rows);
}

/** performance.now() at the latest tick's arrival (null before the first); not reactive. */
export function readTickReceivedAt(): number | null {
  return state.receivedAt;
}

