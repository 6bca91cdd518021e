// A heat strip of one cache level's sets (CacheLevelReport.setLineMisses) on a canvas: one column per set, or
// per run of neighbouring sets when there are more sets than pixels (the run's hottest set decides its colour).
// Colours follow a square-root scale shared by the strips being compared, so the hotter pattern looks hotter.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { formatCount } from '../../format.js';
import { useElementWidth } from '../../hooks/use-element-width.js';
import { usePrefersDark } from '../../hooks/use-prefers-dark.js';

/** Props of SetHeatStrip. */
export interface SetHeatStripProps {
  /** Line misses per set. */
  counts: readonly number[];
  /** The count drawn hottest (the largest of every strip compared with this one). */
  scaleMax: number;
  /** What the strip is ("A · L1d"). */
  label: string;
  heightPx?: number;
  testId?: string;
}

type Rgb = [number, number, number];

const LIGHT: { empty: Rgb; low: Rgb; mid: Rgb; high: Rgb } = { empty: [234, 238, 242], low: [255, 223, 93], mid: [251, 143, 68], high: [207, 34, 46] };
const DARK: { empty: Rgb; low: Rgb; mid: Rgb; high: Rgb } = { empty: [33, 38, 45], low: [158, 106, 3], mid: [219, 109, 40], high: [255, 123, 114] };

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** Colour of a count on a square-root scale up to max (small counts stay visible): empty for 0, low → mid → high. */
function heatColor(count: number, max: number, palette: typeof LIGHT): string {
  if (count <= 0 || max <= 0) return `rgb(${palette.empty.join(',')})`;
  const t = Math.min(1, Math.sqrt(count / max));
  const c = t < 0.5 ? mix(palette.low, palette.mid, t * 2) : mix(palette.mid, palette.high, (t - 0.5) * 2);
  return `rgb(${c.map(Math.round).join(',')})`;
}

/** The sets a column covers and their hottest count. */
interface Column {
  firstSet: number;
  lastSet: number;
  max: number;
  sum: number;
}

function buildColumns(counts: readonly number[], columnCount: number): Column[] {
  const sets = counts.length;
  const n = Math.max(1, Math.min(sets, columnCount));
  const out: Column[] = [];
  for (let c = 0; c < n; c++) {
    const first = Math.floor((c * sets) / n);
    const last = Math.max(first, Math.floor(((c + 1) * sets) / n) - 1);
    let max = 0;
    let sum = 0;
    for (let s = first; s <= last; s++) {
      const v = counts[s] ?? 0;
      sum += v;
      if (v > max) max = v;
    }
    out.push({ firstSet: first, lastSet: last, max, sum });
  }
  return out;
}

function describeColumn(col: Column): string {
  const where = col.firstSet === col.lastSet ? `set ${col.firstSet}` : `sets ${col.firstSet}–${col.lastSet}`;
  return `${where}: ${formatCount(col.sum)} line misses${col.firstSet === col.lastSet ? '' : ` (hottest ${formatCount(col.max)})`}`;
}

/** One level's per-set misses as a coloured strip; hover or arrow keys read out a column. */
export function SetHeatStrip({ counts, scaleMax, label, heightPx = 26, testId }: SetHeatStripProps) {
  const boxRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const width = useElementWidth(boxRef, 400);
  const dark = usePrefersDark();
  const [inspected, setInspected] = useState<number | null>(null);
  const columns = useMemo(() => buildColumns(counts, width), [counts, width]);
  const stats = useMemo(() => {
    let missed = 0;
    let total = 0;
    let hottest = 0;
    for (let s = 0; s < counts.length; s++) {
      const v = counts[s] ?? 0;
      if (v > 0) missed++;
      total += v;
      if (v > (counts[hottest] ?? 0)) hottest = s;
    }
    return { missed, total, hottest, hottestCount: counts[hottest] ?? 0 };
  }, [counts]);

  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (canvas === null || canvas === undefined || ctx === null || ctx === undefined) return;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(heightPx * ratio);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    const palette = dark ? DARK : LIGHT;
    const step = width / columns.length;
    columns.forEach((col, i) => {
      ctx.fillStyle = heatColor(col.max, scaleMax, palette);
      // Whole pixels, overlapping by one, so neighbouring columns leave no hairline gaps.
      ctx.fillRect(Math.floor(i * step), 0, Math.ceil(step) + 1, heightPx);
    });
    if (inspected !== null && inspected < columns.length) {
      ctx.strokeStyle = dark ? '#e6edf3' : '#1f2328';
      ctx.lineWidth = 2;
      ctx.strokeRect(Math.floor(inspected * step) + 1, 1, Math.max(2, Math.ceil(step) - 1), heightPx - 2);
    }
  }, [columns, width, heightPx, scaleMax, dark, inspected]);

  const columnAt = (e: MouseEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return Math.min(columns.length - 1, Math.max(0, Math.floor(((e.clientX - rect.left) / rect.width) * columns.length)));
  };
  const onKey = (e: KeyboardEvent<HTMLCanvasElement>) => {
    const big = Math.max(1, Math.round(columns.length / 16));
    const moves: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, PageDown: big, PageUp: -big };
    if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      setInspected(e.key === 'Home' ? 0 : columns.length - 1);
      return;
    }
    const move = moves[e.key];
    if (move === undefined) return;
    e.preventDefault();
    setInspected((i) => Math.min(columns.length - 1, Math.max(0, (i ?? -move) + move)));
  };
  const inspectedColumn = inspected === null ? undefined : columns[inspected];
  const summary =
    stats.total === 0
      ? `${label}: no line missed in any of ${formatCount(counts.length)} sets`
      : `${label}: ${formatCount(stats.total)} line misses in ${formatCount(stats.missed)} of ${formatCount(counts.length)} sets; hottest set ${stats.hottest} (${formatCount(stats.hottestCount)})`;

  return (
    <div className="heat-strip" data-testid={testId} data-sets={counts.length} data-sets-missed={stats.missed} data-line-misses={stats.total}>
      <div ref={boxRef} className="heat-strip-box">
        <canvas
          ref={canvasRef}
          style={{ width: `${width}px`, height: `${heightPx}px` }}
          tabIndex={0}
          role="img"
          aria-label={`${summary}. Arrow keys inspect sets.`}
          onMouseMove={(e) => setInspected(columnAt(e))}
          onMouseLeave={() => setInspected(null)}
          onKeyDown={onKey}
          onBlur={() => setInspected(null)}
        />
      </div>
      <div className="heat-strip-caption">{inspectedColumn === undefined ? summary : `${label}: ${describeColumn(inspectedColumn)}`}</div>
    </div>
  );
}
