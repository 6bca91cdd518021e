// A range of a process's pages (getPages: pagemap, and as root kpagecount + kpageflags), read on demand and,
// when asked, re-read every pollMs while the page is visible. The last good reading is kept through errors.
import type { PageMap } from '../../shared/proc/page-state-map.js';
import { getBridge } from '../api/client.js';
import type { UiError } from '../ui-error.js';
import { usePolled } from './use-polled.js';

/** A reading, when it was taken, and the last error. */
export interface PageMapState {
  map: PageMap | null;
  atMs: number | null;
  error: UiError | null;
  loading: boolean;
  refresh: () => void;
}

/** Reads pageCount pages of pid from startHex (null: nothing to read yet). */
export function usePageMap(pid: number, startHex: string | null, pageCount: number, pollMs: number | null): PageMapState {
  const key = startHex === null || pageCount < 1 ? null : `${pid} ${startHex} ${pageCount}`;
  const { value, atMs, error, loading, refresh } = usePolled(key, () => getBridge().getPages(pid, startHex ?? '', pageCount), { pollMs });
  return { map: value, atMs, error, loading, refresh };
}
