// Picks one side's access pattern for the cache lab: a built-in kind (shared/sim/access/pattern-catalog.ts)
// with its parameters, or a custom access list pasted or opened from a file (shared/sim/access/access-list.ts).
import { useId, useRef, type ChangeEvent, type ReactNode } from 'react';
import { findPatternKind, PATTERN_KINDS } from '../../../shared/sim/access/pattern-catalog.js';
import { CUSTOM_KIND, paramTexts, type LabSide, type PatternChoice } from '../../state/cache-lab-inputs.js';

/** Props of PatternPicker. */
export interface PatternPickerProps {
  side: LabSide;
  choice: PatternChoice;
  onChange: (choice: PatternChoice) => void;
  /** The side's problem, shown under it. */
  error: string | undefined;
  /** Accesses the built pattern makes (null when it cannot be built). */
  accessCount: number | null;
  disabled?: boolean;
  /** Shown in the legend, and (as the first legend's content) usable even when the picker is disabled. */
  legendExtra?: ReactNode;
}

const LIST_EXAMPLE = '# R|W ADDRESS SIZE, or valgrind lackey lines ( L 1ffefff8a0,8 ), or a JSON array\nR 10000000 8\nR 10000040 8\nW 10000000 8';

/** The kind select, the parameter fields, and the custom list box. */
export function PatternPicker({ side, choice, onChange, error, accessCount, disabled = false, legendExtra }: PatternPickerProps) {
  const id = useId();
  const fileRef = useRef<HTMLInputElement>(null);
  const kind = findPatternKind(choice.kind);
  const setKind = (name: string) => {
    const params = { ...choice.params };
    for (const p of findPatternKind(name)?.params ?? []) params[p.name] ??= String(p.defaultValue);
    onChange({ ...choice, kind: name, params });
  };
  const onFile = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file === undefined) return;
    file
      .text()
      .then((text) => onChange({ ...choice, kind: CUSTOM_KIND, customText: text, customName: file.name }))
      .catch((err: unknown) => onChange({ ...choice, kind: CUSTOM_KIND, customText: '', customName: `${file.name} (unreadable: ${String(err)})` }));
  };
  return (
    <fieldset className={`pattern-picker side-${side}`} disabled={disabled} data-testid={`pattern-${side}`}>
      <legend>
        <span className={`side-tag side-${side}`}>{side}</span> pattern{legendExtra}
      </legend>
      <label className="field">
        <span>kind</span>
        <select value={choice.kind} onChange={(e) => setKind(e.target.value)} data-testid={`pattern-${side}-kind`} aria-describedby={`${id}-desc`}>
          {PATTERN_KINDS.map((k) => (
            <option key={k.name} value={k.name}>
              {k.name}
            </option>
          ))}
          <option value={CUSTOM_KIND}>custom access list…</option>
        </select>
      </label>
      <div className="muted hint" id={`${id}-desc`}>
        {kind?.description ?? 'your own accesses: text lines "R|W ADDRESS SIZE" (hex address), valgrind lackey --trace-mem=yes output, or JSON [{"address": "…", "size": 8, "op": "R"}]'}
      </div>
      {choice.kind === CUSTOM_KIND ? (
        <div className="custom-list">
          <textarea
            className="mono"
            rows={6}
            spellCheck={false}
            placeholder={LIST_EXAMPLE}
            value={choice.customText}
            aria-label={`side ${side} access list`}
            data-testid={`pattern-${side}-custom`}
            onChange={(e) => onChange({ ...choice, customText: e.target.value, customName: 'pasted' })}
          />
          <div className="toolbar">
            <button type="button" onClick={() => fileRef.current?.click()}>
              Open file…
            </button>
            <input ref={fileRef} type="file" className="visually-hidden" tabIndex={-1} accept=".txt,.json,.out,.log,text/plain,application/json" onChange={onFile} data-testid={`pattern-${side}-file`} />
            <span className="muted">{choice.customText === '' ? 'nothing loaded' : `${choice.customName}: ${choice.customText.length.toLocaleString('en-US')} characters`}</span>
          </div>
        </div>
      ) : (
        <div className="param-grid">
          {paramTexts(choice).map((p) => (
            <label key={p.name} className="field" title={`${p.description} (default ${p.defaultValue})`}>
              <span>{p.name}</span>
              <input
                type="text"
                inputMode="numeric"
                className="mono"
                value={p.text}
                size={9}
                spellCheck={false}
                data-testid={`pattern-${side}-param-${p.name}`}
                onChange={(e) => onChange({ ...choice, params: { ...choice.params, [p.name]: e.target.value } })}
              />
              <span className="muted param-desc">{p.description}</span>
            </label>
          ))}
        </div>
      )}
      {error !== undefined ? (
        <div className="field-error" role="alert" data-testid={`pattern-${side}-error`}>
          {error}
        </div>
      ) : accessCount !== null ? (
        <div className="muted hint">{accessCount.toLocaleString('en-US')} accesses</div>
      ) : null}
    </fieldset>
  );
}
