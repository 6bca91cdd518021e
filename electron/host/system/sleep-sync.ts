// Blocking the Node thread for a while, for loops that are synchronous by design (a stopped process polled for its
// stop, a bench's ticks apart): Atomics.wait on a buffer no one notifies sleeps without spinning.

/** Blocks the calling thread for ms milliseconds. */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
