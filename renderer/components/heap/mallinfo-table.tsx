// mallinfo2 of a live process as glibc's mallinfo2() would return it inside the process at the moment of the read
// (computed from the arenas read, with int_mallinfo's quirks), field by field with what each one means.
import type { Mallinfo2 } from '../../../shared/heap/report.js';
import { formatBytes } from '../../../shared/units.js';
import { formatCount } from '../../format.js';
import { SourcedHeading } from './provenance.js';

/** Every field in struct mallinfo2's order, with glibc's meaning and whether it counts bytes. */
const FIELDS: readonly { name: keyof Mallinfo2; note: string; bytes: boolean }[] = [
  { name: 'arena', note: 'non-mmapped space allocated from the system (all arenas)', bytes: true },
  { name: 'ordblks', note: 'free chunks in bins, plus one top per arena', bytes: false },
  { name: 'smblks', note: 'free chunks in fastbins', bytes: false },
  { name: 'hblks', note: 'mmapped chunks (mp_.n_mmaps)', bytes: false },
  { name: 'hblkhd', note: 'bytes in mmapped chunks (mp_.mmapped_mem)', bytes: true },
  { name: 'usmblks', note: 'always 0 since glibc 2.24', bytes: true },
  { name: 'fsmblks', note: 'bytes in fastbin chunks', bytes: true },
  { name: 'uordblks', note: 'bytes in use (tcache chunks count as in use)', bytes: true },
  { name: 'fordblks', note: 'free bytes: bins, fastbins and tops', bytes: true },
  { name: 'keepcost', note: "the main arena's top: what malloc_trim could release from its end", bytes: true },
];

/** The mallinfo2 panel (data-testid="heap-mallinfo2"). */
export function MallinfoTable({ mallinfo2 }: { mallinfo2: Mallinfo2 }) {
  return (
    <section className="panel" data-testid="heap-mallinfo2">
      <SourcedHeading source="measured">mallinfo2()</SourcedHeading>
      <table className="fields">
        <tbody>
          {FIELDS.map((f) => (
            <tr key={f.name} data-testid={`mallinfo2-${f.name}`} data-value={mallinfo2[f.name]}>
              <th className="mono">{f.name}</th>
              <td className="num">{formatCount(mallinfo2[f.name])}</td>
              <td className="num muted">{f.bytes && mallinfo2[f.name] >= 1024 ? formatBytes(mallinfo2[f.name]) : ''}</td>
              <td className="muted">{f.note}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="source-note">what glibc’s mallinfo2() would return inside the process at the moment of the read, computed as its int_mallinfo does</div>
    </section>
  );
}
