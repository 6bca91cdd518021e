// #/process/PID/translate/ADDR: how one virtual address of a live process becomes a physical one
// (translateAddress, electron/host/proc/address-translation-reader.ts): its bits, the page-table walk level by
// level, the page size, and the page as pagemap/kpageflags see it. Bad, unmapped or non-canonical addresses are
// explained in place.
import { formatPageSize, type TranslationReport } from '../../shared/mm/translate.js';
import { computeReachBytes, DEFAULT_TLB_2M, DEFAULT_TLB_4K } from '../../shared/sim/tlb/params.js';
import { formatBytes, formatSizeBytes, hexToBigInt } from '../../shared/units.js';
import { AddressBits } from '../components/address-bits.js';
import { Banner } from '../components/banner.js';
import { PageFacts } from '../components/page-facts.js';
import { PageWalkDiagram } from '../components/page-walk-diagram.js';
import { TranslateAddressForm } from '../components/translate-address-form.js';
import { useTranslation } from '../hooks/use-translation.js';
import { navigate } from '../state/router.js';
import type { UiError } from '../ui-error.js';

/** TLB reach next to the mapping's size: how much of it a first-level DTLB covers. */
function describeReach(r: TranslationReport): string {
  const sizeBytes = Number(hexToBigInt(r.mapping.end) - hexToBigInt(r.mapping.start));
  const reach4k = computeReachBytes(DEFAULT_TLB_4K);
  const reach2m = computeReachBytes(DEFAULT_TLB_2M);
  const share = (reach: number) => (reach >= sizeBytes ? 'all of it' : `${((reach / sizeBytes) * 100).toFixed(reach / sizeBytes < 0.01 ? 2 : 0)}% of it`);
  return (
    `This mapping is ${formatBytes(sizeBytes, { wholeUnits: true })}. A ${DEFAULT_TLB_4K.entries}-entry DTLB of 4 KiB pages reaches ${formatSizeBytes(reach4k)} (${share(reach4k)}); ` +
    `${DEFAULT_TLB_2M.entries} entries of 2 MiB pages reach ${formatSizeBytes(reach2m)} (${share(reach2m)}). Past the reach, accesses pay page walks like this one.`
  );
}

function describeError(address: string, error: UiError): string {
  if (error.code === 'gone') return 'The process is gone';
  if (error.code === 'denied') return `Permission denied reading the process's page tables`;
  return `Cannot translate ${JSON.stringify(address)}`;
}

/** The translation page (data-testid="translate-view"). */
export function TranslateView({ pid, address }: { pid: number; address: string }) {
  const { report: r, error, loading, refresh } = useTranslation(pid, address);
  const state = loading ? 'loading' : error !== null ? 'error' : r !== null ? 'done' : 'idle';
  const step = (direction: 1 | -1) => {
    if (r === null) return;
    const next = hexToBigInt(r.pageStart) + BigInt(direction * r.pageSizeBytes) + BigInt(r.offsetBytes);
    if (next >= 0n) navigate({ name: 'translate', pid, address: next.toString(16) });
  };

  return (
    <div className="page translate-view" data-testid="translate-view" data-pid={pid} data-address={address} data-state={state}>
      <header className="panel">
        <a href={`#/process/${pid}`}>← pid {pid}</a>
        <h2>Address translation</h2>
        <p className="muted">
          How the MMU turns a virtual address of process {pid} into a physical one: CR3 points at the top page table, nine bits of the address pick an entry at
          each level, the last entry names the page frame, and the low bits are the offset in it. The kernel does not show page tables to user space; the
          indices follow from the address, the page from /proc/{pid}/pagemap.
        </p>
        <TranslateAddressForm pid={pid} initialAddress={address} label="Address" />
      </header>

      {address === '' ? <p className="muted">Type an address of process {pid} (hex, 0x optional), e.g. a mapping's start from its mappings table.</p> : null}
      {loading && r === null ? <p className="muted">walking /proc/{pid}/pagemap…</p> : null}
      {error !== null ? (
        <Banner tone={error.code === 'gone' ? 'gone' : error.code === 'denied' ? 'warn' : 'error'} title={describeError(address, error)} testId="translate-error">
          {error.message}
          {error.code === 'gone' || error.code === 'denied' ? <div className="muted">{error.hint}</div> : null}
        </Banner>
      ) : null}

      {r !== null ? (
        <>
          <section className="panel" data-testid="translate-summary">
            <div className="toolbar">
              <strong className="mono translate-address">{r.address}</strong>
              <span className="spacer" />
              <button type="button" onClick={() => step(-1)} title="the same offset in the page below">
                ← previous page
              </button>
              <button type="button" onClick={() => step(1)} title="the same offset in the page above">
                next page →
              </button>
              <button type="button" onClick={refresh} disabled={loading} title="read pagemap again">
                {loading ? 'reading…' : 'Refresh'}
              </button>
            </div>
            <table className="fields">
              <tbody>
                <tr>
                  <th>Mapping</th>
                  <td className="mono nowrap">
                    <a href={`#/process/${pid}/mapping/${r.mapping.start}`}>
                      {r.mapping.start}–{r.mapping.end}
                    </a>{' '}
                    {r.mapping.perms}
                  </td>
                  <td>
                    {r.mapping.kind} <span className="mono muted">{r.mapping.path}</span>
                  </td>
                </tr>
                <tr>
                  <th>Paging</th>
                  <td>{r.paging.levels}-level</td>
                  <td className="muted">{r.paging.reason}</td>
                </tr>
                <tr>
                  <th>Page size</th>
                  <td data-testid="translate-page-size" data-bytes={r.pageSizeBytes}>
                    <strong>{formatPageSize(r.pageSizeBytes)}</strong>
                  </td>
                  <td className="muted">{r.pageSizeEvidence}</td>
                </tr>
                <tr>
                  <th>TLB reach</th>
                  <td />
                  <td className="muted">{describeReach(r)}</td>
                </tr>
              </tbody>
            </table>
          </section>
          <section className="panel">
            <h3>The address, bit by bit</h3>
            <AddressBits address={r.address} walk={r.walk} offsetHighBit={r.offsetHighBit} offsetBytes={r.offsetBytes} />
          </section>
          <section className="panel">
            <h3>Page-table walk</h3>
            <div className="walk-box">
              <PageWalkDiagram report={r} />
            </div>
            <table className="kind-summary walk-table-text" data-testid="walk-table">
              <thead>
                <tr>
                  <th>level</th>
                  <th className="num">index</th>
                  <th>bits</th>
                  <th className="num">entry offset</th>
                  <th>one entry maps</th>
                  <th>selects</th>
                </tr>
              </thead>
              <tbody>
                {r.walk.map((s) => (
                  <tr key={s.level} data-level={s.level} data-index={s.index}>
                    <td>
                      <i className={`dot lvl-dot lvl-${s.level}`} />
                      {s.level}
                    </td>
                    <td className="num mono">{s.index}</td>
                    <td className="mono">
                      {s.highBit}–{s.lowBit}
                    </td>
                    <td className="num mono">+0x{s.entryOffsetBytes.toString(16)}</td>
                    <td>{formatSizeBytes(s.entryCoversBytes)}</td>
                    <td>{s.selects}</td>
                  </tr>
                ))}
                <tr>
                  <td>
                    <i className="dot lvl-dot lvl-offset" />
                    offset
                  </td>
                  <td className="num mono">0x{r.offsetBytes.toString(16)}</td>
                  <td className="mono">{r.offsetHighBit}–0</td>
                  <td />
                  <td />
                  <td>the byte in the {formatPageSize(r.pageSizeBytes)} page</td>
                </tr>
              </tbody>
            </table>
          </section>
          <section className="panel">
            <h3>The page</h3>
            <PageFacts report={r} />
            <div className="source-note">measured: /proc/{pid}/maps, smaps and pagemap{r.pfn !== null ? ', /proc/kpagecount and /proc/kpageflags' : ''}</div>
          </section>
        </>
      ) : null}
    </div>
  );
}
