// A live process's glibc heap (getHeap), read on demand only: when the page opens, on refresh() and when the
// read options change. Heap reads walk every chunk, so they are never polled with the ticks.
import type { HeapView } from '../../shared/api.js';
import { getBridge } from '../api/client.js';
import { usePolled, type PolledState } from './use-polled.js';

/** Reads pid's heap (stopping it for the read when freeze is set); value null until the first good read. */
export function useHeap(pid: number, freeze: boolean): PolledState<HeapView> {
  return usePolled(`${pid} ${freeze ? 'freeze' : 'live'}`, () => getBridge().getHeap(pid, { freeze }), { pollMs: null });
}
