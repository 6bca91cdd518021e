// The ONLY file that knows how the renderer reaches the host: Electron's preload bridge
// (window.memscope) when present, else browser mode over HTTP with the URL's token.
import type { MemscopeBridge } from '../../shared/api.js';
import { createHttpBridge } from './http-client.js';
import { createIpcBridge } from './ipc-client.js';

declare global {
  interface Window {
    /** Exposed by electron/preload.ts through contextBridge; absent in browser mode. */
    memscope?: MemscopeBridge;
  }
}

let bridge: MemscopeBridge | null = null;

/** The bridge to the host, created once. */
export function getBridge(): MemscopeBridge {
  if (bridge !== null) return bridge;
  if (window.memscope !== undefined) {
    bridge = createIpcBridge(window.memscope);
  } else {
    const token = new URLSearchParams(window.location.search).get('token') ?? sessionStorage.getItem('memscope-token') ?? '';
    if (token !== '') sessionStorage.setItem('memscope-token', token); // survives reloads without the query
    bridge = createHttpBridge(token);
  }
  return bridge;
}
