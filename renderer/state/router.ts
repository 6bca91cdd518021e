// Hash routes (#/, #/process/PID, #/process/PID/mapping/START, #/snapshot, #/snapshot/mapping/START,
// #/compare): work from file:// (Electron) and http:// alike, and are stable hooks for tests.
import { useSyncExternalStore } from 'react';

/** Where the app is. */
export type Route =
  | { name: 'table' }
  | { name: 'process'; pid: number }
  | { name: 'mapping'; pid: number; start: string }
  | { name: 'snapshot' }
  | { name: 'snapshot-mapping'; start: string }
  | { name: 'compare' }
  | { name: 'not-found'; hash: string };

/** Parses a location hash ("#/process/42") into a Route. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/\/+$/, '');
  const parts = path.split('/').filter((p) => p !== '');
  if (parts.length === 0) return { name: 'table' };
  const [head, a, b, c] = parts;
  if (head === 'process' && a !== undefined && /^[1-9][0-9]{0,9}$/.test(a)) {
    const pid = Number(a);
    if (b === undefined) return { name: 'process', pid };
    if (b === 'mapping' && c !== undefined && /^[0-9a-fA-F]{1,16}$/.test(c)) return { name: 'mapping', pid, start: c.toLowerCase() };
  }
  if (head === 'snapshot' && a === undefined) return { name: 'snapshot' };
  if (head === 'snapshot' && a === 'mapping' && b !== undefined && /^[0-9a-fA-F]{1,16}$/.test(b)) {
    return { name: 'snapshot-mapping', start: b.toLowerCase() };
  }
  if (head === 'compare' && a === undefined) return { name: 'compare' };
  return { name: 'not-found', hash };
}

/** The hash of a route ("#/process/42"). */
export function formatRoute(route: Route): string {
  switch (route.name) {
    case 'table':
      return '#/';
    case 'process':
      return `#/process/${route.pid}`;
    case 'mapping':
      return `#/process/${route.pid}/mapping/${route.start}`;
    case 'snapshot':
      return '#/snapshot';
    case 'snapshot-mapping':
      return `#/snapshot/mapping/${route.start}`;
    case 'compare':
      return '#/compare';
    case 'not-found':
      return route.hash;
  }
}

/** The route Escape goes back to: one level up, the table at the top. */
export function parentRoute(route: Route): Route {
  switch (route.name) {
    case 'mapping':
      return { name: 'process', pid: route.pid };
    case 'snapshot-mapping':
      return { name: 'snapshot' };
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
const listeners = new Set<() => void>();
window.addEventListener('hashchange', () => {
  current = parseRoute(window.location.hash);
  for (const l of listeners) l();
});

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The current route; re-renders on hash changes. */
export function useRoute(): Route {
  return useSyncExternalStore(subscribe, () => current);
}
