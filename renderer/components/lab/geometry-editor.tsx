// Edits the cache lab's geometry level by level (size, ways, line size; sets follow), starting from the host's
// (cpu0's /sys/devices/system/cpu/cpu0/cache/index*, via getCacheGeometry) and shown as a --geometry spec.
import type { HostCacheGeometryInfo } from '../../../shared/api.js';
import { countSets, type CacheGeometry } from '../../../shared/sim/cache/geometry.js';
import type { GeometryRow } from '../../state/cache-lab-inputs.js';
import type { UiError } from '../../ui-error.js';

/** Props of GeometryEditor. */
export interface GeometryEditorProps {
  rows: readonly GeometryRow[];
  onChange: (rows: GeometryRow[]) => void;
  /** The parsed geometry (null while the rows have a problem). */
  geometry: CacheGeometry | null;
  error: string | undefined;
  spec: string;
  host: HostCacheGeometryInfo | null;
  hostError: UiError | null;
  /** Puts the host's geometry back. */
  onReset: () => void;
  /** The rows differ from the host's. */
  edited: boolean;
}

const NEW_LEVEL: GeometryRow = { size: '32M', ways: '16', line: '64' };

function describeSource(host: HostCacheGeometryInfo | null, hostError: UiError | null): string {
  if (hostError !== null) return `could not read the host's geometry (${hostError.message}); built-in fallback`;
  if (host === null) return 'reading the host geometry…';
  return host.source === 'sysfs' ? "this machine's, from /sys/devices/system/cpu/cpu0/cache" : 'built-in fallback: sysfs had no usable cache description';
}

/** The level table with inputs, the spec and where the defaults came from. */
export function GeometryEditor({ rows, onChange, geometry, error, spec, host, hostError, onReset, edited }: GeometryEditorProps) {
  const set = (i: number, patch: Partial<GeometryRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="geometry-editor" data-testid="geometry-editor">
      <legend>Cache geometry</legend>
      <table className="fields geometry-table">
        <thead>
          <tr>
            <th>level</th>
            <th>size</th>
            <th>ways</th>
            <th>line (bytes)</th>
            <th className="num">sets</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => {
            const level = geometry?.[i];
            return (
              <tr key={i}>
                <th>{i === 0 ? 'L1d' : `L${i + 1}`}</th>
                <td>
                  <input type="text" className="mono" size={6} value={r.size} aria-label={`level ${i + 1} size`} data-testid={`geometry-${i}-size`} onChange={(e) => set(i, { size: e.target.value })} />
                </td>
                <td>
                  <input type="text" className="mono" size={3} value={r.ways} aria-label={`level ${i + 1} ways`} data-testid={`geometry-${i}-ways`} onChange={(e) => set(i, { ways: e.target.value })} />
                </td>
                <td>
                  <input type="text" className="mono" size={4} value={r.line} aria-label={`level ${i + 1} line size`} data-testid={`geometry-${i}-line`} onChange={(e) => set(i, { line: e.target.value })} />
                </td>
                <td className="num">{level === undefined ? '–' : countSets(level).toLocaleString('en-US')}</td>
                <td>
                  <button type="button" className="link" aria-label={`remove level ${i + 1}`} data-testid={`geometry-${i}-remove`} disabled={rows.length <= 1} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
                    ✕
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="toolbar">
        <button type="button" onClick={() => onChange([...rows, rows.at(-1) ?? NEW_LEVEL])} disabled={rows.length >= 4} data-testid="geometry-add">
          + level
        </button>
        <button type="button" onClick={onReset} disabled={!edited} title="the geometry getCacheGeometry read from this machine">
          Host geometry
        </button>
      </div>
      {error !== undefined ? (
        <div className="field-error" role="alert" data-testid="geometry-error">
          {error}
        </div>
      ) : (
        <div className="muted hint">
          sizes take K/M suffixes; LRU, write-allocate, a miss goes on to the next level · <span className="mono">--geometry {spec}</span>
        </div>
      )}
      <div className="source-note" data-testid="geometry-source">
        default: {describeSource(host, hostError)}
        {host !== null && host.problems.length > 0 ? ` (not used: ${host.problems.join('; ')})` : ''}
      </div>
    </fieldset>
  );
}
