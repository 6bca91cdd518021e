// The cache lab's state: the form's settings (kept while the app is open), the host's cache geometry
// (getCacheGeometry) and the last run's reports. runLab simulates on the UI thread one step at a time
// (a pattern through the caches, then through each TLB), yielding between steps so progress paints.
import { useSyncExternalStore } from 'react';
import type { HostCacheGeometryInfo } from '../../shared/api.js';
import { FALLBACK_GEOMETRY } from '../../shared/sim/cache/geometry.js';
import { simulateCache, type CacheReport } from '../../shared/sim/cache/simulate.js';
import { DEFAULT_TLB_2M, DEFAULT_TLB_4K } from '../../shared/sim/tlb/params.js';
import { simulateTlb, type TlbReport } from '../../shared/sim/tlb/simulate.js';
import { getBridge } from '../api/client.js';
import { toUiError, type UiError } from '../ui-error.js';
import { buildLabInputs, defaultChoice, describeCliCommand, toGeometryRows, type LabSettings, type LabSide, type PatternChoice } from './cache-lab-inputs.js';
import { createListeners } from './listeners.js';

/** Pairs of patterns that differ in one kind of locality, offered as one-click comparisons. */
export const LAB_PRESETS: readonly { id: string; title: string; a: string; b: string }[] = [
  { id: 'matrix', title: 'row- vs column-major', a: 'row-major', b: 'col-major' },
  { id: 'walk', title: 'array vs linked list', a: 'array-walk', b: 'list-walk' },
  { id: 'fields', title: 'AoS vs SoA', a: 'aos', b: 'soa' },
  { id: 'matmul', title: 'naive vs blocked matmul', a: 'matmul-naive', b: 'matmul-blocked' },
];

/** One side of a finished run. */
export interface SideResult {
  side: LabSide;
  /** The pattern's label ("row-major rows=1024 cols=1024"). */
  label: string;
  cache: CacheReport;
  /** One report per TLB (4 KiB, then 2 MiB pages). */
  tlb: TlbReport[];
  /** Wall time of the cache simulation. */
  cacheMs: number;
}

/** A finished run. */
export interface LabRun {
  /** 1, 2, … per page load. */
  seq: number;
  /** buildLabInputs(settings).key of the settings it ran. */
  key: string;
  geometrySpec: string;
  /** The same run on the command line. */
  command: string;
  sides: SideResult[];
}

/** Where a run is. */
export interface LabProgress {
  done: number;
  total: number;
  what: string;
}

/** The lab's state. */
export interface LabState {
  settings: LabSettings;
  /** The host's geometry, once read. */
  host: HostCacheGeometryInfo | null;
  hostError: UiError | null;
  /** The geometry rows were edited (a late host answer must not overwrite them). */
  geometryEdited: boolean;
  progress: LabProgress | null;
  run: LabRun | null;
  runError: string | null;
}

const initialSettings: LabSettings = {
  geometry: toGeometryRows(FALLBACK_GEOMETRY),
  a: defaultChoice('row-major'),
  b: defaultChoice('col-major'),
  compare: true,
  tlb4k: { entries: String(DEFAULT_TLB_4K.entries), ways: String(DEFAULT_TLB_4K.ways) },
  tlb2m: { entries: String(DEFAULT_TLB_2M.entries), ways: String(DEFAULT_TLB_2M.ways) },
};

let state: LabState = { settings: initialSettings, host: null, hostError: null, geometryEdited: false, progress: null, run: null, runError: null };
const listeners = createListeners();
let hostRequested = false;
/** Bumped by every run and cancel: a run whose token is stale stops at its next step. */
let runToken = 0;
let runSeq = 0;

function emit(next: LabState): void {
  state = next;
  listeners.notify();
}

/** The lab's state; re-renders on every change. */
export function useCacheLab(): LabState {
  return useSyncExternalStore(listeners.subscribe, () => state);
}

/** Changes the settings (the form calls this on every edit). */
export function updateLabSettings(update: (s: LabSettings) => LabSettings, options: { geometryEdited?: boolean } = {}): void {
  emit({ ...state, settings: update(state.settings), geometryEdited: state.geometryEdited || options.geometryEdited === true });
}

/** Replaces one side's pattern. */
export function setLabChoice(side: LabSide, choice: PatternChoice): void {
  updateLabSettings((s) => (side === 'A' ? { ...s, a: choice } : { ...s, b: choice }));
}

/** Loads a preset pair with default parameters and runs it. */
export function applyLabPreset(id: string): void {
  const preset = LAB_PRESETS.find((p) => p.id === id);
  if (preset === undefined) return;
  updateLabSettings((s) => ({ ...s, a: defaultChoice(preset.a), b: defaultChoice(preset.b), compare: true }));
  void runLab();
}

/** Puts the host's geometry (or the fallback) back into the editor. */
export function resetLabGeometry(): void {
  const levels = state.host?.levels ?? FALLBACK_GEOMETRY;
  emit({ ...state, settings: { ...state.settings, geometry: toGeometryRows(levels) }, geometryEdited: false });
}

/** Reads the host's geometry once (first open of the lab), then runs the default comparison. */
export function loadHostGeometry(): void {
  if (hostRequested) return;
  hostRequested = true;
  getBridge()
    .getCacheGeometry()
    .then((host) => {
      const settings = state.geometryEdited ? state.settings : { ...state.settings, geometry: toGeometryRows(host.levels) };
      emit({ ...state, host, hostError: null, settings });
    })
    .catch((err: unknown) => emit({ ...state, hostError: toUiError(err) }))
    .finally(() => {
      if (state.run === null && state.progress === null) void runLab();
    });
}

/** Resolves after the browser had a chance to paint (rAF does not fire in hidden windows: a timer backs it up). */
function yieldToPaint(): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 50);
    requestAnimationFrame(() => {
      clearTimeout(timer);
      setTimeout(resolve, 0);
    });
  });
}

/** Stops the running simulation at its next step. */
export function cancelLab(): void {
  runToken++;
  emit({ ...state, progress: null });
}

/** Runs the current settings: each pattern through the caches (with per-set misses) and through each TLB. */
export async function runLab(): Promise<void> {
  const token = ++runToken;
  const inputs = buildLabInputs(state.settings);
  const problems = Object.values(inputs.errors);
  if (inputs.geometry === null || problems.length > 0) {
    emit({ ...state, progress: null, runError: `fix the settings first: ${problems[0] ?? 'no geometry'}` });
    return;
  }
  const geometry = inputs.geometry;
  const total = inputs.patterns.length * (1 + inputs.tlbs.length);
  let done = 0;
  const sides: SideResult[] = [];
  try {
    for (const { side, pattern } of inputs.patterns) {
      emit({ ...state, runError: null, progress: { done, total, what: `${side}: ${pattern.accessCount.toLocaleString('en-US')} accesses through the caches` } });
      await yieldToPaint();
      if (token !== runToken) return;
      const t0 = performance.now();
      const cache = simulateCache(geometry, pattern, { setHeat: true });
      const cacheMs = performance.now() - t0;
      done++;
      const tlb: TlbReport[] = [];
      for (const g of inputs.tlbs) {
        emit({ ...state, progress: { done, total, what: `${side}: TLB with ${g.pageBytes === DEFAULT_TLB_4K.pageBytes ? '4 KiB' : '2 MiB'} pages` } });
        await yieldToPaint();
        if (token !== runToken) return;
        tlb.push(simulateTlb(g, pattern));
        done++;
      }
      sides.push({ side, label: pattern.label, cache, tlb, cacheMs });
    }
  } catch (err) {
    if (token === runToken) emit({ ...state, progress: null, runError: err instanceof Error ? err.message : String(err) });
    return;
  }
  if (token !== runToken) return;
  runSeq++;
  emit({ ...state, progress: null, runError: null, run: { seq: runSeq, key: inputs.key, geometrySpec: inputs.geometrySpec, command: describeCliCommand(inputs), sides } });
}
