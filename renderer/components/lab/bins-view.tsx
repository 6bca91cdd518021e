// glibc's bins at one op: every non-empty tcache bin, fastbin, the unsorted bin, smallbins and largebins, each
// with its chain in list order (the chunk malloc takes next comes first). Clicking a chunk finds it in the strip.
import type { GlibcBinChain, GlibcBinKind } from '../../../shared/sim/lab/glibc-lab.js';
import { ChunkHome } from '../../../shared/sim/malloc/glibc/state.js';
import { formatCount } from '../../format.js';

/** Props of BinsView. */
export interface BinsViewProps {
  bins: readonly GlibcBinChain[];
  /** Colours by ChunkHome code. */
  homeColors: readonly string[];
  /** Heap offset of the chunk picked in the strip, or null. */
  picked: number | null;
  onPick: (offsetBytes: number) => void;
}

const KIND_HOME: Record<GlibcBinKind, number> = {
  tcache: ChunkHome.tcache,
  fastbin: ChunkHome.fastbin,
  unsorted: ChunkHome.unsorted,
  smallbin: ChunkHome.smallbin,
  largebin: ChunkHome.largebin,
};

const KIND_NOTES: Record<GlibcBinKind, string> = {
  tcache: 'per-thread cache, LIFO, up to tcache_count chunks of one size; taken first by malloc, filled first by free',
  fastbin: 'LIFO singly linked lists of small chunks, never coalesced until malloc_consolidate',
  unsorted: 'freed and split chunks wait here; the next malloc sorts them into small and large bins',
  smallbin: 'one chunk size each, FIFO, doubly linked',
  largebin: 'ranges of sizes, kept sorted largest first for best fit',
};

const KIND_ORDER: readonly GlibcBinKind[] = ['tcache', 'fastbin', 'unsorted', 'smallbin', 'largebin'];

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** The bins panel (data-testid="glibc-bins"). */
export function BinsView({ bins, homeColors, picked, onPick }: BinsViewProps) {
  if (bins.length === 0) {
    return (
      <p className="muted" data-testid="glibc-bins">
        Every bin is empty: no free chunk is waiting for reuse (free memory, if any, is in top).
      </p>
    );
  }
  return (
    <div className="bins" data-testid="glibc-bins">
      {KIND_ORDER.map((kind) => {
        const chains = bins.filter((b) => b.kind === kind);
        if (chains.length === 0) return null;
        const total = chains.reduce((n, c) => n + c.count, 0);
        return (
          <div key={kind} className="bin-kind">
            <div className="bin-kind-title" title={KIND_NOTES[kind]}>
              <i className="dot" style={{ background: homeColors[KIND_HOME[kind]] }} />
              <strong>{kind}</strong> <span className="muted">{formatCount(total)} chunks · {KIND_NOTES[kind]}</span>
            </div>
            {chains.map((c) => (
              <div key={`${kind}-${c.index}`} className="bin-chain" data-testid={`bin-${kind}-${c.index}`} data-count={c.count}>
                <span className="bin-name mono" title={`chunk size ${c.sizeLabel} bytes`}>
                  {kind === 'unsorted' ? 'unsorted' : `[${c.index}]`} {c.sizeLabel === 'any' ? '' : `${c.sizeLabel} B`}
                </span>
                <span className="bin-count">{c.count}</span>
                <span className="bin-links">
                  {c.offsets.map((off, k) => (
                    <button
                      type="button"
                      key={off}
                      className={`chunk-chip mono${picked === off ? ' on' : ''}`}
                      title={`chunk at heap offset ${hex(off)}, ${c.sizes[k]} bytes: find it in the strip`}
                      onClick={() => onPick(off)}
                    >
                      {hex(off)}
                    </button>
                  ))}
                  {c.count > c.offsets.length ? <span className="muted"> … {c.count - c.offsets.length} more</span> : null}
                </span>
              </div>
            ))}
          </div>
        );
      })}
    </div>
  );
}
