// The page an address lands in, as /proc/PID/pagemap and (as root) /proc/kpagecount and /proc/kpageflags
// describe it: present/swapped, exclusive, file/shared, soft-dirty, PFN, physical address, map count and the
// stable KPF_* flags (Documentation/admin-guide/mm/pagemap.rst), or what needs root when those are hidden.
import type { TranslationReport } from '../../shared/mm/translate.js';
import { PAGE_SIZE } from '../../shared/units.js';
import { formatCount } from '../format.js';
import { Banner } from './banner.js';

/** What each stable kpageflags bit means (include/uapi/linux/kernel-page-flags.h, pagemap.rst). */
const KPF_MEANINGS: Readonly<Record<string, string>> = {
  LOCKED: 'locked for exclusive access (I/O in flight)',
  ERROR: 'an I/O error occurred',
  REFERENCED: 'referenced since it was last put on an LRU list',
  UPTODATE: 'holds up-to-date data',
  DIRTY: 'written to: must be written back (file) or kept (anon) before reuse',
  LRU: 'on an LRU list: the reclaimer can find it',
  ACTIVE: 'on the active LRU list (recently used)',
  SLAB: 'owned by the kernel slab allocator',
  WRITEBACK: 'being written back to disk',
  RECLAIM: 'to be reclaimed right after its write-back',
  BUDDY: 'a free block of the buddy allocator',
  MMAP: 'mapped into some process',
  ANON: 'anonymous memory (not from a file)',
  SWAPCACHE: 'has a swap slot (in the swap cache)',
  SWAPBACKED: 'backed by swap or RAM (anon, shmem)',
  COMPOUND_HEAD: 'first page of a compound page (a large folio)',
  COMPOUND_TAIL: 'a later page of a compound page',
  HUGE: 'part of a hugetlbfs page',
  UNEVICTABLE: 'unevictable (mlocked, ramfs, SHM_LOCK)',
  HWPOISON: 'hardware detected memory corruption',
  NOPAGE: 'no page frame at this PFN',
  KSM: 'merged by KSM: identical pages shared',
  THP: 'part of a transparent huge page',
  OFFLINE: 'logically offline',
  ZERO_PAGE: 'the shared zero page',
  IDLE: 'not accessed since marked idle',
  PGTABLE: 'used as a page table',
};

function YesNo({ value }: { value: boolean }) {
  return <span className={value ? 'ok' : 'muted'}>{value ? 'yes' : 'no'}</span>;
}

/** The page's state and frame. */
export function PageFacts({ report: r }: { report: TranslationReport }) {
  const p = r.pagemap;
  const state = p.present ? 'present' : p.swapped ? 'swapped' : 'not present';
  const frameHidden = r.pfn === null && p.present;
  return (
    <div className="page-facts" data-testid="page-facts" data-present={p.present} data-swapped={p.swapped} data-pfn={r.pfn ?? ''}>
      <table className="fields">
        <tbody>
          <tr>
            <th>State</th>
            <td data-testid="page-state">
              <strong>{state}</strong>
            </td>
            <td className="muted">
              {p.present
                ? 'the page is in RAM: the last-level entry holds its frame number'
                : p.swapped
                  ? `swapped out: the entry holds swap area ${p.swapType ?? '?'}, offset ${p.swapOffset ?? '?'} (in pages); touching it faults it back in`
                  : 'no frame: never touched (the first access faults a page in), or reclaimed; the walk stops at the first empty entry'}
            </td>
          </tr>
          <tr>
            <th>Exclusive</th>
            <td>
              <YesNo value={p.exclusive} />
            </td>
            <td className="muted">mapped by this process only (PM_MMAP_EXCLUSIVE); no means shared with another mapper, or not mapped</td>
          </tr>
          <tr>
            <th>File / shared</th>
            <td>
              <YesNo value={p.file} />
            </td>
            <td className="muted">a page-cache page or shared anonymous memory (PM_FILE); no for private anonymous memory</td>
          </tr>
          <tr>
            <th>Soft-dirty</th>
            <td>
              <YesNo value={p.softDirty} />
            </td>
            <td className="muted">written since soft-dirty bits were last cleared (echo 4 &gt; /proc/PID/clear_refs); always no on kernels built without CONFIG_MEM_SOFT_DIRTY</td>
          </tr>
          {r.pfn !== null ? (
            <>
              <tr>
                <th>PFN</th>
                <td className="mono" data-testid="page-pfn">
                  {r.pfn} <span className="muted">(0x{r.pfn.toString(16)})</span>
                </td>
                <td className="muted">page frame number: which 4 KiB frame of physical memory{r.pageSizeBytes > PAGE_SIZE ? ' (this 4 KiB part of the huge page)' : ''}</td>
              </tr>
              <tr>
                <th>Physical address</th>
                <td className="mono" data-testid="page-physical">
                  0x{r.physicalAddress}
                </td>
                <td className="muted">
                  PFN × 4096 + 0x{(BigInt(`0x${r.address}`) & BigInt(PAGE_SIZE - 1)).toString(16)} (the address's low 12 bits)
                </td>
              </tr>
              <tr>
                <th>kpagecount</th>
                <td className="mono" data-testid="page-kpagecount">
                  {r.kpagecount === null ? '–' : formatCount(r.kpagecount)}
                </td>
                <td className="muted">page-table entries mapping this frame, across every process (/proc/kpagecount)</td>
              </tr>
            </>
          ) : null}
        </tbody>
      </table>
      {r.kpageflags !== null ? (
        <>
          <h3 className="facts-subhead">kpageflags</h3>
          {r.kpageflags.length === 0 ? (
            <p className="muted">no stable flag set</p>
          ) : (
            <table className="fields" data-testid="page-kpageflags">
              <tbody>
                {r.kpageflags.map((f) => (
                  <tr key={f}>
                    <th className="mono">{f}</th>
                    <td>{KPF_MEANINGS[f] ?? <span className="muted">(no description)</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : null}
      {frameHidden || r.restricted.length > 0 ? (
        <Banner tone="info" title={frameHidden ? 'The frame needs root' : 'Not everything could be read'} testId="page-restricted">
          {frameHidden ? (
            <p>
              The kernel zeroes the PFN field of /proc/PID/pagemap for readers without CAP_SYS_ADMIN, and /proc/kpagecount and /proc/kpageflags are root
              only: run memscope as root to see the PFN, the physical address, the map count and the page flags.
            </p>
          ) : null}
          <ul className="notes">
            {r.restricted.map((why) => (
              <li key={why}>{why}</li>
            ))}
          </ul>
        </Banner>
      ) : null}
    </div>
  );
}
