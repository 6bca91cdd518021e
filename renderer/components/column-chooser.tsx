// A drop-down of checkboxes choosing which columns a table shows (process table, mappings table); Escape or a click elsewhere closes it.
import { useEffect, useRef } from 'react';

/** A choosable column. */
export interface ChoosableColumn {
  id: string;
  title: string;
  description?: string;
}

/** Props of ColumnChooser. */
export interface ColumnChooserProps {
  columns: readonly ChoosableColumn[];
  shown: ReadonlySet<string>;
  onChange: (shown: Set<string>) => void;
  /** Restores the default set. */
  onReset?: () => void;
  testId?: string;
}

/** The "Columns ▾" drop-down. */
export function ColumnChooser({ columns, shown, onChange, onReset, testId }: ColumnChooserProps) {
  const ref = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    // Close when clicking elsewhere, as a menu does.
    const onDown = (e: MouseEvent) => {
      const el = ref.current;
      if (el !== null && el.open && !el.contains(e.target as Node)) el.open = false;
    };
    // Escape closes an open menu, as every menu does, and goes no further (the page's own Escape waits for the next one).
    const onKey = (e: KeyboardEvent) => {
      const el = ref.current;
      if (e.key !== 'Escape' || el === null || !el.open) return;
      e.stopPropagation();
      e.preventDefault();
      el.open = false;
      if (el.contains(document.activeElement)) el.querySelector('summary')?.focus();
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey, true);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey, true);
    };
  }, []);
  return (
    <details className="chooser" ref={ref} data-testid={testId}>
      <summary>Columns ▾</summary>
      <div className="chooser-menu">
        {onReset !== undefined ? (
          <button type="button" className="link" onClick={onReset}>
            defaults
          </button>
        ) : null}
        {columns.map((c) => (
          <label key={c.id} title={c.description}>
            <input
              type="checkbox"
              checked={shown.has(c.id)}
              onChange={(e) => {
                const next = new Set(shown);
                if (e.target.checked) next.add(c.id);
                else next.delete(c.id);
                onChange(next);
              }}
            />
            {c.title}
          </label>
        ))}
      </div>
    </details>
  );
}
