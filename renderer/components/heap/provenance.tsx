// Where a number on the Heap view comes from: read from the process's memory ("measured") or computed by the
// glibc model from that state ("simulated"). Issue 11 asks every number to say which.
import type { ReactNode } from 'react';

/** Measured (read from the process) or simulated (the glibc 2.36 model run on what was read). */
export type Provenance = 'measured' | 'simulated';

const NOTES: Record<Provenance, string> = {
  measured: "read from the process's memory through /proc/PID/mem (the allocator's own structures, decoded)",
  simulated: "computed by memscope's glibc 2.36 model from the state read, not observed in the process",
};

/** A small badge naming the provenance, with what it means as its tooltip. */
export function ProvenanceBadge({ source }: { source: Provenance }) {
  return (
    <span className={`badge provenance ${source}`} title={NOTES[source]} data-provenance={source}>
      {source}
    </span>
  );
}

/** A panel heading followed by its provenance badge. */
export function SourcedHeading({ source, children }: { source: Provenance; children: ReactNode }) {
  return (
    <h3>
      {children} <ProvenanceBadge source={source} />
    </h3>
  );
}
