// The legend of a glibc heap strip: one dot per chunk home (in use, tcache, fastbin, … top) in the palette's
// colours, in CHUNK_HOME_ORDER, with each home's chunk count where the view has them.
import type { ReactNode } from 'react';
import { CHUNK_HOME_LABELS, CHUNK_HOME_ORDER, usePalette } from '../../lab/palette.js';

/** Props of ChunkHomeLegend. */
export interface ChunkHomeLegendProps {
  /** What follows a home's name (its chunk count, formatted as the view formats it); no count without it. */
  countOf?: (home: number) => ReactNode;
}

/** The chunk homes' colours and names (the Allocator lab's glibc panels, the live heap view). */
export function ChunkHomeLegend({ countOf }: ChunkHomeLegendProps) {
  const palette = usePalette();
  return (
    <div className="legend static">
      {CHUNK_HOME_ORDER.map((h) => (
        <span key={h} className="legend-item">
          <i className="dot" style={{ background: palette.chunkHome[h] }} />
          {CHUNK_HOME_LABELS[h]}
          {countOf === undefined ? null : (
            <>
              {' '}
              <span className="muted legend-count">{countOf(h)}</span>
            </>
          )}
        </span>
      ))}
    </div>
  );
}
