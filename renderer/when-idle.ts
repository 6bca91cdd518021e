// Work that can wait for the main thread to be idle: the chart's recharts chunk and its warm-up (issue 13, no long
// task on a page's load). A deadline, so a page busy at every frame does it all the same.

/** How long f may wait for an idle moment (ms). */
const IDLE_TIMEOUT_MS = 2000;

/** Calls f when the main thread is idle (or after IDLE_TIMEOUT_MS); returns the cancel. */
export function whenIdle(f: () => void): () => void {
  if (typeof requestIdleCallback !== 'function') {
    const id = setTimeout(f, 50);
    return () => clearTimeout(id);
  }
  const id = requestIdleCallback(f, { timeout: IDLE_TIMEOUT_MS });
  return () => cancelIdleCallback(id);
}
