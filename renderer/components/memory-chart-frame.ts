// The memory chart's time frame (its x domain), steady between steps as in htop's or Grafana's live graphs: the live
// edge moves right inside a fixed frame, and the frame steps ahead only when the newest sample passes its right edge.
// Each step is one redraw of the chart (its axes, grid and the lines up to then); between steps it draws only its newest
// samples (memory-chart-tail.tsx).

/** The x domain drawn, epoch ms, and what it was made for. */
export interface TimeFrame {
  startMs: number;
  endMs: number;
  /** The inputs it was made from: another window, first tick or an exit makes a new frame. */
  windowMs: number | null;
  firstMs: number;
  exitedMs: number | null;
}

/**
 * A frame ends on a multiple of this (epoch ms), so the redraw of a step falls on the first tick past such a multiple
 * (the process page phases its mappings re-reads between them); it is also the smallest step.
 */
export const TIME_ONLY_REDRAW_MS = 5000;
/** A full window steps ahead by this fraction of itself (a 5 min window: 30 s), so at most about 1/10 of it stands empty. */
export const FRAME_STEPS_PER_WINDOW = 10;

/** tMs rounded up to a multiple of TIME_ONLY_REDRAW_MS. */
function ceilToStep(tMs: number): number {
  return Math.ceil(tMs / TIME_ONLY_REDRAW_MS) * TIME_ONLY_REDRAW_MS;
}

/**
 * The frame to draw the newest sample (at newestMs) in: the held one while it still holds newestMs and was made for the
 * same window, first tick and exit; else a new one. A window longer than the history held is drawn from the first tick
 * as a whole window, so the line grows rightwards from the left edge; a full window ends a tenth of itself ahead of the
 * newest sample; "all" (windowMs null) ends ahead by a tenth of the history held, so its steps grow with it. After the
 * exit the frame ends at the exit or the last sample, whichever is later: nothing comes after it.
 */
export function findTimeFrame(held: TimeFrame | null, newestMs: number, firstMs: number, windowMs: number | null, exitedMs: number | null): TimeFrame {
  if (held !== null && held.windowMs === windowMs && held.firstMs === firstMs && held.exitedMs === exitedMs && newestMs <= held.endMs) return held;
  const made = { windowMs, firstMs, exitedMs };
  if (exitedMs !== null) {
    const endMs = Math.max(newestMs, exitedMs);
    return { ...made, startMs: windowMs === null ? firstMs : Math.max(firstMs, endMs - windowMs), endMs };
  }
  if (windowMs === null) return { ...made, startMs: firstMs, endMs: ceilToStep(newestMs + (newestMs - firstMs) / FRAME_STEPS_PER_WINDOW) };
  if (newestMs - firstMs < windowMs) return { ...made, startMs: firstMs, endMs: ceilToStep(firstMs + windowMs) };
  const endMs = ceilToStep(newestMs + windowMs / FRAME_STEPS_PER_WINDOW);
  return { ...made, startMs: endMs - windowMs, endMs };
}
