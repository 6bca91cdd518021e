// A lazily loaded chunk (a view, recharts) that could not be fetched or evaluated: the app's code on the host is gone
// or changed (memscope upgraded while the window stayed open) or the connection broke. Not a memscope bug: the
// error boundary says so and offers a reload, since the browser keeps a failed module import for the page's life.
import { lazy, type ComponentType } from 'react';

/** A dynamic import() that failed; message names what was being loaded. */
export class ChunkLoadError extends Error {
  constructor(what: string, cause: unknown) {
    super(`Could not load the code of ${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'ChunkLoadError';
  }
}

/** load(), its failure turned into a ChunkLoadError naming what. */
function loadChunk<T>(what: string, load: () => Promise<T>): Promise<T> {
  return load().catch((err: unknown) => {
    throw new ChunkLoadError(what, err);
  });
}

/** A React.lazy component from a chunk: `load` gives the component, its failure a ChunkLoadError naming what. */
export function lazyChunk<P extends object>(what: string, load: () => Promise<ComponentType<P>>) {
  return lazy(() => loadChunk(what, load).then((component) => ({ default: component })));
}
