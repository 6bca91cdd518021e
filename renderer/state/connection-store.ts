// Is the host still talking? A watchdog on tick arrivals: no tick for 3 intervals (at least 5 s)
// means the connection is lost; EventSource (or IPC) reconnects by itself and the next tick clears it.
import { useSyncExternalStore } from 'react';
import { readTickReceivedAt, subscribeTicks } from './samples-store.js';
import { readIntervalMs } from './source-store.js';

/** 'connecting' before the first tick, 'live' while ticks arrive, 'lost' when they stopped. */
export type ConnectionStatus = 'connecting' | 'live' | 'lost';

let status: ConnectionStatus = 'connecting';
const listeners = new Set<() => void>();
let timer: number | null = null;

function update(): void {
  const at = readTickReceivedAt();
  let next: ConnectionStatus;
  if (at === null) next = performance.now() > 8000 ? 'lost' : 'connecting';
  else next = performance.now() - at > Math.max(5000, 3 * readIntervalMs()) ? 'lost' : 'live';
  if (next !== status) {
    status = next;
    for (const l of listeners) l();
  }
}

function subscribe(listener: () => void): () => void {
  if (timer === null) {
    timer = window.setInterval(update, 1000);
    subscribeTicks(update);
  }
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The connection's status, re-evaluated every second. */
export function useConnectionStatus(): ConnectionStatus {
  return useSyncExternalStore(subscribe, () => status);
}
