// Hash routes (#/, #/process/PID, #/process/PID/heap, #/process/PID/mapping/START, #/snapshot, #/snapshot/mapping/START,
// #/compare, #/process/PID/translate/ADDR, #/lab/cache, #/lab/malloc, #/process/PID/mapping/START/pages and
// …/what-if): work from file:// (Electron) and http:// alike,
// and are stable hooks for tests.
import { useSyncExternalStore } from 'react';
import { createListeners } from './listeners.js';

/** Where the app is. */
export type Route =
  | { name: 'table' }
  | { name: 'process'; pid: number }
  /** A live process's glibc heap (getHeap), read on demand. */
  | { name: 'heap'; pid: number }
  | { name: 'mapping'; pid: number; start: string }
  | { name: 'snapshot' }
  | { name: 'snapshot-mapping'; start: string }
  | { name: 'compare' }
  /** The page-table walk of one address; address is as typed ('' before one is typed), checked by the view. */
  | { name: 'translate'; pid: number; address: string }
  | { name: 'cache-lab' }
  | { name: 'page-map'; pid: number; start: string }
  | { name: 'what-if'; pid: number; start: string }
  | { name: 'malloc-lab' }
  | { name: 'not-found'; hash: string };

/** A path segment as typed (kept verbatim when it is not valid percent-encoding). */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Parses a location hash ("#/process/42") into a Route. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/\/+$/, '');
  const parts = path.split('/').filter((p) => p !== '');
  if (parts.length === 0) return { name: 'table' };
  const [head, a, b, c] = parts;
  if (head === 'process' && a !== undefined && /^[1-9][0-9]{0,9}$/.test(a)) {
    const pid = Number(a);
    if (b === undefined) return { name: 'process', pid };
    if (b === 'heap' && parts.length === 3) return { name: 'heap', pid };
    if (b === 'mapping' && c !== undefined && /^[0-9a-fA-F]{1,16}$/.test(c) && parts.length === 5) {
      if (parts[4] === 'pages') return { name: 'page-map', pid, start: c.toLowerCase() };
      if (parts[4] === 'what-if') return { name: 'what-if', pid, start: c.toLowerCase() };
      return { name: 'not-found', hash };
    }
    if (b === 'mapping' && c !== undefined && /^[0-9a-fA-F]{1,16}$/.test(c)) return { name: 'mapping', pid, start: c.toLowerCase() };
    if (b === 'translate' && parts.length <= 4) return { name: 'translate', pid, address: decodeSegment(c ?? '') };
  }
  if (head === 'snapshot' && a === undefined) return { name: 'snapshot' };
  if (head === 'snapshot' && a === 'mapping' && b !== undefined && /^[0-9a-fA-F]{1,16}$/.test(b)) {
    return { name: 'snapshot-mapping', start: b.toLowerCase() };
  }
  if (head === 'compare' && a === undefined) return { name: 'compare' };
  if (head === 'lab' && a === 'cache' && b === undefined) return { name: 'cache-lab' };
  if (head === 'lab' && a === 'malloc' && b === undefined) return { name: 'malloc-lab' };
  return { name: 'not-found', hash };
}

/** The hash of a route ("#/process/42"). */
export function formatRoute(route: Route): string {
  switch (route.name) {
    case 'table':
      return '#/';
    case 'process':
      return `#/process/${route.pid}`;
    case 'heap':
      return `#/process/${route.pid}/heap`;
    case 'mapping':
      return `#/process/${route.pid}/mapping/${route.start}`;
    case 'snapshot':
      return '#/snapshot';
    case 'snapshot-mapping':
      return `#/snapshot/mapping/${route.start}`;
    case 'compare':
      return '#/compare';
    case 'translate':
      return `#/process/${route.pid}/translate${route.address === '' ? '' : `/${encodeURIComponent(route.address)}`}`;
    case 'cache-lab':
      return '#/lab/cache';
    case 'page-map':
      return `#/process/${route.pid}/mapping/${route.start}/pages`;
    case 'what-if':
      return `#/process/${route.pid}/mapping/${route.start}/what-if`;
    case 'malloc-lab':
      return '#/lab/malloc';
    case 'not-found':
      return route.hash;
  }
}

/** The route Escape goes back to: one level up, the table at the top. */
export function parentRoute(route: Route): Route {
  switch (route.name) {
    case 'heap':
    case 'mapping':
    case 'translate':
      return { name: 'process', pid: route.pid };
    case 'snapshot-mapping':
      return { name: 'snapshot' };
    case 'page-map':
    case 'what-if':
      return { name: 'mapping', pid: route.pid, start: route.start };
    default:
      return { name: 'table' };
  }
}

/** Goes to a route (adds a history entry, so the browser's Back works too). */
export function navigate(route: Route): void {
  const hash = formatRoute(route);
  if (window.location.hash !== hash) window.location.hash = hash;
}

let current: Route = parseRoute(window.location.hash);
const listeners = createListeners();
window.addEventListener('hashchange', () => {
  current = parseRoute(window.location.hash);
  listeners.notify();
});

/** The current route; re-renders on hash changes. */
export function useRoute(): Route {
  return useSyncExternalStore(listeners.subscribe, () => current);
}
