// The memory chart's series (top's columns, shared/history/sample.ts), panels and kB axis: what both its pictures
// share, the one without recharts (memory-chart.tsx) and recharts' (memory-chart-live.tsx, a chunk loaded later).
import { formatHumanKb } from '../format.js';
import type { ChartTheme } from '../hooks/use-prefers-dark.js';

export type SeriesKey = 'resKb' | 'virtKb' | 'shrKb' | 'swapKb';

/** The chart's two panels: RES/SHR/SWAP and VIRT above it. */
export type ChartPanel = 'main' | 'virt';

export interface SeriesSpec {
  key: SeriesKey;
  title: string;
  description: string;
  color: (t: ChartTheme) => string;
}

export const SERIES: readonly SeriesSpec[] = [
  { key: 'resKb', title: 'RES', description: 'VmRSS: resident in RAM', color: (t) => t.res },
  { key: 'shrKb', title: 'SHR', description: 'RssFile + RssShmem: resident and shareable', color: (t) => t.shr },
  { key: 'swapKb', title: 'SWAP', description: 'VmSwap: swapped out', color: (t) => t.swap },
  { key: 'virtKb', title: 'VIRT', description: 'VmSize: all mappings (its own panel, above)', color: (t) => t.virt },
];

/** RES, SHR and SWAP share the main panel's axis. */
export const MAIN_SERIES = SERIES.filter((s) => s.key !== 'virtKb');
export const VIRT_SERIES = SERIES.filter((s) => s.key === 'virtKb');

/** The margin around a panel's plot, inside its SVG (recharts' margin prop). */
export interface ChartMargin {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** A series' line width (px): RES stands out. */
export function findStrokeWidthPx(key: SeriesKey): number {
  return key === 'resKb' ? 2 : 1.5;
}

/** A panel's series the user has not hidden. */
export function listVisible(series: readonly SeriesSpec[], hidden: ReadonlySet<SeriesKey>): SeriesSpec[] {
  return series.filter((s) => !hidden.has(s.key));
}

/** Width of the y axis in both panels, so their x axes line up. */
export const Y_AXIS_WIDTH_PX = 64;

/**
 * The kB axis' label, one function for good: recharts compares axis props by reference and re-registers an axis (a
 * store update and a second render of the whole chart) whenever a prop such as tickFormatter is new.
 */
export const formatKbTick = (kb: number): string => formatHumanKb(kb);
