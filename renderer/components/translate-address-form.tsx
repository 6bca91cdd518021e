// A one-line form: type a virtual address of a live process and Enter opens its page-table walk
// (#/process/PID/translate/ADDR, renderer/views/translate-view.tsx). Used by the mapping detail and the walk itself.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { navigate } from '../state/router.js';

/** Props of TranslateAddressForm. */
export interface TranslateAddressFormProps {
  pid: number;
  /** The field's starting text (a mapping's start, or the address shown). */
  initialAddress: string;
  /** Label before the field. */
  label?: string;
  /** A line under the field ("inside 7f…000–7f…000"). */
  hint?: string;
}

/** The address field and its Walk button. */
export function TranslateAddressForm({ pid, initialAddress, label = 'Translate an address', hint }: TranslateAddressFormProps) {
  const id = useId();
  const [text, setText] = useState(initialAddress);
  useEffect(() => setText(initialAddress), [initialAddress]);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    navigate({ name: 'translate', pid, address: text.trim() });
  };
  return (
    <form className="translate-form" onSubmit={onSubmit} data-testid="translate-form">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        className="mono"
        value={text}
        size={20}
        spellCheck={false}
        autoComplete="off"
        placeholder="7f3dd9bf4123 or 0x…"
        onChange={(e) => setText(e.target.value)}
        data-testid="translate-input"
      />
      <button type="submit" data-testid="translate-go">
        Walk the page tables
      </button>
      {hint === undefined ? null : <span className="muted hint">{hint}</span>}
    </form>
  );
}
