// A process's RES, SHR and SWAP over time on one axis, VIRT in its own panel above (VIRT is often 1000× RES: two
// axes would draw unequal values at one height); top's columns, shared/history/sample.ts. A time window, tooltips
// with exact kB, min–max bands where a point stands for several ticks, the exit as a marker, PNG export. recharts is
// mounted only while the pointer or the keyboard focus is on the chart (its tooltip: LiveChart, a chunk of its own,
// memory-chart-lazy.tsx); else StaticChart draws its picture. RechartsWarmUp runs recharts' code once in idle time,
// so the first hover costs what a later one does.
import { flushSync } from 'react-dom';
import { startTransition, Suspense, useCallback, useMemo, useRef, useState, type FocusEvent, type PointerEvent, type ReactElement } from 'react';
import type { HistorySample } from '../../shared/history/sample.js';
import { ChunkBoundary } from '../chunks/chunk-boundary.js';
import { formatClock, formatDateTime, formatHumanKb, niceKbTicks, niceTimeTicks } from '../format.js';
import { useElementWidth } from '../hooks/use-element-width.js';
import { useChartTheme, type ChartTheme } from '../hooks/use-prefers-dark.js';
import { isSameItems, useSameValue } from '../hooks/use-same-value.js';
import { findChartSvg, saveSvgAsPng } from '../export/chart-png.js';
import { buildChartPoints, findFirstAtOrAfter, findSamplesMaxKb, type ChartPoint } from './memory-chart-data.js';
import { findTimeFrame, type TimeFrame } from './memory-chart-frame.js';
import { IdleWarmUp, LiveChart } from './memory-chart-lazy.js';
import { ChartLines } from './memory-chart-lines.js';
import type { LiveChartProps } from './memory-chart-live.js';
import { findStrokeWidthPx, formatKbTick, listVisible, MAIN_SERIES, SERIES, VIRT_SERIES, Y_AXIS_WIDTH_PX, type ChartPanel, type SeriesKey, type SeriesSpec } from './memory-chart-spec.js';
import { StaticChart, type BandSeries } from './memory-chart-static.js';
import type { TailLine } from './memory-chart-tail.js';

const MARGIN = { top: 8, right: 16, bottom: 4, left: 8 };
/** Height of the VIRT panel. */
const VIRT_PANEL_HEIGHT_PX = 84;
/** Height of the main panel's time axis (recharts' default XAxis height). */
const X_AXIS_HEIGHT_PX = 30;
/** The main panel's margin: its time axis (TimeAxis, over a hidden XAxis) is drawn in the bottom one. */
const MAIN_MARGIN = { ...MARGIN, bottom: MARGIN.bottom + X_AXIS_HEIGHT_PX };

// The time axis' formatters made once (recharts compares axis props by reference: formatKbTick).
const formatClockTick = (tMs: number): string => formatClock(tMs);
const formatMinuteTick = (tMs: number): string => formatClock(tMs).slice(0, 5);

/** A selectable time window; null = all samples held. */
export interface TimeWindow {
  label: string;
  ms: number | null;
}

/** The window choices. */
export const TIME_WINDOWS: readonly TimeWindow[] = [
  { label: '1 min', ms: 60_000 },
  { label: '5 min', ms: 300_000 },
  { label: '15 min', ms: 900_000 },
  { label: '1 h', ms: 3_600_000 },
  { label: '24 h', ms: 86_400_000 },
  { label: 'all', ms: null },
];

/** Props of MemoryChart. */
export interface MemoryChartProps {
  samples: readonly HistorySample[];
  /** Changes whenever samples (possibly mutated in place) change. */
  version: number;
  /** Title for the PNG ("pid 42 · node"). */
  title: string;
  /** Base of the PNG file name. */
  fileBase: string;
  heightPx?: number;
  /** "measured from /proc/PID/statm + status at each tick" or "from snapshot …". */
  sourceNote: string;
  /** When memscope started watching the process (epoch ms); the first sample's time when absent. */
  startedMs?: number | null;
  /** When the process exited (epoch ms): drawn as a marker, never as a sample. */
  exitedMs?: number | null;
}

/** The keys of a panel's visible series. */
function listVisibleKeys(series: readonly SeriesSpec[], hidden: ReadonlySet<SeriesKey>): SeriesKey[] {
  return listVisible(series, hidden).map((s) => s.key);
}

/** StaticChart's bands of a panel: its visible series'. */
function listBands(series: readonly SeriesSpec[], theme: ChartTheme, hidden: ReadonlySet<SeriesKey>): BandSeries[] {
  return listVisible(series, hidden).map((s) => ({ key: s.key, fill: s.color(theme) }));
}

/** ChartLines' lines of a panel: its visible series, drawn as recharts draws them. */
function listTailLines(series: readonly SeriesSpec[], theme: ChartTheme, hidden: ReadonlySet<SeriesKey>): TailLine[] {
  return listVisible(series, hidden).map((s) => ({ key: s.key, stroke: s.color(theme), strokeWidthPx: findStrokeWidthPx(s.key) }));
}

/** Whether a point stands for several ticks: then the chart shades min–max bands. */
function hasBands(points: readonly ChartPoint[]): boolean {
  return points.some((d) => d.sampleCount !== 1);
}

/** The time of a sample's first tick (a bucket's start). */
function firstTickMs(sample: HistorySample | undefined): number | undefined {
  return sample === undefined ? undefined : (sample.bucket?.fromMs ?? sample.tMs);
}

/** The RES/SHR/SWAP chart with its VIRT panel (data-testid="res-virt-chart"). */
export function MemoryChart({ samples, title, fileBase, heightPx = 260, sourceNote, startedMs = null, exitedMs = null }: MemoryChartProps) {
  const boxRef = useRef<HTMLDivElement>(null);
  const width = useElementWidth(boxRef, 800);
  const theme = useChartTheme();
  const [windowMs, setWindowMs] = useState<number | null>(300_000);
  const [hidden, setHidden] = useState<ReadonlySet<SeriesKey>>(() => new Set());
  const [pngError, setPngError] = useState<string | null>(null);
  // A panel's recharts (its tooltip) is mounted only while the pointer is over it or it has the keyboard focus: a
  // recharts redraw costs 15–25 ms, and mounting both panels' recharts at once the sum of the two.
  const [pointed, setPointed] = useState<ChartPanel | null>(null);
  const [focusedPanel, setFocusedPanel] = useState<ChartPanel | null>(null);
  // Where the pointer is over a panel (client px), null away: recharts, mounted after the pointer came, is handed it.
  const pointerRef = useRef<{ x: number; y: number; panel: ChartPanel } | null>(null);
  // The panel that has the keyboard focus (focusedPanel, for the mount below, which comes after the render).
  const focusedRef = useRef<ChartPanel | null>(null);
  // Why recharts could not be had (its chunk failed): the chart stays without a tooltip, and says so.
  const [liveError, setLiveError] = useState<string | null>(null);
  /**
   * A panel's recharts is in the page (in the task of the pointer's or focus' update, or later if its chunk was still
   * coming): it is handed the pointer's last place and, if its panel has the focus, the focus.
   */
  const onLiveMount = useCallback((panel: ChartPanel) => {
    const box = boxRef.current?.querySelector(`.${panel}-panel`);
    const wrapper = box?.querySelector('.recharts-wrapper');
    if (box == null || wrapper == null) return;
    const at = pointerRef.current;
    if (at !== null && at.panel === panel) wrapper.dispatchEvent(new MouseEvent('mousemove', { bubbles: true, clientX: at.x, clientY: at.y }));
    const active = document.activeElement;
    if (focusedRef.current === panel && (active === null || active === document.body || !box.contains(active))) wrapper.querySelector<SVGSVGElement>('svg.recharts-surface')?.focus();
  }, []);
  // A panel is live (its recharts mounted) while pointed or focused, unless recharts could not be had.
  const mainLive = (pointed === 'main' || focusedPanel === 'main') && liveError === null;
  const virtLive = (pointed === 'virt' || focusedPanel === 'virt') && liveError === null;
  const showsTooltip = mainLive || virtLive;

  const last = samples[samples.length - 1];
  const endNowMs = Math.max(last?.tMs ?? Date.now(), exitedMs ?? 0);
  const firstMs = startedMs ?? firstTickMs(samples[0]) ?? endNowMs;
  const plotWidth = Math.max(50, width - Y_AXIS_WIDTH_PX - MARGIN.left - MARGIN.right);
  const virtPlotPx = VIRT_PANEL_HEIGHT_PX - MARGIN.top - MARGIN.bottom;
  const mainPlotPx = heightPx - MARGIN.top - MARGIN.bottom - X_AXIS_HEIGHT_PX;
  // The chart redraws only when its picture changes: when the frame steps (the newest sample passed its right edge, the
  // window changed, the process exited), when a value passes an axis' top tick, or when the lines shown change. Unless
  // hovered or focused, StaticChart draws it (a few ms; recharts costs 15–25 ms of main thread per redraw however few
  // the points, so it is mounted only for its tooltip) and ChartLines its lines: the points of the last redraw, then the
  // samples since on the same scales, so every tick shows what a redraw would.
  const frameRef = useRef<TimeFrame | null>(null);
  const frame = findTimeFrame(frameRef.current, endNowMs, firstMs, windowMs, exitedMs);
  frameRef.current = frame;
  const { startMs, endMs } = frame;
  const fromIndex = findFirstAtOrAfter(samples, startMs);
  // Every sample in the frame counts, drawn at a redraw or by the tail (a few hundred numbers per tick).
  const mainTicks = useSameValue(niceKbTicks(findSamplesMaxKb(samples, fromIndex, listVisibleKeys(MAIN_SERIES, hidden))), isSameItems);
  const virtTicks = useSameValue(niceKbTicks(findSamplesMaxKb(samples, fromIndex, listVisibleKeys(VIRT_SERIES, hidden)), 3), isSameItems);
  // While the tooltip is up, recharts draws every sample (its tooltip shows only what recharts holds), so it redraws
  // each tick; so too until the frame holds two samples (recharts draws no line through fewer).
  const liveMs = showsTooltip || samples.length - fromIndex <= 2 ? endNowMs : null;
  // samples is mutated in place by the history hook: the frame, the ticks and liveMs say when to redraw.
  const data = useMemo(() => buildChartPoints(samples, fromIndex, plotWidth), [samples, frame, mainTicks, virtTicks, plotWidth, liveMs]);
  const lastDrawn = data[data.length - 1];
  const withBands = hasBands(data);
  let tailFrom = lastDrawn === undefined ? samples.length : findFirstAtOrAfter(samples, lastDrawn.tMs);
  while (lastDrawn !== undefined && tailFrom < samples.length && (samples[tailFrom] as HistorySample).tMs <= lastDrawn.tMs) tailFrom++;
  const tail = samples.slice(tailFrom);
  const timeTicks = useSameValue(useMemo(() => niceTimeTicks(startMs, endMs, Math.max(2, Math.floor(plotWidth / 90))), [startMs, endMs, plotWidth]), isSameItems);
  const showClockSeconds = timeTicks.length < 2 || (timeTicks[1] as number) - (timeTicks[0] as number) < 60_000;
  const windowLongerThanHeld = windowMs !== null && endNowMs - windowMs < firstMs;

  const mainBox = useMemo(() => ({ leftPx: MARGIN.left + Y_AXIS_WIDTH_PX, topPx: MARGIN.top, widthPx: plotWidth, heightPx: mainPlotPx }), [plotWidth, mainPlotPx]);
  const virtBox = useMemo(() => ({ leftPx: MARGIN.left + Y_AXIS_WIDTH_PX, topPx: MARGIN.top, widthPx: plotWidth, heightPx: virtPlotPx }), [plotWidth, virtPlotPx]);
  const tickFormatter = showClockSeconds ? formatClockTick : formatMinuteTick;
  // Each panel's recharts as LiveChart draws it (a memo: a tick that does not redraw hands it props all the same, and
  // recharts is not asked at all); recharts is mounted only while its tooltip is wanted, else StaticChart draws the
  // picture, and stands in while recharts' chunk is still coming.
  const shared = { widthPx: width, data, startMs, endMs, timeTicks, theme, hidden, withBands, exitedMs, onMount: onLiveMount };
  const mainLiveProps: LiveChartProps = {
    ...shared,
    panel: 'main',
    heightPx,
    margin: MAIN_MARGIN,
    box: mainBox,
    kbTicks: mainTicks,
    formatTimeTick: tickFormatter,
    kbAxisColor: theme.text,
    series: MAIN_SERIES,
  };
  const virtLiveProps: LiveChartProps = {
    ...shared,
    panel: 'virt',
    heightPx: VIRT_PANEL_HEIGHT_PX,
    margin: MARGIN,
    box: virtBox,
    kbTicks: virtTicks,
    formatTimeTick: null,
    kbAxisColor: theme.virt,
    series: VIRT_SERIES,
  };
  const bandPoints = withBands ? data : null;
  const exit = useMemo(() => (exitedMs === null ? null : { exitedMs, color: theme.swap, label: `exited at ${formatClock(exitedMs)}` }), [exitedMs, theme]);
  const mainBands = useMemo(() => listBands(MAIN_SERIES, theme, hidden), [theme, hidden]);
  const virtBands = useMemo(() => listBands(VIRT_SERIES, theme, hidden), [theme, hidden]);
  // What both panels' pictures without recharts share; each adds its size, scale, axes and bands.
  const staticProps = { widthPx: width, startMs, endMs, timeTicks, formatKbTick, textColor: theme.text, gridStroke: theme.grid, bandPoints, exit };
  const virtStatic = <StaticChart {...staticProps} heightPx={VIRT_PANEL_HEIGHT_PX} box={virtBox} kbTicks={virtTicks} formatTimeTick={null} kbAxisColor={theme.virt} bands={virtBands} />;
  const mainStatic = <StaticChart {...staticProps} heightPx={heightPx} box={mainBox} kbTicks={mainTicks} formatTimeTick={tickFormatter} kbAxisColor={theme.text} bands={mainBands} />;
  const onLiveError = useCallback((err: Error) => setLiveError(err.message), []);
  /** A panel's picture: its recharts while live (the static picture until its chunk is in), else the static one. */
  const drawPicture = (live: boolean, props: LiveChartProps, still: ReactElement) =>
    live ? (
      <ChunkBoundary fallback={still} onError={onLiveError}>
        <Suspense fallback={still}>
          <LiveChart {...props} />
        </Suspense>
      </ChunkBoundary>
    ) : (
      still
    );
  const virtPicture = drawPicture(virtLive, virtLiveProps, virtStatic);
  const mainPicture = drawPicture(mainLive, mainLiveProps, mainStatic);
  const mainTopKb = mainTicks[mainTicks.length - 1] ?? 0;
  const virtTopKb = virtTicks[virtTicks.length - 1] ?? 0;
  // The same objects from tick to tick, so the lines drawn at the last redraw are not drawn again.
  const mainScales = useMemo(() => ({ box: mainBox, startMs, endMs, topKb: mainTopKb }), [mainBox, startMs, endMs, mainTopKb]);
  const virtScales = useMemo(() => ({ box: virtBox, startMs, endMs, topKb: virtTopKb }), [virtBox, startMs, endMs, virtTopKb]);
  const mainLines = useMemo(() => listTailLines(MAIN_SERIES, theme, hidden), [theme, hidden]);
  const virtLines = useMemo(() => listTailLines(VIRT_SERIES, theme, hidden), [theme, hidden]);
  /** A panel's pointer and focus handlers: they mount its recharts while the pointer or the focus is on it. */
  const panelEvents = (panel: ChartPanel) => ({
    // Mounted as a transition: React renders recharts in slices and commits it in a task of its own, not in the
    // pointer's (which then was one task of 20-35 ms). The pointer's moves meanwhile find no recharts: the effect
    // above hands the mounted recharts the last of them.
    onPointerEnter: (e: PointerEvent<HTMLDivElement>) => {
      pointerRef.current = { x: e.clientX, y: e.clientY, panel };
      startTransition(() => setPointed(panel));
    },
    onPointerMove: (e: PointerEvent<HTMLDivElement>) => {
      pointerRef.current = { x: e.clientX, y: e.clientY, panel };
    },
    onPointerLeave: () => {
      pointerRef.current = null;
      setPointed((p) => (p === panel ? null : p));
    },
    onFocus: (e: FocusEvent<HTMLDivElement>) => {
      if (focusedPanel === panel) return;
      // StaticChart's surface took the focus: recharts replaces it at once and takes the focus over, so the keys move
      // its tooltip.
      const box = e.currentTarget;
      focusedRef.current = panel;
      flushSync(() => setFocusedPanel(panel));
      box.querySelector<SVGSVGElement>('.recharts-wrapper svg.recharts-surface')?.focus();
    },
    onBlur: (e: FocusEvent<HTMLDivElement>) => {
      // The replaced surface's blur is not a leave (it is gone from the page), nor a move inside the panel.
      if (e.currentTarget.contains(e.relatedTarget) || !e.target.isConnected) return;
      if (focusedRef.current === panel) focusedRef.current = null;
      setFocusedPanel((p) => (p === panel ? null : p));
    },
  });
  const charts =
    lastDrawn === undefined ? null : (
      <>
        {hidden.has('virtKb') ? null : (
          <div className="virt-panel" data-testid="virt-chart" data-top-kb={virtTopKb} {...panelEvents('virt')}>
            {virtPicture}
            <ChartLines points={virtLive ? null : data} samples={tail} widthPx={width} heightPx={VIRT_PANEL_HEIGHT_PX} scales={virtScales} from={lastDrawn} lines={virtLines} />
          </div>
        )}
        <div className="main-panel" data-testid="res-chart" data-top-kb={mainTopKb} {...panelEvents('main')}>
          {mainPicture}
          <ChartLines points={mainLive ? null : data} samples={tail} widthPx={width} heightPx={heightPx} scales={mainScales} from={lastDrawn} lines={mainLines} />
        </div>
        {liveError === null ? (
          <ChunkBoundary fallback={null} onError={onLiveError}>
            <IdleWarmUp {...mainLiveProps} onMount={undefined} />
          </ChunkBoundary>
        ) : null}
      </>
    );

  const exportPng = () => {
    const panel = boxRef.current?.querySelector<HTMLElement>('.main-panel') ?? boxRef.current;
    const svg = findChartSvg(panel);
    if (svg === null) return;
    // Our lines are drawn into the PNG too: the picture as shown.
    const overlay = panel?.querySelector<SVGSVGElement>('svg.chart-lines') ?? null;
    const legend = listVisible(MAIN_SERIES, hidden).map((s) => ({ label: s.title, color: s.color(theme) }));
    saveSvgAsPng(svg, `${fileBase}.png`, { title, legend, background: theme.background, textColor: theme.text }, overlay).then(
      () => setPngError(null),
      (err: unknown) => setPngError(err instanceof Error ? err.message : String(err)),
    );
  };

  return (
    <div
      className="memory-chart"
      data-testid="res-virt-chart"
      data-sample-count={samples.length}
      data-point-count={data.length + tail.length}
      data-first-ms={data[0]?.tMs ?? ''}
      data-last-ms={tail[tail.length - 1]?.tMs ?? lastDrawn?.tMs ?? ''}
      data-frame-start-ms={startMs}
      data-frame-end-ms={endMs}
      data-started-ms={firstMs}
    >
      <div className="chart-toolbar">
        <div className="legend">
          {SERIES.map((s) => (
            <button
              type="button"
              key={s.key}
              className={`legend-item${hidden.has(s.key) ? ' off' : ''}`}
              data-testid={`legend-${s.key}`}
              data-kb={last?.[s.key] ?? ''}
              title={`${s.description} (click to hide/show)`}
              onClick={() => {
                const next = new Set(hidden);
                if (next.has(s.key)) next.delete(s.key);
                else next.add(s.key);
                setHidden(next);
              }}
            >
              <i className="dot" style={{ background: s.color(theme) }} />
              {s.title}
              {last !== undefined ? <span className="muted"> {formatHumanKb(last[s.key])}</span> : null}
            </button>
          ))}
        </div>
        <span className="spacer" />
        <div className="segmented" role="group" aria-label="time window">
          {TIME_WINDOWS.map((w) => (
            <button type="button" key={w.label} className={windowMs === w.ms ? 'on' : ''} onClick={() => setWindowMs(w.ms)} data-testid={`window-${w.label.replace(' ', '')}`}>
              {w.label}
            </button>
          ))}
        </div>
        <button type="button" onClick={exportPng} title="Save the chart as a PNG image" data-testid="export-png">
          PNG
        </button>
      </div>
      {windowLongerThanHeld && samples.length > 0 ? (
        <div className="chart-note muted" data-testid="history-starts">
          history starts at {formatDateTime(firstMs)}: memscope started watching this process then
        </div>
      ) : null}
      <div ref={boxRef} className="chart-box">
        {data.length + tail.length < 2 ? (
          <div className="chart-empty" style={{ height: heightPx }}>
            {samples.length === 0 ? 'no samples yet: the chart fills at every tick' : 'collecting samples…'}
          </div>
        ) : (
          charts
        )}
      </div>
      <div className="source-note">
        {sourceNote} · {samples.length} points held, {data.length + tail.length} drawn
        {withBands ? ' · shaded bands: min–max of the ticks a point stands for (older than 15 min: 10 s buckets)' : ''}
        {exitedMs === null ? '' : ` · exited at ${formatClock(exitedMs)}`}
        {pngError === null ? '' : ` · PNG export failed: ${pngError}`}
        {liveError === null ? '' : <span data-testid="chart-live-failed"> · no tooltip: {liveError}</span>}
      </div>
    </div>
  );
}
