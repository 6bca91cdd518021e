// The layout switch of a heap strip (heap-strip.tsx), the same in the Allocator lab and the live heap view:
// widths by bytes, or one equal cell per block.
import type { StripMode } from './heap-strip.js';

/** Props of StripModeToggle. */
export interface StripModeToggleProps {
  mode: StripMode;
  onChange: (mode: StripMode) => void;
  /** What one cell is, for the tooltip: "chunk", or "chunk or span" where TCMalloc spans are drawn too. */
  blockName: string;
}

/** Two buttons, "by address" and "one cell each"; the current layout's is pressed. */
export function StripModeToggle({ mode, onChange, blockName }: StripModeToggleProps) {
  return (
    <div className="segmented" role="group" aria-label="strip layout">
      <button type="button" className={mode === 'address' ? 'on' : ''} onClick={() => onChange('address')} title="Widths proportional to bytes, as the heap lies in memory" data-testid="strip-address">
        by address
      </button>
      <button type="button" className={mode === 'blocks' ? 'on' : ''} onClick={() => onChange('blocks')} title={`One equal cell per ${blockName}: small chunks become visible`} data-testid="strip-blocks">
        one cell each
      </button>
    </div>
  );
}
