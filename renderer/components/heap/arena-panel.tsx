// One arena of a live glibc heap as read (getHeap): its system memory, chunks in use, free chunks by list and top,
// and its heaps' address ranges. Every number is measured; the chunk strip and bins come with the arena's chunks.
import type { ReactNode } from 'react';
import type { ArenaReport, ChunkTotals, FreeTotals } from '../../../shared/heap/report.js';
import { formatBytes } from '../../../shared/units.js';
import { formatCount } from '../../format.js';
import { formatExactBytes } from '../../lab/lab-format.js';
import { SourcedHeading } from './provenance.js';

/** Free lists in the order glibc's malloc looks at them. */
const FREE_ORDER: readonly (keyof FreeTotals)[] = ['tcache', 'fastbins', 'unsorted', 'smallbins', 'largebins'];

const ROW_NOTES: Record<keyof FreeTotals | 'in_use' | 'top', string> = {
  in_use: 'held by the program (and glibc’s own tcache_perthread_struct); chunk sizes, headers included',
  tcache: 'per-thread caches: free, but counted as in use by mallinfo2',
  fastbins: 'small free chunks never coalesced until malloc_consolidate',
  unsorted: 'freed or split chunks waiting to be sorted by the next malloc',
  smallbins: 'free chunks of one size per bin',
  largebins: 'free chunks of a size range per bin',
  top: 'the rest of the heap after the last chunk: malloc_trim can give it back to the system',
};

/** Props of ArenaPanel. */
export interface ArenaPanelProps {
  arena: ArenaReport;
  /** The chunk strip and bins of this arena, when its chunks were read. */
  children?: ReactNode;
}

function TotalsRow({ testId, name, totals, systemBytes }: { testId: string; name: keyof typeof ROW_NOTES; totals: ChunkTotals; systemBytes: number }) {
  return (
    <tr data-testid={testId} data-chunks={totals.chunks} data-bytes={totals.bytes}>
      <th title={ROW_NOTES[name]}>{name.replace('_', ' ')}</th>
      <td className="num">{formatCount(totals.chunks)}</td>
      <td className="num">{formatExactBytes(totals.bytes)}</td>
      <td className="num muted">{formatBytes(totals.bytes)}</td>
      <td className="num muted">{systemBytes > 0 ? `${((totals.bytes / systemBytes) * 100).toFixed(1)}%` : ''}</td>
    </tr>
  );
}

/** One arena (data-testid="heap-arena-INDEX"). */
export function ArenaPanel({ arena, children }: ArenaPanelProps) {
  const prefix = `arena-${arena.index}`;
  const freeBytes = FREE_ORDER.reduce((sum, k) => sum + arena.free[k].bytes, 0);
  return (
    <section className="panel heap-arena" data-testid={`heap-arena-${arena.index}`} data-system-bytes={arena.system_bytes} data-top-bytes={arena.top_bytes}>
      <SourcedHeading source="measured">
        arena {arena.index} {arena.main ? '· main (brk heap)' : '· thread arena'}
      </SourcedHeading>
      <div className="facts">
        <span className="muted" title="struct malloc_state's address in the process">
          malloc_state <span className="mono">0x{arena.address}</span>
        </span>
        <span title="av->system_mem: bytes this arena obtained from the system (brk or its heaps' mmap)">
          system <strong data-testid={`${prefix}-system`}>{formatExactBytes(arena.system_bytes)}</strong> <span className="muted">{formatBytes(arena.system_bytes)}</span>
        </span>
        <span>
          free in lists <strong>{formatBytes(freeBytes)}</strong>
        </span>
        <span>
          top <strong>{formatBytes(arena.top_bytes)}</strong>
        </span>
      </div>
      <table className="fields heap-totals">
        <thead>
          <tr>
            <th>chunks</th>
            <th className="num">count</th>
            <th className="num">bytes</th>
            <th />
            <th className="num" title="share of the arena's system memory">of system</th>
          </tr>
        </thead>
        <tbody>
          <TotalsRow testId={`${prefix}-in_use`} name="in_use" totals={arena.in_use} systemBytes={arena.system_bytes} />
          {FREE_ORDER.map((k) => (
            <TotalsRow key={k} testId={`${prefix}-${k}`} name={k} totals={arena.free[k]} systemBytes={arena.system_bytes} />
          ))}
          <TotalsRow testId={`${prefix}-top`} name="top" totals={{ chunks: 1, bytes: arena.top_bytes }} systemBytes={arena.system_bytes} />
        </tbody>
      </table>
      <div className="source-note">
        {arena.heaps.length === 1 ? 'heap' : `${arena.heaps.length} heaps`}:{' '}
        {arena.heaps.map((h) => (
          <span key={h.start} className="mono">
            {h.start}–{h.end}{' '}
          </span>
        ))}
        {arena.main ? '(chunk space from sbrk_base to the end of top)' : '(chunk space of each 64 MiB-aligned heap after heap_info)'}
      </div>
      {children}
    </section>
  );
}
