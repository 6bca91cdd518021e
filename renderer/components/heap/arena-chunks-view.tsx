// One live arena chunk by chunk, drawn with the Allocator lab's own components: a HeapStrip per heap (chunks
// coloured by the list they are on) and BinsView for tcache, fastbins and bins. Picking a chunk in the bins finds
// it in its strip. Everything here was read from the process (measured).
import { useMemo, useState } from 'react';
import { ChunkHome } from '../../../shared/sim/malloc/glibc/state.js';
import { formatBytes } from '../../../shared/units.js';
import { formatCount } from '../../format.js';
import type { ArenaDetail } from '../../../shared/heap/inspect.js';
import { listBinChains, listHeapChunks, type LiveChunk } from '../../heap/arena-chunks.js';
import { formatExactBytes, formatHexOffset } from '../../lab/lab-format.js';
import { CHUNK_HOME_LABELS, usePalette } from '../../lab/palette.js';
import { ChunkHomeLegend } from '../lab/chunk-home-legend.js';
import { BinsView } from '../lab/bins-view.js';
import { HeapStrip, type StripBlock, type StripMode } from '../lab/heap-strip.js';

/** Props of ArenaChunksView. */
export interface ArenaChunksViewProps {
  arena: ArenaDetail;
  stripMode: StripMode;
}

function describeChunk(c: LiveChunk, tcacheStruct: number) {
  const note =
    c.home === ChunkHome.top
      ? 'the top chunk: the rest of this heap, carved by the next request no list can serve'
      : c.home === ChunkHome.inUse && c.address + 16 === tcacheStruct
        ? "glibc's own tcache_perthread_struct"
        : c.home === ChunkHome.inUse
          ? `held by the program: user pointer ${formatHexOffset(c.address + 16)}`
          : 'free, on the list named above';
  return (
    <>
      <div>
        <strong>{CHUNK_HOME_LABELS[c.home]}</strong> chunk at <span className="mono">{formatHexOffset(c.address)}</span>
      </div>
      <div>
        size {formatExactBytes(c.sizeBytes)} · heap offset {formatHexOffset(c.offsetBytes)}
      </div>
      <div className="muted">{note}</div>
    </>
  );
}

/** The strips and bins of one arena (data-testid="arena-INDEX-chunks"). */
export function ArenaChunksView({ arena, stripMode }: ArenaChunksViewProps) {
  const palette = usePalette();
  const [pickedAddress, setPickedAddress] = useState<number | null>(null);
  const base = arena.heaps[0]?.start ?? 0;
  const heaps = useMemo(() => arena.heaps.map((_, h) => listHeapChunks(arena, h)), [arena]);
  const bins = useMemo(() => listBinChains(arena, base), [arena, base]);
  const homeCounts = useMemo(() => {
    const counts = new Array<number>(CHUNK_HOME_LABELS.length).fill(0);
    for (const chunks of heaps) for (const c of chunks) counts[c.home]!++;
    return counts;
  }, [heaps]);
  const tcacheStruct = arena.tcache?.address ?? -1;
  return (
    <div className="arena-chunks" data-testid={`arena-${arena.index}-chunks`} data-chunk-count={arena.chunkAddresses.length}>
      <ChunkHomeLegend countOf={(h) => formatCount(homeCounts[h] ?? 0)} />
      {heaps.map((chunks, h) => {
        const heap = arena.heaps[h]!;
        const blocks: StripBlock[] = chunks.map((c) => ({ offsetBytes: c.offsetBytes, sizeBytes: c.sizeBytes, color: palette.chunkHome[c.home] ?? palette.empty }));
        const highlight = pickedAddress === null ? -1 : chunks.findIndex((c) => c.address === pickedAddress);
        return (
          <div key={heap.start}>
            {arena.heaps.length > 1 ? (
              <div className="source-note mono">
                heap {h}: {formatHexOffset(heap.start)}–{formatHexOffset(heap.end)} ({formatBytes(heap.end - heap.start)})
              </div>
            ) : null}
            <HeapStrip
              blocks={blocks}
              totalBytes={Math.max(heap.end - heap.start, 1)}
              mode={stripMode}
              highlight={highlight >= 0 ? highlight : null}
              describe={(i) => describeChunk(chunks[i]!, tcacheStruct)}
              onPick={(i) => setPickedAddress(chunks[i]?.address ?? null)}
              gapColor={palette.gap}
              highlightColor={palette.highlight}
              emptyColor={palette.empty}
              label={`arena ${arena.index} heap ${h} chunks`}
              testId={`arena-${arena.index}-strip-${h}`}
              data={{ 'chunk-count': chunks.length, 'heap-bytes': heap.end - heap.start }}
            />
          </div>
        );
      })}
      <h4>bins and tcache</h4>
      <BinsView bins={bins} homeColors={palette.chunkHome} picked={pickedAddress === null ? null : pickedAddress - base} onPick={(off) => setPickedAddress(base + off)} />
    </div>
  );
}
