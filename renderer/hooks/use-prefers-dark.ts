// Follows the system's light/dark preference (prefers-color-scheme), for colours that CSS cannot
// reach: recharts attributes and the PNG export's background.
import { useSyncExternalStore } from 'react';

const query = window.matchMedia('(prefers-color-scheme: dark)');

function subscribe(listener: () => void): () => void {
  query.addEventListener('change', listener);
  return () => query.removeEventListener('change', listener);
}

/** True while the system prefers a dark theme. */
export function usePrefersDark(): boolean {
  return useSyncExternalStore(subscribe, () => query.matches);
}

/** Theme colours for SVG charts (CSS variables do not survive the PNG export). */
export interface ChartTheme {
  background: string;
  text: string;
  grid: string;
  res: string;
  virt: string;
  shr: string;
  swap: string;
  accent: string;
}

const LIGHT: ChartTheme = { background: '#ffffff', text: '#444b55', grid: '#e3e6ea', res: '#1f6feb', virt: '#8250df', shr: '#1a7f37', swap: '#cf222e', accent: '#1f6feb' };
const DARK: ChartTheme = { background: '#161b22', text: '#c9d1d9', grid: '#30363d', res: '#58a6ff', virt: '#bc8cff', shr: '#3fb950', swap: '#ff7b72', accent: '#58a6ff' };

/** The chart colours of the current theme. */
export function useChartTheme(): ChartTheme {
  return usePrefersDark() ? DARK : LIGHT;
}
