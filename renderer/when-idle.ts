// Work that can wait for the main thread to be idle: the chart's recharts chunk and its warm-up, the mappings
// table's field list of a first read (issue 13, no long task on a page's load). A deadline, so a page busy at every
// frame does it all the same.

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
