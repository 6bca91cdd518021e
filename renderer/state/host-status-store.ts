// Connection state of the hosts, for the title bar and the host menu: the active host is "connected"
// while ticks arrive; when they stop (or never came) a probe (describeSource) tells a refused token
// (HTTP 401) from an unreachable host. EventSource reconnects by itself; the next tick clears the state.
import { useEffect, useState, useSyncExternalStore } from 'react';
import { probeHost, type HostProbe } from '../api/client.js';
import { readActiveEntry, type HostsState } from './hosts-store.js';
import { readTickReceivedAt, subscribeTicks } from './samples-store.js';
import { readIntervalMs } from './source-store.js';
import { createListeners } from './listeners.js';

/** A host's connection state as the UI names it. */
export type HostStatus =
  /** No answer yet. */
  | 'connecting'
  /** Ticks arrive (active host), or it answered a probe (other hosts). */
  | 'connected'
  /** It was connected and stopped answering; the tick stream keeps retrying. */
  | 'reconnecting'
  /** It answered 401: the token is wrong (serve makes a new one at each start, unless --token-file). */
  | 'token-refused'
  /** A remote host without a token in this session (tokens are not kept across restarts). */
  | 'token-needed'
  /** It never answered: no server, or no tunnel, at that address. */
  | 'unreachable';

/** How often a silent host is probed. */
export const PROBE_MS = 2000;

let probe: HostProbe | null = null;
let everConnected = false;
let status: HostStatus = 'connecting';
let timer: number | null = null;
let inFlight = false;
const listeners = createListeners();

/** Ticks are fresh while the last one is younger than two intervals (at least PROBE_MS). */
function ticksFresh(): boolean {
  const at = readTickReceivedAt();
  return at !== null && performance.now() - at <= Math.max(PROBE_MS, 2 * readIntervalMs());
}

function recompute(): void {
  let next: HostStatus;
  if (ticksFresh()) {
    everConnected = true;
    next = 'connected';
  } else if (probe === null) next = 'connecting';
  else if (probe.kind === 'token-refused' || probe.kind === 'token-needed') next = probe.kind;
  else if (probe.kind === 'unreachable') next = everConnected ? 'reconnecting' : 'unreachable';
  else next = everConnected ? 'reconnecting' : 'connecting'; // it answers; the tick stream is (re)opening
  if (next !== status) {
    status = next;
    listeners.notify();
  }
}

function check(): void {
  recompute();
  if (ticksFresh() || inFlight) return;
  inFlight = true;
  const entry = readActiveEntry();
  void probeHost(entry, entry.id)
    .then((p) => {
      probe = p;
    })
    .finally(() => {
      inFlight = false;
      recompute();
    });
}

function subscribe(listener: () => void): () => void {
  if (timer === null) {
    subscribeTicks(recompute);
    timer = window.setInterval(check, PROBE_MS);
    check();
  }
  return listeners.subscribe(listener);
}

/** The active host's connection state, re-evaluated on every tick and every PROBE_MS. */
export function useActiveHostStatus(): HostStatus {
  return useSyncExternalStore(subscribe, () => status);
}

/** The host menu's view of a host that is not the active one: what its last probe said. */
export function statusOfProbe(p: HostProbe | undefined): HostStatus {
  if (p === undefined) return 'connecting';
  return p.kind === 'ok' ? 'connected' : p.kind;
}

/**
 * Probes every host but the active one every PROBE_MS while `enabled` (the host menu is open);
 * returns the last answer per host id.
 */
export function useHostProbes(hosts: HostsState, enabled: boolean): ReadonlyMap<string, HostProbe> {
  const [probes, setProbes] = useState<ReadonlyMap<string, HostProbe>>(new Map());
  useEffect(() => {
    if (!enabled) return;
    let alive = true;
    const run = () => {
      for (const entry of hosts.hosts) {
        if (entry.id === hosts.activeId) continue;
        void probeHost(entry, hosts.activeId).then((p) => {
          if (alive) setProbes((prev) => new Map(prev).set(entry.id, p));
        });
      }
    };
    run();
    const t = window.setInterval(run, PROBE_MS);
    return () => {
      alive = false;
      window.clearInterval(t);
    };
  }, [hosts, enabled]);
  return probes;
}
