// Snapshots opened from files (MemscopeApi.openSnapshot validates them) or taken of a live process
// (exportSnapshot): the one shown offline at #/snapshot, and the two sides of #/compare. Held in memory
// only, like an open document.
import { useSyncExternalStore } from 'react';
import type { Snapshot } from '../../shared/snapshot/schema.js';
import { getBridge } from '../api/client.js';

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
}

let state: SnapshotState = { current: null, error: null, compareA: null, compareB: null };
const listeners = new Set<() => void>();

function set(change: Partial<SnapshotState>): void {
  state = { ...state, ...change };
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The open snapshots and the last error. */
export function useSnapshots(): SnapshotState {
  return useSyncExternalStore(subscribe, () => state);
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

/** Opens a file as the current offline snapshot; on failure keeps the previous one and records the error. Resolves true on success. */
export async function openSnapshotFile(file: File): Promise<boolean> {
  try {
    set({ current: await readSnapshotFile(file), error: null });
    return true;
  } catch (err) {
    set({ error: (err as Error).message });
    return false;
  }
}

/** Shows an already validated snapshot (e.g. one just exported) offline. */
export function showSnapshot(opened: OpenedSnapshot): void {
  set({ current: opened, error: null });
}

/** Sets one side of the comparison. */
export function setCompareSide(side: 'a' | 'b', opened: OpenedSnapshot | null): void {
  set(side === 'a' ? { compareA: opened } : { compareB: opened });
}

/** Forgets the last error message. */
export function clearSnapshotError(): void {
  set({ error: null });
}
