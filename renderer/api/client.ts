// The ONLY file that knows how the renderer reaches a host: the active host of hosts-store, which is
// the local one (Electron's preload bridge window.memscope, else browser mode over HTTP with the URL's
// token) or a remote memscope serve added by URL + token (HTTP, usually through an SSH tunnel).
import type { MemscopeBridge, SourceInfo } from '../../shared/api.js';
import { isApiError } from '../../shared/errors.js';
import { LOCAL_HOST_ID, readActiveHost, readHostToken, storeActiveHost, type HostEntry } from '../state/hosts-store.js';
import { createHttpBridge } from './http-client.js';
import { createIpcBridge } from './ipc-client.js';

declare global {
  interface Window {
    /** Exposed by electron/preload.ts through contextBridge; absent in browser mode. */
    memscope?: MemscopeBridge;
  }
}

let bridge: MemscopeBridge | null = null;

/** The bridge to the host that served (or, in Electron, hosts) the app. */
function createLocalBridge(): MemscopeBridge {
  if (window.memscope !== undefined) return createIpcBridge(window.memscope);
  const token = new URLSearchParams(window.location.search).get('token') ?? sessionStorage.getItem('memscope-token') ?? '';
  if (token !== '') sessionStorage.setItem('memscope-token', token); // survives reloads without the query
  return createHttpBridge(token);
}

/** The bridge to the active host, created once per page load (switchHost reloads). */
export function getBridge(): MemscopeBridge {
  if (bridge !== null) return bridge;
  const active = readActiveHost();
  bridge = active.kind === 'remote' ? createHttpBridge(active.token, active.entry.baseUrl) : createLocalBridge();
  return bridge;
}

/**
 * Makes another host the active one. Every store (ticks, history, system, source, open pages) holds
 * the previous host's data and subscriptions, so the app starts over on the table: a reload, which
 * also closes the old tick stream. Snapshots opened from files are in memory and are closed too.
 */
export function switchHost(id: string): void {
  storeActiveHost(id);
  window.history.replaceState(null, '', '#/');
  window.location.reload();
}

/** How a host answered a probe (describeSource). */
export type HostProbe =
  | { kind: 'ok'; source: SourceInfo }
  /** HTTP 401: the server is there and refused the token. */
  | { kind: 'token-refused' }
  /** No token in this session for it. */
  | { kind: 'token-needed' }
  /** Nothing answered (connection refused, tunnel down) or the answer was not memscope's. */
  | { kind: 'unreachable'; message: string };

/** Asks a host who it is, with the active bridge for the active host and a throwaway one for others. */
export async function probeHost(entry: HostEntry, activeId: string): Promise<HostProbe> {
  let probeBridge: MemscopeBridge;
  if (entry.id === activeId) probeBridge = getBridge();
  else if (entry.id === LOCAL_HOST_ID) probeBridge = createLocalBridge();
  else {
    const token = readHostToken(entry.id);
    if (token === null) return { kind: 'token-needed' };
    probeBridge = createHttpBridge(token, entry.baseUrl);
  }
  try {
    return { kind: 'ok', source: await probeBridge.describeSource() };
  } catch (err) {
    // http-client.ts turns exactly HTTP 401 into 'unauthorized'.
    if (isApiError(err) && err.code === 'unauthorized') return { kind: 'token-refused' };
    return { kind: 'unreachable', message: err instanceof Error ? err.message : String(err) };
  }
}

