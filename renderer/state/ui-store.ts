// The process table's view state (sort, filter, selection, scroll), kept outside the component so
// opening a process and pressing Escape comes back to the same rows at the same place.
import { useSyncExternalStore } from 'react';
import type { ColumnId } from '../../shared/proc/columns.js';
import { createListeners } from './listeners.js';

/** What the process table shows and where it is. */
export interface TableViewState {
  sortColumn: ColumnId;
  /** true = largest first. */
  sortDesc: boolean;
  filter: string;
  selectedPid: number | null;
  scrollTop: number;
}

let state: TableViewState = { sortColumn: 'resKb', sortDesc: true, filter: '', selectedPid: null, scrollTop: 0 };
const listeners = createListeners();

/** The table's view state; re-renders on change. */
export function useTableViewState(): TableViewState {
  return useSyncExternalStore(listeners.subscribe, () => state);
}

/** Merges a change into the table's view state. */
export function updateTableViewState(change: Partial<TableViewState>): void {
  const next = { ...state, ...change };
  const keys = Object.keys(change) as (keyof TableViewState)[];
  if (keys.every((k) => next[k] === state[k])) return;
  state = next;
  // scrollTop alone is remembered silently: re-rendering on every scroll event is what we avoid.
  if (keys.length === 1 && keys[0] === 'scrollTop') return;
  listeners.notify();
}
