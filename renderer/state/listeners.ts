// The subscribers of one store, as React's useSyncExternalStore expects them: each store keeps its own state
// and calls notify() after changing it.

/** A store's subscribers. */
export interface Listeners<Args extends unknown[] = []> {
  /** Adds listener and returns its removal; a stable function, so useSyncExternalStore never resubscribes. */
  readonly subscribe: (listener: (...args: Args) => void) => () => void;
  /** Calls every subscriber, in the order they subscribed. */
  notify(...args: Args): void;
  /** How many are subscribed (a store that polls stops when none is left). */
  readonly size: number;
}

/** An empty set of subscribers. */
export function createListeners<Args extends unknown[] = []>(): Listeners<Args> {
  const set = new Set<(...args: Args) => void>();
  return {
    subscribe: (listener) => {
      set.add(listener);
      return () => set.delete(listener);
    },
    notify: (...args) => {
      for (const l of set) l(...args);
    },
    get size() {
      return set.size;
    },
  };
}
