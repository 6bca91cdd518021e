// #/lab/cache: the cache lab. Pick two access patterns (or one) and a cache geometry (the host's by default),
// run them through the cache-hierarchy and TLB simulators (shared/sim/cache, shared/sim/tlb) right here in
// the renderer, and compare hit rates, per-set heat and TLB misses side by side.
import { useEffect, useMemo, type FormEvent } from 'react';
import { Banner } from '../components/banner.js';
import { CacheResults } from '../components/lab/cache-results.js';
import { GeometryEditor } from '../components/lab/geometry-editor.js';
import { PatternPicker } from '../components/lab/pattern-picker.js';
import { TlbPanel } from '../components/lab/tlb-panel.js';
import { buildLabInputs, describeCliCommand, toGeometryRows, type LabSide } from '../state/cache-lab-inputs.js';
import {
  applyLabPreset,
  cancelLab,
  LAB_PRESETS,
  loadHostGeometry,
  resetLabGeometry,
  runLab,
  setLabChoice,
  updateLabSettings,
  useCacheLab,
} from '../state/cache-lab-store.js';

/** The cache lab page (data-testid="cache-lab"). */
export function CacheLab() {
  const lab = useCacheLab();
  const { settings, run, progress } = lab;
  const inputs = useMemo(() => buildLabInputs(settings), [settings]);
  useEffect(() => loadHostGeometry(), []);

  const hostSpec = lab.host === null ? null : JSON.stringify(toGeometryRows(lab.host.levels));
  const geometryEdited = hostSpec !== null && hostSpec !== JSON.stringify(settings.geometry);
  const canRun = Object.keys(inputs.errors).length === 0 && inputs.geometry !== null;
  const stale = run !== null && run.key !== inputs.key;
  const countOf = (side: LabSide) => inputs.patterns.find((p) => p.side === side)?.pattern.accessCount ?? null;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (canRun) void runLab();
  };

  return (
    <div className="page cache-lab" data-testid="cache-lab" data-run-seq={run?.seq ?? 0} data-running={progress !== null}>
      <header className="panel">
        <h2>Cache lab</h2>
        <p className="muted lab-intro">
          Why cache-friendly code is fast: run access patterns through a model of this machine's data caches (set-associative, LRU, write-allocate, the
          same rules as valgrind's cachegrind) and its TLB. Spatial locality uses every byte of a fetched line; temporal locality comes back to a line
          before it is evicted.
        </p>
        <div className="toolbar" role="group" aria-label="presets">
          <span className="muted">Compare:</span>
          {LAB_PRESETS.map((p) => (
            <button key={p.id} type="button" className="chip-button" onClick={() => applyLabPreset(p.id)} data-testid={`preset-${p.id}`}>
              {p.title}
            </button>
          ))}
        </div>
      </header>

      <form className="panel lab-form" onSubmit={onSubmit} data-testid="lab-form">
        <div className="lab-form-grid">
          <GeometryEditor
            rows={settings.geometry}
            onChange={(rows) => updateLabSettings((s) => ({ ...s, geometry: rows }), { geometryEdited: true })}
            geometry={inputs.geometry}
            error={inputs.errors.geometry}
            spec={inputs.geometrySpec}
            host={lab.host}
            hostError={lab.hostError}
            onReset={resetLabGeometry}
            edited={geometryEdited}
          />
          <PatternPicker side="A" choice={settings.a} onChange={(c) => setLabChoice('A', c)} error={inputs.errors.A} accessCount={countOf('A')} />
          <PatternPicker
            side="B"
            choice={settings.b}
            onChange={(c) => setLabChoice('B', c)}
            error={inputs.errors.B}
            accessCount={countOf('B')}
            disabled={!settings.compare}
            legendExtra={
              <label className="check legend-check">
                <input type="checkbox" checked={settings.compare} onChange={(e) => updateLabSettings((s) => ({ ...s, compare: e.target.checked }))} data-testid="lab-compare" />
                compare
              </label>
            }
          />
        </div>
        <div className="toolbar lab-run-bar">
          <button type="submit" className="primary" disabled={!canRun} data-testid="lab-run" title="Enter in any field runs too">
            ▶ Run
          </button>
          {progress !== null ? (
            <>
              <progress max={progress.total} value={progress.done} aria-label="simulation progress" />
              <span data-testid="lab-progress">{progress.what}…</span>
              <button type="button" onClick={cancelLab}>
                Cancel
              </button>
            </>
          ) : stale ? (
            <span className="notice" data-testid="lab-stale">
              Settings changed since the results below: Run to update them.
            </span>
          ) : null}
        </div>
        {canRun ? (
          <div className="muted lab-command" data-testid="lab-command">
            same run on the command line: <span className="mono">memscope {describeCliCommand(inputs).replace(/^memscope /, '')}</span>
          </div>
        ) : null}
      </form>

      {lab.runError !== null ? (
        <Banner tone="error" title="The simulation did not run" testId="lab-run-error">
          {lab.runError}
        </Banner>
      ) : null}
      {run === null ? (
        <p className="muted">{progress !== null ? 'simulating…' : 'Pick patterns and press Run.'}</p>
      ) : (
        <div className={stale ? 'lab-results stale' : 'lab-results'}>
          <CacheResults sides={run.sides} />
        </div>
      )}
      <TlbPanel
        tlb4k={settings.tlb4k}
        tlb2m={settings.tlb2m}
        onChange={(rows) => updateLabSettings((s) => ({ ...s, ...rows }))}
        error={inputs.errors.tlb}
        results={run?.sides ?? []}
        stale={stale}
      />
    </div>
  );
}
