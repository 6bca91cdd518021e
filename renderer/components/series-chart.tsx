// One panel of the memory chart drawn as plain SVG: a line per series, its min–max band, grid, axes, an exit
// marker and a hover tooltip. Replaces recharts for the charts that redraw every tick (issue 13: recharts took
// 25–40 ms of main-thread work per tick on the process page; these paths are strings built in one pass).
import { memo, useMemo, useState, type MouseEvent, type ReactNode } from 'react';
import type { ChartPoint, KbBand } from './memory-chart-data.js';

/** One series: the value it draws, its band, its colour and line width. */
export interface ChartSeries {
  key: 'virtKb' | 'resKb' | 'shrKb' | 'swapKb';
  band: 'virtBand' | 'resBand' | 'shrBand' | 'swapBand';
  color: string;
  strokeWidthPx: number;
}

/** Space around the plot, px. */
export interface ChartMargin {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** Props of SeriesChart. */
export interface SeriesChartProps {
  widthPx: number;
  heightPx: number;
  margin: ChartMargin;
  yAxisWidthPx: number;
  data: readonly ChartPoint[];
  series: readonly ChartSeries[];
  /** Draw the min–max bands (some point stands for several ticks). */
  showBands: boolean;
  xDomain: readonly [number, number];
  xTicks: readonly number[];
  formatX: (tMs: number) => string;
  /** false: no x axis (the VIRT panel above shares the main panel's). */
  showXAxis: boolean;
  /** The y axis runs from 0 to the last tick. */
  yTicks: readonly number[];
  formatY: (kb: number) => string;
  yColor: string;
  textColor: string;
  gridColor: string;
  /** A dashed vertical line with a label (the exit), or null. */
  marker: { xMs: number; label: string; color: string } | null;
  /** The tooltip's content for the point under the pointer. */
  renderTooltip: (point: ChartPoint) => ReactNode;
}

/** recharts' XAxis height, kept so panels keep their layout. */
const X_AXIS_HEIGHT_PX = 30;
const TICK_SIZE_PX = 6;
const FONT_SIZE_PX = 11;

/** Index of the point nearest tMs (data sorted by tMs). */
function findNearest(data: readonly ChartPoint[], tMs: number): number {
  let lo = 0;
  let hi = data.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((data[mid] as ChartPoint).tMs < tMs) lo = mid + 1;
    else hi = mid;
  }
  const before = data[lo - 1];
  return before !== undefined && tMs - before.tMs < (data[lo] as ChartPoint).tMs - tMs ? lo - 1 : lo;
}

/** The panel (svg.chart-surface; each line a path.chart-line with data-series). */
export const SeriesChart = memo(function SeriesChart(props: SeriesChartProps) {
  const { widthPx, heightPx, margin, yAxisWidthPx, data, xDomain, yTicks } = props;
  const [hover, setHover] = useState<number | null>(null);
  const left = margin.left + yAxisWidthPx;
  const right = Math.max(left + 1, widthPx - margin.right);
  const top = margin.top;
  const bottom = Math.max(top + 1, heightPx - margin.bottom - (props.showXAxis ? X_AXIS_HEIGHT_PX : 0));
  const [x0, x1] = xDomain;
  const yMax = yTicks[yTicks.length - 1] ?? 0;
  const sx = (t: number) => left + (x1 === x0 ? 0 : ((t - x0) / (x1 - x0)) * (right - left));
  const sy = (v: number) => bottom - (yMax <= 0 ? 0 : (v / yMax) * (bottom - top));
  const clipId = `clip-${useMemo(() => Math.random().toString(36).slice(2), [])}`;

  // Everything but the hover layer, rebuilt only when the data or the layout change (not on pointer moves).
  const drawing = useMemo(() => {
    const xy = (tMs: number, kb: number) => `${sx(tMs).toFixed(1)},${sy(kb).toFixed(1)}`;
    const lines = props.series.map((s) => {
      const d = data.length === 0 ? '' : `M${data.map((p) => xy(p.tMs, p[s.key])).join('L')}`;
      // The band: its top edge left to right, then its bottom edge back.
      const band =
        !props.showBands || data.length === 0
          ? ''
          : `M${data.map((p) => xy(p.tMs, (p[s.band] as KbBand)[1])).join('L')}L${[...data].reverse().map((p) => xy(p.tMs, p[s.band][0])).join('L')}Z`;
      return { s, d, band };
    });
    const { textColor, gridColor, yColor, marker } = props;
    return (
      <>
        <defs>
          <clipPath id={clipId}>
            <rect x={left} y={top} width={right - left} height={bottom - top} />
          </clipPath>
        </defs>
        <g className="chart-grid" stroke={gridColor} strokeDasharray="3 3">
          {yTicks.map((v) => (
            <line key={`y${v}`} x1={left} x2={right} y1={sy(v)} y2={sy(v)} />
          ))}
          {props.xTicks.map((t) => (
            <line key={`x${t}`} x1={sx(t)} x2={sx(t)} y1={top} y2={bottom} />
          ))}
        </g>
        <g clipPath={`url(#${clipId})`}>
          {lines.map(({ s, band }) => (band === '' ? null : <path key={`${s.key}-band`} d={band} fill={s.color} fillOpacity={0.2} stroke="none" />))}
          {lines.map(({ s, d }) => (
            <path key={s.key} className="chart-line" data-series={s.key} d={d} fill="none" stroke={s.color} strokeWidth={s.strokeWidthPx} />
          ))}
        </g>
        <g className="chart-axis" fontSize={FONT_SIZE_PX}>
          <line x1={left} x2={left} y1={top} y2={bottom} stroke={yColor} />
          {yTicks.map((v) => (
            <g key={`yt${v}`}>
              <line x1={left - TICK_SIZE_PX} x2={left} y1={sy(v)} y2={sy(v)} stroke={yColor} />
              <text className="chart-tick" x={left - TICK_SIZE_PX - 2} y={sy(v)} dy="0.355em" textAnchor="end" fill={yColor}>
                {props.formatY(v)}
              </text>
            </g>
          ))}
          {props.showXAxis ? (
            <>
              <line x1={left} x2={right} y1={bottom} y2={bottom} stroke={textColor} />
              {props.xTicks.map((t) => (
                <g key={`xt${t}`}>
                  <line x1={sx(t)} x2={sx(t)} y1={bottom} y2={bottom + TICK_SIZE_PX} stroke={textColor} />
                  <text className="chart-tick" x={sx(t)} y={bottom + TICK_SIZE_PX + 2} dy="0.71em" textAnchor="middle" fill={textColor}>
                    {props.formatX(t)}
                  </text>
                </g>
              ))}
            </>
          ) : null}
        </g>
        {marker === null ? null : (
          <g className="chart-marker">
            <line x1={sx(marker.xMs)} x2={sx(marker.xMs)} y1={top} y2={bottom} stroke={marker.color} strokeDasharray="4 2" />
            <text x={sx(marker.xMs) - 5} y={top + 5} dy="0.71em" textAnchor="end" fill={marker.color} fontSize={FONT_SIZE_PX}>
              {marker.label}
            </text>
          </g>
        )}
      </>
    );
    // sx/sy follow from the values listed.
  }, [data, props.series, props.showBands, props.xTicks, props.showXAxis, props.formatX, props.formatY, props.textColor, props.gridColor, props.yColor, props.marker, yTicks, left, right, top, bottom, x0, x1, yMax, clipId]);

  const onMove = (e: MouseEvent<SVGSVGElement>) => {
    if (data.length === 0) return;
    const box = e.currentTarget.getBoundingClientRect();
    const x = e.clientX - box.left;
    if (x < left || x > right) {
      setHover(null);
      return;
    }
    setHover(findNearest(data, x0 + ((x - left) / (right - left)) * (x1 - x0)));
  };
  const point = hover === null ? undefined : data[hover];
  const hoverX = point === undefined ? 0 : sx(point.tMs);

  return (
    <div className="series-chart" style={{ position: 'relative', width: widthPx, height: heightPx }}>
      <svg className="chart-surface" width={widthPx} height={heightPx} viewBox={`0 0 ${widthPx} ${heightPx}`} onMouseMove={onMove} onMouseLeave={() => setHover(null)}>
        {drawing}
        {point === undefined ? null : (
          <g className="chart-cursor">
            <line x1={hoverX} x2={hoverX} y1={top} y2={bottom} stroke={props.gridColor} />
            {props.series.map((s) => (
              <circle key={s.key} cx={hoverX} cy={sy(point[s.key])} r={3} fill={s.color} />
            ))}
          </g>
        )}
      </svg>
      {point === undefined ? null : (
        <div className="chart-tooltip-anchor" style={{ position: 'absolute', top: top, left: hoverX > widthPx / 2 ? undefined : hoverX + 12, right: hoverX > widthPx / 2 ? widthPx - hoverX + 12 : undefined, pointerEvents: 'none', zIndex: 2 }}>
          {props.renderTooltip(point)}
        </div>
      )}
    </div>
  );
});
