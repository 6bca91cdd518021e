// The ONLY file that knows how the renderer reaches a host: the active host of hosts-store, which is
// the local one (Electron's preload bridge window.memscope, else browser mode over HTTP with the token
// the page was opened with) or a remote memscope serve added by URL + token (HTTP, usually through an SSH tunnel).
import type { MemscopeBridge, PreloadBridge, SourceInfo } from '../../shared/api.js';
import { isApiError } from '../../shared/errors.js';
import { LOCAL_HOST_ID, readActiveHost, readHostToken, storeActiveHost, type HostEntry } from '../state/hosts-store.js';
import { createHttpBridge } from './http-client.js';
import { createIpcBridge } from './ipc-client.js';

declare global {
  interface Window {
    /** Exposed by electron/preload.ts through contextBridge; absent in browser mode. */
    memscope?: PreloadBridge;
  }
}

let bridge: MemscopeBridge | null = null;

/** Browser mode's token for the server that served the page: per tab, survives reloads, never on disk. */
const TOKEN_KEY = 'memscope-token';

/** A percent-encoded fragment value, kept as written when it is not valid encoding. */
function decodeFragment(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Moves browser mode's token out of the address bar into sessionStorage: `?token=` (the URL serve
 * printed) or `#token=` (serve --open's launch page), so it stays out of history, bookmarks and
 * screenshots. Runs before the first render; a hashchange tells the router its first read is stale.
 */
export function adoptTokenFromUrl(): void {
  if (window.memscope !== undefined) return;
  const url = new URL(window.location.href);
  const fromHash = /^#token=(.*)$/.exec(url.hash)?.[1];
  const token = fromHash !== undefined ? decodeFragment(fromHash) : url.searchParams.get('token');
  if (token === null) return;
  if (token !== '') sessionStorage.setItem(TOKEN_KEY, token);
  url.searchParams.delete('token');
  if (fromHash !== undefined) url.hash = '#/';
  window.history.replaceState(window.history.state, '', url.href);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

/** The bridge to the host that served (or, in Electron, hosts) the app. */
function createLocalBridge(): MemscopeBridge {
  if (window.memscope !== undefined) return createIpcBridge(window.memscope);
  return createHttpBridge(sessionStorage.getItem(TOKEN_KEY) ?? '');
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

