// Work that can wait for the main thread to be idle: the chart's recharts chunk and its warm-up, a first read's kind
// sums and shared address strings, the mappings table's field list (issue 13, no long task on a page's load). A
// deadline, so a page busy at every frame does it all the same.

/** How long f may wait for an idle moment (ms). */
const IDLE_TIMEOUT_MS = 2000;

/** What a slice of work may take without requestIdleCallback (ms): below a frame, as an idle period's longest. */
const FALLBACK_SLICE_MS = 10;

/**
 * Calls f when the main thread is idle (or after IDLE_TIMEOUT_MS) with the idle period's deadline; returns the cancel.
 * A deadline reached by the timeout has no time left (timeRemaining() is 0): work in slices must still do one step
 * per call, or a page busy at every frame would never see it done.
 */
export function whenIdle(f: (deadline: IdleDeadline) => void): () => void {
  if (typeof requestIdleCallback !== 'function') {
    const id = setTimeout(() => {
      const endMs = performance.now() + FALLBACK_SLICE_MS;
      f({ didTimeout: false, timeRemaining: () => Math.max(0, endMs - performance.now()) });
    }, 50);
    return () => clearTimeout(id);
  }
  const id = requestIdleCallback(f, { timeout: IDLE_TIMEOUT_MS });
  return () => cancelIdleCallback(id);
}

/**
 * Calls work(item) for each of items in idle time, in order: as many a slice as the idle period allows and at least
 * one (a slice the timeout called has no time left), then done; returns the cancel.
 */
export function workWhenIdle<T>(items: readonly T[], work: (item: T) => void, done: () => void): () => void {
  let next = 0;
  let cancel = () => {};
  const step = (deadline: IdleDeadline) => {
    if (next < items.length) work(items[next++] as T);
    while (next < items.length && deadline.timeRemaining() > 0) work(items[next++] as T);
    if (next < items.length) cancel = whenIdle(step);
    else done();
  };
  cancel = whenIdle(step);
  return () => cancel();
}
