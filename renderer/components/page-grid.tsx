// Pages as a grid of coloured cells on one canvas (one pixel per page drawn into an ImageData, scaled up without
// smoothing), so a 1 GiB range of 262,144 pages costs one draw. Hover or arrow keys show a page.
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useElementWidth } from '../hooks/use-element-width.js';

/** Props of PageGrid. */
export interface PageGridProps {
  /** A state code per page (indexes `colors`). */
  states: Uint8Array;
  /** CSS hex colours (#rrggbb) by state code. */
  colors: readonly string[];
  /** Cell size in CSS pixels. */
  cellPx: number;
  /** Tooltip of page i. */
  describe: (index: number) => ReactNode;
  /** Colour of the lines between cells (drawn from 5 px cells up). */
  gapColor: string;
  /** Largest height before the grid scrolls. */
  maxHeightPx?: number;
  /** Accessible name. */
  label: string;
  testId?: string;
  data?: Record<string, string | number>;
}

/** Canvas heights past this are refused by browsers (Chromium: 32,767 px); zoom levels are capped below it. */
export const MAX_GRID_CANVAS_PX = 16000;

/** Columns of a grid of width widthPx at cellPx per page. */
export function computeGridColumns(widthPx: number, cellPx: number): number {
  return Math.max(1, Math.floor(widthPx / cellPx));
}

function parseHexColor(color: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  return m === null ? [128, 128, 128] : [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
}

/** The grid (data-testid from props). */
export function PageGrid({ states, colors, cellPx, describe, gapColor, maxHeightPx = 520, label, testId, data }: PageGridProps) {
  const boxRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const width = useElementWidth(boxRef, 800);
  const cols = computeGridColumns(width, cellPx);
  const rows = Math.max(1, Math.ceil(states.length / cols));
  const heightPx = rows * cellPx;
  const [hover, setHover] = useState<{ index: number; x: number; y: number } | null>(null);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (canvas === null) return;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(cols * cellPx * dpr);
    canvas.height = Math.round(heightPx * dpr);
    const ctx = canvas.getContext('2d');
    if (ctx === null) return;
    const rgb = colors.map(parseHexColor);
    const image = new ImageData(cols, rows);
    const px = image.data;
    for (let i = 0; i < states.length; i++) {
      const c = rgb[states[i]!] ?? [128, 128, 128];
      const o = i * 4;
      px[o] = c[0];
      px[o + 1] = c[1];
      px[o + 2] = c[2];
      px[o + 3] = 255;
    }
    // Cells past the last page stay transparent. Draw at 1 px per page, then scale without smoothing.
    const small = document.createElement('canvas');
    small.width = cols;
    small.height = rows;
    small.getContext('2d')?.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
    if (cellPx >= 5) {
      ctx.fillStyle = gapColor;
      const s = cellPx * dpr;
      for (let c = 1; c < cols; c++) ctx.fillRect(Math.round(c * s), 0, Math.max(1, Math.round(dpr)), canvas.height);
      for (let r = 1; r < rows; r++) ctx.fillRect(0, Math.round(r * s), canvas.width, Math.max(1, Math.round(dpr)));
    }
  }, [states, colors, cellPx, cols, rows, heightPx, gapColor]);

  useEffect(() => {
    if (hover !== null && hover.index >= states.length) setHover(null);
  }, [states.length, hover]);

  const show = (index: number, clientBased: { x: number; y: number } | null) => {
    if (index < 0 || index >= states.length) {
      setHover(null);
      return;
    }
    const x = clientBased?.x ?? (index % cols) * cellPx + cellPx;
    const y = clientBased?.y ?? Math.floor(index / cols) * cellPx + cellPx - (canvasRef.current?.parentElement?.scrollTop ?? 0);
    setHover({ index, x, y });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLCanvasElement>) => {
    const delta = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : e.key === 'ArrowDown' ? cols : e.key === 'ArrowUp' ? -cols : 0;
    if (delta !== 0) {
      e.preventDefault();
      e.stopPropagation();
      show(Math.max(0, Math.min(states.length - 1, (hover?.index ?? -delta) + delta)), null);
    } else if (e.key === 'Escape' && hover !== null) {
      e.preventDefault();
      setHover(null);
    }
  };

  const dataAttrs = Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [`data-${k}`, String(v)]));
  return (
    <div className="page-grid" ref={boxRef} data-testid={testId} data-cols={cols} {...dataAttrs}>
      <div className="page-grid-scroll" style={{ maxHeight: maxHeightPx }} onScroll={() => setHover(null)}>
        <canvas
          ref={canvasRef}
          style={{ width: cols * cellPx, height: heightPx, display: 'block' }}
          tabIndex={0}
          role="img"
          aria-label={`${label}: ${states.length} pages; arrow keys walk them`}
          onMouseMove={(e) => {
            const rect = e.currentTarget.getBoundingClientRect();
            const box = boxRef.current?.getBoundingClientRect();
            const col = Math.floor((e.clientX - rect.left) / cellPx);
            const row = Math.floor((e.clientY - rect.top) / cellPx);
            show(col < cols ? row * cols + col : -1, box === undefined ? null : { x: e.clientX - box.left, y: e.clientY - box.top });
          }}
          onMouseLeave={() => setHover(null)}
          onBlur={() => setHover(null)}
          onKeyDown={onKeyDown}
        />
      </div>
      {hover !== null ? (
        <div className="strip-tip" role="tooltip" data-testid={testId === undefined ? undefined : `${testId}-tip`} style={{ left: Math.min(Math.max(0, hover.x + 12), Math.max(0, width - 320)), top: hover.y + 14 }}>
          {describe(hover.index)}
        </div>
      ) : null}
    </div>
  );
}
