// The Allocator lab's What-if table for a memscope-trace 2: each allocator variant's simulated peak and final
// footprint, fragmentation and OS calls (shared/sim/lab/malloc-variants.ts), beside a measured run when one exists.
import type { VariantOutcome } from '../../../shared/sim/lab/malloc-variants.js';
import { formatBytes } from '../../../shared/units.js';
import { formatCount, formatPct } from '../../format.js';

/** Props of MallocWhatIfTable. */
export interface MallocWhatIfTableProps {
  rows: readonly VariantOutcome[];
}

/** The table (data-testid="lab-what-if-table"). */
export function MallocWhatIfTable({ rows }: MallocWhatIfTableProps) {
  return (
    <section className="panel" data-testid="lab-what-if">
      <h3>What if: the same trace under another allocator (simulated)</h3>
      <table className="lab-what-if-table" data-testid="lab-what-if-table">
        <thead>
          <tr>
            <th>variant</th>
            <th title="highest brk heap + arena heaps + mmapped bytes after any op">peak footprint</th>
            <th title="brk heap + arena heaps + mmapped bytes after the last op">final footprint</th>
            <th title="after the last op: free chunks between live ones (tops excluded) / heap bytes">fragmentation</th>
            <th title="brk, mmap, munmap, mremap, mprotect and madvise calls over the whole trace">OS calls</th>
            <th>measured</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) =>
            row.ok ? (
              <tr
                key={row.variant.label}
                data-testid="what-if-row"
                data-variant={row.variant.label}
                data-peak-bytes={row.peakFootprintBytes}
                data-final-bytes={row.finalFootprintBytes}
                data-fragmentation={row.fragmentation}
                data-os-calls={row.osCallTotal}
                data-brk-calls={row.osCalls.brk}
                data-mmap-calls={row.osCalls.mmap}
                data-munmap-calls={row.osCalls.munmap}
                data-mprotect-calls={row.osCalls.mprotect}
                data-madvise-calls={row.osCalls.madvise}
              >
                <td className="mono">{row.variant.label}</td>
                <td>
                  {formatBytes(row.peakFootprintBytes)} <span className="muted">simulated</span>
                </td>
                <td>
                  {formatBytes(row.finalFootprintBytes)} <span className="muted">simulated</span>
                </td>
                <td>
                  {formatPct(row.fragmentation * 100)} <span className="muted">simulated</span>
                </td>
                <td title={`brk ${row.osCalls.brk} · mmap ${row.osCalls.mmap} · munmap ${row.osCalls.munmap} · mremap ${row.osCalls.mremap} · mprotect ${row.osCalls.mprotect} · madvise ${row.osCalls.madvise}`}>
                  {formatCount(row.osCallTotal)} <span className="muted">simulated</span>
                </td>
                <td className="muted">not measured</td>
              </tr>
            ) : (
              <tr key={row.variant.label} data-testid="what-if-row" data-variant={row.variant.label} data-error={row.error}>
                <td className="mono">{row.variant.label}</td>
                <td colSpan={4} className="muted">
                  not simulated: {row.error}
                </td>
                <td className="muted">not measured</td>
              </tr>
            ),
          )}
        </tbody>
      </table>
      <div className="source-note">
        every figure simulated by shared/sim/malloc (glibc 2.36 with threads and arenas, gperftools 2.10) over the whole trace in this window; arena-heap mprotect and madvise
        counted from the heaps' changes (new_heap's alignment munmaps are not counted). A real run under a variant is not measured here: record it with the CLI.
      </div>
    </section>
  );
}
