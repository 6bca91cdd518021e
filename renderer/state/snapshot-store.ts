// Snapshots opened from files (MemscopeApi.openSnapshot validates them) or taken of a live process
// (exportSnapshot): the one shown offline at #/snapshot, the two sides of #/compare, and the last few held
// in the session so two taken in the app compare without files. Held in memory only, like an open document.
import { useSyncExternalStore } from 'react';
import type { Snapshot } from '../../shared/snapshot/schema.js';
import { getBridge } from '../api/client.js';
import { createListeners } from './listeners.js';

/** A snapshot and the file it came from. */
export interface OpenedSnapshot {
  snapshot: Snapshot;
  fileName: string;
}

interface SnapshotState {
  current: OpenedSnapshot | null;
  /** Why the last file could not be opened ("name: message"), null after a success. */
  error: string | null;
  compareA: OpenedSnapshot | null;
  compareB: OpenedSnapshot | null;
  /** Snapshots taken or opened in this session, oldest first, at most MAX_HELD_SNAPSHOTS. */
  held: OpenedSnapshot[];
}

/** Snapshots kept for comparing: one of a 65,000-mapping process holds ~100 MB of objects. */
export const MAX_HELD_SNAPSHOTS = 8;

let state: SnapshotState = { current: null, error: null, compareA: null, compareB: null, held: [] };
const listeners = createListeners();

function set(change: Partial<SnapshotState>): void {
  state = { ...state, ...change };
  listeners.notify();
}

/** The open snapshots and the last error. */
export function useSnapshots(): SnapshotState {
  return useSyncExternalStore(listeners.subscribe, () => state);
}

/** Reads and validates a file; throws Error("name: what is wrong") when it is not a snapshot. */
export async function readSnapshotFile(file: File): Promise<OpenedSnapshot> {
  let text: string;
  try {
    text = await file.text();
  } catch (err) {
    throw new Error(`${file.name}: cannot read the file (${err instanceof Error ? err.message : String(err)})`);
  }
  try {
    return { snapshot: await getBridge().openSnapshot(text), fileName: file.name };
  } catch (err) {
    throw new Error(`${file.name}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Takes a snapshot of a live process on the host (exportSnapshot). */
export function exportProcessSnapshot(pid: number): Promise<Snapshot> {
  return getBridge().exportSnapshot(pid);
}

/** Keeps a snapshot in the session's list (the oldest is dropped past MAX_HELD_SNAPSHOTS). */
export function holdSnapshot(opened: OpenedSnapshot): void {
  if (state.held.includes(opened)) return;
  set({ held: [...state.held, opened].slice(-MAX_HELD_SNAPSHOTS) });
}

/** Takes a snapshot of a live process and holds it in the session, named "PID at TIME" (no file is written). */
export async function takeSessionSnapshot(pid: number, name: (s: Snapshot) => string): Promise<OpenedSnapshot> {
  const snapshot = await exportProcessSnapshot(pid);
  const opened = { snapshot, fileName: name(snapshot) };
  holdSnapshot(opened);
  return opened;
}

/** Shows a comparison of two snapshots (before, after) at #/compare. */
export function setComparison(before: OpenedSnapshot, after: OpenedSnapshot): void {
  set({ compareA: before, compareB: after });
}

/** Opens a file as the current offline snapshot; on failure keeps the previous one and records the error. Resolves true on success. */
export async function openSnapshotFile(file: File): Promise<boolean> {
  try {
    const opened = await readSnapshotFile(file);
    set({ current: opened, error: null });
    holdSnapshot(opened);
    return true;
  } catch (err) {
    set({ error: (err as Error).message });
    return false;
  }
}

/** Shows an already validated snapshot (e.g. one just exported) offline. */
export function showSnapshot(opened: OpenedSnapshot): void {
  set({ current: opened, error: null });
  holdSnapshot(opened);
}

/** Sets one side of the comparison. */
export function setCompareSide(side: 'a' | 'b', opened: OpenedSnapshot | null): void {
  set(side === 'a' ? { compareA: opened } : { compareB: opened });
}

/** Forgets the last error message. */
export function clearSnapshotError(): void {
  set({ error: null });
}
