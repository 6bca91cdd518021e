// A range of a process's pages (getPages: pagemap, and as root kpagecount + kpageflags), read on demand and,
// when asked, re-read every pollMs while the page is visible. The last good reading is kept through errors.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { PageMap } from '../../shared/proc/page-map.js';
import { getBridge } from '../api/client.js';
import { toUiError, type UiError } from '../ui-error.js';
import { usePageVisible } from './use-page-visible.js';

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
  const [map, setMap] = useState<PageMap | null>(null);
  const [atMs, setAtMs] = useState<number | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const [loading, setLoading] = useState(false);
  const generation = useRef(0);
  const visible = usePageVisible();

  const refresh = useCallback(() => {
    if (startHex === null || pageCount < 1) return;
    const mine = ++generation.current;
    setLoading(true);
    getBridge()
      .getPages(pid, startHex, pageCount)
      .then(
        (m) => {
          if (mine !== generation.current) return;
          setMap(m);
          setAtMs(Date.now());
          setError(null);
        },
        (err: unknown) => {
          if (mine === generation.current) setError(toUiError(err));
        },
      )
      .finally(() => {
        if (mine === generation.current) setLoading(false);
      });
  }, [pid, startHex, pageCount]);

  useEffect(() => {
    setMap(null);
    setError(null);
    refresh();
    return () => {
      generation.current++;
    };
  }, [refresh]);

  const gone = error?.code === 'gone';
  useEffect(() => {
    if (pollMs === null || !visible || gone) return;
    const timer = window.setInterval(refresh, pollMs);
    return () => window.clearInterval(timer);
  }, [pollMs, visible, gone, refresh]);

  return { map, atMs, error, loading, refresh };
}
