// A heap drawn as a strip of blocks on a canvas (glibc chunks, TCMalloc spans): by address (widths proportional
// to bytes, wrapped over rows) or one equal cell per block (small chunks visible). Hover or arrow keys show a block.
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useElementWidth } from '../../hooks/use-element-width.js';

/** One block of the strip. */
export interface StripBlock {
  offsetBytes: number;
  sizeBytes: number;
  color: string;
  /** Share (0–1) of the block painted with `color`; the rest gets restColor (e.g. a span's free objects). */
  fill?: number;
  restColor?: string;
}

/** How blocks are laid out. */
export type StripMode = 'address' | 'blocks';

/** Props of HeapStrip. */
export interface HeapStripProps {
  /** Sorted by offset. */
  blocks: readonly StripBlock[];
  /** Bytes the address layout spans (the heap's size). */
  totalBytes: number;
  mode: StripMode;
  /** Block outlined (e.g. picked in the bins list), or null. */
  highlight: number | null;
  /** The tooltip of block i. */
  describe: (index: number) => ReactNode;
  /** Called when a block is clicked or Enter is pressed on it. */
  onPick?: (index: number) => void;
  gapColor: string;
  highlightColor: string;
  emptyColor: string;
  /** Accessible name, e.g. "glibc heap chunks". */
  label: string;
  testId?: string;
  /** Extra data-* attributes for tests (e.g. chunk count, brk). */
  data?: Record<string, string | number>;
}

const ROW_PX = 18;
const ROW_GAP_PX = 3;
const CELL_PX = 10;
const CELL_GAP_PX = 1;
/** Rows of the address layout: enough to tell 16-byte chunks apart in small heaps, never a tall strip. */
const ADDRESS_ROWS = 6;
const MAX_BLOCKS_HEIGHT_PX = 260;

interface Layout {
  heightPx: number;
  /** Block index at a point, or -1. */
  hit(x: number, y: number): number;
}

function findBlock(blocks: readonly StripBlock[], offset: number): number {
  let lo = 0;
  let hi = blocks.length - 1;
  if (hi < 0 || offset < blocks[0]!.offsetBytes) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (blocks[mid]!.offsetBytes <= offset) lo = mid;
    else hi = mid - 1;
  }
  const b = blocks[lo]!;
  return offset < b.offsetBytes + b.sizeBytes ? lo : -1;
}

function computeLayout(blocks: readonly StripBlock[], totalBytes: number, mode: StripMode, widthPx: number): Layout {
  if (mode === 'address') {
    const rowBytes = Math.max(1, Math.ceil(totalBytes / ADDRESS_ROWS));
    return {
      heightPx: ADDRESS_ROWS * (ROW_PX + ROW_GAP_PX),
      hit: (x, y) => {
        const row = Math.floor(y / (ROW_PX + ROW_GAP_PX));
        if (row < 0 || row >= ADDRESS_ROWS || y - row * (ROW_PX + ROW_GAP_PX) > ROW_PX) return -1;
        return findBlock(blocks, row * rowBytes + (Math.max(0, Math.min(x, widthPx - 0.01)) / widthPx) * rowBytes);
      },
    };
  }
  const cols = Math.max(1, Math.floor(widthPx / (CELL_PX + CELL_GAP_PX)));
  const rows = Math.max(1, Math.ceil(blocks.length / cols));
  return {
    heightPx: rows * (CELL_PX + 4 + CELL_GAP_PX),
    hit: (x, y) => {
      const col = Math.floor(x / (CELL_PX + CELL_GAP_PX));
      const row = Math.floor(y / (CELL_PX + 4 + CELL_GAP_PX));
      const i = row * cols + col;
      return col < cols && i >= 0 && i < blocks.length ? i : -1;
    },
  };
}

function drawStrip(ctx: CanvasRenderingContext2D, props: HeapStripProps, widthPx: number, heightPx: number): void {
  const { blocks, totalBytes, mode, highlight } = props;
  ctx.fillStyle = props.emptyColor;
  ctx.fillRect(0, 0, widthPx, heightPx);
  const paint = (b: StripBlock, x: number, y: number, w: number, h: number): void => {
    const f = b.fill ?? 1;
    ctx.fillStyle = b.color;
    ctx.fillRect(x, y, Math.max(w * f, f > 0 ? 0.5 : 0), h);
    if (f < 1) {
      ctx.fillStyle = b.restColor ?? props.emptyColor;
      ctx.fillRect(x + w * f, y, w * (1 - f), h);
    }
  };
  if (mode === 'address') {
    const rowBytes = Math.max(1, Math.ceil(totalBytes / ADDRESS_ROWS));
    const scale = widthPx / rowBytes;
    const outline: [number, number, number, number][] = [];
    blocks.forEach((b, i) => {
      const end = b.offsetBytes + b.sizeBytes;
      for (let row = Math.floor(b.offsetBytes / rowBytes); row < ADDRESS_ROWS && row * rowBytes < end; row++) {
        const rowStart = row * rowBytes;
        const x0 = (Math.max(b.offsetBytes, rowStart) - rowStart) * scale;
        const x1 = (Math.min(end, rowStart + rowBytes) - rowStart) * scale;
        const y = row * (ROW_PX + ROW_GAP_PX);
        paint(b, x0, y, Math.max(x1 - x0, 1), ROW_PX);
        // A separator where a block starts, when blocks are wide enough to tell apart.
        if (x1 - x0 >= 4 && b.offsetBytes >= rowStart) {
          ctx.fillStyle = props.gapColor;
          ctx.fillRect(x0, y, 1, ROW_PX);
        }
        if (i === highlight) outline.push([x0, y, Math.max(x1 - x0, 2), ROW_PX]);
      }
    });
    ctx.strokeStyle = props.highlightColor;
    ctx.lineWidth = 2;
    for (const [x, y, w, h] of outline) ctx.strokeRect(x + 1, y + 1, Math.max(w - 2, 1), h - 2);
    return;
  }
  const cols = Math.max(1, Math.floor(widthPx / (CELL_PX + CELL_GAP_PX)));
  blocks.forEach((b, i) => {
    const x = (i % cols) * (CELL_PX + CELL_GAP_PX);
    const y = Math.floor(i / cols) * (CELL_PX + 4 + CELL_GAP_PX);
    paint(b, x, y, CELL_PX, CELL_PX + 4);
    if (i === highlight) {
      ctx.strokeStyle = props.highlightColor;
      ctx.lineWidth = 2;
      ctx.strokeRect(x + 1, y + 1, CELL_PX - 2, CELL_PX + 2);
    }
  });
}

/** The strip (data-testid from props); focus it and use ←/→ to walk blocks. */
export function HeapStrip(props: HeapStripProps) {
  const { blocks, totalBytes, mode, describe, onPick, label, testId, data } = props;
  const boxRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const width = useElementWidth(boxRef, 600);
  const [hover, setHover] = useState<{ index: number; x: number; y: number } | null>(null);
  const layout = computeLayout(blocks, totalBytes, mode, width);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (canvas === null) return;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(layout.heightPx * dpr);
    const ctx = canvas.getContext('2d');
    if (ctx === null) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawStrip(ctx, props, width, layout.heightPx);
  });

  useEffect(() => {
    if (hover !== null && hover.index >= blocks.length) setHover(null);
  }, [blocks.length, hover]);

  /** The block under the pointer, and the pointer in the box's coordinates (the canvas may scroll inside it). */
  const pointAt = (e: { clientX: number; clientY: number }) => {
    const rect = canvasRef.current?.getBoundingClientRect();
    const box = boxRef.current?.getBoundingClientRect();
    if (rect === undefined || box === undefined) return null;
    return { index: layout.hit(e.clientX - rect.left, e.clientY - rect.top), x: e.clientX - box.left, y: e.clientY - box.top };
  };

  const onKeyDown = (e: KeyboardEvent<HTMLCanvasElement>) => {
    if (blocks.length === 0) return;
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (step !== 0) {
      e.preventDefault();
      e.stopPropagation();
      const next = Math.max(0, Math.min(blocks.length - 1, (hover?.index ?? (step > 0 ? -1 : blocks.length)) + step));
      const b = blocks[next]!;
      // Place the tooltip under the block (its first row in the address layout).
      const cols = Math.max(1, Math.floor(width / (CELL_PX + CELL_GAP_PX)));
      const rowBytes = Math.max(1, Math.ceil(totalBytes / ADDRESS_ROWS));
      const x = mode === 'address' ? ((b.offsetBytes % rowBytes) / rowBytes) * width : (next % cols) * (CELL_PX + CELL_GAP_PX);
      const y = mode === 'address' ? Math.floor(b.offsetBytes / rowBytes) * (ROW_PX + ROW_GAP_PX) + ROW_PX : Math.floor(next / cols) * (CELL_PX + 4 + CELL_GAP_PX) + CELL_PX;
      setHover({ index: next, x, y });
    } else if (e.key === 'Enter' && hover !== null && hover.index >= 0) {
      onPick?.(hover.index);
    } else if (e.key === 'Escape' && hover !== null) {
      e.preventDefault();
      setHover(null);
    }
  };

  const dataAttrs = Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [`data-${k}`, String(v)]));
  const tipLeft = hover === null ? 0 : Math.min(Math.max(0, hover.x + 12), Math.max(0, width - 300));
  return (
    <div className="heap-strip" ref={boxRef} data-testid={testId} {...dataAttrs}>
      <div className="heap-strip-scroll" style={{ maxHeight: mode === 'blocks' ? MAX_BLOCKS_HEIGHT_PX : undefined }}>
        <canvas
          ref={canvasRef}
          style={{ width, height: layout.heightPx, display: 'block' }}
          tabIndex={0}
          role="img"
          aria-label={`${label}: ${blocks.length} blocks; arrow keys walk them`}
          onMouseMove={(e) => {
            const p = pointAt(e);
            setHover(p === null || p.index < 0 ? null : p);
          }}
          onMouseLeave={() => setHover(null)}
          onClick={(e) => {
            const p = pointAt(e);
            if (p !== null && p.index >= 0) onPick?.(p.index);
          }}
          onKeyDown={onKeyDown}
          onBlur={() => setHover(null)}
        />
      </div>
      {hover !== null && hover.index >= 0 && hover.index < blocks.length ? (
        <div className="strip-tip" role="tooltip" data-testid={testId === undefined ? undefined : `${testId}-tip`} style={{ left: tipLeft, top: hover.y + 14 }}>
          {describe(hover.index)}
        </div>
      ) : null}
    </div>
  );
}
