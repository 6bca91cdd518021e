// What malloc_trim(0) would give back now (getHeap's `trim`): glibc 2.36's mtrim run by the glibc model on the
// arenas read from the process, counting only pages resident now. A prediction: simulated.
import type { TrimPrediction } from '../../../shared/heap/report.js';
import { formatBytes } from '../../../shared/units.js';
import { formatExactBytes } from '../../lab/lab-format.js';
import { SourcedHeading } from './provenance.js';

/** The trim prediction panel (data-testid="heap-trim"). */
export function TrimPanel({ trim }: { trim: TrimPrediction }) {
  return (
    <section className="panel" data-testid="heap-trim" data-releasable-bytes={trim.releasable_bytes}>
      <SourcedHeading source="simulated">malloc_trim(0) now</SourcedHeading>
      <div className="facts">
        <span title="resident bytes malloc_trim(0) would return: whole pages inside free chunks of every arena (madvise), and the main arena's top (brk)">
          would return <strong data-testid="heap-trim-releasable">{formatExactBytes(trim.releasable_bytes)}</strong> <span className="muted">{formatBytes(trim.releasable_bytes)}</span>
        </span>
        <span title="of which the main arena's top, given back by moving the program break (systrim)">
          from the main arena's top <strong>{formatBytes(trim.top_bytes)}</strong>
        </span>
        <span title="malloc_trim's return value: 1 when it releases anything">
          returns <strong className="mono">{trim.result}</strong>
        </span>
      </div>
      {trim.skipped_arenas.length > 0 ? (
        <div className="notice" data-testid="heap-trim-skipped">
          Arenas {trim.skipped_arenas.join(', ')} span several heaps, which the model cannot hold: not counted, so this is a lower bound.
        </div>
      ) : null}
      <div className="source-note">glibc 2.36 mtrim (consolidate fastbins, madvise the whole pages inside free chunks, trim the main arena's top) run by the glibc model on the arenas as read; only pages resident now count</div>
    </section>
  );
}
