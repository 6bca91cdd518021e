// The Allocator lab's What-if table for a memscope-trace 2: each variant's simulated peak and final footprint,
// fragmentation and OS calls (shared/sim/lab/malloc-variants.ts), beside the footprint a real run under that variant
// reached when one was measured: the recording's own run, or a `memscope record --measure -o FILE` file opened here.
import { useState } from 'react';
import { type VariantOutcome } from '../../../shared/sim/lab/malloc-variants.js';
import { type MeasuredFootprint, parseMeasuredFootprint } from '../../../shared/sim/malloc/measured-footprint.js';
import type { FootprintTrack } from '../../../shared/sim/malloc/footprint.js';
import { formatBytes } from '../../../shared/units.js';
import { formatCount, formatPct } from '../../format.js';

/** Props of MallocWhatIfTable. */
export interface MallocWhatIfTableProps {
  rows: readonly VariantOutcome[];
  /** The footprint the recording's own run reached (its `# footprint` line), shown on the default row of its allocator. */
  recorded: MeasuredFootprint | null;
}

/** A measured run opened for one variant. */
interface OpenedMeasure {
  fileName: string;
  footprint: FootprintTrack | null;
  /** Why the file gives no footprint for this row (null when it does). */
  problem: string | null;
}

const NO_FOOTPRINT_LINE = 'no "# footprint" line (write it with memscope record --measure -o FILE -- CMD)';

/** What a measured file gives a row: its footprint, or why not (a run under the other allocator measures another heap). */
function readOpenedMeasure(fileName: string, text: string, row: VariantOutcome): OpenedMeasure {
  const m = parseMeasuredFootprint(text);
  if (m === null) return { fileName, footprint: null, problem: NO_FOOTPRINT_LINE };
  if (m.allocator !== row.variant.allocator) return { fileName, footprint: null, problem: `measured under ${m.allocator}, not ${row.variant.allocator} (${row.variant.name})` };
  return { fileName, footprint: m, problem: null };
}

/** "+1.2 %": the prediction's error against the measured figure. */
function describeError(predictedBytes: number, measuredBytes: number): string {
  if (measuredBytes === 0) return '';
  const pct = ((predictedBytes - measuredBytes) / measuredBytes) * 100;
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(1)} %`;
}

function MeasuredCell({ row, measure, source, onOpen }: { row: VariantOutcome; measure: FootprintTrack | null; source: string; onOpen: (m: OpenedMeasure) => void }) {
  const name = row.variant.name;
  return (
    <td data-testid="what-if-measured" data-peak-bytes={measure?.peakBytes ?? ''} data-final-bytes={measure?.finalBytes ?? ''}>
      {measure === null ? (
        <span className="muted">not measured</span>
      ) : (
        <>
          {formatBytes(measure.peakBytes)} peak / {formatBytes(measure.finalBytes)} at exit <span className="muted">measured ({source})</span>
          {row.ok ? <span className="muted"> · prediction {describeError(row.footprint.peakBytes, measure.peakBytes)} peak</span> : null}
        </>
      )}{' '}
      <label className="button small" title={`A file from: ${row.variant.env === '' ? '' : `${row.variant.env} `}memscope record --measure -o FILE -- CMD (the same program, run this way)`}>
        open…
        <input
          type="file"
          className="visually-hidden"
          aria-label={`open a measured run for ${name}`}
          data-testid="what-if-measure-file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file === undefined) return;
            void file.text().then(
              (text) => onOpen(readOpenedMeasure(file.name, text, row)),
              () => onOpen({ fileName: file.name, footprint: null, problem: 'unreadable' }),
            );
          }}
        />
      </label>
    </td>
  );
}

/** The table (data-testid="lab-what-if-table"). */
export function MallocWhatIfTable({ rows, recorded }: MallocWhatIfTableProps) {
  const [opened, setOpened] = useState<Record<string, OpenedMeasure>>({});
  const problems = Object.values(opened).filter((m) => m.problem !== null);
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
            <th>measured (a real run this way)</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const own = opened[row.variant.name];
            // The recording's own run belongs to the row of the allocator it ran under, untuned.
            const isOwnRun = recorded !== null && row.variant.allocator === recorded.allocator && row.variant.tunables === '';
            const measure = own?.footprint ?? (isOwnRun ? recorded : null);
            const source = own?.footprint != null ? own.fileName : 'while recording';
            const onOpen = (m: OpenedMeasure) => setOpened((o) => ({ ...o, [row.variant.name]: m }));
            const label = (
              <td className="mono" title={row.variant.env === '' ? 'glibc as the program runs by default' : row.variant.env}>
                {row.variant.name}
              </td>
            );
            return row.ok ? (
              <tr
                key={row.variant.name}
                data-testid="what-if-row"
                data-variant={row.variant.name}
                data-peak-bytes={row.footprint.peakBytes}
                data-final-bytes={row.footprint.finalBytes}
                data-fragmentation={row.fragmentation}
                data-os-calls={row.osCallTotal}
                data-brk-calls={row.osCalls.brk}
                data-mmap-calls={row.osCalls.mmap}
                data-munmap-calls={row.osCalls.munmap}
                data-mprotect-calls={row.osCalls.mprotect}
                data-madvise-calls={row.osCalls.madvise}
              >
                {label}
                <td>
                  {formatBytes(row.footprint.peakBytes)} <span className="muted">simulated</span>
                </td>
                <td>
                  {formatBytes(row.footprint.finalBytes)} <span className="muted">simulated</span>
                </td>
                <td>
                  {formatPct(row.fragmentation * 100)} <span className="muted">simulated</span>
                </td>
                <td title={`brk ${row.osCalls.brk} · mmap ${row.osCalls.mmap} · munmap ${row.osCalls.munmap} · mremap ${row.osCalls.mremap} · mprotect ${row.osCalls.mprotect} · madvise ${row.osCalls.madvise}`}>
                  {formatCount(row.osCallTotal)} <span className="muted">simulated</span>
                </td>
                <MeasuredCell row={row} measure={measure} source={source} onOpen={onOpen} />
              </tr>
            ) : (
              <tr key={row.variant.name} data-testid="what-if-row" data-variant={row.variant.name} data-error={row.error}>
                {label}
                <td colSpan={4} className="muted">
                  not simulated: {row.error}
                </td>
                <MeasuredCell row={row} measure={measure} source={source} onOpen={onOpen} />
              </tr>
            );
          })}
        </tbody>
      </table>
      {problems.map((m) => (
        <div key={m.fileName} className="setting-error" role="alert" data-testid="what-if-measure-error">
          {m.fileName}: {m.problem}
        </div>
      ))}
      <div className="source-note">
        predictions simulated by shared/sim/malloc (glibc 2.36 with threads and arenas, gperftools 2.10) over the whole trace in this window, the variants of{' '}
        <span className="mono">memscope sim malloc --variants</span>; footprint = brk heap + arena heaps + mmapped chunks; arena-heap mprotect and madvise counted from
        the heaps&apos; changes (new_heap&apos;s alignment munmaps are not). Measured: the footprint line memscope record writes at the end of a trace.
      </div>
    </section>
  );
}
