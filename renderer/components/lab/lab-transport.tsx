// Play / pause / step / scrub controls of the Allocator lab: a slider over the op index, step buttons, the op
// number and the playback speed. Keyboard: Space plays, ←/→ step, Shift+←/→ step 100, Home/End.
import { useEffect, useState } from 'react';
import { formatCount } from '../../format.js';
import { readLabState, updateLabState } from '../../state/allocator-lab-store.js';

/** Playback speeds offered, ops per second. */
const SPEEDS = [1, 10, 100, 1000, 10000, 100000] as const;

/** Props of LabTransport. */
export interface LabTransportProps {
  opCount: number;
  cursor: number;
  playing: boolean;
  opsPerSecond: number;
}

/** Moves the cursor (pausing playback). */
export function seekLab(cursor: number, opCount: number): void {
  updateLabState({ cursor: Math.max(0, Math.min(opCount, Math.round(cursor))), playing: false });
}

function togglePlay(opCount: number): void {
  const { playing, cursor } = readLabState();
  if (playing) updateLabState({ playing: false });
  else updateLabState({ playing: true, cursor: cursor >= opCount ? 0 : cursor });
}

/** The transport bar (data-testid="lab-transport"); also installs the page's keyboard shortcuts. */
export function LabTransport({ opCount, cursor, playing, opsPerSecond }: LabTransportProps) {
  const [typed, setTyped] = useState(String(cursor));
  useEffect(() => setTyped(String(cursor)), [cursor]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
      const t = e.target as HTMLElement | null;
      if (t !== null && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.tagName === 'BUTTON' || t.isContentEditable)) return;
      const now = readLabState().cursor;
      const by = e.shiftKey ? 100 : 1;
      if (e.key === ' ') togglePlay(opCount);
      else if (e.key === 'ArrowRight') seekLab(now + by, opCount);
      else if (e.key === 'ArrowLeft') seekLab(now - by, opCount);
      else if (e.key === 'Home') seekLab(0, opCount);
      else if (e.key === 'End') seekLab(opCount, opCount);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [opCount]);

  const commitTyped = () => {
    const n = Number(typed);
    if (/^[0-9]+$/.test(typed.trim()) && Number.isSafeInteger(n)) seekLab(n, opCount);
    else setTyped(String(cursor));
  };

  return (
    <div className="panel lab-transport" data-testid="lab-transport" data-cursor={cursor} data-op-count={opCount}>
      <div className="segmented" role="group" aria-label="playback">
        <button type="button" onClick={() => seekLab(0, opCount)} title="Back to the start (Home)" aria-label="to start" data-testid="lab-start">
          |◀◀
        </button>
        <button type="button" onClick={() => seekLab(cursor - 1, opCount)} disabled={cursor <= 0} title="One op back (←; Shift+← 100)" aria-label="step back" data-testid="lab-step-back">
          ◀|
        </button>
        <button type="button" onClick={() => togglePlay(opCount)} title="Play / pause (Space)" aria-label={playing ? 'pause' : 'play'} data-testid="lab-play" className={playing ? 'on' : ''}>
          {playing ? '❙❙' : '▶'}
        </button>
        <button type="button" onClick={() => seekLab(cursor + 1, opCount)} disabled={cursor >= opCount} title="One op forward (→; Shift+→ 100)" aria-label="step forward" data-testid="lab-step">
          |▶
        </button>
        <button type="button" onClick={() => seekLab(opCount, opCount)} title="To the end (End)" aria-label="to end" data-testid="lab-end">
          ▶▶|
        </button>
      </div>
      <input
        type="range"
        className="lab-slider"
        min={0}
        max={opCount}
        step={1}
        value={cursor}
        aria-label="ops run"
        data-testid="lab-slider"
        onChange={(e) => seekLab(Number(e.target.value), opCount)}
      />
      <label className="lab-op">
        ops run{' '}
        <input
          type="text"
          inputMode="numeric"
          value={typed}
          size={Math.max(4, String(opCount).length + 1)}
          aria-label="ops run (type a number, Enter)"
          data-testid="lab-cursor-input"
          onChange={(e) => setTyped(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commitTyped();
            if (e.key === 'Escape') setTyped(String(cursor));
          }}
          onBlur={commitTyped}
        />{' '}
        / {formatCount(opCount)}
      </label>
      <label>
        speed{' '}
        <select value={opsPerSecond} onChange={(e) => updateLabState({ opsPerSecond: Number(e.target.value) })} aria-label="playback speed" data-testid="lab-speed">
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {formatCount(s)} ops/s
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
