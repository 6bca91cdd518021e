// Where the data comes from (MemscopeBridge.describeSource): host name for the title bar,
// transport, and the sampling interval (which the connection watchdog scales with).
import { useSyncExternalStore } from 'react';
import type { SourceInfo } from '../../shared/api.js';
import { getBridge } from '../api/client.js';
import { createListeners } from './listeners.js';

let source: SourceInfo | null = null;
let requested = false;
const listeners = createListeners();

function load(): void {
  if (requested) return;
  requested = true;
  getBridge()
    .describeSource()
    .then((s) => {
      source = s;
      document.title = `memscope — ${s.hostname}`;
      listeners.notify();
    })
    .catch(() => {
      requested = false; // try again on the next subscriber (e.g. after the server came back)
    });
}

function subscribe(listener: () => void): () => void {
  load();
  return listeners.subscribe(listener);
}

/** The source, null until describeSource answered. */
export function useSource(): SourceInfo | null {
  return useSyncExternalStore(subscribe, () => source);
}

/** The sampling interval in ms (1000 until known); not reactive. */
export function readIntervalMs(): number {
  return source?.intervalMs ?? 1000;
}
