// The pixel width of an element, followed with ResizeObserver: charts size themselves and
// down-sample to about one point per pixel.
import { useEffect, useState, type RefObject } from 'react';

/**
 * The element's content width in CSS pixels (fallback until measured). The first width is the observer's first
 * report, which comes after the frame's own layout: reading clientWidth in the effect forced a layout of the whole
 * fresh page inside the task that mounted it (3-13 ms of a process page's load, issue 13).
 */
export function useElementWidth(ref: RefObject<HTMLElement | null>, fallback = 600): number {
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (el === null) return;
    const observer = new ResizeObserver((entries) => {
      const w = entries[0]?.contentRect.width;
      if (w !== undefined && w > 0) setWidth(Math.max(50, Math.floor(w)));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}
