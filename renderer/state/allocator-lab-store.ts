// The Allocator lab's settings (trace source, tunables) and playback position, kept outside the view so
// leaving the lab and coming back finds the same trace at the same op.
import { useSyncExternalStore } from 'react';
import type { GlibcHeap } from '../../shared/sim/malloc/glibc/state.js';
import { createListeners } from './listeners.js';

/** Where the lab's trace comes from. */
export type LabSource = { kind: 'workload'; name: string; opCount: number; seed: number } | { kind: 'file'; fileName: string; text: string };

/**
 * A live process's arena loaded into the glibc model (the Heap view's "Open in the Allocator lab"): the glibc
 * replay starts from it instead of a fresh process, so the trace's ops run on the process's real heap.
 */
export interface LabLiveStart {
  /** Distinguishes loads (a new read of the same arena is a new start). */
  id: number;
  pid: number;
  arenaIndex: number;
  /** When the heap was read (epoch ms). */
  readAtMs: number;
  /** The loaded model state (never mutated: each replay starts from a copy). */
  heap: GlibcHeap;
  /** The process address of model offset 0 (the arena's first chunk). */
  baseAddress: number;
}

/** Everything the lab is set to. */
export interface LabState {
  source: LabSource;
  /** GLIBC_TUNABLES as typed. */
  glibcTunables: string;
  /** TCMALLOC_* settings as typed. */
  tcmallocEnv: string;
  /** Ops run (0 … trace length; larger means the end); the view shows the heaps after op cursor − 1. */
  cursor: number;
  playing: boolean;
  /** Playback speed. */
  opsPerSecond: number;
  /** The live heap the glibc replay starts from, or null for a fresh process. */
  liveStart: LabLiveStart | null;
}

/** A cursor past any trace's end: a newly loaded trace opens on its final state. */
export const LAB_CURSOR_END = Number.MAX_SAFE_INTEGER;

let state: LabState = {
  source: { kind: 'workload', name: 'random', opCount: 2000, seed: 1 },
  glibcTunables: '',
  tcmallocEnv: '',
  cursor: LAB_CURSOR_END,
  playing: false,
  opsPerSecond: 100,
  liveStart: null,
};
const listeners = createListeners();

/** The lab's state; re-renders on change. */
export function useLabState(): LabState {
  return useSyncExternalStore(listeners.subscribe, () => state);
}

/** The lab's state now (for event handlers and animation frames). */
export function readLabState(): LabState {
  return state;
}

/** Merges a change into the lab's state. */
export function updateLabState(change: Partial<LabState>): void {
  const next = { ...state, ...change };
  if ((Object.keys(change) as (keyof LabState)[]).every((k) => next[k] === state[k])) return;
  state = next;
  listeners.notify();
}
