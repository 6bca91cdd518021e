// Removes half-written files when SIGINT, SIGTERM or SIGHUP ends a CLI command, then lets the
// signal end the process as it would have (status 128+N in a shell). Without a listener the
// kernel kills node mid-write and the temp file stays behind.
import { rmSync } from 'node:fs';

const CLEANUP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Paths to remove if a signal arrives now. */
const pendingPaths = new Set<string>();
let installed = false;

function onSignal(signal: NodeJS.Signals): void {
  for (const path of pendingPaths) rmSync(path, { force: true });
  pendingPaths.clear();
  // A command with its own handler (serve's and top's graceful stop) decides what the signal means.
  if (process.listenerCount(signal) > 1) return;
  for (const s of CLEANUP_SIGNALS) process.off(s, onSignal);
  process.kill(process.pid, signal); // default action restored: die of the same signal
}

/**
 * Removes path if SIGINT, SIGTERM or SIGHUP arrives before the returned release function is called.
 * The listeners stay installed once added: a signal that arrives during synchronous work is only
 * dispatched after it, and removing them first would swallow it.
 */
export function removeOnSignal(path: string): () => void {
  if (!installed) {
    for (const s of CLEANUP_SIGNALS) process.on(s, onSignal);
    installed = true;
  }
  pendingPaths.add(path);
  return () => pendingPaths.delete(path);
}
