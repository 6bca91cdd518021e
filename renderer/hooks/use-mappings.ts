// One process's MappingsReport (getMappings: maps + smaps + smaps_rollup), read on demand or
// polled while visible. smaps walks page tables under the target's mm lock, so it is never per tick.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { MappingsReport } from '../../shared/api.js';
import { getBridge } from '../api/client.js';
import { toUiError, type UiError } from '../ui-error.js';
import { usePageVisible } from './use-page-visible.js';

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
const cache = new Map<number, { report: MappingsReport; atMs: number }>();
const CACHE_PIDS = 8;

/**
 * Reads pid's mappings now and, when pollMs is set, again every pollMs while the page is visible
 * and the process is not gone. `onReport` is called with every new report (e.g. to chart a mapping's Rss).
 */
export function useMappings(pid: number, pollMs: number | null, onReport?: (report: MappingsReport, atMs: number) => void): MappingsState {
  const cached = cache.get(pid);
  const [report, setReport] = useState<MappingsReport | null>(cached?.report ?? null);
  const [atMs, setAtMs] = useState<number | null>(cached?.atMs ?? null);
  const [error, setError] = useState<UiError | null>(null);
  const [loading, setLoading] = useState(false);
  const inFlight = useRef(false);
  const alive = useRef(true);
  const onReportRef = useRef(onReport);
  onReportRef.current = onReport;
  const visible = usePageVisible();

  const refresh = useCallback(() => {
    if (inFlight.current) return;
    inFlight.current = true;
    setLoading(true);
    getBridge()
      .getMappings(pid)
      .then(
        (r) => {
          const t = Date.now();
          cache.delete(pid);
          cache.set(pid, { report: r, atMs: t });
          while (cache.size > CACHE_PIDS) cache.delete(cache.keys().next().value as number);
          if (!alive.current) return;
          setReport(r);
          setAtMs(t);
          setError(null);
          onReportRef.current?.(r, t);
        },
        (err: unknown) => {
          if (alive.current) setError(toUiError(err));
        },
      )
      .finally(() => {
        inFlight.current = false;
        if (alive.current) setLoading(false);
      });
  }, [pid]);

  useEffect(() => {
    alive.current = true;
    const c = cache.get(pid);
    setReport(c?.report ?? null);
    setAtMs(c?.atMs ?? null);
    setError(null);
    refresh();
    return () => {
      alive.current = false;
    };
  }, [pid, refresh]);

  const gone = error?.code === 'gone';
  useEffect(() => {
    if (pollMs === null || !visible || gone) return;
    const timer = window.setInterval(refresh, pollMs);
    return () => window.clearInterval(timer);
  }, [pollMs, visible, gone, refresh]);

  return { report, atMs, error, loading, refresh };
}
