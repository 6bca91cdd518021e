// One virtual page of a process as `memscope pages` reports it (pagemap + kpageflags + kpagecount), the chunk
// of typed arrays pages are read in, and the totals over a range, with Rss and Pss computed as
// fs/proc/task_mmu.c smaps_account() does (Linux 6.x, 4 KiB pages).

import { hasKpageflag, KPF_ANON, KPF_DIRTY, KPF_KSM, KPF_LRU, KPF_THP, KPF_ZERO_PAGE, decodeKpageflags } from './kpageflags.js';
import { PAGEMAP_ENTRY_BYTES, PM_HIGH_WORD, decodePagemapEntry, type PagemapSummary } from './pagemap.js';
import { PAGE_SIZE, PAGE_SIZE_KB } from '../units.js';
import { computePagePssShifted, convertPssShiftedToKb } from './pss.js';

/**
 * Consecutive pages of a range as read from /proc: pagemap entries and, when PFNs are visible (root), the
 * kpageflags and kpagecount of each present page. Invariants: pagemap.byteLength >= pageCount * 8;
 * kpageflags and kpagecount are both null or both hold >= pageCount elements, 0 for a page not present.
 */
export interface PagesChunk {
  /** Index within the range of the chunk's first page. */
  firstIndex: number;
  /** Virtual address of the chunk's first page. */
  firstAddress: bigint;
  pageCount: number;
  /** The pages' /proc/PID/pagemap entries, PAGEMAP_ENTRY_BYTES each, little-endian. */
  pagemap: DataView;
  /** Per page: the low 32 bits of its /proc/kpageflags word (every stable KPF_* bit); null without root. */
  kpageflags: Uint32Array | null;
  /** Per page: its /proc/kpagecount word, the number of page-table mappings of the page; null without root. */
  kpagecount: Uint32Array | null;
}

/** One page of a range, the record `memscope pages --json` prints. */
export interface PageRow {
  /** 0-based index of the page within the range. */
  index: number;
  /** Virtual address, lowercase hex without 0x as /proc/PID/maps prints addresses. */
  address: string;
  present: boolean;
  swapped: boolean;
  /** Mapped by exactly one process (pagemap bit 56, PM_MMAP_EXCLUSIVE). */
  exclusive: boolean;
  /** A page-cache page or shared anonymous (shmem) page (pagemap bit 61, PM_FILE). */
  file: boolean;
  softDirty: boolean;
  /** Page frame number of a present page; null when not present or PFNs are hidden (no root). */
  pfn: number | null;
  /** /proc/kpagecount of the page: 0 for the zero page; null when not present or without root. */
  mapCount: number | null;
  /** Stable KPF_* names set in /proc/kpageflags (e.g. "ANON", "LRU"); null when not present or without root. */
  flags: string[] | null;
}

/** Lowercase hex address of page i of a chunk (exact also past 2^53, where [vsyscall] lies). */
export function formatPageAddress(chunk: PagesChunk, i: number): string {
  return (chunk.firstAddress + BigInt(i * PAGE_SIZE)).toString(16);
}

/** The record of page i (0 <= i < chunk.pageCount) of a chunk. */
export function getPageRow(chunk: PagesChunk, i: number): PageRow {
  const e = decodePagemapEntry(chunk.pagemap, i);
  const known = e.present && chunk.kpageflags !== null && chunk.kpagecount !== null;
  return {
    index: chunk.firstIndex + i,
    address: formatPageAddress(chunk, i),
    present: e.present,
    swapped: e.swapped,
    exclusive: e.exclusive,
    file: e.file,
    softDirty: e.softDirty,
    pfn: known ? e.pfn : null,
    mapCount: known ? chunk.kpagecount![i]! : null,
    flags: known ? decodeKpageflags(chunk.kpageflags![i]!) : null,
  };
}

/**
 * Page counts over a range: pagemap's own (PagemapSummary), then what kpageflags and kpagecount add. Those are
 * null when PFNs are not visible (no root): without kpageflags the zero page cannot be told from a shared
 * anonymous page, so Rss and Pss are unknown too.
 * Invariants (checked by checkPagesTotals): present + swapped <= pageCount; exclusive, file, softDirty <= pageCount;
 * the root-only fields are all null or all numbers; when numbers, zeroPage + private + shared <= present,
 * rssKb = (private + shared) * 4, pssKb <= rssKb and anon <= private + shared.
 */
export interface PagesTotals extends PagemapSummary {
  /**
   * Kilobytes of present pages that smaps counts in Rss: pages with a mapping count >= 1 (the zero page and
   * special PFN mappings have none).
   */
  rssKb: number | null;
  /** Proportional set size as smaps sums it: per page PAGE_SIZE / mapCount, floored like the kernel. */
  pssKb: number | null;
  /** Pages flagged ANON (smaps Anonymous / 4). */
  anon: number | null;
  /** PTEs mapping the zero page (present in pagemap, not in Rss). */
  zeroPage: number | null;
  /** Pages mapped once (smaps Private_*). */
  private: number | null;
  /** Pages mapped twice or more (smaps Shared_*). */
  shared: number | null;
  /** Pages whose folio is dirty (KPF_DIRTY; a dirty PTE alone is not visible here). */
  dirty: number | null;
  /** Pages on an LRU list. */
  lru: number | null;
  /** Pages of a transparent huge page. */
  thp: number | null;
  /** KSM-merged pages. */
  ksm: number | null;
}

/** Running sums behind {@link PagesTotals}; Pss is kept in the kernel's PSS_SHIFT units until the end. */
export interface PagesTally {
  totals: PagesTotals;
  /** Sum over pages of (PAGE_SIZE << PSS_SHIFT) / mapCount, integer division per page as smaps_account() does. */
  pssShifted: number;
  /** Whether chunks carry kpageflags/kpagecount (fixed by the first chunk added). */
  pfnsVisible: boolean;
}

/** An empty tally; pfnsVisible says whether the root-only totals will be computed. */
export function createPagesTally(pfnsVisible: boolean): PagesTally {
  const known = pfnsVisible ? 0 : null;
  return {
    totals: {
      pageCount: 0,
      present: 0,
      swapped: 0,
      exclusive: 0,
      file: 0,
      softDirty: 0,
      rssKb: known,
      pssKb: known,
      anon: known,
      zeroPage: known,
      private: known,
      shared: known,
      dirty: known,
      lru: known,
      thp: known,
      ksm: known,
    },
    pssShifted: 0,
    pfnsVisible,
  };
}

/** Adds every page of a chunk to the tally (one pass over the typed arrays, no per-page objects). */
export function addChunkToTally(tally: PagesTally, chunk: PagesChunk): void {
  const t = tally.totals;
  const view = chunk.pagemap;
  const flags = tally.pfnsVisible ? chunk.kpageflags : null;
  const counts = tally.pfnsVisible ? chunk.kpagecount : null;
  let present = 0;
  let swapped = 0;
  let exclusive = 0;
  let file = 0;
  let softDirty = 0;
  let anon = 0;
  let zeroPage = 0;
  let priv = 0;
  let shared = 0;
  let dirty = 0;
  let lru = 0;
  let thp = 0;
  let ksm = 0;
  let pss = 0;
  for (let i = 0; i < chunk.pageCount; i++) {
    const hi = view.getUint32(i * PAGEMAP_ENTRY_BYTES + 4, true);
    if ((hi & PM_HIGH_WORD.PM_SWAP) !== 0) swapped++;
    if ((hi & PM_HIGH_WORD.PM_MMAP_EXCLUSIVE) !== 0) exclusive++;
    if ((hi & PM_HIGH_WORD.PM_FILE) !== 0) file++;
    if ((hi & PM_HIGH_WORD.PM_SOFT_DIRTY) !== 0) softDirty++;
    if ((hi & PM_HIGH_WORD.PM_PRESENT) === 0) continue;
    present++;
    if (flags === null || counts === null) continue;
    const f = flags[i]!;
    const mapCount = counts[i]!;
    if (hasKpageflag(f, KPF_ZERO_PAGE)) zeroPage++;
    if (hasKpageflag(f, KPF_ANON)) anon++;
    if (hasKpageflag(f, KPF_DIRTY)) dirty++;
    if (hasKpageflag(f, KPF_LRU)) lru++;
    if (hasKpageflag(f, KPF_THP)) thp++;
    if (hasKpageflag(f, KPF_KSM)) ksm++;
    if (mapCount === 1) {
      priv++;
      pss += computePagePssShifted(1);
    } else if (mapCount >= 2) {
      shared++;
      pss += computePagePssShifted(mapCount);
    }
  }
  t.pageCount += chunk.pageCount;
  t.present += present;
  t.swapped += swapped;
  t.exclusive += exclusive;
  t.file += file;
  t.softDirty += softDirty;
  if (flags !== null && counts !== null) {
    t.anon = (t.anon ?? 0) + anon;
    t.zeroPage = (t.zeroPage ?? 0) + zeroPage;
    t.private = (t.private ?? 0) + priv;
    t.shared = (t.shared ?? 0) + shared;
    t.dirty = (t.dirty ?? 0) + dirty;
    t.lru = (t.lru ?? 0) + lru;
    t.thp = (t.thp ?? 0) + thp;
    t.ksm = (t.ksm ?? 0) + ksm;
    tally.pssShifted += pss;
    t.rssKb = ((t.private ?? 0) + (t.shared ?? 0)) * PAGE_SIZE_KB;
    t.pssKb = convertPssShiftedToKb(tally.pssShifted);
  }
}

/** Checks the invariants documented on {@link PagesTotals}; returns one message per violation (empty when sound). */
export function checkPagesTotals(t: PagesTotals): string[] {
  const problems: string[] = [];
  const expect = (ok: boolean, equation: string): void => {
    if (!ok) problems.push(`${equation} violated by ${JSON.stringify(t)}`);
  };
  expect(t.present + t.swapped <= t.pageCount, 'present + swapped <= pageCount');
  expect(t.exclusive <= t.pageCount && t.file <= t.pageCount && t.softDirty <= t.pageCount, 'exclusive, file, softDirty <= pageCount');
  if (t.rssKb === null) {
    expect([t.pssKb, t.anon, t.zeroPage, t.private, t.shared, t.dirty, t.lru, t.thp, t.ksm].every((v) => v === null), 'all root-only totals are null together');
    return problems;
  }
  const priv = t.private ?? NaN;
  const shared = t.shared ?? NaN;
  expect((t.zeroPage ?? NaN) + priv + shared <= t.present, 'zeroPage + private + shared <= present');
  expect(t.rssKb === (priv + shared) * PAGE_SIZE_KB, 'rssKb = (private + shared) * 4');
  expect((t.pssKb ?? NaN) <= t.rssKb, 'pssKb <= rssKb');
  expect((t.anon ?? NaN) <= priv + shared, 'anon <= private + shared');
  return problems;
}
