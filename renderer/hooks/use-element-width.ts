// The pixel width of an element, followed with ResizeObserver: charts size themselves and
// down-sample to about one point per pixel.
import { useEffect, useState, type RefObject } from 'react';

/** The element's content width in CSS pixels (fallback until measured). */
export function useElementWidth(ref: RefObject<HTMLElement | null>, fallback = 600): number {
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (el === null) return;
    setWidth(Math.max(50, Math.floor(el.clientWidth)));
    const observer = new ResizeObserver((entries) => {
      const w = entries[0]?.contentRect.width;
      if (w !== undefined && w > 0) setWidth(Math.max(50, Math.floor(w)));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}
