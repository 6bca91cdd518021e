// Colours of the canvas views (heap strips, page grids) in the light and dark themes: canvases cannot read
// CSS variables cheaply per cell, so the two palettes live here, picked with prefers-color-scheme.
import { ChunkHome } from '../../shared/sim/malloc/glibc/state.js';
import { PageState } from '../../shared/proc/page-state-map.js';
import type { TcmallocSpanKind } from '../../shared/sim/lab/tcmalloc-lab.js';
import { usePrefersDark } from '../hooks/use-prefers-dark.js';

/** Colours of one theme. */
export interface LabPalette {
  /** By ChunkHome code (none, in-use, tcache, fastbin, unsorted, smallbin, largebin, top). */
  chunkHome: readonly string[];
  /** Separator between cells. */
  gap: string;
  /** Highlight outline. */
  highlight: string;
  /** Empty canvas background. */
  empty: string;
  /** TCMalloc spans by kind; `smallFree` is the free part of a span carved into objects. */
  span: Record<TcmallocSpanKind | 'smallFree', string>;
  /** By PageState code (none, swapped, zero, exclusive, shared, file, dirty). */
  pageState: readonly string[];
  /** Threads of a trace, by tid modulo the length (pickThreadColor). */
  thread: readonly string[];
}

const LIGHT: LabPalette = {
  chunkHome: ['#d0d7de', '#1f6feb', '#d4a72c', '#fb8f44', '#cf222e', '#2da44e', '#8250df', '#afb8c1'],
  gap: '#ffffff',
  highlight: '#000000',
  empty: '#f6f8fa',
  span: { small: '#1f6feb', smallFree: '#9ecbff', large: '#0a3069', free: '#2da44e', returned: '#d0d7de' },
  pageState: ['#eaeef2', '#8250df', '#f2cc60', '#1f6feb', '#fb8f44', '#2da44e', '#cf222e'],
  thread: ['#0969da', '#cf222e', '#1a7f37', '#8250df', '#bc4c00', '#bf3989', '#0a7b83', '#6e7781'],
};

const DARK: LabPalette = {
  chunkHome: ['#30363d', '#388bfd', '#d29922', '#f0883e', '#f85149', '#3fb950', '#a371f7', '#6e7681'],
  gap: '#161b22',
  highlight: '#ffffff',
  empty: '#0d1117',
  span: { small: '#388bfd', smallFree: '#1f4f8a', large: '#79c0ff', free: '#3fb950', returned: '#484f58' },
  pageState: ['#21262d', '#a371f7', '#bb8009', '#388bfd', '#f0883e', '#3fb950', '#f85149'],
  thread: ['#58a6ff', '#ff7b72', '#3fb950', '#d2a8ff', '#ffa657', '#ff80c8', '#39c5cf', '#8b949e'],
};

/** The palette of the current theme. */
export function usePalette(): LabPalette {
  return usePrefersDark() ? DARK : LIGHT;
}

/** Names shown in the chunk legend, by ChunkHome code. */
export const CHUNK_HOME_LABELS: readonly string[] = ['(none)', 'in use', 'tcache', 'fastbin', 'unsorted', 'smallbin', 'largebin', 'top'];

/** Legend order of chunk homes. */
export const CHUNK_HOME_ORDER: readonly number[] = [ChunkHome.inUse, ChunkHome.tcache, ChunkHome.fastbin, ChunkHome.unsorted, ChunkHome.smallbin, ChunkHome.largebin, ChunkHome.top];

/** Legend order of page states. */
export const PAGE_STATE_ORDER: readonly number[] = [PageState.exclusive, PageState.shared, PageState.zero, PageState.file, PageState.dirty, PageState.swapped, PageState.none];

/** The colour of thread tid (the palette repeats past its length; tids stay written beside the colour). */
export function pickThreadColor(palette: LabPalette, tid: number): string {
  return palette.thread[tid % palette.thread.length]!;
}
