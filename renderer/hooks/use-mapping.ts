// One mapping of a process (getMapping: the mapping starting at an address, every smaps field), for the pages
// about one mapping; the process's other mappings never cross the wire.
import type { Mapping } from '../../shared/proc/types.js';
import { getBridge } from '../api/client.js';
import type { UiError } from '../ui-error.js';
import { findCachedMapping } from './use-mappings.js';
import { usePolled } from './use-polled.js';

/** The mapping, whether the host has answered, and the last error (the last good mapping is kept through errors). */
export interface MappingState {
  /** The mapping starting at startHex; null before the first answer or when none starts there. */
  mapping: Mapping | null;
  /** True once the host answered for these arguments (mapping null then means none starts there). */
  answered: boolean;
  /** Epoch ms of the mapping. */
  atMs: number | null;
  error: UiError | null;
  loading: boolean;
  /** Reads now. */
  refresh: () => void;
}

/**
 * Reads pid's mapping at startHex now and, when pollMs is set, every pollMs while the page is visible and the process
 * is not gone. The process page's last report shows it at once. `onMapping` gets every answer (e.g. to chart its Rss).
 */
export function useMapping(pid: number, startHex: string, pollMs: number | null, onMapping?: (mapping: Mapping | null, atMs: number) => void): MappingState {
  const { value, atMs, error, loading, refresh } = usePolled<Mapping | null>(`${pid} ${startHex}`, () => getBridge().getMapping(pid, startHex), {
    pollMs,
    initial: findCachedMapping(pid, startHex),
    onValue: onMapping,
  });
  return { mapping: value, answered: atMs !== null, atMs, error, loading, refresh };
}
