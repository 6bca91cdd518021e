// Plays the Allocator lab: while `playing`, advances the cursor by opsPerSecond × elapsed time on every
// animation frame and stops at the trace's end.
import { useEffect } from 'react';
import { readLabState, updateLabState } from '../state/allocator-lab-store.js';

/** Drives playback for a trace of opCount ops (null while no trace is loaded). */
export function useLabPlayback(playing: boolean, opCount: number | null): void {
  useEffect(() => {
    if (!playing || opCount === null) return;
    let frame = 0;
    let last = performance.now();
    let carry = 0;
    const tick = (now: number) => {
      const { cursor, opsPerSecond } = readLabState();
      carry += ((now - last) / 1000) * opsPerSecond;
      last = now;
      const step = Math.floor(carry);
      carry -= step;
      const next = Math.min(opCount, cursor + step);
      if (next >= opCount) {
        updateLabState({ cursor: opCount, playing: false });
        return;
      }
      if (step > 0) updateLabState({ cursor: next });
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [playing, opCount]);
}
