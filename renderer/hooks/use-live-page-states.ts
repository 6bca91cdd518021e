// A whole mapping's live page states for "what if": read with getPages one 1 GiB window at a time (a 16 GiB
// mapping is 16 calls) and classified into PageState codes.
import { useEffect, useState } from 'react';
import { classifyPages, MAX_PAGES_PER_CALL } from '../../shared/proc/page-map.js';
import { getBridge } from '../api/client.js';
import { formatPageAddress } from '../lab/page-labels.js';
import { toUiError, type UiError } from '../ui-error.js';

/** The states read so far, or the error that stopped the read. */
export interface LivePageStates {
  /** PageState per page, once every window was read. */
  states: Uint8Array | null;
  pfnsVisible: boolean;
  /** Present pages mapped by more than one process now (kpagecount ≥ 2); null without root. */
  sharedPages: number | null;
  /** Pages read so far (progress). */
  pagesRead: number;
  error: UiError | null;
  /** When the read finished (epoch ms). */
  atMs: number | null;
}

/** Reads pageCount pages of pid from startHex (null: not yet known); `generation` changes re-read. */
export function useLivePageStates(pid: number, startHex: string | null, pageCount: number, generation: number): LivePageStates {
  const [result, setResult] = useState<LivePageStates>({ states: null, pfnsVisible: false, sharedPages: null, pagesRead: 0, error: null, atMs: null });
  useEffect(() => {
    if (startHex === null || pageCount < 1) return;
    let cancelled = false;
    setResult({ states: null, pfnsVisible: false, sharedPages: null, pagesRead: 0, error: null, atMs: null });
    void (async () => {
      const states = new Uint8Array(pageCount);
      let pfnsVisible = true;
      let sharedPages = 0;
      try {
        for (let first = 0; first < pageCount; first += MAX_PAGES_PER_CALL) {
          const count = Math.min(MAX_PAGES_PER_CALL, pageCount - first);
          const map = await getBridge().getPages(pid, formatPageAddress(startHex, first), count);
          if (cancelled) return;
          states.set(classifyPages(map).states, first);
          pfnsVisible &&= map.pfnsVisible;
          for (const n of map.mapCounts ?? []) if (n >= 2) sharedPages++;
          setResult((r) => ({ ...r, pagesRead: first + count }));
        }
        setResult({ states, pfnsVisible, sharedPages: pfnsVisible ? sharedPages : null, pagesRead: pageCount, error: null, atMs: Date.now() });
      } catch (err) {
        if (!cancelled) setResult((r) => ({ ...r, error: toUiError(err) }));
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [pid, startHex, pageCount, generation]);
  return result;
}
