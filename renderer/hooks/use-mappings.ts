// One process's MappingsReport (getMappings: maps + smaps + smaps_rollup), read on demand or
// polled while visible. smaps walks page tables under the target's mm lock, so it is never per tick.
import type { MappingsReport } from '../../shared/api.js';
import type { Mapping } from '../../shared/proc/types.js';
import { getBridge } from '../api/client.js';
import type { UiError } from '../ui-error.js';
import { usePolled } from './use-polled.js';

/** A report, when it was read, and the last error (the last good report is kept through errors). */
export interface MappingsState {
  report: MappingsReport | null;
  /** Epoch ms of the report. */
  atMs: number | null;
  error: UiError | null;
  loading: boolean;
  /** Reads now. */
  refresh: () => void;
}

/** Last report per pid, so going from the process to a mapping and back shows data at once. */
const cache = new Map<number, { value: MappingsReport; atMs: number }>();
const CACHE_PIDS = 8;

function remember(pid: number, value: MappingsReport, atMs: number): void {
  cache.delete(pid);
  cache.set(pid, { value, atMs });
  while (cache.size > CACHE_PIDS) cache.delete(cache.keys().next().value as number);
}

/** The mapping of pid starting at startHex in the last report read for pid, if any (shown until getMapping answers). */
export function findCachedMapping(pid: number, startHex: string): { value: Mapping; atMs: number } | null {
  const cached = cache.get(pid);
  const mapping = cached?.value.mappings.find((m) => m.start === startHex);
  return cached === undefined || mapping === undefined ? null : { value: mapping, atMs: cached.atMs };
}

/**
 * Reads pid's mappings now and, when pollMs is set, again every pollMs while the page is visible and the process is not gone.
 * `enabled` false asks nothing (a pid no tick has listed yet).
 */
export function useMappings(pid: number, pollMs: number | null, enabled = true): MappingsState {
  const { value, atMs, error, loading, refresh } = usePolled(enabled ? String(pid) : null, () => getBridge().getMappings(pid), {
    pollMs,
    initial: cache.get(pid) ?? null,
    onValue: (report, t) => remember(pid, report, t),
  });
  return { report: value, atMs, error, loading, refresh };
}
