// One mapping in depth: every smaps field with what it means (help/smaps-fields.ts), perms,
// offset, device, inode, VmFlags decoded (help/vm-flags.ts) and its Rss over time while watched.
// Pure presentation: the live page and the snapshot page pass the mapping in.
import type { ReactNode } from 'react';
import type { Mapping } from '../../shared/proc/types.js';
import { mappingName } from '../../shared/proc/group.js';
import { hexToBigInt, mappingSizeKb } from '../../shared/units.js';
import { SmallAreaChart, type KbPoint } from '../components/small-area-chart.js';
import { TranslateAddressForm } from '../components/translate-address-form.js';
import { formatClock, formatCount, formatExactKb, formatHumanKb } from '../format.js';
import { describeSmapsField } from '../help/smaps-fields.js';
import { decodeVmFlags } from '../help/vm-flags.js';
import { categorizeKind, findCategory } from '../kinds.js';

/** Props of MappingDetail. */
export interface MappingDetailProps {
  mapping: Mapping;
  pid: number;
  /** Rss samples while watched (live), or null (snapshot: none recorded). */
  rssHistory: readonly KbPoint[] | null;
  /** When the fields were read (epoch ms), or the snapshot's time. */
  atMs: number | null;
  origin: 'live' | 'snapshot';
  /** Link back to the process (or the snapshot). */
  backHref: string;
  banners?: ReactNode;
}

function describePerms(perms: string): string {
  const parts: string[] = [];
  if (perms[0] === 'r') parts.push('readable');
  if (perms[1] === 'w') parts.push('writable');
  if (perms[2] === 'x') parts.push('executable');
  if (parts.length === 0) parts.push('no access (guard or reservation)');
  parts.push(perms[3] === 's' ? 'shared (writes are seen by other mappers and reach the file)' : 'private (copy-on-write: writes make private copies)');
  return parts.join(', ');
}

function describeDevice(dev: string): string {
  const [major, minor] = dev.split(':');
  if (major === undefined || minor === undefined) return dev;
  return `major ${parseInt(major, 16)}, minor ${parseInt(minor, 16)}`;
}

/** Notes that only make sense for this mapping's numbers. */
function contextualNotes(m: Mapping): string[] {
  const notes: string[] = [];
  const f = m.smaps;
  if (f === undefined) return notes;
  const num = (k: string) => (typeof f[k] === 'number' ? (f[k] as number) : 0);
  const fileBacked = m.path.startsWith('/') && m.inode !== 0;
  if (fileBacked && num('Anonymous') > 0) {
    notes.push(`${formatExactKb(num('Anonymous'))} of this file mapping are Anonymous: pages the process wrote to, copied on write, no longer backed by the file (relocations, .data, a private mmap written to).`);
  }
  if (num('Rss') > 0 && num('Pss') < num('Rss')) {
    notes.push(`Pss < Rss: some resident pages are shared with other processes, so this process is charged only its share (${formatExactKb(num('Pss'))} of ${formatExactKb(num('Rss'))}).`);
  }
  if (num('Swap') > 0) notes.push(`${formatExactKb(num('Swap'))} of it is swapped out: not in RAM, will fault back in when touched.`);
  if (num('Size') > 0 && num('Rss') === 0 && num('Swap') === 0) notes.push('Nothing resident: address space is reserved, but no page of it has been touched (or all were reclaimed).');
  if (num('LazyFree') > 0) notes.push(`${formatExactKb(num('LazyFree'))} freed with MADV_FREE: still counted in Rss until the kernel needs the memory.`);
  return notes;
}

/** The drill-down (data-testid="mapping-detail"). */
export function MappingDetail({ mapping: m, pid, rssHistory, atMs, origin, backHref, banners }: MappingDetailProps) {
  const sizeKb = mappingSizeKb(m.start, m.end);
  const category = findCategory(categorizeKind(m.kind));
  const fields = m.smaps === undefined ? [] : Object.entries(m.smaps).filter(([k]) => k !== 'VmFlags');
  const flags = m.smaps?.VmFlags;
  const offsetBytes = hexToBigInt(m.offset);
  const notes = contextualNotes(m);
  const rss = m.smaps?.Rss;

  return (
    <div className="page page-mapping" data-testid="mapping-detail" data-start={m.start}>
      <header className="panel mapping-header">
        <div>
          <a href={backHref}>← pid {pid}</a>
          <h2 className="mono">
            {m.start}–{m.end} <span className="perms">{m.perms}</span>
          </h2>
          <div className="mono ellipsis" title={m.path}>
            {m.path === '' ? <span className="muted">{mappingName(m)}</span> : m.path}
          </div>
          <div className="facts">
            <span>
              <i className="dot" style={{ background: category.color }} />
              {category.title === m.kind ? m.kind : <>{category.title} <span className="muted">({m.kind})</span></>}
            </span>
            <span>
              Size <strong>{formatHumanKb(sizeKb)}</strong> <span className="muted">{formatExactKb(sizeKb)}</span>
            </span>
            {typeof rss === 'number' ? (
              <span data-testid="mapping-rss">
                Rss <strong>{formatHumanKb(rss)}</strong> <span className="muted">{formatExactKb(rss)}</span>
              </span>
            ) : null}
          </div>
          {origin === 'live' ? <TranslateAddressForm pid={pid} initialAddress={m.start} hint={`a hex address in ${m.start}–${m.end}`} /> : null}
        </div>
      </header>
      {banners}
      {origin === 'live' ? (
        <section className="panel mapping-pages" data-testid="mapping-pages">
          <h3>Pages</h3>
          <a href={`#/process/${pid}/mapping/${m.start}/pages`} data-testid="open-page-map">
            Page map
          </a>{' '}
          <span className="muted">every page as the kernel holds it (present, shared, swapped, zero, dirty)</span> ·{' '}
          <a href={`#/process/${pid}/mapping/${m.start}/what-if`} data-testid="open-what-if">
            What if…
          </a>{' '}
          <span className="muted">fork, copy-on-write, exit, dontneed: predicted Rss/Pss per process</span>
          {m.kind === 'heap' ? (
            <>
              {' '}
              ·{' '}
              <a href={`#/process/${pid}/heap`} data-testid="open-heap-view">
                Heap view
              </a>{' '}
              <span className="muted">this process’s glibc heap read live: arenas, chunks, bins, mallinfo2</span>
            </>
          ) : null}
        </section>
      ) : null}
      <div className="two-columns">
        <section className="panel">
          <h3>Mapping</h3>
          <table className="fields">
            <tbody>
              <tr>
                <th>Perms</th>
                <td className="mono">{m.perms}</td>
                <td className="muted">{describePerms(m.perms)}</td>
              </tr>
              <tr>
                <th>Offset</th>
                <td className="mono">{m.offset}</td>
                <td className="muted">{`byte ${offsetBytes.toLocaleString('en-US')} of the file where this mapping starts`}</td>
              </tr>
              <tr>
                <th>Device</th>
                <td className="mono">{m.dev}</td>
                <td className="muted">{m.inode === 0 ? 'no file' : describeDevice(m.dev)}</td>
              </tr>
              <tr>
                <th>Inode</th>
                <td className="mono">{m.inode}</td>
                <td className="muted">{m.inode === 0 ? 'anonymous or pseudo mapping' : 'inode of the backing file on that device'}</td>
              </tr>
              <tr>
                <th>Kind</th>
                <td>{m.kind}</td>
                <td className="muted">{category.description}</td>
              </tr>
            </tbody>
          </table>
          {notes.length > 0 ? (
            <ul className="notes" data-testid="mapping-notes">
              {notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          ) : null}
          <h3>VmFlags</h3>
          {Array.isArray(flags) ? (
            <table className="fields" data-testid="vmflags">
              <tbody>
                {decodeVmFlags(flags).map((f) => (
                  <tr key={f.code}>
                    <th className="mono">{f.code}</th>
                    <td>{f.meaning ?? <span className="muted">(no description)</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">VmFlags not available (smaps unreadable).</p>
          )}
          <h3>Rss while watched</h3>
          {rssHistory === null ? (
            <p className="muted">A snapshot holds one reading per mapping: no history.</p>
          ) : (
            <>
              {rssHistory.length > 0 ? (
                <div className="muted" data-testid="mapping-rss-range">
                  now {formatHumanKb(rssHistory[rssHistory.length - 1]?.kb ?? 0)} · min {formatHumanKb(Math.min(...rssHistory.map((p) => p.kb)))} · max{' '}
                  {formatHumanKb(Math.max(...rssHistory.map((p) => p.kb)))} · {rssHistory.length} readings since {formatClock(rssHistory[0]?.tMs ?? 0)}
                </div>
              ) : null}
              <SmallAreaChart points={rssHistory} heightPx={120} name="Rss" testId="mapping-rss-chart" />
              <div className="source-note">measured: this mapping's Rss in /proc/{pid}/smaps, re-read every few seconds while this page is open</div>
            </>
          )}
        </section>
        <section className="panel">
          <h3>smaps fields</h3>
          {fields.length === 0 ? (
            <p className="muted">smaps could not be read for this process: only what /proc/PID/maps says is known.</p>
          ) : (
            <table className="fields smaps-fields" data-testid="smaps-fields">
              <tbody>
                {fields.map(([name, value]) => {
                  const help = describeSmapsField(name);
                  const n = typeof value === 'number' ? value : null;
                  return (
                    <tr key={name} data-testid={`smaps-field-${name}`}>
                      <th className="mono">{name}</th>
                      <td className="num value" data-value={n ?? undefined}>
                        {n === null ? String(value) : help?.unit === '' ? formatCount(n) : formatExactKb(n)}
                        {n !== null && help?.unit !== '' && n >= 1024 ? <div className="muted">{formatHumanKb(n)}</div> : null}
                      </td>
                      <td className={help === null ? 'muted' : ''}>{help?.text ?? '(no description)'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          <div className="source-note">
            {origin === 'live' ? 'measured' : 'from the snapshot'}: /proc/{pid}/smaps{atMs === null ? '' : ` at ${formatClock(atMs)}`}
          </div>
        </section>
      </div>
    </div>
  );
}
