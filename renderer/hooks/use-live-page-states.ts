// A whole mapping's live page states for "what if": read with getPages one 1 GiB window at a time (a 16 GiB
// mapping is 16 calls) and classified into PageState codes.
import { useState } from 'react';
import { classifyPages, MAX_PAGES_PER_CALL } from '../../shared/proc/page-state-map.js';
import { getBridge } from '../api/client.js';
import { formatPageAddress } from '../lab/page-labels.js';
import type { UiError } from '../ui-error.js';
import { usePolled } from './use-polled.js';

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

interface PageStatesRead {
  states: Uint8Array;
  pfnsVisible: boolean;
  sharedPages: number | null;
}

/** Reads pageCount pages of pid from startHex (null: not yet known); `generation` changes re-read. */
export function useLivePageStates(pid: number, startHex: string | null, pageCount: number, generation: number): LivePageStates {
  const key = startHex === null || pageCount < 1 ? null : `${pid} ${startHex} ${pageCount} ${generation}`;
  const [progress, setProgress] = useState({ key: null as string | null, pagesRead: 0 });
  const readAll = async (signal: AbortSignal): Promise<PageStatesRead> => {
    const states = new Uint8Array(pageCount);
    let pfnsVisible = true;
    let sharedPages = 0;
    for (let first = 0; first < pageCount; first += MAX_PAGES_PER_CALL) {
      const count = Math.min(MAX_PAGES_PER_CALL, pageCount - first);
      const map = await getBridge().getPages(pid, formatPageAddress(startHex ?? '', first), count);
      signal.throwIfAborted();
      states.set(classifyPages(map).states, first);
      pfnsVisible &&= map.pfnsVisible;
      for (const n of map.mapCounts ?? []) if (n >= 2) sharedPages++;
      setProgress({ key, pagesRead: first + count });
    }
    return { states, pfnsVisible, sharedPages: pfnsVisible ? sharedPages : null };
  };
  const { value, atMs, error } = usePolled(key, readAll, { pollMs: null });
  return {
    states: value?.states ?? null,
    pfnsVisible: value?.pfnsVisible ?? false,
    sharedPages: value?.sharedPages ?? null,
    pagesRead: value !== null ? pageCount : progress.key === key ? progress.pagesRead : 0,
    error,
    atMs,
  };
}
