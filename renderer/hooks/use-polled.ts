// Reading host data from a view, written once: read when the arguments change, on refresh() and every pollMs
// while the page is visible and the process is not gone; one read at a time (a slow host is never asked twice);
// the last good value kept through errors; a read whose arguments are no longer current is aborted, its answer dropped.
import { useCallback, useEffect, useRef, useState } from 'react';
import { toUiError, type UiError } from '../ui-error.js';
import { usePageVisible } from './use-page-visible.js';

/** A value read for the current arguments, when it was read, and the last error. */
export interface PolledState<T> {
  /** The last good value (null: none yet, or every read so far failed). */
  value: T | null;
  /** Epoch ms of value (with quietSame: of the read that brought it), null before the first one. */
  atMs: number | null;
  /** The last read's error, cleared by the next good read. */
  error: UiError | null;
  /** A read is running (or about to start) for the current arguments (a polled re-read too, unless quietPolls). */
  loading: boolean;
  /** Reads now, unless a read is already running. */
  refresh: () => void;
}

/** When and with what usePolled reads. */
export interface PollOptions<T> {
  /** Re-read period while the page is visible; null reads only when the key changes and on refresh(). */
  pollMs: number | null;
  /**
   * Re-reads at the instants whose epoch ms modulo pollMs is this (else pollMs after the view came): so a view can
   * keep its re-reads off the instants of other periodic work (the memory chart's time-only redraws).
   */
  phaseMs?: number;
  /** Shown for a new key until its first read answers (e.g. a value cached by an earlier page). */
  initial?: { value: T; atMs: number } | null;
  /** Called with every good value read (not with `initial`). */
  onValue?: (value: T, atMs: number) => void;
  /**
   * Polled re-reads leave `loading` false: the view renders once per re-read (its answer), not also when it starts
   * (a frame of its own, ~4 ms on a big process page). The first read, a new key and refresh() still set it.
   */
  quietPolls?: boolean;
  /**
   * A read answering the very value held (same object), with no error or read shown, changes no state: the view does
   * not render for it (a page of 20,000 mappings: 4-7 ms). `atMs` then stays at the read that brought the value;
   * onValue hears of every read with its time, for a label of its own (the process page's "smaps read at").
   */
  quietSame?: boolean;
  /**
   * Holds a polled re-read's answer until `apply` is called, later than now (returns what drops it unapplied): so its render joins
   * another the page does anyway (the next tick's) in one commit and one frame. The answer's time stays its read's.
   * A read started meanwhile (refresh()) drops the held answer: its own answer is newer.
   */
  holdPolled?: (apply: () => void) => () => void;
  /**
   * Starts a polled re-read when it calls `start`, later than the poll timer (returns what cancels it): so the read
   * can go when the page has little else to do (right after a tick), its answer far from the render holdPolled joins.
   */
  startPolled?: (start: () => void) => () => void;
}

interface Held<T> {
  key: string | null;
  value: T | null;
  atMs: number | null;
  error: UiError | null;
  loading: boolean;
}

function startHeld<T>(key: string | null, initial: PollOptions<T>['initial']): Held<T> {
  return { key, value: initial?.value ?? null, atMs: initial?.atMs ?? null, error: null, loading: key !== null };
}

/**
 * Reads `read(signal)` for `key`, a string naming the arguments (null: nothing to read yet). `read` may be a new
 * closure every render: the latest is used. Its signal aborts when the key changes or the view unmounts, so a
 * read in several calls can stop early. Polling stops while the page is hidden and after a 'gone' error.
 */
export function usePolled<T>(key: string | null, read: (signal: AbortSignal) => Promise<T>, options: PollOptions<T>): PolledState<T> {
  const readRef = useRef(read);
  readRef.current = read;
  // The latest options, read by a read when it starts and answers (not reasons to make a new refresh).
  const optionsRef = useRef(options);
  optionsRef.current = options;
  const running = useRef<AbortController | null>(null);
  /** Drops the polled answer held (holdPolled), if any. */
  const dropHeld = useRef<(() => void) | null>(null);
  const [held, setHeld] = useState<Held<T>>(() => startHeld(key, options.initial));
  const current = held.key === key ? held : startHeld(key, options.initial);
  const visible = usePageVisible();

  // `polled`: asked by the poll timer (quiet when quietPolls), not by the view.
  const startRead = useCallback(
    (polled: boolean) => {
      if (key === null || running.current !== null) return;
      dropHeld.current?.();
      dropHeld.current = null;
      const controller = new AbortController();
      running.current = controller;
      // `keep(h)`: the change would alter nothing the view shows of h, so h stays (React then skips the render).
      const update = (change: Partial<Held<T>>, keep?: (h: Held<T>) => boolean) => {
        if (!controller.signal.aborted) setHeld((h) => (keep?.(h) === true ? h : { ...(h.key === key ? h : startHeld(key, optionsRef.current.initial)), ...change }));
      };
      if (!polled || optionsRef.current.quietPolls !== true) update({ loading: true });
      // Through a promise, so a read that throws before returning one is an error like any other. Its outcome and
      // loading false are one update: one render per answer, not two.
      Promise.resolve(controller.signal)
        .then((signal) => readRef.current(signal))
        .then(
          (value) => {
            if (controller.signal.aborted) return;
            const atMs = Date.now();
            const same = (h: Held<T>) => optionsRef.current.quietSame === true && h.key === key && h.value === value && h.error === null && !h.loading;
            const apply = () => {
              dropHeld.current = null;
              if (controller.signal.aborted) return;
              update({ value, atMs, error: null, loading: false }, same);
              optionsRef.current.onValue?.(value, atMs);
            };
            const hold = polled ? optionsRef.current.holdPolled : undefined;
            if (hold === undefined) apply();
            else dropHeld.current = hold(apply);
          },
          (err: unknown) => update({ error: toUiError(err), loading: false }),
        )
        .finally(() => {
          if (running.current === controller) running.current = null;
        });
    },
    [key],
  );
  const refresh = useCallback(() => startRead(false), [startRead]);
  const poll = useCallback(() => startRead(true), [startRead]);

  useEffect(() => {
    refresh();
    return () => {
      running.current?.abort();
      running.current = null;
      dropHeld.current?.();
      dropHeld.current = null;
    };
  }, [refresh]);

  const { pollMs, phaseMs } = options;
  const gone = current.error?.code === 'gone';
  useEffect(() => {
    if (pollMs === null || key === null || !visible || gone) return;
    const firstMs = phaseMs === undefined ? pollMs : (((phaseMs - Date.now()) % pollMs) + pollMs) % pollMs || pollMs;
    let timer: number | undefined;
    let cancelStart: (() => void) | undefined;
    const pollWhenDue = () => {
      const wait = optionsRef.current.startPolled;
      if (wait === undefined) return poll();
      cancelStart?.();
      cancelStart = wait(() => {
        cancelStart = undefined;
        poll();
      });
    };
    const start = window.setTimeout(() => {
      pollWhenDue();
      timer = window.setInterval(pollWhenDue, pollMs);
    }, firstMs);
    return () => {
      window.clearTimeout(start);
      window.clearInterval(timer);
      cancelStart?.();
    };
  }, [pollMs, phaseMs, key, visible, gone, poll]);

  return { value: current.value, atMs: current.atMs, error: current.error, loading: current.loading, refresh };
}
